import { Suspense, useEffect, useState } from 'react';
import type { User } from '../../src/http/wire-types';
import { Loading } from './components/loading';
import { PageLoadBoundary } from './components/page-load-boundary';
import { SignInPage } from './pages/sign-in/sign-in-page';
import { lazyPage, preloadPage } from './routes';
import { usePath } from './router/router';
import { useSession } from './session/session';

/** The signed-in layout (header, banner, pages): a chunk of its own, fetched after sign-in. */
const SignedIn = lazyPage<{ user: User; path: string }>(() => import('./signed-in').then((m) => m.default));

/** The console: sign-in when signed out; otherwise the header, the maintenance banner and the page. */
export function App() {
  const { state } = useSession();
  const path = usePath();
  const user = state.kind === 'signed-in' ? state.user : undefined;
  // The page's chunk is fetched alongside the layout's, not after it; "Loading…" stays until both
  // are here, so the first page renders at once (no Suspense reveal held back). A chunk that cannot
  // be fetched is reported by the page's own render (the boundary below).
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (!user) return;
    let live = true;
    void Promise.allSettled([SignedIn.preload(), preloadPage(path, user)]).then(() => live && setReady(true));
    return () => {
      live = false;
    };
  }, [user, path]);
  if (state.kind === 'loading') return <Loading />;
  if (state.kind === 'signed-out') return <SignInPage expired={state.expired} />;
  if (!ready) return <Loading />;
  return (
    <PageLoadBoundary>
      <Suspense fallback={<Loading />}>
        <SignedIn.Page user={state.user} path={path} />
      </Suspense>
    </PageLoadBoundary>
  );
}
