/**
 * Organizations, workspaces and users through the Exastro-compatible API, and tenant isolation:
 * nobody reaches another organization's data, and only system administrators reach /api/platform/*.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from './support/backends.js';
import { ITA1, SEED, basic, seedTenants, startTestApp, type Auth, type CallResult, type TestApp } from './support/app.js';

/** The organization-create body exactly as Exastro's tools send it. */
function organizationBody(id: string, managers: ReadonlyArray<readonly [string, string]>, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `${id}-name`,
    organization_managers: managers.map(([username, password]) => ({
      username,
      email: `${username}@example.com`,
      firstName: 'First',
      lastName: 'Last',
      credentials: [{ type: 'password', value: password, temporary: false }],
      requiredActions: [],
      enabled: true,
    })),
    plan: { id: 'plan-1' },
    options: {},
    optionsIta: {},
    ...extra,
  };
}

function workspaceBody(id: string, administrators: string[] = []) {
  return {
    id,
    name: `${id}-name`,
    informations: {
      description: `${id} description`,
      environments: [],
      workspace_administrators: administrators.map((a) => ({ id: a })),
    },
  };
}

function assertEnvelope(r: CallResult): void {
  assert.deepEqual(Object.keys(r.body ?? {}).sort(), ['data', 'message', 'result', 'ts'], r.text);
}

function assertOk(r: CallResult, what: string): void {
  assert.equal(r.status, 200, `${what}: ${r.text}`);
  assert.equal(r.body.result, '000-00000', what);
  assert.equal(r.body.message, 'SUCCESS', what);
}

function assertForbidden(r: CallResult, what: string): void {
  assert.equal(r.status, 403, `${what}: expected 403, got ${r.status} ${r.text}`);
  assertEnvelope(r);
  assert.equal(r.body.result, '403-00001', what);
  assert.equal(r.body.data, null, `${what}: a refusal carries no data`);
}

/** Signs in (cookie session), issues a personal access token with it, and returns Bearer auth. */
async function tokenFor(t: TestApp, organizationId: string, username: string, password: string): Promise<Auth> {
  const login = await t.call({
    method: 'POST',
    url: '/api/auth/login',
    body: { organization_id: organizationId, username, password },
  });
  assertOk(login, `login ${username}`);
  const cookie = String(login.headers['set-cookie']).match(/drydock_session=([^;]+)/)?.[1];
  assert.ok(cookie, 'the login sets the session cookie');
  const issued = await t.call({
    method: 'POST',
    url: '/api/auth/tokens',
    auth: { session: cookie, csrf: login.body.data.csrf_token },
    body: { name: `${username}-token` },
  });
  assertOk(issued, `token for ${username}`);
  return { bearer: issued.body.data.token };
}

