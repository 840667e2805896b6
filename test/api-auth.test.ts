/**
 * Authentication: Basic auth, personal access tokens, cookie sessions with CSRF protection, the
 * sign-in rate limit, and sign-in staying open in read-only mode.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from './support/backends.js';
import { ADMIN, ITA1, SEED, adminAuth, basic, seedTenants, setMaintenance, startTestApp, type Auth, type CallResult, type TestApp } from './support/app.js';

function assertEnvelope(r: CallResult): void {
  assert.deepEqual(Object.keys(r.body ?? {}).sort(), ['data', 'message', 'result', 'ts'], r.text);
  assert.equal(typeof r.body.message, 'string');
  assert.ok(!Number.isNaN(Date.parse(r.body.ts)), `ts is a time: ${r.body.ts}`);
}

function assertOk(r: CallResult, what: string): void {
  assert.equal(r.status, 200, `${what}: ${r.text}`);
  assert.equal(r.body.result, '000-00000', what);
}

function assertUnauthorized(r: CallResult, what: string): void {
  assert.equal(r.status, 401, `${what}: expected 401, got ${r.status} ${r.text}`);
  assertEnvelope(r);
  assert.equal(r.body.result, '401-00002', what);
  assert.equal(r.body.data, null, what);
}

function assertTooMany(r: CallResult, what: string): void {
  assert.equal(r.status, 429, `${what}: expected 429, got ${r.status} ${r.text}`);
  assertEnvelope(r);
  assert.equal(r.body.result, '429-00001', what);
  const retryAfter = Number(r.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 15 * 60, `${what}: Retry-After ${String(r.headers['retry-after'])}`);
  assert.match(r.body.message, new RegExp(`${retryAfter} s`), 'the message says how long to wait');
}

/** The session id from a response's Set-Cookie, if it sets one. */
function sessionCookie(r: CallResult): string | undefined {
  const header = r.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header === undefined ? [] : [String(header)];
  for (const c of all) {
    const m = /^drydock_session=([^;]*)/.exec(c);
    if (m) return m[1];
  }
  return undefined;
}

async function login(t: TestApp, username: string, password: string, organizationId?: string, remoteAddress?: string): Promise<CallResult> {
  return t.call({
    method: 'POST',
    url: '/api/auth/login',
    body: { ...(organizationId !== undefined && { organization_id: organizationId }), username, password },
    ...(remoteAddress !== undefined && { remoteAddress }),
  });
}

