import { lazy, Suspense, useEffect } from 'react';
import { Loading } from './components/loading';
import { PageLoadBoundary } from './components/page-load-boundary';
import { SignInPage } from './pages/sign-in/sign-in-page';
import { preloadPage } from './routes';
import { usePath } from './router/router';
import { useSession } from './session/session';

/** The signed-in layout (header, banner, pages): a chunk of its own, fetched after sign-in. */
const SignedIn = lazy(() => import('./signed-in'));

/** The console: sign-in when signed out; otherwise the header, the maintenance banner and the page. */
export function App() {
  const { state } = useSession();
  const path = usePath();
  const user = state.kind === 'signed-in' ? state.user : undefined;
  // The page's chunk is fetched alongside the layout's, not after it.
  useEffect(() => {
    if (user) preloadPage(path, user);
  }, [user, path]);
  if (state.kind === 'loading') return <Loading />;
  if (state.kind === 'signed-out') return <SignInPage expired={state.expired} />;
  return (
    <PageLoadBoundary>
      <Suspense fallback={<Loading />}>
        <SignedIn user={state.user} path={path} />
      </Suspense>
    </PageLoadBoundary>
  );
}