for (const backend of BACKENDS) {
  describe(`tenancy API (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
    });
    after(async () => t?.close());

    it('creates an organization from the exact Exastro body; its managers sign in with Basic auth', async () => {
      const created = await t.admin({
        method: 'POST',
        url: '/api/platform/organizations',
        body: organizationBody('acme', [['acme-admin', 'acme-password-1']], {
          plan: { id: 'plan-not-yet-defined' },
          optionsIta: { drivers: { terraform_cloud_ep: false } },
        }),
      });
      assertOk(created, 'create acme');
      assertEnvelope(created);
      assert.equal(created.body.data.id, 'acme');
      assert.equal(created.body.data.name, 'acme-name');

      const list = await t.admin({ url: '/api/platform/organizations' });
      assertOk(list, 'list');
      const ids = list.body.data.map((o: { id: string }) => o.id);
      for (const id of ['acme', SEED.org1, SEED.org2]) assert.ok(ids.includes(id), `${id} listed in ${ids}`);

      const one = await t.admin({ url: '/api/platform/organizations/acme' });
      assertOk(one, 'get acme');
      assert.deepEqual(one.body.data.plan, { id: 'plan-not-yet-defined' }, 'the plan is kept even though it does not exist');
      assert.deepEqual(one.body.data.options, {});
      assert.deepEqual(one.body.data.optionsIta, { drivers: { terraform_cloud_ep: false } });
      // What Exastro's tools read of an organization: its managers, its plan, its status.
      assert.deepEqual(
        one.body.data.organization_managers.map((m: { username: string; email: string; enabled: boolean }) => [m.username, m.email, m.enabled]),
        [['acme-admin', 'acme-admin@example.com', true]],
      );
      assert.deepEqual(one.body.data.active_plan, { id: 'plan-not-yet-defined' });
      assert.equal(one.body.data.plans[0].id, 'plan-not-yet-defined');
      assert.equal(one.body.data.status, 'Organization Create Complete', 'what create-organization.sh waits for');
      assert.equal(one.body.data.enabled, true);
      const disable = await t.admin({ method: 'PUT', url: '/api/platform/organizations/acme', body: { name: 'acme-name', enabled: false } });
      assert.equal(disable.status, 400, disable.text);
      assert.match(disable.body.message, /enabled.*does not disable organizations/);
      assertOk(await t.admin({ method: 'PUT', url: '/api/platform/organizations/acme', body: { name: 'acme-name', enabled: true } }), 'enabled: true is taken');

      const manager = basic('acme-admin', 'acme-password-1');
      const workspaces = await t.call({ url: '/api/acme/platform/workspaces', auth: manager });
      assertOk(workspaces, 'the manager signs in with Basic auth');
      assert.deepEqual(workspaces.body.data, []);

      const users = await t.call({ url: '/api/acme/platform/users', auth: manager });
      assertOk(users, 'users');
      assert.equal(users.body.data.length, 1);
      const [user] = users.body.data;
      assert.equal(user.username, 'acme-admin');
      assert.equal(user.role, 'organization_manager');
      assert.equal(user.email, 'acme-admin@example.com');
      assert.equal(user.organization_id, 'acme');
      assert.ok(!users.text.includes('scrypt'), 'no password hash is ever shown');

      const wrong = await t.call({ url: '/api/acme/platform/workspaces', auth: basic('acme-admin', 'not-the-password') });
      assert.equal(wrong.status, 401, wrong.text);

      const renamed = await t.admin({ method: 'PUT', url: '/api/platform/organizations/acme', body: { name: 'Acme Corp' } });
      assertOk(renamed, 'PUT');
      assert.equal(renamed.body.data.name, 'Acme Corp');
      assert.deepEqual(renamed.body.data.plan, { id: 'plan-not-yet-defined' }, 'PUT keeps what it does not name');
      assert.equal((await t.admin({ url: '/api/platform/organizations/acme' })).body.data.name, 'Acme Corp');

      const missing = await t.admin({ method: 'PUT', url: '/api/platform/organizations/nosuchorg', body: { name: 'x' } });
      assert.equal(missing.status, 404, missing.text);
      assertEnvelope(missing);
    });

    it('refuses a duplicate organization with 409 and keeps nothing of the second one', async () => {
      const dup = await t.admin({
        method: 'POST',
        url: '/api/platform/organizations',
        body: { ...organizationBody(SEED.org1, [['dup-manager', 'dup-password-1']]), name: 'another name' },
      });
      assert.equal(dup.status, 409, dup.text);
      assertEnvelope(dup);
      assert.equal(dup.body.result, '409-00001');
      assert.match(dup.body.message, /org1/);
      assert.match(dup.body.message, /already exists/);

      const kept = await t.admin({ url: `/api/platform/organizations/${SEED.org1}` });
      assert.equal(kept.body.data.name, 'org1-name', 'the first organization is unchanged');
      const users = await t.call({ url: `/api/${SEED.org1}/platform/users`, auth: SEED.manager1 });
      assert.ok(!users.body.data.some((u: { username: string }) => u.username === 'dup-manager'), 'the refused body created no manager');
    });

    it('an organization manager creates, lists, reads, updates and deletes workspaces', async () => {
      const base = `/api/${SEED.org1}/platform/workspaces`;
      const created = await t.call({ method: 'POST', url: base, auth: SEED.manager1, body: workspaceBody('ws-crud') });
      assertOk(created, 'create');
      assert.equal(created.body.data.id, 'ws-crud');
      assert.equal(created.body.data.organization_id, SEED.org1);
      assert.deepEqual(created.body.data.informations, {
        description: 'ws-crud description',
        environments: [],
        workspace_administrators: [],
      });

      const dup = await t.call({ method: 'POST', url: base, auth: SEED.manager1, body: workspaceBody('ws-crud') });
      assert.equal(dup.status, 409, dup.text);
      assert.match(dup.body.message, /ws-crud/);

      const list = await t.call({ url: base, auth: SEED.manager1 });
      assertOk(list, 'list');
      const ids = list.body.data.map((w: { id: string }) => w.id);
      assert.ok(ids.includes(SEED.ws1) && ids.includes('ws-crud'), String(ids));
      assert.ok(!ids.includes(SEED.ws2), 'another organization’s workspace is not listed');

      const one = await t.call({ url: `${base}/ws-crud`, auth: SEED.manager1 });
      assertOk(one, 'get');
      assert.equal(one.body.data.name, 'ws-crud-name');

      // Who created it and who changed it last, by user id, as Exastro's platform answers.
      const users = (await t.call({ url: `/api/${SEED.org1}/platform/users`, auth: SEED.manager1 })).body.data as Array<{ id: string; username: string }>;
      const managerId = users.find((u) => u.username === 'manager1')!.id;
      assert.equal(one.body.data.create_user, managerId);
      assert.equal(one.body.data.last_update_user, managerId);
      const admin = (await t.admin({ url: '/api/auth/whoami' })).body.data;

      const updated = await t.admin({ method: 'PUT', url: `${base}/ws-crud`, body: { name: 'renamed' } });
      assertOk(updated, 'update');
      assert.equal(updated.body.data.name, 'renamed');
      assert.equal(updated.body.data.create_user, managerId, 'the creator stays');
      assert.equal(updated.body.data.last_update_user, admin.id, 'the system administrator changed it last');
      assert.equal(updated.body.data.informations.description, 'ws-crud description', 'PUT keeps informations it does not name');

      const deleted = await t.call({ method: 'DELETE', url: `${base}/ws-crud`, auth: SEED.manager1 });
      assertOk(deleted, 'delete');
      assert.equal(deleted.body.data, null);
      const gone = await t.call({ url: `${base}/ws-crud`, auth: SEED.manager1 });
      assert.equal(gone.status, 404, gone.text);
      assertEnvelope(gone);
      const again = await t.call({ method: 'DELETE', url: `${base}/ws-crud`, auth: SEED.manager1 });
      assert.equal(again.status, 404, again.text);

      // A workspace member may not manage workspaces.
      const byMember = await t.call({ method: 'POST', url: base, auth: SEED.member1, body: workspaceBody('ws-by-member') });
      assertForbidden(byMember, 'member creates a workspace');
      const byMemberDelete = await t.call({ method: 'DELETE', url: `${base}/${SEED.ws1}`, auth: SEED.member1 });
      assertForbidden(byMemberDelete, 'member deletes a workspace');
      assertOk(await t.call({ url: `${base}/${SEED.ws1}`, auth: SEED.manager1 }), 'ws1 is still there');
    });

    it('a workspace member sees only the workspaces they are a member of', async () => {
      const base = `/api/${SEED.org1}/platform/workspaces`;
      assertOk(await t.call({ method: 'POST', url: base, auth: SEED.manager1, body: workspaceBody('ws-private') }), 'ws-private');
      assertOk(
        await t.call({ method: 'POST', url: base, auth: SEED.manager1, body: workspaceBody('ws-shared', ['member1']) }),
        'ws-shared with member1 as administrator',
      );

      const asMember = await t.call({ url: base, auth: SEED.member1 });
      assertOk(asMember, 'member lists');
      assert.deepEqual(asMember.body.data.map((w: { id: string }) => w.id).sort(), [SEED.ws1, 'ws-shared'].sort());

      const asManager = await t.call({ url: base, auth: SEED.manager1 });
      const managerIds = asManager.body.data.map((w: { id: string }) => w.id);
      assert.ok(managerIds.includes('ws-private'), 'the manager sees every workspace of the organization');

      assertOk(await t.call({ url: `${base}/${SEED.ws1}`, auth: SEED.member1 }), 'member reads own workspace');
      assertForbidden(await t.call({ url: `${base}/ws-private`, auth: SEED.member1 }), 'member reads ws-private');
    });

    it('a workspace member gets 403 on a workspace they are not a member of, existing or not', async () => {
      const ita = `/api/${SEED.org1}/workspaces/ws-private/ita`;
      // ws-private was created by the previous test; create it if this test runs alone.
      await t.call({
        method: 'POST',
        url: `/api/${SEED.org1}/platform/workspaces`,
        auth: SEED.manager1,
        body: workspaceBody('ws-private'),
      });
      assertOk(
        await t.call({
          method: 'POST',
          url: `${ita}/menu/`,
          auth: SEED.manager1,
          body: { menu: 'secrets', title: 'Secrets', columns: [{ name: 'key', type: 'string' }] },
        }),
        'menu in ws-private',
      );
      const calls: Array<[string, Parameters<TestApp['call']>[0]]> = [
        ['user', { url: `${ita}/user/` }],
        ['menus', { url: `${ita}/menu/` }],
        ['info', { url: `${ita}/menu/secrets/info/` }],
        ['records', { url: `${ita}/menu/secrets/filter/` }],
        ['search', { method: 'POST', url: `${ita}/menu/secrets/filter/`, body: {} }],
        ['count', { method: 'POST', url: `${ita}/menu/secrets/filter/count/`, body: {} }],
        ['register', { method: 'POST', url: `${ita}/menu/secrets/maintenance/all/`, body: [{ type: 'Register', parameter: { key: 'x' } }] }],
        ['define', { method: 'POST', url: `${ita}/menu/`, body: { menu: 'more', title: 'More', columns: [{ name: 'a', type: 'string' }] } }],
        ['delete menu', { method: 'DELETE', url: `${ita}/menu/secrets/` }],
        ['nonexistent workspace', { url: `/api/${SEED.org1}/workspaces/ws-nosuch/ita/menu/` }],
      ];
      for (const [what, call] of calls) assertForbidden(await t.call({ ...call, auth: SEED.member1 }), what);

      const records = await t.call({ url: `${ita}/menu/secrets/filter/`, auth: SEED.manager1 });
      assertOk(records, 'manager reads');
      assert.deepEqual(records.body.data, [], 'the refused register wrote nothing');
      assertOk(await t.call({ url: `${ita}/menu/secrets/info/`, auth: SEED.manager1 }), 'the refused delete deleted nothing');
    });

    it("users in Exastro's platform shape: POST with password_temporary and enabled, GET one, PUT (a new password, names, profile)", async () => {
      const base = `/api/${SEED.org1}/platform/users`;
      const created = await t.call({
        method: 'POST',
        url: base,
        auth: SEED.manager1,
        body: {
          username: 'user01',
          password: 'Passw0rd!-1',
          password_temporary: true,
          email: 'u01@example.com',
          firstName: 'User',
          lastName: 'One',
          affiliation: 'Ops',
          description: 'on call',
          enabled: true,
        },
      });
      assertOk(created, 'create as the platform does, no role');
      const id = created.body.data.id;
      const one = await t.call({ url: `${base}/${id}`, auth: SEED.manager1 });
      assertOk(one, 'get one');
      const u = one.body.data;
      assert.equal(u.preferred_username, 'user01');
      assert.equal(u.name, 'User One');
      assert.equal(u.affiliation, 'Ops');
      assert.equal(u.description, 'on call');
      assert.equal(u.service_account_user_type, null);
      assert.equal(u.enabled, true);
      assert.equal(u.role, 'workspace_member', 'a platform client sends no role: a workspace member');
      assert.ok(!Number.isNaN(Date.parse(u.create_timestamp)));

      const put = await t.call({
        method: 'PUT',
        url: `${base}/${id}`,
        auth: SEED.manager1,
        body: {
          password: 'N3w-password!',
          password_temporary: false,
          firstName: 'Userin',
          lastName: 'Eins',
          email: 'eins@example.com',
          affiliation: 'Dev',
          enabled: true,
        },
      });
      assertOk(put, 'put');
      const after = (await t.call({ url: `${base}/${id}`, auth: SEED.manager1 })).body.data;
      assert.equal(after.name, 'Userin Eins');
      assert.equal(after.affiliation, 'Dev');
      assert.equal(after.description, 'on call', 'what the body leaves out stays');
      assert.equal(
        (await t.call({ url: `/api/${SEED.org1}/platform/workspaces`, auth: basic('user01', 'Passw0rd!-1') })).status,
        401,
        'the old password is gone',
      );
      assertOk(await t.call({ url: `/api/${SEED.org1}/platform/workspaces`, auth: basic('user01', 'N3w-password!') }), 'the new password works');

      const unknown = await t.call({ url: `${base}/00000000-0000-4000-8000-000000000000`, auth: SEED.manager1 });
      assert.equal(unknown.status, 404, unknown.text);
      const noUsername = await t.call({ method: 'PUT', url: `${base}/${id}`, auth: SEED.manager1, body: { username: 'renamed' } });
      assert.equal(noUsername.status, 400, `a user name cannot be changed: ${noUsername.text}`);
      assert.match(noUsername.body.message, /username/);
      assertOk(await t.call({ method: 'DELETE', url: `${base}/${id}`, auth: SEED.manager1 }), 'delete');
    });

    it('users: a manager creates, changes (PUT) and deletes users of the organization', async () => {
      const base = `/api/${SEED.org1}/platform/users`;
      const created = await t.call({
        method: 'POST',
        url: base,
        auth: SEED.manager1,
        body: { username: 'temp-user', password: 'temp-password-1', role: 'workspace_member', email: 'temp@example.com', workspaces: [SEED.ws1] },
      });
      assertOk(created, 'create');
      const user = created.body.data;
      assert.equal(user.username, 'temp-user');
      assert.equal(user.role, 'workspace_member');
      assert.equal(user.enabled, true);
      assert.deepEqual(user.workspaces, [SEED.ws1]);
      assert.ok(!('password' in user) && !('password_hash' in user), 'no secret in the view');
      const temp = basic('temp-user', 'temp-password-1');
      assertOk(await t.call({ url: `${ITA1}/menu/`, auth: temp }), 'the new user works in ws1');

      const dup = await t.call({
        method: 'POST',
        url: base,
        auth: SEED.manager1,
        body: { username: 'temp-user', password: 'other-password', role: 'workspace_member' },
      });
      assert.equal(dup.status, 409, dup.text);
      assert.match(dup.body.message, /temp-user/);

      const badWorkspace = await t.call({
        method: 'POST',
        url: base,
        auth: SEED.manager1,
        body: { username: 'ghost-user', password: 'ghost-password', role: 'workspace_member', workspaces: ['ws-nosuch'] },
      });
      assert.equal(badWorkspace.status, 404, badWorkspace.text);
      assert.match(badWorkspace.body.message, /ws-nosuch/);
      const listed = await t.call({ url: base, auth: SEED.manager1 });
      assertOk(listed, 'list');
      const names = listed.body.data.map((u: { username: string }) => u.username);
      assert.ok(!names.includes('ghost-user'), 'the refused create left no user behind');
      for (const n of ['manager1', 'member1', 'temp-user']) assert.ok(names.includes(n), `${n} in ${names}`);

      const noWorkspaces = await t.call({ method: 'PUT', url: `${base}/${user.id}`, auth: SEED.manager1, body: { workspaces: [] } });
      assertOk(noWorkspaces, 'put workspaces');
      assert.deepEqual(noWorkspaces.body.data.workspaces, []);
      assertForbidden(await t.call({ url: `${ITA1}/menu/`, auth: temp }), 'no longer a member of ws1');

      const disabled = await t.call({ method: 'PUT', url: `${base}/${user.id}`, auth: SEED.manager1, body: { enabled: false } });
      assertOk(disabled, 'disable');
      assert.equal(disabled.body.data.enabled, false);
      const refused = await t.call({ url: `/api/${SEED.org1}/platform/workspaces`, auth: temp });
      assert.equal(refused.status, 401, `a disabled user cannot sign in: ${refused.text}`);

      const enabled = await t.call({
        method: 'PUT',
        url: `${base}/${user.id}`,
        auth: SEED.manager1,
        body: { enabled: true, workspaces: [SEED.ws1] },
      });
      assertOk(enabled, 'enable');
      assertOk(await t.call({ url: `${ITA1}/menu/`, auth: temp }), 'enabled again');

      // The role: a member promoted to manager manages the organization's users at once, and back.
      assertForbidden(await t.call({ url: base, auth: temp }), 'a member cannot list users');
      const promoted = await t.call({ method: 'PUT', url: `${base}/${user.id}`, auth: SEED.manager1, body: { role: 'organization_manager' } });
      assertOk(promoted, 'promote');
      assert.equal(promoted.body.data.role, 'organization_manager');
      assert.deepEqual(promoted.body.data.workspaces, [SEED.ws1], 'the role change keeps the workspaces');
      assertOk(await t.call({ url: base, auth: temp }), 'the promoted user lists users');
      const demoted = await t.call({ method: 'PUT', url: `${base}/${user.id}`, auth: SEED.manager1, body: { role: 'workspace_member' } });
      assertOk(demoted, 'demote');
      assert.equal(demoted.body.data.role, 'workspace_member');
      assertForbidden(await t.call({ url: base, auth: temp }), 'demoted: no longer lists users');
      const toAdmin = await t.call({ method: 'PUT', url: `${base}/${user.id}`, auth: SEED.manager1, body: { role: 'system_admin' } });
      assert.equal(toAdmin.status, 400, `nobody is made a system administrator here: ${toAdmin.text}`);

      const me = listed.body.data.find((u: { username: string }) => u.username === 'manager1');
      const self = await t.call({ method: 'PUT', url: `${base}/${me.id}`, auth: SEED.manager1, body: { enabled: false } });
      assertForbidden(self, 'a manager cannot disable themself');
      const selfRole = await t.call({ method: 'PUT', url: `${base}/${me.id}`, auth: SEED.manager1, body: { role: 'workspace_member' } });
      assertForbidden(selfRole, 'a manager cannot change their own role');
      assert.equal((await t.call({ url: `${base}/${me.id}`, auth: SEED.manager1 })).body.data.role, 'organization_manager', 'still a manager');
      assertOk(
        await t.call({ method: 'PUT', url: `${base}/${me.id}`, auth: SEED.manager1, body: { role: 'organization_manager' } }),
        'sending one’s own role unchanged is no change',
      );
      const selfDelete = await t.call({ method: 'DELETE', url: `${base}/${me.id}`, auth: SEED.manager1 });
      assertForbidden(selfDelete, 'a manager cannot delete themself');

      const byMember = await t.call({ method: 'DELETE', url: `${base}/${user.id}`, auth: SEED.member1 });
      assertForbidden(byMember, 'a member cannot delete users');
      assertForbidden(await t.call({ url: base, auth: SEED.member1 }), 'a member cannot list users');

      const deleted = await t.call({ method: 'DELETE', url: `${base}/${user.id}`, auth: SEED.manager1 });
      assertOk(deleted, 'delete');
      const after = await t.call({ url: `/api/${SEED.org1}/platform/workspaces`, auth: temp });
      assert.equal(after.status, 401, `a deleted user cannot sign in: ${after.text}`);
      const again = await t.call({ method: 'DELETE', url: `${base}/${user.id}`, auth: SEED.manager1 });
      assert.equal(again.status, 404, again.text);
    });

    it("isolation: a user of one organization gets 403 on another organization's workspaces, menus, records and users", async () => {
      const asOrg2 = await tokenFor(t, SEED.org2, 'manager2', 'manager2-password');
      const org1 = `/api/${SEED.org1}`;
      const calls: Array<[string, Parameters<TestApp['call']>[0]]> = [
        ['list workspaces', { url: `${org1}/platform/workspaces` }],
        ['get workspace', { url: `${org1}/platform/workspaces/${SEED.ws1}` }],
        ['create workspace', { method: 'POST', url: `${org1}/platform/workspaces`, body: workspaceBody('ws-intruder') }],
        ['update workspace', { method: 'PUT', url: `${org1}/platform/workspaces/${SEED.ws1}`, body: { name: 'pwned' } }],
        ['delete workspace', { method: 'DELETE', url: `${org1}/platform/workspaces/${SEED.ws1}` }],
        ['list users', { url: `${org1}/platform/users` }],
        [
          'create user',
          { method: 'POST', url: `${org1}/platform/users`, body: { username: 'intruder', password: 'intruder-pw', role: 'organization_manager' } },
        ],
        ['banner view', { url: `${org1}/platform/maintenance-mode-setting` }],
        ['ita user', { url: `${ITA1}/user/` }],
        ['list menus', { url: `${ITA1}/menu/` }],
        ['menu info', { url: `${ITA1}/menu/${SEED.menu}/info/` }],
        ['records', { url: `${ITA1}/menu/${SEED.menu}/filter/` }],
        ['search', { method: 'POST', url: `${ITA1}/menu/${SEED.menu}/filter/`, body: {} }],
        ['count', { method: 'POST', url: `${ITA1}/menu/${SEED.menu}/filter/count/`, body: {} }],
        [
          'register',
          {
            method: 'POST',
            url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
            body: [{ type: 'Register', parameter: { host: 'intruder-host' } }],
          },
        ],
        ['delete menu', { method: 'DELETE', url: `${ITA1}/menu/${SEED.menu}/` }],
        // Ids cannot be probed: a workspace or organization that does not exist answers the same.
        ['nonexistent workspace', { url: `${org1}/workspaces/ws-nosuch/ita/menu/` }],
        ['nonexistent organization', { url: '/api/org-nosuch/platform/workspaces' }],
      ];
      for (const [what, call] of calls) assertForbidden(await t.call({ ...call, auth: asOrg2 }), what);

      // Basic auth looks the user name up in the organization the path names (as Exastro's
      // per-organization realms do), so org2's manager is simply unknown under /api/org1/…: 401.
      const viaBasic = await t.call({ url: `${org1}/platform/workspaces`, auth: SEED.manager2 });
      assert.equal(viaBasic.status, 401, viaBasic.text);
      assert.equal(viaBasic.body.data, null);

      // Nothing was changed by the refused calls.
      const ws = await t.call({ url: `${org1}/platform/workspaces/${SEED.ws1}`, auth: SEED.manager1 });
      assert.equal(ws.body.data.name, 'ws1-name');
      const records = await t.call({ url: `${ITA1}/menu/${SEED.menu}/filter/?host=intruder-host`, auth: SEED.manager1 });
      assert.deepEqual(records.body.data, []);
      const users = await t.call({ url: `${org1}/platform/users`, auth: SEED.manager1 });
      assert.ok(!users.body.data.some((u: { username: string }) => u.username === 'intruder'));
    });

    it('isolation: organization users get 403 on the system administrator endpoints', async () => {
      const manager = await tokenFor(t, SEED.org1, 'manager1', 'manager1-password');
      const member = await tokenFor(t, SEED.org1, 'member1', 'member1-password');
      const calls: Array<[string, Parameters<TestApp['call']>[0]]> = [
        ['list organizations', { url: '/api/platform/organizations' }],
        ['create organization', { method: 'POST', url: '/api/platform/organizations', body: organizationBody('by-org-user', []) }],
        ['get organization', { url: `/api/platform/organizations/${SEED.org1}` }],
        ['update organization', { method: 'PUT', url: `/api/platform/organizations/${SEED.org1}`, body: { name: 'mine now' } }],
        ['delete organization', { method: 'DELETE', url: `/api/platform/organizations/${SEED.org2}` }],
        ['GET maintenance', { url: '/api/platform/maintenance-mode-setting' }],
        ['PATCH maintenance', { method: 'PATCH', url: '/api/platform/maintenance-mode-setting', body: { data_update_stop: '1' } }],
        ['maintenance audit', { url: '/api/platform/maintenance-mode-setting/audit' }],
        ['GET log levels', { url: '/api/ita/loglevel-settings/' }],
        ['PATCH log levels', { method: 'PATCH', url: '/api/ita/loglevel-settings/', body: { 'ita-api-admin': 'DEBUG' } }],
      ];
      for (const [who, auth] of [
        ['manager', manager],
        ['member', member],
      ] as const) {
        for (const [what, call] of calls) assertForbidden(await t.call({ ...call, auth }), `${who}: ${what}`);
      }
      // With Basic auth a path without an organization knows only system administrators: 401.
      const viaBasic = await t.call({ url: '/api/platform/maintenance-mode-setting', auth: SEED.manager1 });
      assert.equal(viaBasic.status, 401, viaBasic.text);

      const setting = await t.admin({ url: '/api/platform/maintenance-mode-setting' });
      assert.equal(setting.body.data.data_update_stop, '0', 'the refused PATCH changed nothing');
      const levels = await t.admin({ url: '/api/ita/loglevel-settings/' });
      assertOk(levels, 'admin reads log levels');
      assert.notEqual(levels.body.data['ita-api-admin'], 'DEBUG', 'the refused PATCH changed nothing');
      assertOk(await t.admin({ url: `/api/platform/organizations/${SEED.org2}` }), 'org2 was not deleted');
      assert.equal((await t.admin({ url: `/api/platform/organizations/${SEED.org1}` })).body.data.name, 'org1-name');
      // …while the organization's own read-only banner view stays open to its users.
      const banner = await t.call({ url: `/api/${SEED.org1}/platform/maintenance-mode-setting`, auth: member });
      assertOk(banner, 'banner view');
      assert.equal(banner.body.data.data_update_stop, '0');
    });

    it('deleting an organization deletes its workspaces, menus, records and users', async () => {
      const manager = basic('doomed-admin', 'doomed-password-1');
      assertOk(
        await t.admin({ method: 'POST', url: '/api/platform/organizations', body: organizationBody('doomed', [['doomed-admin', 'doomed-password-1']]) }),
        'create doomed',
      );
      for (const ws of ['w1', 'w2']) {
        assertOk(await t.call({ method: 'POST', url: '/api/doomed/platform/workspaces', auth: manager, body: workspaceBody(ws) }), ws);
      }
      const ita = '/api/doomed/workspaces/w1/ita';
      assertOk(
        await t.call({
          method: 'POST',
          url: `${ita}/menu/`,
          auth: manager,
          body: { menu: 'hosts', title: 'Hosts', columns: [{ name: 'name', type: 'string', unique: true }] },
        }),
        'menu',
      );
      assertOk(
        await t.call({
          method: 'POST',
          url: `${ita}/menu/hosts/maintenance/all/`,
          auth: manager,
          body: [{ type: 'Register', parameter: { name: 'h1' } }],
        }),
        'record',
      );
      assertOk(
        await t.call({
          method: 'POST',
          url: '/api/doomed/platform/users',
          auth: manager,
          body: { username: 'doomed-member', password: 'doomed-member-pw', role: 'workspace_member', workspaces: ['w1'] },
        }),
        'member',
      );

      const deleted = await t.admin({ method: 'DELETE', url: '/api/platform/organizations/doomed' });
      assertOk(deleted, 'delete');
      assert.equal(deleted.body.data, null);

      assert.equal((await t.admin({ url: '/api/platform/organizations/doomed' })).status, 404);
      const workspaces = await t.admin({ url: '/api/doomed/platform/workspaces' });
      assert.equal(workspaces.status, 404, workspaces.text);
      assert.equal((await t.call({ url: '/api/doomed/platform/workspaces', auth: manager })).status, 401, 'its users are gone');

      // The rows are gone from the store, not merely hidden.
      const db = t.deps.store.db;
      const left = {
        workspaces: await db.selectFrom('workspaces').select('id').where('organization_id', '=', 'doomed').execute(),
        users: await db.selectFrom('users').select('id').where('organization_id', '=', 'doomed').execute(),
        menus: await db.selectFrom('menus').select('id').where('organization_id', '=', 'doomed').execute(),
        members: await db.selectFrom('workspace_members').select('user_id').where('organization_id', '=', 'doomed').execute(),
      };
      assert.deepEqual(left, { workspaces: [], users: [], menus: [], members: [] });

      // The id is free again, and the new organization starts empty.
      assertOk(
        await t.admin({ method: 'POST', url: '/api/platform/organizations', body: organizationBody('doomed', [['doomed-admin', 'doomed-password-2']]) }),
        'recreate',
      );
      const fresh = await t.call({ url: '/api/doomed/platform/workspaces', auth: basic('doomed-admin', 'doomed-password-2') });
      assertOk(fresh, 'fresh list');
      assert.deepEqual(fresh.body.data, []);
      assert.equal((await t.call({ url: '/api/doomed/platform/workspaces', auth: manager })).status, 401, 'the old password is gone');

      const again = await t.admin({ method: 'DELETE', url: '/api/platform/organizations/nosuchorg' });
      assert.equal(again.status, 404, again.text);
      assertOk(await t.call({ url: `/api/${SEED.org1}/platform/workspaces/${SEED.ws1}`, auth: SEED.manager1 }), 'org1 untouched');
    });
  });
}