for (const backend of BACKENDS) {
  describe(`authentication (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      // Every failed sign-in of this file comes from one address; keep the address limit out of the way.
      t = await startTestApp(backend, { loginMaxFailuresPerAddress: 1000 });
      await seedTenants(t);
    });
    after(async () => t?.close());

    it('Basic auth with a bad password or an unknown user is 401 401-00002 with the envelope', async () => {
      const wrong = await t.call({ url: `/api/${SEED.org1}/platform/workspaces`, auth: basic('manager1', 'wrong-password') });
      assertUnauthorized(wrong, 'wrong password');
      assert.match(String(wrong.headers['www-authenticate']), /^Basic /, 'a Basic challenge for curl and browsers');
      assert.ok(!wrong.text.includes('ws1'), 'no data leaks');

      assertUnauthorized(await t.call({ url: '/api/platform/organizations', auth: basic(ADMIN.user, 'wrong') }), 'admin wrong');
      assertUnauthorized(await t.call({ url: '/api/platform/organizations', auth: basic('nobody', 'whatever1') }), 'unknown user');
      assertUnauthorized(await t.call({ url: '/api/platform/organizations', headers: { authorization: 'Basic bm9jb2xvbg==' } }), 'Basic without a colon');
      assertUnauthorized(await t.call({ url: '/api/platform/organizations', headers: { authorization: 'Digest username="admin"' } }), 'an unsupported scheme');
      // The right password still works right after (the per-user limit is 5 by default).
      assertOk(await t.call({ url: `/api/${SEED.org1}/platform/workspaces`, auth: SEED.manager1 }), 'right password');
    });

    it('no credentials is 401 on every non-public endpoint', async () => {
      for (const url of [
        '/api/platform/organizations',
        '/api/platform/maintenance-mode-setting',
        `/api/${SEED.org1}/platform/workspaces`,
        `${ITA1}/menu/${SEED.menu}/filter/`,
        '/api/auth/whoami',
        '/api/auth/tokens',
      ]) {
        assertUnauthorized(await t.call({ url }), url);
      }
      const write = await t.call({
        method: 'POST',
        url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
        body: [{ type: 'Register', parameter: { host: 'anonymous' } }],
      });
      assertUnauthorized(write, 'anonymous write');
      // Public endpoints stay public.
      assertOk(await t.call({ url: '/api/healthz' }), 'health');
    });

    it('personal access tokens: shown once, work as Bearer, listed without the secret, revocable', async () => {
      const issued = await t.admin({ method: 'POST', url: '/api/auth/tokens', body: { name: 'ci' } });
      assertOk(issued, 'issue');
      const { token, id } = issued.body.data;
      assert.match(token, /^ddt_[A-Za-z0-9_-]{20,}$/);
      assert.equal(issued.body.data.name, 'ci');
      assert.equal(issued.body.data.expires_at, null);
      assert.equal(issued.body.data.revoked_at, null);

      const expiring = await t.admin({ method: 'POST', url: '/api/auth/tokens', body: { name: 'short', expires_in_days: 30 } });
      assertOk(expiring, 'issue with expiry');
      const days = (Date.parse(expiring.body.data.expires_at) - Date.now()) / 86_400_000;
      assert.ok(days > 29.9 && days <= 30, `expires in 30 days, not ${days}`);
      assert.notEqual(expiring.body.data.token, token, 'every token is new');

      const bearer: Auth = { bearer: token };
      const orgs = await t.call({ url: '/api/platform/organizations', auth: bearer });
      assertOk(orgs, 'Bearer works');
      assert.ok(orgs.body.data.some((o: { id: string }) => o.id === SEED.org1));
      const whoami = await t.call({ url: '/api/auth/whoami', auth: bearer });
      assert.equal(whoami.body.data.username, ADMIN.user);
      assert.equal(whoami.body.data.via, 'token');
      // A token needs no CSRF header for writes: it is not sent automatically by browsers.
      assertOk(await t.call({ method: 'PATCH', url: '/api/ita/loglevel-settings/', auth: bearer, body: { 'ita-api-admin': 'INFO' } }), 'write with a token');

      const list = await t.admin({ url: '/api/auth/tokens' });
      assertOk(list, 'list');
      const ids = list.body.data.map((x: { id: string }) => x.id);
      assert.ok(ids.includes(id) && ids.includes(expiring.body.data.id), String(ids));
      for (const entry of list.body.data) {
        assert.deepEqual(Object.keys(entry).sort(), ['created_at', 'expires_at', 'id', 'name', 'node', 'revoked_at', 'scope']);
      }
      assert.ok(!list.text.includes(token) && !list.text.includes(expiring.body.data.token), 'the secrets are never listed again');

      // Another user neither sees nor revokes the administrator's tokens.
      const manager = await login(t, 'manager1', 'manager1-password', SEED.org1);
      const managerSession: Auth = { session: sessionCookie(manager)!, csrf: manager.body.data.csrf_token };
      const theirs = await t.call({ url: '/api/auth/tokens', auth: managerSession });
      assertOk(theirs, 'manager lists');
      assert.ok(!theirs.body.data.some((x: { id: string }) => x.id === id));
      const steal = await t.call({ method: 'DELETE', url: `/api/auth/tokens/${id}`, auth: managerSession });
      assert.equal(steal.status, 404, steal.text);
      assertOk(await t.call({ url: '/api/auth/whoami', auth: bearer }), 'still valid');

      const revoked = await t.admin({ method: 'DELETE', url: `/api/auth/tokens/${id}` });
      assertOk(revoked, 'revoke');
      assertUnauthorized(await t.call({ url: '/api/platform/organizations', auth: bearer }), 'revoked token');
      assertOk(await t.call({ url: '/api/auth/whoami', auth: { bearer: expiring.body.data.token } }), 'the other token still works');
      const listed = (await t.admin({ url: '/api/auth/tokens' })).body.data.find((x: { id: string }) => x.id === id);
      assert.ok(listed.revoked_at, 'the list shows when it was revoked');
      const again = await t.admin({ method: 'DELETE', url: `/api/auth/tokens/${id}` });
      assert.equal(again.status, 404, again.text);

      assertUnauthorized(await t.call({ url: '/api/auth/whoami', auth: { bearer: 'ddt_made-up-token-value' } }), 'made-up token');
      assertUnauthorized(await t.call({ url: '/api/auth/whoami', auth: { bearer: 'not-even-a-drydock-token' } }), 'foreign token');
    });

    it('sessions: sign-in sets the cookie and returns the CSRF token; unsafe calls need X-CSRF-Token', async () => {
      const bad = await login(t, 'manager1', 'wrong-password', SEED.org1);
      assertUnauthorized(bad, 'bad sign-in');
      assert.equal(sessionCookie(bad), undefined, 'a failed sign-in sets no cookie');

      const signedIn = await login(t, 'manager1', 'manager1-password', SEED.org1);
      assertOk(signedIn, 'sign-in');
      const cookie = sessionCookie(signedIn);
      assert.ok(cookie && cookie.length >= 32, 'drydock_session cookie set');
      const setCookie = String(signedIn.headers['set-cookie']);
      assert.match(setCookie, /HttpOnly/i);
      assert.match(setCookie, /SameSite=Strict/i);
      assert.match(setCookie, /Path=\//);
      const csrf: string = signedIn.body.data.csrf_token;
      assert.ok(typeof csrf === 'string' && csrf.length >= 20, 'csrf_token returned');
      assert.equal(signedIn.body.data.user.username, 'manager1');
      assert.equal(signedIn.body.data.user.role, 'organization_manager');
      assert.equal(signedIn.body.data.user.organization_id, SEED.org1);
      assert.ok(!signedIn.text.includes(cookie), 'the session id is only in the HttpOnly cookie');

      const whoami = await t.call({ url: '/api/auth/whoami', auth: { session: cookie } });
      assertOk(whoami, 'GET with the cookie, no CSRF needed');
      assert.equal(whoami.body.data.via, 'session');
      assert.equal(whoami.body.data.csrf_token, csrf);
      assertOk(await t.call({ url: `/api/${SEED.org1}/platform/workspaces`, auth: { session: cookie } }), 'GET workspaces');

      // Workspace create.
      const wsBody = { id: 'ws-csrf', name: 'ws-csrf', informations: { description: '', environments: [], workspace_administrators: [] } };
      const wsUrl = `/api/${SEED.org1}/platform/workspaces`;
      const noToken = await t.call({ method: 'POST', url: wsUrl, auth: { session: cookie }, body: wsBody });
      assert.equal(noToken.status, 403, noToken.text);
      assertEnvelope(noToken);
      assert.equal(noToken.body.result, '403-00001');
      assert.match(noToken.body.message, /x-csrf-token/i);
      const wrongToken = await t.call({ method: 'POST', url: wsUrl, auth: { session: cookie, csrf: `${csrf}x` }, body: wsBody });
      assert.equal(wrongToken.status, 403, wrongToken.text);
      assert.equal(wrongToken.body.result, '403-00001');
      assert.equal((await t.call({ url: `${wsUrl}/ws-csrf`, auth: SEED.manager1 })).status, 404, 'nothing was created');
      assertOk(await t.call({ method: 'POST', url: wsUrl, auth: { session: cookie, csrf }, body: wsBody }), 'with the right token');
      assertOk(await t.call({ url: `${wsUrl}/ws-csrf`, auth: SEED.manager1 }), 'created');

      // Menu maintenance.
      const recordUrl = `${ITA1}/menu/${SEED.menu}/maintenance/all/`;
      const register = (host: string) => [{ type: 'Register', parameter: { host } }];
      assert.equal((await t.call({ method: 'POST', url: recordUrl, auth: { session: cookie }, body: register('csrf-1') })).status, 403);
      assert.equal((await t.call({ method: 'POST', url: recordUrl, auth: { session: cookie, csrf: 'guess' }, body: register('csrf-2') })).status, 403);
      assertOk(await t.call({ method: 'POST', url: recordUrl, auth: { session: cookie, csrf }, body: register('csrf-3') }), 'register');
      const hosts = (await t.call({ url: `${ITA1}/menu/${SEED.menu}/filter/`, auth: SEED.manager1 })).body.data.map(
        (r: { parameter: { host: string } }) => r.parameter.host,
      );
      assert.ok(hosts.includes('csrf-3'));
      assert.ok(!hosts.includes('csrf-1') && !hosts.includes('csrf-2'), 'refused writes wrote nothing');

      // Another session's token does not fit this session.
      const other = await login(t, 'member1', 'member1-password', SEED.org1);
      const crossed = await t.call({ method: 'DELETE', url: `${wsUrl}/ws-csrf`, auth: { session: cookie, csrf: other.body.data.csrf_token } });
      assert.equal(crossed.status, 403, crossed.text);

      // Sign-out is an unsafe call too, then the cookie is dead.
      const logoutNoToken = await t.call({ method: 'POST', url: '/api/auth/logout', auth: { session: cookie } });
      assert.equal(logoutNoToken.status, 403, logoutNoToken.text);
      assertOk(await t.call({ url: '/api/auth/whoami', auth: { session: cookie } }), 'still signed in');
      const logout = await t.call({ method: 'POST', url: '/api/auth/logout', auth: { session: cookie, csrf } });
      assertOk(logout, 'logout');
      assert.match(String(logout.headers['set-cookie']), /drydock_session=;/, 'the cookie is cleared');
      assertUnauthorized(await t.call({ url: '/api/auth/whoami', auth: { session: cookie } }), 'after logout');
      assertUnauthorized(await t.call({ url: wsUrl, auth: { session: cookie } }), 'after logout');
      assertUnauthorized(await t.call({ url: '/api/auth/whoami', auth: { session: 'forged-session-id' } }), 'forged cookie');
      assertOk(await t.call({ url: '/api/auth/whoami', auth: { session: sessionCookie(other)! } }), 'other sessions live on');

      // A system administrator signs in without an organization.
      const admin = await login(t, ADMIN.user, ADMIN.password);
      assertOk(admin, 'admin sign-in');
      assert.equal(admin.body.data.user.role, 'system_admin');
      assert.equal(admin.body.data.user.organization_id, null);
    });

    it('sign-in, sign-out and token issue keep working in read-only mode', async () => {
      await setMaintenance(t, { data_update_stop: '1' });
      try {
        const signedIn = await login(t, 'manager1', 'manager1-password', SEED.org1);
        assertOk(signedIn, 'sign-in in read-only mode');
        const session: Auth = { session: sessionCookie(signedIn)!, csrf: signedIn.body.data.csrf_token };
        const issued = await t.call({ method: 'POST', url: '/api/auth/tokens', auth: session, body: { name: 'during maintenance' } });
        assertOk(issued, 'token issue in read-only mode');
        assertOk(await t.call({ url: `/api/${SEED.org1}/platform/workspaces`, auth: { bearer: issued.body.data.token } }), 'Bearer read');
        const adminToken = await t.call({ method: 'POST', url: '/api/auth/tokens', auth: adminAuth, body: { name: 'admin ro' } });
        assertOk(adminToken, 'admin token issue in read-only mode');

        // Read-only mode is really on: a write is refused.
        const write = await t.call({
          method: 'POST',
          url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
          auth: session,
          body: [{ type: 'Register', parameter: { host: 'ro' } }],
        });
        assert.equal(write.status, 498, write.text);

        assertOk(await t.call({ method: 'DELETE', url: `/api/auth/tokens/${issued.body.data.id}`, auth: session }), 'revoke in read-only mode');
        assertUnauthorized(await t.call({ url: '/api/auth/whoami', auth: { bearer: issued.body.data.token } }), 'revoked');
        assertOk(await t.call({ method: 'POST', url: '/api/auth/logout', auth: session }), 'sign-out in read-only mode');
        assertUnauthorized(await t.call({ url: '/api/auth/whoami', auth: { session: session.session } }), 'signed out');
      } finally {
        await setMaintenance(t, { data_update_stop: '0' });
      }
    });
  });

  describe(`sign-in throttling (${backend})`, () => {
    let t: TestApp;
    const user = (name: string) => basic(name, `${name}-password`);
    before(async () => {
      t = await startTestApp(backend, { loginFailuresBeforeDelay: 2, loginMaxFailuresPerAddress: 5 });
      const r = await t.admin({
        method: 'POST',
        url: '/api/platform/organizations',
        body: {
          id: 'rl',
          name: 'rate limit',
          organization_managers: ['rl-one', 'rl-two', 'rl-three', 'rl-four', 'rl-five', 'rl-six', 'rl-seven', 'rl-eight', 'rl-nine', 'rl-ten'].map(
            (username) => ({
              username,
              credentials: [{ type: 'password', value: `${username}-password`, temporary: false }],
              enabled: true,
            }),
          ),
        },
      });
      assert.equal(r.status, 200, r.text);
    });
    after(async () => t?.close());

    const workspaces = (auth: Auth, remoteAddress: string, headers?: Record<string, string>) =>
      t.call({ url: '/api/rl/platform/workspaces', auth, remoteAddress, ...(headers && { headers }) });
    const organizations = (auth: Auth, remoteAddress: string) => t.call({ url: '/api/platform/organizations', auth, remoteAddress });

    it('1,000 wrong passwords for the administrator from 50 addresses: each address is slowed, the right password from a fresh address is served at once', async () => {
      const wrong = basic(ADMIN.user, 'wrong-password');
      const statuses = await Promise.all(
        Array.from({ length: 50 }, async (_, a) => {
          const seen: number[] = [];
          for (let i = 0; i < 20; i++) seen.push((await organizations(wrong, `10.50.0.${a}`)).status);
          return seen;
        }),
      );
      const all = statuses.flat();
      assert.equal(all.length, 1000);
      assert.deepEqual([...new Set(all)].sort(), [401, 429], 'wrong passwords are refused, then slowed');
      // Each address had its 2 free guesses checked; on a slow machine an address whose 1 s delay ran
      // out between two of its requests gets one more. Far fewer than 1,000 either way.
      const checked = all.filter((x) => x === 401).length;
      assert.ok(checked >= 100 && checked < 200, `${checked} of 1,000 guesses were checked`);
      const owner = await organizations(adminAuth, '192.168.7.7');
      assertOk(owner, 'the administrator from an address that has not failed');
      assert.equal(owner.headers['retry-after'], undefined);
      assertOk(await login(t, ADMIN.user, ADMIN.password, undefined, '192.168.7.8'), 'and at the sign-in endpoint');
      // Slowed, not locked: an address may guess again once its delay (1 s, 2, 4 …) has passed;
      // right after a guess it waits, even with the right password.
      assert.ok([401, 429].includes((await organizations(wrong, '10.50.0.3')).status));
      assertTooMany(await organizations(adminAuth, '10.50.0.3'), 'an attacking address waits, even with the right password');
    });

    it("an organization user's failures are charged to that user only, never to the administrator of the same name", async () => {
      const created = await t.call({
        method: 'POST',
        url: '/api/rl/platform/users',
        auth: user('rl-two'),
        remoteAddress: '10.0.2.1',
        body: { username: ADMIN.user, password: 'rl-admin-password', role: 'workspace_member' },
      });
      assertOk(created, 'an organization user named like the administrator');
      for (let i = 0; i < 2; i++) assertUnauthorized(await workspaces(basic(ADMIN.user, `guess-${i}`), '10.0.2.2'), `org user's failure ${i + 1}`);
      assertTooMany(await workspaces(basic(ADMIN.user, 'rl-admin-password'), '10.0.2.2'), 'that org user, from that address, waits');
      assertOk(await organizations(adminAuth, '10.0.2.2'), 'the system administrator of the same name, from the same address, does not');
      assertOk(await workspaces(basic(ADMIN.user, 'rl-admin-password'), '10.0.2.3'), 'nor the org user from elsewhere');
    });

    it('an address that failed for many accounts is refused for them; an account that has not failed from it goes through', async () => {
      for (let i = 0; i < 5; i++) assertUnauthorized(await workspaces(basic(`ghost-${i}`, 'guess-password'), '10.0.3.1'), `failure ${i + 1}`);
      assertTooMany(await workspaces(basic('ghost-0', 'guess-password'), '10.0.3.1'), 'a sprayed account, from the address');
      assertOk(await workspaces(user('rl-two'), '10.0.3.1'), 'someone else behind the same address');
    });

    it('X-Forwarded-For is not believed unless DRYDOCK_TRUST_PROXY names the proxy', async () => {
      for (let i = 0; i < 2; i++)
        assertUnauthorized(await workspaces(basic('rl-five', `guess-${i}`), '10.0.7.1', { 'x-forwarded-for': `203.0.113.${i}` }), `failure ${i + 1}`);
      assertTooMany(
        await workspaces(user('rl-five'), '10.0.7.1', { 'x-forwarded-for': '203.0.113.99' }),
        'a made-up forwarded address does not escape the delay',
      );
      const behindProxy = await startTestApp(backend, { loginFailuresBeforeDelay: 2, trustProxy: '10.0.0.0/8' });
      try {
        await seedTenants(behindProxy);
        const viaProxy = (password: string, client: string) =>
          behindProxy.call({
            url: '/api/platform/organizations',
            auth: basic(ADMIN.user, password),
            remoteAddress: '10.0.0.2',
            headers: { 'x-forwarded-for': client },
          });
        for (let i = 0; i < 2; i++) assertUnauthorized(await viaProxy('wrong', '198.51.100.1'), `failure ${i + 1} of a client behind the proxy`);
        assertTooMany(await viaProxy(ADMIN.password, '198.51.100.1'), 'that client waits');
        assertOk(await viaProxy(ADMIN.password, '198.51.100.2'), 'another client behind the same proxy does not');
      } finally {
        await behindProxy.close();
      }
    });

    it('a burst of concurrent guesses checks no more passwords than the throttle allows', async () => {
      const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => workspaces(basic('rl-burst', `guess-${i}`), '10.0.5.1')));
      const statuses = guesses.map((r) => r.status);
      assert.equal(statuses.filter((x) => x === 401).length, 2, `2 checked, the rest refused unchecked: ${statuses.join(', ')}`);
      for (const r of guesses.filter((x) => x.status !== 401)) assertTooMany(r, 'concurrent guess over the limit');
    });

    it('a burst of concurrent calls with the right password all succeed, even on a cold cache', async () => {
      // rl-four has never signed in: every call of the burst arrives before any scrypt check ends.
      const burst = await Promise.all(Array.from({ length: 12 }, () => workspaces(user('rl-four'), '10.0.6.1')));
      assert.deepEqual(
        burst.map((r) => r.status),
        Array(12).fill(200),
      );
      // More signed-in users calling at once from one address than its failure ceiling (5): a
      // success is not a failure, and credentials verified recently are not even counted in flight.
      const names = ['rl-six', 'rl-seven', 'rl-eight', 'rl-nine', 'rl-ten'];
      for (const name of names) assertOk(await workspaces(user(name), '10.0.6.2'), `${name} signs in`);
      for (let round = 0; round < 3; round++) {
        const others = await Promise.all(names.map((name) => workspaces(user(name), '10.0.6.2')));
        assert.deepEqual(
          others.map((r) => r.status),
          Array(names.length).fill(200),
        );
      }
    });

    it("a successful sign-in clears the account's failures from that address", async () => {
      for (let round = 0; round < 3; round++) {
        assertUnauthorized(await workspaces(basic('rl-three', 'guess-password'), '10.0.4.1'), `round ${round}: a failure`);
        assertOk(await workspaces(user('rl-three'), '10.0.4.1'), `round ${round}: then the right password (no delay: the last success cleared the count)`);
      }
    });
  });
}

