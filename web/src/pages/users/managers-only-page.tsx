import { PageTitle } from '../../components/page-title';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router/router';

/** What a workspace member sees on a page for organization managers (the API refuses them too). */
export function ManagersOnlyPage() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('users.managersOnlyTitle')}</PageTitle>
      <p className="notice notice--error" role="alert" data-testid="managers-only">
        {t('users.managersOnly')}
      </p>
      <p>
        <Link to="/">{t('errors.home')}</Link>
      </p>
    </>
  );
}
