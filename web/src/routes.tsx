import { useEffect, type ReactNode } from 'react';
import type { User } from '../../src/http/wire-types';
import { AdminOnlyPage, NotFoundPage } from './pages/errors/error-pages';
import { BackyardPage } from './pages/backyard/backyard-page';
import { FleetPage } from './pages/fleet/fleet-page';
import { FleetRunPage } from './pages/fleet/fleet-run-page';
import { JobPage } from './pages/jobs/job-page';
import { JobsPage } from './pages/jobs/jobs-page';
import { OrganizationsPage } from './pages/organizations/organizations-page';
import { RecordsPage } from './pages/records/records-page';
import { SettingsPage } from './pages/settings/settings-page';
import { WorkspacePage } from './pages/workspace/workspace-page';
import { WorkspacesPage } from './pages/workspaces/workspaces-page';
import { matchPath, navigate } from './router/router';

interface Route {
  readonly pattern: string;
  /** Only system administrators; others get the refusal page. */
  readonly adminOnly?: boolean;
  readonly render: (params: Record<string, string>) => ReactNode;
}

/** Every page of the console and who may open it. */
const ROUTES: readonly Route[] = [
  { pattern: '/system/settings', adminOnly: true, render: () => <SettingsPage /> },
  { pattern: '/system/backyard', adminOnly: true, render: () => <BackyardPage /> },
  { pattern: '/system/fleet', adminOnly: true, render: () => <FleetPage /> },
  { pattern: '/system/fleet/runs/:run', adminOnly: true, render: (p) => <FleetRunPage id={p.run!} /> },
  { pattern: '/organizations', adminOnly: true, render: () => <OrganizationsPage /> },
  { pattern: '/o/:org/workspaces', render: (p) => <WorkspacesPage organization={p.org!} /> },
  { pattern: '/o/:org/w/:ws', render: (p) => <WorkspacePage organization={p.org!} workspace={p.ws!} /> },
  { pattern: '/o/:org/w/:ws/menus/:menu', render: (p) => <RecordsPage organization={p.org!} workspace={p.ws!} menu={p.menu!} /> },
  { pattern: '/o/:org/w/:ws/jobs', render: (p) => <JobsPage organization={p.org!} workspace={p.ws!} /> },
  { pattern: '/o/:org/w/:ws/jobs/:id', render: (p) => <JobPage organization={p.org!} workspace={p.ws!} id={p.id!} /> },
];

/** Where `/` leads: administrators to the system state, others to their organization's workspaces. */
export function homeOf(user: User): string {
  if (user.role === 'system_admin' || !user.organization_id) return '/system/settings';
  return `/o/${encodeURIComponent(user.organization_id)}/workspaces`;
}

function Redirect({ to }: { readonly to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}

/** The page for `path`, remounted when the path changes so no state leaks between pages. */
export function Page({ path, user }: { readonly path: string; readonly user: User }) {
  if (path === '/' || path === '') return <Redirect to={homeOf(user)} />;
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (!params) continue;
    if (route.adminOnly && user.role !== 'system_admin') return <AdminOnlyPage key={path} />;
    return <div key={path}>{route.render(params)}</div>;
  }
  return <NotFoundPage key={path} />;
}
