import { lazy, Suspense, useEffect, type ComponentType, type ReactNode } from 'react';
import type { User } from '../../src/http/wire-types';
import { Loading } from './components/loading';
import { PageLoadBoundary } from './components/page-load-boundary';
import { matchPath, navigate, onLinkIntent } from './router/router';

/**
 * A page whose code is its own chunk, fetched the first time the page is shown: the sign-in page
 * (the first load) carries none of them. `preload` starts the fetch early (see `preloadPage`); the
 * browser fetches and runs a module once, however often it is imported.
 *
 * Once its code is here, the page renders directly, without suspending: React holds back what a
 * Suspense boundary reveals for up to 300 ms after its fallback showed, so a page whose code
 * arrived with the layout's would otherwise wait for nothing.
 */
export function lazyPage<P extends object>(
  load: () => Promise<ComponentType<P>>,
): { readonly Page: ComponentType<P>; readonly preload: () => Promise<unknown> } {
  let loaded: ComponentType<P> | undefined;
  const preload = () =>
    load().then((component) => {
      loaded = component;
      return component;
    });
  const Lazy = lazy(async () => ({ default: await preload() }));
  const Page = (props: P) => {
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Lazy {...props} />;
  };
  return { Page, preload };
}

const Settings = lazyPage(() => import('./pages/settings/settings-page').then((m) => m.SettingsPage));
const Backyard = lazyPage(() => import('./pages/backyard/backyard-page').then((m) => m.BackyardPage));
const Fleet = lazyPage(() => import('./pages/fleet/fleet-page').then((m) => m.FleetPage));
const FleetRun = lazyPage(() => import('./pages/fleet/fleet-run-page').then((m) => m.FleetRunPage));
const Organizations = lazyPage(() => import('./pages/organizations/organizations-page').then((m) => m.OrganizationsPage));
const Workspaces = lazyPage(() => import('./pages/workspaces/workspaces-page').then((m) => m.WorkspacesPage));
const Workspace = lazyPage(() => import('./pages/workspace/workspace-page').then((m) => m.WorkspacePage));
const Records = lazyPage(() => import('./pages/records/records-page').then((m) => m.RecordsPage));
const Jobs = lazyPage(() => import('./pages/jobs/jobs-page').then((m) => m.JobsPage));
const Job = lazyPage(() => import('./pages/jobs/job-page').then((m) => m.JobPage));
const Users = lazyPage(() => import('./pages/users/users-page').then((m) => m.UsersPage));
const UsersIndex = lazyPage(() => import('./pages/users/users-index-page').then((m) => m.UsersIndexPage));
const ManagersOnly = lazyPage(() => import('./pages/users/managers-only-page').then((m) => m.ManagersOnlyPage));
const Tokens = lazyPage(() => import('./pages/tokens/tokens-page').then((m) => m.TokensPage));
const LogLevels = lazyPage(() => import('./pages/log-levels/log-levels-page').then((m) => m.LogLevelsPage));
const PairSteps = lazyPage(() => import('./pages/fleet/pair-steps-page').then((m) => m.PairStepsPage));
const AdminOnly = lazyPage(() => import('./pages/errors/error-pages').then((m) => m.AdminOnlyPage));
const NotFound = lazyPage(() => import('./pages/errors/error-pages').then((m) => m.NotFoundPage));

interface Route {
  readonly pattern: string;
  /** Only system administrators; others get the refusal page. */
  readonly adminOnly?: boolean;
  /** Only organization managers and system administrators; workspace members get the refusal page. */
  readonly managerOnly?: boolean;
  readonly render: (params: Record<string, string>) => ReactNode;
  readonly preload: () => Promise<unknown>;
}

