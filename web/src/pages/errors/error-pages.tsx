import { PageTitle } from '../../components/page-title';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router/router';

/** What a user who is not a system administrator sees on a system page (the API refuses them too). */
export function AdminOnlyPage() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('errors.adminOnlyTitle')}</PageTitle>
      <p className="notice notice--error" role="alert" data-testid="admin-only">
        {t('errors.adminOnly')}
      </p>
      <p>
        <Link to="/">{t('errors.home')}</Link>
      </p>
    </>
  );
}

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('errors.notFoundTitle')}</PageTitle>
      <p>{t('errors.notFound')}</p>
      <p>
        <Link to="/">{t('errors.home')}</Link>
      </p>
    </>
  );
}
