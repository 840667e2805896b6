import type { User } from '../../src/http/wire-types';
import { Header } from './components/header';
import { useI18n } from './i18n/i18n';
import { MaintenanceBanner } from './maintenance/banner';
import { MaintenanceProvider } from './maintenance/maintenance';
import { Page } from './routes';

/**
 * The console once signed in: the header, the maintenance banner and the page. Its own chunk (with
 * the maintenance switches' texts), fetched after sign-in, so the sign-in page does not carry it.
 */
export default function SignedIn({ user, path }: { readonly user: User; readonly path: string }) {
  const { t } = useI18n();
  return (
    <MaintenanceProvider user={user}>
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <Header user={user} />
      <MaintenanceBanner />
      <main id="main" className="main">
        <Page path={path} user={user} />
      </main>
    </MaintenanceProvider>
  );
}
