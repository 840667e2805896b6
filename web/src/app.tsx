import { Header } from './components/header';
import { useI18n } from './i18n/i18n';
import { MaintenanceBanner } from './maintenance/banner';
import { MaintenanceProvider } from './maintenance/maintenance';
import { SignInPage } from './pages/sign-in/sign-in-page';
import { Page } from './routes';
import { usePath } from './router/router';
import { useSession } from './session/session';

/** The console: sign-in when signed out; otherwise the header, the maintenance banner and the page. */
export function App() {
  const { state } = useSession();
  const { t } = useI18n();
  const path = usePath();
  if (state.kind === 'loading') {
    return (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  }
  if (state.kind === 'signed-out') return <SignInPage expired={state.expired} />;
  return (
    <MaintenanceProvider user={state.user}>
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <Header user={state.user} />
      <MaintenanceBanner />
      <main id="main" className="main">
        <Page path={path} user={state.user} />
      </main>
    </MaintenanceProvider>
  );
}
