import type { TestApp } from './app.js';

/**
 * Everything the tenancy and menu APIs show, read as the system administrator: organizations,
 * their users and workspaces, each workspace's menus and records, and the log levels. Two equal
 * snapshots mean nothing a user could see was written in between. Maintenance settings, sessions
 * and tokens are left out: they may change in read-only mode.
 */
export async function snapshotData(t: Pick<TestApp, 'admin'>): Promise<Record<string, unknown>> {
  const get = async (url: string) => {
    const r = await t.admin({ url });
    if (r.status !== 200) throw new Error(`snapshot: GET ${url} → ${r.status} ${r.text}`);
    return r.body.data;
  };
  const out: Record<string, unknown> = {};
  const orgs = (await get('/api/platform/organizations')) as Array<{ id: string }>;
  out.organizations = orgs;
  out.loglevels = await get('/api/ita/loglevel-settings/');
  for (const o of orgs) {
    out[`users ${o.id}`] = await get(`/api/${o.id}/platform/users`);
    const workspaces = (await get(`/api/${o.id}/platform/workspaces`)) as Array<{ id: string }>;
    out[`workspaces ${o.id}`] = workspaces;
    for (const w of workspaces) {
      const ita = `/api/${o.id}/workspaces/${w.id}/ita`;
      const menus = (await get(`${ita}/menu/`)) as Array<{ menu: string }>;
      out[`menus ${o.id}/${w.id}`] = menus;
      for (const m of menus) out[`records ${o.id}/${w.id}/${m.menu}`] = await get(`${ita}/menu/${m.menu}/filter/`);
    }
  }
  return out;
}