for (const backend of BACKENDS) {
  describe(`Basic auth with an explicit organization (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
    });
    after(async () => t?.close());

    it('organization/user works where the path names no organization, and is a known user elsewhere (403)', async () => {
      const qualified = basic(`${SEED.org1}/manager1`, 'manager1-password');
      const token = await t.call({ method: 'POST', url: '/api/auth/tokens', auth: qualified, body: { name: 'ci' } });
      assert.equal(token.status, 200, token.text);
      const platform = await t.call({ url: '/api/platform/maintenance-mode-setting', auth: qualified });
      assert.equal(platform.status, 403);
      assert.equal(platform.body.result, '403-00001');
      const other = await t.call({ url: `/api/${SEED.org2}/platform/workspaces`, auth: qualified });
      assert.equal(other.status, 403);
      const wrong = await t.call({ url: '/api/auth/whoami', auth: basic(`${SEED.org1}/manager1`, 'wrong-password') });
      assert.equal(wrong.status, 401);
    });

    it('/user names the system administrator, even where an organization user of the same name stands in front', async () => {
      const created = await t.call({
        method: 'POST',
        url: `/api/${SEED.org1}/platform/users`,
        auth: SEED.manager1,
        body: { username: ADMIN.user, password: 'org-admin-password', role: 'workspace_member' },
      });
      assert.equal(created.status, 200, created.text);
      const orgPath = `/api/${SEED.org1}/platform/workspaces`;
      // A bare name on the organization's path is the organization's user: the administrator's password fails there.
      assert.equal((await t.call({ url: orgPath, auth: basic(ADMIN.user, ADMIN.password) })).status, 401);
      const explicit = await t.call({ url: orgPath, auth: basic(`/${ADMIN.user}`, ADMIN.password) });
      assert.equal(explicit.status, 200, explicit.text);
      const who = await t.call({ url: '/api/auth/whoami', auth: basic(`/${ADMIN.user}`, ADMIN.password) });
      assert.equal(who.body.data.role, 'system_admin');
      assert.equal(who.body.data.organization_id, null);
      assert.equal(
        (await t.call({ url: orgPath, auth: basic(`/${ADMIN.user}`, 'org-admin-password') })).status,
        401,
        "the organization user's password is not the administrator's",
      );
      // On the system's paths the organization in the path is what is acted on, not the caller's
      // realm: the administrator's bare name is the administrator (Exastro's delete-organization.sh,
      // whose sample organization has a manager called admin, sends exactly this).
      const onSystemPath = await t.call({ url: `/api/platform/organizations/${SEED.org1}`, auth: basic(ADMIN.user, ADMIN.password) });
      assert.equal(onSystemPath.status, 200, onSystemPath.text);
      assert.equal(
        (await t.call({ url: `/api/platform/organizations/${SEED.org1}`, auth: basic(ADMIN.user, 'org-admin-password') })).status,
        401,
        'the organization user is not looked up on a system path',
      );
    });
  });
}
