/**
 * Bad input is always a 4xx with Exastro's envelope and a message that says what to fix: malformed
 * JSON, wrong types, unknown keys, bodies over the limit, unsupported content types. Never a 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from './support/backends.js';
import { ITA1, SEED, adminAuth, organizationBody, seedTenants, startTestApp, type CallOptions, type CallResult, type TestApp } from './support/app.js';

const BODY_LIMIT = 2048;

function assertEnvelope(r: CallResult, what: string): void {
  assert.equal(r.headers['content-type']?.toString().split(';')[0], 'application/json', `${what}: JSON response`);
  assert.deepEqual(Object.keys(r.body ?? {}).sort(), ['data', 'message', 'result', 'ts'], `${what}: ${r.text}`);
  assert.equal(typeof r.body.message, 'string', what);
  assert.match(r.body.result, /^\d{3}-\d{5}$/, what);
  assert.ok(!Number.isNaN(Date.parse(r.body.ts)), `${what}: ts ${r.body.ts}`);
}

function assertError(r: CallResult, status: number, result: string, what: string): void {
  assert.equal(r.status, status, `${what}: expected ${status}, got ${r.status} ${r.text}`);
  assertEnvelope(r, what);
  assert.equal(r.body.result, result, `${what}: ${r.text}`);
  assert.equal(r.body.data, null, what);
  assert.ok(r.body.message.length > 10, `${what}: the message says something`);
}

const wsBody = (id: string) => ({ id, name: id, informations: { description: '', environments: [], workspace_administrators: [] } });

for (const backend of BACKENDS) {
  describe(`request validation (${backend})`, () => {
    let t: TestApp;
    const seen: Array<{ what: string; status: number; text: string }> = [];
    before(async () => {
      t = await startTestApp(backend, { bodyLimitBytes: BODY_LIMIT });
      await seedTenants(t);
    });
    after(async () => t?.close());

    /** Every call of this file goes through here, so the last test can check that none was a 500. */
    async function call(o: CallOptions): Promise<CallResult> {
      const r = await t.call(o);
      seen.push({ what: `${o.method ?? 'GET'} ${o.url}`, status: r.status, text: r.text });
      if (r.status >= 400) assertEnvelope(r, `${o.method ?? 'GET'} ${o.url}`);
      return r;
    }

    const json = { 'content-type': 'application/json' };

    it('malformed JSON is 400 400-00001 on every kind of endpoint', async () => {
      const cases: Array<[string, CallOptions]> = [
        ['org create', { method: 'POST', url: '/api/platform/organizations', auth: adminAuth }],
        ['maintenance PATCH', { method: 'PATCH', url: '/api/platform/maintenance-mode-setting', auth: adminAuth }],
        ['workspace create', { method: 'POST', url: `/api/${SEED.org1}/platform/workspaces`, auth: SEED.manager1 }],
        ['menu maintenance', { method: 'POST', url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`, auth: SEED.member1 }],
        ['menu search', { method: 'POST', url: `${ITA1}/menu/${SEED.menu}/filter/`, auth: SEED.member1 }],
        ['sign-in', { method: 'POST', url: '/api/auth/login' }],
      ];
      for (const [what, o] of cases) {
        for (const payload of ['{"id": ', '{id: 1}', "{'a': 1}", '[1, 2', 'nul', '{"a":1}}']) {
          const r = await call({ ...o, payload, headers: json });
          assertError(r, 400, '400-00001', `${what} with ${payload}`);
          assert.match(r.body.message, /not valid JSON/, what);
        }
      }
      const setting = await call({ url: '/api/platform/maintenance-mode-setting', auth: adminAuth });
      assert.equal(setting.body.data.data_update_stop, '0', 'nothing changed');
    });

    it('wrong types are 400 400-00027 naming the field', async () => {
      const cases: Array<[string, CallOptions, RegExp]> = [
        ['org name', { method: 'POST', url: '/api/platform/organizations', auth: adminAuth, body: { ...organizationBody('typed1'), name: 123 } }, /\bname\b/],
        ['org id', { method: 'POST', url: '/api/platform/organizations', auth: adminAuth, body: { ...organizationBody('typed2'), id: 42 } }, /\bid\b/],
        [
          'org id pattern',
          { method: 'POST', url: '/api/platform/organizations', auth: adminAuth, body: { ...organizationBody('typed3'), id: '1-starts-with-digit' } },
          /\bid\b.*letter/,
        ],
        [
          'manager credentials',
          {
            method: 'POST',
            url: '/api/platform/organizations',
            auth: adminAuth,
            body: { ...organizationBody('typed4'), organization_managers: [{ ...organizationBody('x').organization_managers[0], credentials: 'secret' }] },
          },
          /organization_managers\.0\.credentials/,
        ],
        [
          'manager password too short',
          {
            method: 'POST',
            url: '/api/platform/organizations',
            auth: adminAuth,
            body: {
              ...organizationBody('typed5'),
              organization_managers: [{ ...organizationBody('x').organization_managers[0], credentials: [{ type: 'password', value: 'short' }] }],
            },
          },
          /organization_managers\.0\.credentials\.0\.value.*8 characters/,
        ],
        [
          'org plan',
          { method: 'POST', url: '/api/platform/organizations', auth: adminAuth, body: { ...organizationBody('typed6'), plan: 'plan-1' } },
          /\bplan\b/,
        ],
        [
          'workspace name',
          { method: 'POST', url: `/api/${SEED.org1}/platform/workspaces`, auth: SEED.manager1, body: { ...wsBody('wst1'), name: ['a'] } },
          /\bname\b/,
        ],
        [
          'workspace environments',
          {
            method: 'POST',
            url: `/api/${SEED.org1}/platform/workspaces`,
            auth: SEED.manager1,
            body: { id: 'wst2', name: 'x', informations: { environments: 'prod' } },
          },
          /informations\.environments/,
        ],
        [
          'maintenance flag as number',
          { method: 'PATCH', url: '/api/platform/maintenance-mode-setting', auth: adminAuth, body: { data_update_stop: 1 } },
          /data_update_stop/,
        ],
        [
          'maintenance flag "2"',
          { method: 'PATCH', url: '/api/platform/maintenance-mode-setting', auth: adminAuth, body: { backyard_execute_stop: '2' } },
          /backyard_execute_stop.*"0".*"1"/,
        ],
        [
          'maintenance item type',
          {
            method: 'POST',
            url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
            auth: SEED.member1,
            body: [{ type: 'Upsert', parameter: { host: 'x' } }],
          },
          /0\.type/,
        ],
        [
          'maintenance parameter',
          { method: 'POST', url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`, auth: SEED.member1, body: [{ type: 'Register', parameter: 'x' }] },
          /0\.parameter/,
        ],
        [
          'maintenance body is an object',
          { method: 'POST', url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`, auth: SEED.member1, body: { type: 'Register' } },
          /\(body\)/,
        ],
        ['token name', { method: 'POST', url: '/api/auth/tokens', auth: adminAuth, body: { name: 5 } }, /\bname\b/],
        ['token expiry', { method: 'POST', url: '/api/auth/tokens', auth: adminAuth, body: { name: 'x', expires_in_days: 0 } }, /expires_in_days/],
        [
          'user role',
          {
            method: 'POST',
            url: `/api/${SEED.org1}/platform/users`,
            auth: SEED.manager1,
            body: { username: 'typed-user', password: 'password-123', role: 'god' },
          },
          /\brole\b/,
        ],
        [
          'user enabled',
          {
            method: 'PUT',
            url: `/api/${SEED.org1}/platform/users/00000000-0000-4000-8000-000000000000`,
            auth: SEED.manager1,
            body: { enabled: 'yes' },
          },
          /\benabled\b/,
        ],
        ['sign-in username', { method: 'POST', url: '/api/auth/login', body: { username: 7, password: 'x' } }, /\busername\b/],
        ['JSON null body', { method: 'POST', url: '/api/platform/organizations', auth: adminAuth, payload: 'null', headers: json }, /\(body\)/],
        ['JSON string body', { method: 'POST', url: '/api/platform/organizations', auth: adminAuth, payload: '"org"', headers: json }, /\(body\)/],
        ['path parameter', { url: '/api/platform/organizations/has%20space', auth: adminAuth }, /organization_id/],
        ['user id parameter', { method: 'DELETE', url: `/api/${SEED.org1}/platform/users/not-a-uuid`, auth: SEED.manager1 }, /user_id/],
      ];
      for (const [what, o, field] of cases) {
        const r = await call(o);
        assertError(r, 400, '400-00027', what);
        assert.match(r.body.message, field, `${what}: the message names the field: ${r.body.message}`);
      }
      const orgs = (await call({ url: '/api/platform/organizations', auth: adminAuth })).body.data.map((o: { id: string }) => o.id);
      assert.ok(!orgs.some((id: string) => id.startsWith('typed')), 'no refused organization was created');
    });

    it('unknown top-level keys are 400 400-00026 naming the key', async () => {
      const cases: Array<[string, CallOptions, string]> = [
        [
          'org create',
          { method: 'POST', url: '/api/platform/organizations', auth: adminAuth, body: { ...organizationBody('extra1'), colour: 'red' } },
          'colour',
        ],
        [
          'org manager',
          {
            method: 'POST',
            url: '/api/platform/organizations',
            auth: adminAuth,
            body: { ...organizationBody('extra2'), organization_managers: [{ ...organizationBody('x').organization_managers[0], nickname: 'bob' }] },
          },
          'organization_managers.0.nickname',
        ],
        ['org update', { method: 'PUT', url: `/api/platform/organizations/${SEED.org1}`, auth: adminAuth, body: { name: 'x', owner: 'me' } }, 'owner'],
        [
          'workspace create',
          { method: 'POST', url: `/api/${SEED.org1}/platform/workspaces`, auth: SEED.manager1, body: { ...wsBody('wsx1'), owner: 'me' } },
          'owner',
        ],
        [
          'workspace informations',
          {
            method: 'POST',
            url: `/api/${SEED.org1}/platform/workspaces`,
            auth: SEED.manager1,
            body: { id: 'wsx2', name: 'x', informations: { description: '', colour: 'red' } },
          },
          'informations.colour',
        ],
        [
          'maintenance PATCH',
          { method: 'PATCH', url: '/api/platform/maintenance-mode-setting', auth: adminAuth, body: { data_update_stop: '1', foo: '1' } },
          'foo',
        ],
        [
          'maintenance PATCH (only an unknown key)',
          { method: 'PATCH', url: '/api/platform/maintenance-mode-setting', auth: adminAuth, body: { data_update_stopp: '1' } },
          'data_update_stopp',
        ],
        ['sign-in', { method: 'POST', url: '/api/auth/login', body: { username: 'a', password: 'b', remember: true } }, 'remember'],
        [
          'maintenance item',
          {
            method: 'POST',
            url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
            auth: SEED.member1,
            body: [{ type: 'Register', parameter: { host: 'x' }, extra: 1 }],
          },
          '0.extra',
        ],
        [
          'JSON __proto__ key',
          { method: 'POST', url: '/api/platform/organizations', auth: adminAuth, payload: '{"id":"proto1","name":"p","__proto__":{"x":1}}', headers: json },
          '__proto__',
        ],
        ['audit query', { url: '/api/platform/maintenance-mode-setting/audit?since=yesterday', auth: adminAuth }, 'since'],
      ];
      for (const [what, o, key] of cases) {
        const r = await call(o);
        assertError(r, 400, '400-00026', what);
        assert.ok(r.body.message.includes(key), `${what}: the message names ${key}: ${r.body.message}`);
      }
      const setting = await call({ url: '/api/platform/maintenance-mode-setting', auth: adminAuth });
      assert.equal(setting.body.data.data_update_stop, '0', 'the PATCH with an unknown key changed nothing, not even the known key');
      for (const id of ['extra1', 'extra2', 'proto1']) {
        assert.equal((await call({ url: `/api/platform/organizations/${id}`, auth: adminAuth })).status, 404, `${id} not created`);
      }
      assert.equal((await call({ url: `/api/${SEED.org1}/platform/workspaces/wsx1`, auth: SEED.manager1 })).status, 404);
    });

    it('an empty maintenance PATCH is 400 400-00002', async () => {
      for (const [what, o] of [
        ['no body', { payload: '', headers: json }],
        ['{}', { body: {} }],
        ['no content type', {}],
      ] as const) {
        const r = await call({ method: 'PATCH', url: '/api/platform/maintenance-mode-setting', auth: adminAuth, ...o });
        assertError(r, 400, '400-00002', what);
      }
    });

    it(`a body over the limit (${BODY_LIMIT} bytes) is 413 with the envelope`, async () => {
      const big = 'x'.repeat(BODY_LIMIT + 100);
      const cases: Array<[string, CallOptions]> = [
        ['org create', { method: 'POST', url: '/api/platform/organizations', auth: adminAuth, body: { ...organizationBody('bigorg'), name: big } }],
        [
          'menu maintenance',
          {
            method: 'POST',
            url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
            auth: SEED.member1,
            body: Array.from({ length: 100 }, (_, i) => ({ type: 'Register', parameter: { host: `big-${i}` } })),
          },
        ],
        ['maintenance PATCH', { method: 'PATCH', url: '/api/platform/maintenance-mode-setting', auth: adminAuth, body: { message: big } }],
        ['malformed and big', { method: 'POST', url: '/api/platform/organizations', auth: adminAuth, payload: `{${big}`, headers: json }],
      ];
      for (const [what, o] of cases) {
        const r = await call(o);
        assertError(r, 413, '413-00001', what);
        assert.match(r.body.message, new RegExp(`${BODY_LIMIT}`), `${what}: the message gives the limit`);
      }
      assert.equal((await call({ url: '/api/platform/organizations/bigorg', auth: adminAuth })).status, 404);
      const records = await call({ url: `${ITA1}/menu/${SEED.menu}/filter/?host=big-0`, auth: SEED.member1 });
      assert.deepEqual(records.body.data, []);
      // Just under the limit is fine.
      const fits = await call({
        method: 'POST',
        url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
        auth: SEED.member1,
        body: [{ type: 'Register', parameter: { host: 'h'.repeat(BODY_LIMIT - 100) } }],
      });
      assert.equal(fits.status, 200, fits.text);
    });

    it('an unsupported content type is 415 with the envelope', async () => {
      const cases: Array<[string, string, CallOptions]> = [
        ['text/plain', 'hello', { method: 'POST', url: '/api/platform/organizations', auth: adminAuth }],
        ['text/plain', JSON.stringify(organizationBody('astext')), { method: 'POST', url: '/api/platform/organizations', auth: adminAuth }],
        ['text/plain', '{"data_update_stop":"1"}', { method: 'PATCH', url: '/api/platform/maintenance-mode-setting', auth: adminAuth }],
        ['application/x-www-form-urlencoded', 'data_update_stop=1', { method: 'PATCH', url: '/api/platform/maintenance-mode-setting', auth: adminAuth }],
        ['application/xml', '<org/>', { method: 'POST', url: `/api/${SEED.org1}/platform/workspaces`, auth: SEED.manager1 }],
        // A form only where a route takes one (record maintenance, the token endpoint: test/exastro-files, exastro-tokens).
        ['multipart/form-data; boundary=x', '--x--', { method: 'POST', url: `${ITA1}/menu/${SEED.menu}/filter/`, auth: SEED.member1 }],
        ['application/x-www-form-urlencoded', 'host=a', { method: 'POST', url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`, auth: SEED.member1 }],
      ];
      for (const [type, payload, o] of cases) {
        const r = await call({ ...o, payload, headers: { 'content-type': type } });
        assertError(r, 415, '415-00001', `${o.method} ${o.url} as ${type}`);
        assert.match(r.body.message, /application\/json/, 'the message says what to send');
      }
      assert.equal((await call({ url: '/api/platform/organizations/astext', auth: adminAuth })).status, 404);
      const setting = await call({ url: '/api/platform/maintenance-mode-setting', auth: adminAuth });
      assert.equal(setting.body.data.data_update_stop, '0');
    });

    it('JSON variants real clients send are accepted', async () => {
      // A GET (and a DELETE) with Content-Type: application/json and no body, as curl scripts send them.
      for (const url of ['/api/platform/maintenance-mode-setting', '/api/platform/organizations', '/api/ita/loglevel-settings/']) {
        const r = await call({ url, auth: adminAuth, headers: json });
        assert.equal(r.status, 200, `${url}: ${r.text}`);
        assert.equal(r.body.result, '000-00000');
      }
      const records = await call({ url: `${ITA1}/menu/${SEED.menu}/filter/`, auth: SEED.member1, headers: json, payload: '' });
      assert.equal(records.status, 200, records.text);
      assert.equal((await call({ method: 'POST', url: `/api/${SEED.org1}/platform/workspaces`, auth: SEED.manager1, body: wsBody('wsdel') })).status, 200);
      const deleted = await call({ method: 'DELETE', url: `/api/${SEED.org1}/platform/workspaces/wsdel`, auth: SEED.manager1, headers: json });
      assert.equal(deleted.status, 200, deleted.text);

      // Charset parameters and +json types.
      for (const type of ['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'application/vnd.drydock+json']) {
        const r = await call({
          method: 'POST',
          url: `${ITA1}/menu/${SEED.menu}/filter/count/`,
          auth: SEED.member1,
          payload: '{}',
          headers: { 'content-type': type },
        });
        assert.equal(r.status, 200, `${type}: ${r.text}`);
      }
      // Non-ASCII text round-trips.
      const unicode = await call({
        method: 'POST',
        url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
        auth: SEED.member1,
        body: [{ type: 'Register', parameter: { host: 'サーバー-01' } }],
      });
      assert.equal(unicode.status, 200, unicode.text);
      const found = await call({ url: `${ITA1}/menu/${SEED.menu}/filter/?host=${encodeURIComponent('サーバー-01')}`, auth: SEED.member1 });
      assert.equal(found.body.data.length, 1);
    });

    it('U+0000 and unpaired surrogates are refused with a 400 naming the field, before any lookup, on every kind of input', async () => {
      const cases: Array<[string, CallOptions, RegExp]> = [
        ['path id', { url: '/api/a%00b/platform/workspaces', auth: adminAuth }, /Invalid path: organization_id: contains U\+0000/],
        [
          'path id in a workspace path',
          { url: `/api/${SEED.org1}/workspaces/w%00/ita/menu/${SEED.menu}/filter/`, auth: SEED.member1 },
          /Invalid path: workspace_id: contains U\+0000/,
        ],
        ['query', { url: `${ITA1}/menu/${SEED.menu}/filter/?limit=1%00`, auth: SEED.member1 }, /Invalid query: limit: contains U\+0000/],
        [
          'organization name',
          { method: 'POST', url: '/api/platform/organizations', auth: adminAuth, body: { ...organizationBody('orgnul'), name: 'a\u0000b' } },
          /Invalid body: name: contains U\+0000/,
        ],
        [
          'organization option key',
          { method: 'POST', url: '/api/platform/organizations', auth: adminAuth, body: { ...organizationBody('orgnul2'), options: { 'k\u0000': 'v' } } },
          /Invalid body: options\."k\\u0000": a key contains U\+0000/,
        ],
        [
          'workspace description',
          {
            method: 'POST',
            url: `/api/${SEED.org1}/platform/workspaces`,
            auth: SEED.manager1,
            body: { ...wsBody('wsnul'), informations: { description: 'x\u0000', environments: [], workspace_administrators: [] } },
          },
          /Invalid body: informations\.description: contains U\+0000/,
        ],
        [
          'record value',
          {
            method: 'POST',
            url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
            auth: SEED.member1,
            body: [{ type: 'Register', parameter: { host: 'h\u0000', port: '22', enabled: 'true' } }],
          },
          /Invalid body: 0\.parameter\.host: contains U\+0000/,
        ],
        [
          'unpaired surrogate',
          {
            method: 'POST',
            url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
            auth: SEED.member1,
            body: [{ type: 'Register', parameter: { host: 'h\ud800', port: '22', enabled: 'true' } }],
          },
          /Invalid body: 0\.parameter\.host: contains an unpaired UTF-16 surrogate/,
        ],
      ];
      for (const [what, o, message] of cases) {
        const r = await call(o);
        assert.equal(r.status, 400, `${what}: ${r.text}`);
        assert.match(r.body.message, message, what);
      }
      const nulUser = await call({ url: `/api/platform/organizations`, auth: { basic: ['ad\u0000min', 'x'] } });
      assert.equal(nulUser.status, 401, `a user name with U+0000 names nobody: ${nulUser.text}`);
    });

    it('a name every object inherits (constructor, __proto__, toString) is no menu, no driver: 400 or 499, not 500', async () => {
      const ID = '00000000-0000-4000-8000-000000000000';
      for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        for (const [method, tail] of [
          ['GET', `${ID}/`],
          ['PATCH', `${ID}/cancel/`],
          ['PATCH', `${ID}/scram/`],
          ['POST', 'execute/'],
        ] as const) {
          const r = await call({
            method,
            url: `${ITA1}/menu/${name}/driver/${tail}`,
            auth: SEED.member1,
            ...(tail === 'execute/' && { body: { movement_name: 'm', operation_name: 'o' } }),
          });
          // A name the path's pattern refuses is a 400; one it takes is Exastro's "not a driver menu" (499-00001).
          assert.ok(r.status === 400 || (r.status === 499 && r.body.result === '499-00001'), `${method} …/menu/${name}/driver/${tail}: ${r.text}`);
          assert.match(r.body.message, /runs no driver|Invalid path: menu/);
        }
      }
    });

    it('log levels as Exastro sets them: an unknown level or a malformed name is 499-01401 naming it, a well-formed name drydock has no service of is skipped', async () => {
      const patch = (body: unknown) => call({ method: 'PATCH', url: '/api/ita/loglevel-settings/', auth: adminAuth, body });
      for (const body of [{ 'ita-api-admin': 'LOUD' }, { 'ita-api-admin': 3 }, { 'bad name!': 'INFO' }]) {
        const r = await patch(body);
        assertError(r, 499, '499-01401', JSON.stringify(body));
        assert.match(r.body.message, new RegExp(Object.keys(body)[0]!.replace(/[!]/g, '\\$&')));
      }
      assertError(await patch({}), 400, '400-00027', 'no service');
      const before = (await call({ url: '/api/ita/loglevel-settings/', auth: adminAuth })).body.data;
      assert.equal((await patch({ 'ita-by-collector': 'DEBUG' })).status, 200, 'a service Exastro has and drydock does not: skipped');
      assert.deepEqual((await call({ url: '/api/ita/loglevel-settings/', auth: adminAuth })).body.data, before, 'nothing changed');
      assert.equal((await patch({ 'ita-by-collector': 'DEBUG', 'ita-api-admin': 'DEBUG' })).status, 200);
      assert.equal((await call({ url: '/api/ita/loglevel-settings/', auth: adminAuth })).body.data['ita-api-admin'], 'DEBUG');
      assert.equal((await patch({ 'ita-api-admin': 'INFO' })).status, 200);
    });

    it('unknown routes and methods answer with the envelope', async () => {
      const missing = await call({ url: '/api/no/such/route', auth: adminAuth });
      assertError(missing, 404, '404-00001', 'unknown route');
      const wrongMethod = await call({ method: 'PATCH', url: '/api/platform/organizations', auth: adminAuth, body: {} });
      assert.ok([404, 405].includes(wrongMethod.status), wrongMethod.text);
      assertEnvelope(wrongMethod, 'wrong method');
      const override = await call({
        method: 'POST',
        url: '/api/platform/organizations',
        auth: adminAuth,
        headers: { 'x-http-method-override': 'DELETE' },
        body: organizationBody('ovr'),
      });
      assertError(override, 400, '400-00001', 'method override');
    });

    it('a route drydock lacks answers 404 without checking credentials: probing it never locks its user (or an administrator of that name) out', async () => {
      for (let n = 0; n < 30; n++) {
        const probe = await call({ url: `${ITA1}/cicd_for_iac/info/`, auth: SEED.member1 });
        assertError(probe, 404, '404-00001', 'an endpoint drydock does not have');
        const wrong = await call({ url: `${ITA1}/menu/${SEED.menu}/compare/execute/info/`, auth: { basic: ['member1', 'not-the-password'] } });
        assertError(wrong, 404, '404-00001', 'with a wrong password, still just 404');
      }
      const real = await call({ url: `${ITA1}/menu/${SEED.menu}/filter/`, auth: SEED.member1 });
      assert.equal(real.status, 200, `the user is not locked out: ${real.text}`);
      const admin = await call({ url: '/api/platform/organizations', auth: adminAuth });
      assert.equal(admin.status, 200, `nor the administrator: ${admin.text}`);
    });

    it('no call of this file got a 5xx', () => {
      assert.ok(seen.length > 80, `the file made ${seen.length} calls`);
      const failures = seen.filter((s) => s.status >= 500);
      assert.deepEqual(failures, []);
    });
  });
}