/** Every page of the console and who may open it. */
const ROUTES: readonly Route[] = [
  { pattern: '/system/settings', adminOnly: true, render: () => <Settings.Page />, preload: Settings.preload },
  { pattern: '/system/backyard', adminOnly: true, render: () => <Backyard.Page />, preload: Backyard.preload },
  { pattern: '/system/fleet', adminOnly: true, render: () => <Fleet.Page />, preload: Fleet.preload },
  { pattern: '/system/fleet/runs/:run', adminOnly: true, render: (p) => <FleetRun.Page id={p.run!} />, preload: FleetRun.preload },
  {
    pattern: '/system/fleet/runs/:run/pairs/:pair',
    adminOnly: true,
    render: (p) => <PairSteps.Page run={p.run!} pair={p.pair!} />,
    preload: PairSteps.preload,
  },
  { pattern: '/system/log-levels', adminOnly: true, render: () => <LogLevels.Page />, preload: LogLevels.preload },
  { pattern: '/users', managerOnly: true, render: () => <UsersIndex.Page />, preload: UsersIndex.preload },
  { pattern: '/o/:org/users', managerOnly: true, render: (p) => <Users.Page organization={p.org!} />, preload: Users.preload },
  { pattern: '/tokens', render: () => <Tokens.Page />, preload: Tokens.preload },
  { pattern: '/organizations', adminOnly: true, render: () => <Organizations.Page />, preload: Organizations.preload },
  { pattern: '/o/:org/workspaces', render: (p) => <Workspaces.Page organization={p.org!} />, preload: Workspaces.preload },
  { pattern: '/o/:org/w/:ws', render: (p) => <Workspace.Page organization={p.org!} workspace={p.ws!} />, preload: Workspace.preload },
  {
    pattern: '/o/:org/w/:ws/menus/:menu',
    render: (p) => <Records.Page organization={p.org!} workspace={p.ws!} menu={p.menu!} />,
    preload: Records.preload,
  },
  { pattern: '/o/:org/w/:ws/jobs', render: (p) => <Jobs.Page organization={p.org!} workspace={p.ws!} />, preload: Jobs.preload },
  { pattern: '/o/:org/w/:ws/jobs/:id', render: (p) => <Job.Page organization={p.org!} workspace={p.ws!} id={p.id!} />, preload: Job.preload },
];

/** Where `/` leads: administrators to the system state, others to their organization's workspaces. */
export function homeOf(user: User): string {
  if (user.role === 'system_admin' || !user.organization_id) return '/system/settings';
  return `/o/${encodeURIComponent(user.organization_id)}/workspaces`;
}

// A link's page is fetched when the user points at the link (a route's chunk, whoever opens it:
// fetching one a user may not open costs a few kilobytes, never access).
onLinkIntent((path) => {
  const route = ROUTES.find((r) => matchPath(r.pattern, path.split('?')[0] ?? path));
  void route?.preload().catch(() => undefined);
});

/** What `path` shows `user`: a route's page with its parameters, the refusal page, or the not-found page. */
function resolve(path: string, user: User): { readonly render: () => ReactNode; readonly preload: () => Promise<unknown> } {
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (!params) continue;
    if (route.adminOnly && user.role !== 'system_admin') return { render: () => <AdminOnly.Page />, preload: AdminOnly.preload };
    if (route.managerOnly && user.role === 'workspace_member') return { render: () => <ManagersOnly.Page />, preload: ManagersOnly.preload };
    return { render: () => route.render(params), preload: route.preload };
  }
  return { render: () => <NotFound.Page />, preload: NotFound.preload };
}

/**
 * Starts fetching the code of the page at `path` now, so it arrives alongside the signed-in
 * layout's chunk rather than after it. A failed fetch is left to the page's own render to report.
 */
export function preloadPage(path: string, user: User): Promise<unknown> {
  return resolve(path === '/' || path === '' ? homeOf(user) : path, user).preload();
}

function Redirect({ to }: { readonly to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}

/**
 * The page for `path`, remounted when the path changes so no state leaks between pages. "Loading…"
 * while its chunk arrives (the first time only); a chunk that cannot be fetched says so and offers
 * a reload.
 */
export function Page({ path, user }: { readonly path: string; readonly user: User }) {
  if (path === '/' || path === '') return <Redirect to={homeOf(user)} />;
  const page = resolve(path, user);
  return (
    <PageLoadBoundary key={path}>
      <Suspense fallback={<Loading />}>
        <div>{page.render()}</div>
      </Suspense>
    </PageLoadBoundary>
  );
}
