/**
 * The maintenance-mode setting API (docs/decisions/maintenance-gate.md): the Exastro-compatible GET/PATCH, validation
 * codes, the banner message and announced end, the audit trail, who may call what, and where the
 * switches show (workspace user view, health, metrics).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ADMIN, ITA1, SEED, adminAuth, basic, seedTenants, setMaintenance, startTestApp, type Auth, type CallResult, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';

const SETTING = '/api/platform/maintenance-mode-setting';
const AUDIT = `${SETTING}/audit`;
const ORG_SETTING = `/api/${SEED.org1}/platform/maintenance-mode-setting`;
const RETRY_AFTER_DEFAULT = 123;

/** A write every backend refuses in read-only mode (loglevel_change, 498-00001). */
const LOGLEVEL_WRITE = { method: 'PATCH', url: '/api/ita/loglevel-settings/', body: { 'ita-api-admin': 'DEBUG' } } as const;

const ALL_OFF = { backyard_execute_stop: '0', data_update_stop: '0', message: null, announced_end: null } as const;

/** Sum of the samples of `name` whose labels include `labels`, from Prometheus text; undefined if none. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum = (sum ?? 0) + Number(m[3]);
  }
  return sum;
}

function assertEnvelope(r: CallResult, result: string): void {
  assert.deepEqual(Object.keys(r.body ?? {}).sort(), ['data', 'message', 'result', 'ts'], r.text);
  assert.equal(r.body.result, result, r.text);
  assert.equal(typeof r.body.message, 'string');
  assert.ok(!Number.isNaN(Date.parse(r.body.ts)), `ts ${r.body.ts} is not a date`);
}

for (const backend of BACKENDS) {
  describe(`maintenance-mode-setting API (${backend})`, () => {
    let t: TestApp;

    const get = async () => {
      const r = await t.admin({ url: SETTING });
      assert.equal(r.status, 200, r.text);
      return r.body.data;
    };
    const patch = (body: unknown, auth: Auth = adminAuth, headers?: Record<string, string>) =>
      t.call({ method: 'PATCH', url: SETTING, body, auth, ...(headers && { headers }) });
    const audit = async (query = '') => {
      const r = await t.admin({ url: `${AUDIT}${query}` });
      assert.equal(r.status, 200, r.text);
      return r.body.data as Array<{
        id: number;
        changed_at: string;
        changed_by: string;
        before: Record<string, unknown>;
        after: Record<string, unknown>;
      }>;
    };
    /** Signs an organization user in; returns the session (with its CSRF token) and a bearer token. */
    const signIn = async (org: string, username: string, password: string) => {
      const login = await t.call({
        method: 'POST',
        url: '/api/auth/login',
        body: { organization_id: org, username, password },
      });
      assert.equal(login.status, 200, login.text);
      const cookie = String(login.headers['set-cookie']);
      const sessionId = /drydock_session=([^;]+)/.exec(cookie)?.[1];
      assert.ok(sessionId, `no session cookie in ${cookie}`);
      const session: Auth = { session: sessionId, csrf: login.body.data.csrf_token };
      const token = await t.call({ method: 'POST', url: '/api/auth/tokens', auth: session, body: { name: 'test' } });
      assert.equal(token.status, 200, token.text);
      return { session, bearer: { bearer: token.body.data.token as string } satisfies Auth };
    };

    before(async () => {
      t = await startTestApp(backend, {
        retryAfterSeconds: RETRY_AFTER_DEFAULT,
        // The 401 tests fail sign-ins on purpose; keep the limiter from locking the administrator out.
        loginMaxFailuresPerAddress: 1000,
        loginFailuresBeforeDelay: 1000,
      });
      await seedTenants(t);
    });
    after(async () => t?.close());
    beforeEach(async () => setMaintenance(t, ALL_OFF));

    it('GET returns the switches as the strings "0"/"1" in the Exastro envelope', async () => {
      const r = await t.admin({ url: SETTING });
      assert.equal(r.status, 200, r.text);
      assertEnvelope(r, '000-00000');
      assert.equal(r.body.message, 'SUCCESS');
      assert.equal(r.body.data.backyard_execute_stop, '0');
      assert.equal(r.body.data.data_update_stop, '0');

      await setMaintenance(t, { backyard_execute_stop: '1', data_update_stop: '1' });
      const on = await t.admin({ url: SETTING });
      assertEnvelope(on, '000-00000');
      assert.equal(on.body.data.backyard_execute_stop, '1');
      assert.equal(on.body.data.data_update_stop, '1');
      assert.equal(on.body.data.last_update_user, ADMIN.user);
    });

    it('PATCH with either key or both answers 200 with data null, and GET reflects it', async () => {
      const steps: Array<[Record<string, string>, { backyard_execute_stop: string; data_update_stop: string }]> = [
        [{ backyard_execute_stop: '1' }, { backyard_execute_stop: '1', data_update_stop: '0' }],
        [{ data_update_stop: '1' }, { backyard_execute_stop: '1', data_update_stop: '1' }],
        [{ backyard_execute_stop: '0' }, { backyard_execute_stop: '0', data_update_stop: '1' }],
        [
          { backyard_execute_stop: '1', data_update_stop: '0' },
          { backyard_execute_stop: '1', data_update_stop: '0' },
        ],
        [
          { backyard_execute_stop: '0', data_update_stop: '0' },
          { backyard_execute_stop: '0', data_update_stop: '0' },
        ],
      ];
      for (const [body, expected] of steps) {
        const r = await patch(body);
        assert.equal(r.status, 200, `${JSON.stringify(body)}: ${r.text}`);
        assertEnvelope(r, '000-00000');
        assert.equal(r.body.message, 'SUCCESS');
        assert.equal(r.body.data, null);
        const now = await get();
        assert.deepEqual(
          { backyard_execute_stop: now.backyard_execute_stop, data_update_stop: now.data_update_stop },
          expected,
          `after PATCH ${JSON.stringify(body)}`,
        );
      }
    });

    it('an unknown key is 400 400-00026 and changes nothing', async () => {
      for (const body of [{ foo: '1' }, { data_update_stop: '1', foo: '1' }, { Data_Update_Stop: '1' }]) {
        const r = await patch(body);
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
        assertEnvelope(r, '400-00026');
      }
      const now = await get();
      assert.equal(now.data_update_stop, '0');
      assert.equal(now.backyard_execute_stop, '0');
    });

    it('a value other than the string "0" or "1" is 400 400-00027 and changes nothing', async () => {
      for (const key of ['backyard_execute_stop', 'data_update_stop']) {
        for (const value of [1, 0, '2', 'on', true, false, null, '', ' 1', '01', ['1'], { v: '1' }]) {
          const r = await patch({ [key]: value });
          assert.equal(r.status, 400, `${key}=${JSON.stringify(value)}: ${r.text}`);
          assertEnvelope(r, '400-00027');
        }
        // A valid key next to an invalid one is refused as a whole.
        const mixed = await patch({ backyard_execute_stop: '1', data_update_stop: 'yes' });
        assert.equal(mixed.status, 400, mixed.text);
      }
      const now = await get();
      assert.equal(now.data_update_stop, '0');
      assert.equal(now.backyard_execute_stop, '0');
    });

    it('an empty body and {} are 400 400-00002', async () => {
      const noBody = await t.admin({ method: 'PATCH', url: SETTING });
      assert.equal(noBody.status, 400, noBody.text);
      assertEnvelope(noBody, '400-00002');
      const emptyJson = await t.admin({ method: 'PATCH', url: SETTING, payload: '', headers: { 'content-type': 'application/json' } });
      assert.equal(emptyJson.status, 400, emptyJson.text);
      assertEnvelope(emptyJson, '400-00002');
      const emptyObject = await patch({});
      assert.equal(emptyObject.status, 400, emptyObject.text);
      assertEnvelope(emptyObject, '400-00002');
    });

    it('a message of up to 1000 characters is kept; a longer one is 400', async () => {
      const exactly = 'm'.repeat(1000);
      assert.equal((await patch({ message: exactly })).status, 200);
      assert.equal((await get()).message, exactly);
      const tooLong = await patch({ message: 'x'.repeat(1001) });
      assert.equal(tooLong.status, 400, tooLong.text);
      assertEnvelope(tooLong, '400-00027');
      assert.equal((await get()).message, exactly, 'the refused message did not replace the stored one');
    });

    it('a message with markup is stored sanitized, and every banner reader gets the clean text', async () => {
      const r = await patch({ data_update_stop: '1', message: '<script>alert(1)</script>Back <b>soon</b>' });
      assert.equal(r.status, 200, r.text);
      const views = [
        (await get()).message,
        (await t.call({ url: ORG_SETTING, auth: SEED.member1 })).body.data.message,
        (await t.call({ url: `${ITA1}/user/`, auth: SEED.member1 })).body.data.maintenance_mode.message,
      ];
      for (const message of views) {
        assert.equal(typeof message, 'string');
        assert.doesNotMatch(message, /[<>]/, `markup survived: ${message}`);
        assert.match(message, /Back soon/);
      }
      const last = (await audit('?limit=1'))[0]!;
      assert.doesNotMatch(String(last.after.message), /[<>]/, 'the audit trail keeps the sanitized text');
    });

    it('Retry-After on refusals counts down to announced_end, else is the configured default', async () => {
      const refuse = async () => {
        const r = await t.admin(LOGLEVEL_WRITE);
        assert.equal(r.status, 498, r.text);
        assert.equal(r.body.result, '498-00001');
        const value = String(r.headers['retry-after']);
        assert.match(value, /^\d+$/, `Retry-After ${value}`);
        return Number(value);
      };

      await setMaintenance(t, { data_update_stop: '1' });
      assert.equal(await refuse(), RETRY_AFTER_DEFAULT, 'no end announced: the default');

      const end = new Date(Date.now() + 600_000);
      await setMaintenance(t, { announced_end: end.toISOString() });
      const seconds = await refuse();
      assert.ok(seconds > 590 && seconds <= 600, `Retry-After ${seconds} should be about 600 s`);

      // An end given with an offset is stored in UTC and still drives Retry-After.
      await setMaintenance(t, { announced_end: '2099-01-01T09:00:00+09:00' });
      assert.equal((await get()).announced_end, '2099-01-01T00:00:00.000000Z');
      const far = await refuse();
      const expected = Math.ceil((Date.parse('2099-01-01T00:00:00Z') - Date.now()) / 1000);
      assert.ok(Math.abs(far - expected) <= 5, `Retry-After ${far} vs ${expected}`);

      // An end that has passed is no promise: back to the default.
      await setMaintenance(t, { announced_end: new Date(Date.now() - 60_000).toISOString() });
      assert.equal(await refuse(), RETRY_AFTER_DEFAULT);

      await setMaintenance(t, { announced_end: null });
      assert.equal((await get()).announced_end, null);
      assert.equal(await refuse(), RETRY_AFTER_DEFAULT);

      const bad = await patch({ announced_end: 'tomorrow morning' });
      assert.equal(bad.status, 400, bad.text);
      assertEnvelope(bad, '400-00027');
    });

    it('DRYDOCK_REFUSAL_HTTP_STATUS=503 answers refusals with 503, the same 498 code and Retry-After; reads still work', async () => {
      const proxied = await startTestApp(backend, { refusalHttpStatus: 503 });
      try {
        await setMaintenance(proxied, { data_update_stop: '1' });
        const r = await proxied.admin(LOGLEVEL_WRITE);
        assert.equal(r.status, 503, r.text);
        assert.equal(r.body.result, '498-00001');
        assert.match(String(r.headers['retry-after']), /^\d+$/);
        assert.equal((await proxied.admin({ url: '/api/ita/loglevel-settings/' })).status, 200);
      } finally {
        await proxied.close();
      }
    });

    it('the audit lists every change, newest first, with changed_by, changed_at, before and after', async () => {
      const startCount = (await audit('?limit=1000')).length;
      const changes = [
        { backyard_execute_stop: '1' },
        { data_update_stop: '1', message: 'upgrading' },
        { backyard_execute_stop: '0', data_update_stop: '0', message: null },
      ];
      for (const c of changes) {
        assert.equal((await patch(c)).status, 200);
        // A refused PATCH leaves no trace.
        assert.equal((await patch({ data_update_stop: 'maybe' })).status, 400);
      }
      const all = await audit('?limit=1000');
      assert.equal(all.length, startCount + changes.length, 'one entry per successful PATCH, none for refused ones');

      const newest = all.slice(0, changes.length);
      for (const e of newest) {
        assert.equal(e.changed_by, ADMIN.user);
        assert.ok(!Number.isNaN(Date.parse(e.changed_at)), `changed_at ${e.changed_at}`);
      }
      // Newest first: ids and times go down, and each entry's `before` is the next older one's `after`.
      for (let i = 0; i + 1 < all.length; i++) {
        assert.ok(all[i]!.id > all[i + 1]!.id, 'ids descending');
        assert.ok(all[i]!.changed_at >= all[i + 1]!.changed_at, 'changed_at descending');
        assert.deepEqual(all[i]!.before, all[i + 1]!.after, `entry ${i}'s before is entry ${i + 1}'s after`);
      }
      const [third, second, first] = newest;
      assert.deepEqual(
        { b: first!.before.backyard_execute_stop, a: first!.after.backyard_execute_stop, d: first!.after.data_update_stop },
        { b: false, a: true, d: false },
      );
      assert.equal(second!.before.data_update_stop, false);
      assert.equal(second!.after.data_update_stop, true);
      assert.equal(second!.after.message, 'upgrading');
      assert.deepEqual([third!.after.backyard_execute_stop, third!.after.data_update_stop, third!.after.message], [false, false, null]);

      // Paging: ?limit and ?before_id walk back through the same list.
      const page1 = await audit('?limit=2');
      assert.deepEqual(page1, all.slice(0, 2));
      const page2 = await audit(`?limit=2&before_id=${page1[1]!.id}`);
      assert.deepEqual(page2, all.slice(2, 4));
    });

    it('organization users see the banner view of their own organization only', async () => {
      await setMaintenance(t, { data_update_stop: '1', message: 'back at six' });
      for (const auth of [SEED.manager1, SEED.member1]) {
        const r = await t.call({ url: ORG_SETTING, auth });
        assert.equal(r.status, 200, r.text);
        assertEnvelope(r, '000-00000');
        assert.equal(r.body.data.data_update_stop, '1');
        assert.equal(r.body.data.backyard_execute_stop, '0');
        assert.equal(r.body.data.message, 'back at six');
      }
      const admin = await t.admin({ url: ORG_SETTING });
      assert.equal(admin.status, 200, admin.text);
      // Another organization's view: 403 for a signed-in user of org1. (With Basic auth the path's
      // organization picks the user namespace, so org1's password is simply unknown there: 401.)
      const { session, bearer } = await signIn(SEED.org1, 'member1', 'member1-password');
      for (const auth of [session, bearer]) {
        const other = await t.call({ url: `/api/${SEED.org2}/platform/maintenance-mode-setting`, auth });
        assert.equal(other.status, 403, other.text);
        assertEnvelope(other, '403-00001');
        const own = await t.call({ url: ORG_SETTING, auth });
        assert.equal(own.status, 200, own.text);
      }
      const otherBasic = await t.call({ url: `/api/${SEED.org2}/platform/maintenance-mode-setting`, auth: SEED.member1 });
      assert.equal(otherBasic.status, 401, otherBasic.text);
      const noAuth = await t.call({ url: ORG_SETTING });
      assert.equal(noAuth.status, 401, noAuth.text);
    });

    it('organization users get 403 403-00001 on the platform GET, PATCH and audit', async () => {
      for (const [username, password] of [
        ['manager1', 'manager1-password'],
        ['member1', 'member1-password'],
      ] as const) {
        const { session, bearer } = await signIn(SEED.org1, username, password);
        for (const auth of [session, bearer]) {
          const what = `${username} via ${'bearer' in auth ? 'token' : 'session'}`;
          const g = await t.call({ url: SETTING, auth });
          assert.equal(g.status, 403, `${what} GET: ${g.text}`);
          assertEnvelope(g, '403-00001');
          const p = await t.call({ method: 'PATCH', url: SETTING, auth, body: { data_update_stop: '1' } });
          assert.equal(p.status, 403, `${what} PATCH: ${p.text}`);
          assertEnvelope(p, '403-00001');
          const a = await t.call({ url: AUDIT, auth });
          assert.equal(a.status, 403, `${what} audit: ${a.text}`);
          assertEnvelope(a, '403-00001');
        }
        // Basic auth on a path that names no organization checks the system administrators only
        // (user names are per organization), so an organization user's password is not recognised there.
        const basicPatch = await t.call({
          method: 'PATCH',
          url: SETTING,
          auth: basic(username, password),
          body: { data_update_stop: '1' },
        });
        assert.equal(basicPatch.status, 401, basicPatch.text);
      }
      const now = await get();
      assert.equal(now.data_update_stop, '0', 'no refused PATCH changed the switch');
      assert.equal(now.backyard_execute_stop, '0');
    });

    it('bad credentials are 401 401-00002 and change nothing', async () => {
      const bad: Auth[] = [
        basic(ADMIN.user, 'wrong-password'),
        basic('nobody', 'whatever-password'),
        { bearer: 'ddt_not-a-real-token' },
        { bearer: 'something-else' },
        { session: 'no-such-session', csrf: 'x' },
      ];
      for (const auth of bad) {
        for (const [method, url, body] of [
          ['GET', SETTING, undefined],
          ['PATCH', SETTING, { data_update_stop: '1' }],
          ['GET', AUDIT, undefined],
          ['GET', ORG_SETTING, undefined],
        ] as const) {
          const r = await t.call({ method, url, auth, ...(body && { body }) });
          assert.equal(r.status, 401, `${method} ${url} with ${JSON.stringify(auth)}: ${r.text}`);
          assertEnvelope(r, '401-00002');
        }
      }
      const malformed = await t.call({ url: SETTING, headers: { authorization: 'Basic !!!' } });
      assert.equal(malformed.status, 401, malformed.text);
      assertEnvelope(malformed, '401-00002');
      const none = await t.call({ method: 'PATCH', url: SETTING, body: { data_update_stop: '1' } });
      assert.equal(none.status, 401, none.text);
      assertEnvelope(none, '401-00002');
      assert.equal((await get()).data_update_stop, '0');
    });

    it('the workspace user view shows maintenance_mode', async () => {
      const view = async () => {
        const r = await t.call({ url: `${ITA1}/user/`, auth: SEED.member1 });
        assert.equal(r.status, 200, r.text);
        assertEnvelope(r, '000-00000');
        return r.body.data.maintenance_mode;
      };
      const off = await view();
      assert.equal(off.backyard_execute_stop, '0');
      assert.equal(off.data_update_stop, '0');
      await setMaintenance(t, { backyard_execute_stop: '1' });
      assert.deepEqual([(await view()).backyard_execute_stop, (await view()).data_update_stop], ['1', '0']);
      await setMaintenance(t, { backyard_execute_stop: '0', data_update_stop: '1', message: 'read-only for the backup' });
      const ro = await view();
      assert.deepEqual([ro.backyard_execute_stop, ro.data_update_stop, ro.message], ['0', '1', 'read-only for the backup']);
    });

    it('GET /api/healthz is public and shows the switches', async () => {
      const h1 = await t.call({ url: '/api/healthz' });
      assert.equal(h1.status, 200, h1.text);
      assertEnvelope(h1, '000-00000');
      assert.deepEqual(h1.body.data.maintenance_mode, { backyard_execute_stop: '0', data_update_stop: '0' });
      await setMaintenance(t, { backyard_execute_stop: '1', data_update_stop: '1' });
      const h2 = await t.call({ url: '/api/healthz' });
      assert.equal(h2.status, 200, h2.text);
      assert.deepEqual(h2.body.data.maintenance_mode, { backyard_execute_stop: '1', data_update_stop: '1' });
    });

    it('GET /metrics shows the switch gauges and counts maintenance refusals', async () => {
      const scrape = async () => {
        const r = await t.call({ url: '/metrics' });
        assert.equal(r.status, 200);
        assert.match(String(r.headers['content-type']), /text\/plain/);
        return r.text;
      };
      const off = await scrape();
      assert.equal(metric(off, 'drydock_maintenance_data_update_stop'), 0);
      assert.equal(metric(off, 'drydock_maintenance_backyard_execute_stop'), 0);
      const refusedBefore = metric(off, 'drydock_http_requests_total', { outcome: 'maintenance_refused' }) ?? 0;

      await setMaintenance(t, { backyard_execute_stop: '1' });
      const stopped = await scrape();
      assert.equal(metric(stopped, 'drydock_maintenance_backyard_execute_stop'), 1);
      assert.equal(metric(stopped, 'drydock_maintenance_data_update_stop'), 0);

      await setMaintenance(t, { data_update_stop: '1' });
      const ro = await scrape();
      assert.equal(metric(ro, 'drydock_maintenance_data_update_stop'), 1);
      assert.equal(metric(ro, 'drydock_maintenance_backyard_execute_stop'), 1);

      const refused = await t.admin(LOGLEVEL_WRITE);
      assert.equal(refused.status, 498, refused.text);
      const counted = await scrape();
      assert.equal(
        metric(counted, 'drydock_http_requests_total', { outcome: 'maintenance_refused' }),
        refusedBefore + 1,
        'one more maintenance_refused request',
      );
      assert.ok(
        (metric(counted, 'drydock_http_requests_total', { outcome: 'maintenance_refused', method: 'PATCH' }) ?? 0) >= 1,
        'the refusal is counted under its method',
      );

      await setMaintenance(t, { backyard_execute_stop: '0', data_update_stop: '0' });
      const back = await scrape();
      assert.equal(metric(back, 'drydock_maintenance_data_update_stop'), 0);
      assert.equal(metric(back, 'drydock_maintenance_backyard_execute_stop'), 0);
    });
  });
}
