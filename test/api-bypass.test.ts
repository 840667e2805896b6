/**
 * Ways a client might try to slip a write past read-only mode: method overrides, HEAD/OPTIONS,
 * lower-case methods on a real socket, path spellings (slashes, dot segments, percent-encoding),
 * unknown routes, query strings, and GETs that carry a write's body. Each must be refused (498 with
 * the route's 498 code) or rejected (4xx), and nothing may be written. The last block checks the
 * route declarations the guard keys on.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { API_ROUTES } from '../src/http/app.js';
import { WRITE_FUNCTIONS, type WriteFunction } from '../src/maintenance/write-functions.js';
import { ITA1, SEED, adminAuth, authHeaders, seedTenants, setMaintenance, startTestApp, type CallOptions, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { snapshotData } from './support/snapshot.js';

const ORG_CREATE = {
  id: 'org9',
  name: 'org9-name',
  organization_managers: [
    {
      username: 'manager9',
      credentials: [{ type: 'password', value: 'manager9-password', temporary: false }],
      requiredActions: [],
      enabled: true,
    },
  ],
  plan: { id: 'plan-1' },
  options: {},
  optionsIta: {},
};
const REGISTER = [{ type: 'Register', parameter: { host: 'sneaky', port: '22' } }];
const RECORDS = `${ITA1}/menu/${SEED.menu}`;

/** What came back over a raw socket. */
interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Sends `request` as bytes on a fresh TCP connection and reads the response until the server closes. */
function rawRequest(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // write, not end: a client that half-closes may see the server drop the connection unanswered.
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no response within 10 s')), 10_000);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.1 (\d{3})[^\r\n]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(text);
      if (!m) return reject(new Error(`not an HTTP response: ${JSON.stringify(text.slice(0, 200))}`));
      const headers = Object.fromEntries(
        m[2]!.split('\r\n').map((line) => {
          const i = line.indexOf(':');
          return [line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()];
        }),
      );
      resolve({ status: Number(m[1]), headers, body: m[3]! });
    });
  });
}

function rawHttp(method: string, path: string, body: unknown, auth = adminAuth): string {
  const payload = body === undefined ? '' : JSON.stringify(body);
  const headers = {
    host: 'drydock.test',
    ...authHeaders(auth),
    ...(payload && { 'content-type': 'application/json' }),
    'content-length': String(Buffer.byteLength(payload)),
    connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  return `${method} ${path} HTTP/1.1\r\n${head}\r\n\r\n${payload}`;
}

for (const backend of BACKENDS) {
  describe(`read-only mode cannot be bypassed (${backend})`, () => {
    let t: TestApp;
    let baseline: Record<string, unknown>;
    let port: number;

    /** Asserts a read-only refusal of `fn`: 498, Retry-After, the function's code. */
    const assertRefused = (r: { status: number; headers: Record<string, unknown>; body: unknown }, fn: WriteFunction, label: string) => {
      const body = (typeof r.body === 'string' ? JSON.parse(r.body) : r.body) as { result: string } | undefined;
      assert.equal(r.status, 498, `${label}: ${JSON.stringify(r.body)}`);
      assert.match(String(r.headers['retry-after']), /^\d+$/, `${label}: Retry-After`);
      assert.equal(body?.result, WRITE_FUNCTIONS[fn].result, label);
    };
    /** A client error (the request was rejected before it could do anything). */
    const assertRejected = (r: { status: number; text?: string; body?: unknown }, label: string, status?: number) => {
      if (status !== undefined) assert.equal(r.status, status, `${label}: ${r.text ?? String(r.body)}`);
      else assert.ok(r.status >= 400 && r.status < 500, `${label}: ${r.status} ${r.text ?? String(r.body)}`);
    };
    const assertNothingWritten = async (label: string) => {
      assert.deepEqual(await snapshotData(t), baseline, `${label}: something was written`);
    };

    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
      const reg = await t.call({
        method: 'POST',
        url: `${RECORDS}/maintenance/all/`,
        auth: SEED.member1,
        body: [{ type: 'Register', parameter: { host: 'a', port: '22' } }],
      });
      assert.equal(reg.status, 200, reg.text);
      await setMaintenance(t, { data_update_stop: '1' });
      baseline = await snapshotData(t);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as net.AddressInfo).port;
    });
    after(async () => t?.close());

    it('method-override headers are refused with 400, in either direction', async () => {
      for (const header of ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override', 'x-http-method-override']) {
        const attempts: CallOptions[] = [
          // A GET dressed up as a write…
          { method: 'GET', url: '/api/platform/organizations', body: ORG_CREATE, headers: { [header]: 'POST' } },
          { method: 'GET', url: `/api/platform/organizations/${SEED.org2}`, headers: { [header]: 'DELETE' } },
          // …and a write dressed up as a GET.
          { method: 'POST', url: '/api/platform/organizations', body: ORG_CREATE, headers: { [header]: 'GET' } },
          { method: 'POST', url: `${RECORDS}/filter/`, body: REGISTER, headers: { [header]: 'PUT' } },
        ];
        for (const a of attempts) {
          const r = await t.call({ ...a, auth: a.url.startsWith('/api/platform') ? adminAuth : SEED.member1 });
          assertRejected(r, `${a.method} ${a.url} with ${header}`, 400);
          assert.equal(r.body.result, '400-00001');
          assert.match(r.body.message, new RegExp(header, 'i'));
        }
      }
      await assertNothingWritten('method-override headers');
    });

    it('?_method= is refused with 400; an encoded one changes nothing either', async () => {
      for (const url of [
        '/api/platform/organizations?_method=POST',
        '/api/platform/organizations?x=1&_method=POST',
        '/api/platform/organizations?_METHOD=post',
        `/api/platform/organizations/${SEED.org2}?_method=DELETE`,
      ]) {
        const r = await t.admin({ method: 'GET', url, body: ORG_CREATE });
        assertRejected(r, `GET ${url}`, 400);
      }
      const post = await t.admin({ method: 'POST', url: '/api/platform/organizations?_method=GET', body: ORG_CREATE });
      assertRejected(post, 'POST ?_method=GET', 400);
      // The framework honours no _method at all: spelled so that the guard's check misses it, the
      // request is still exactly what its method says — a GET reads, a POST is refused.
      const encodedGet = await t.admin({ method: 'GET', url: '/api/platform/organizations?%5Fmethod=POST', body: ORG_CREATE });
      assert.equal(encodedGet.status, 200, encodedGet.text);
      assert.deepEqual(
        encodedGet.body.data.map((o: { id: string }) => o.id),
        [SEED.org1, SEED.org2],
      );
      const encodedPost = await t.admin({ method: 'POST', url: '/api/platform/organizations?%5Fmethod=GET', body: ORG_CREATE });
      assertRefused(encodedPost, 'organization_create', 'POST ?%5Fmethod=GET');
      await assertNothingWritten('_method');
    });

    it('HEAD and OPTIONS on write paths write nothing', async () => {
      const paths = [
        '/api/platform/organizations',
        `/api/platform/organizations/${SEED.org2}`,
        `/api/${SEED.org1}/platform/workspaces`,
        `/api/${SEED.org1}/platform/workspaces/${SEED.ws1}`,
        `${RECORDS}/maintenance/all/`,
        `${ITA1}/menu/`,
        `${RECORDS}/`,
        '/api/ita/loglevel-settings/',
      ];
      for (const url of paths) {
        for (const method of ['HEAD', 'OPTIONS'] as const) {
          const body = url.includes('maintenance/all') ? REGISTER : ORG_CREATE;
          const r = await t.call({ method, url, auth: adminAuth, body });
          // HEAD of a path with a GET route is that GET without its body; anything else is not routed.
          assert.ok(r.status === 200 || r.status === 404, `${method} ${url}: ${r.status} ${r.text}`);
          if (method === 'HEAD') assert.equal(r.text, '', `${method} ${url} has no body`);
        }
      }
      // HEAD is guarded like the GET it mirrors: no credentials, no answer.
      const anonymous = await t.call({ method: 'HEAD', url: '/api/platform/organizations' });
      assert.equal(anonymous.status, 401);
      await assertNothingWritten('HEAD/OPTIONS');
    });

    it('lower-case and mixed-case methods on a real socket are rejected; the upper-case control is refused', async () => {
      for (const method of ['post', 'Post', 'pOST', 'put', 'delete', 'patch']) {
        const path = method === 'put' || method === 'delete' ? `/api/platform/organizations/${SEED.org2}` : '/api/platform/organizations';
        const r = await rawRequest(port, rawHttp(method, path, method === 'delete' ? undefined : ORG_CREATE));
        assertRejected(r, `${method} ${path} over a socket`, 400);
      }
      const loglevel = await rawRequest(port, rawHttp('patch', '/api/ita/loglevel-settings/', { 'ita-api-admin': 'DEBUG' }));
      assertRejected(loglevel, 'patch loglevel over a socket', 400);

      // The same bytes with the method spelled right reach the route and are refused by read-only mode.
      const control = await rawRequest(port, rawHttp('POST', '/api/platform/organizations', ORG_CREATE));
      assertRefused(control, 'organization_create', 'POST over a socket');
      assert.equal(control.headers['drydock-refused-by'], 'guard');
      const controlDelete = await rawRequest(port, rawHttp('DELETE', `/api/platform/organizations/${SEED.org2}`, undefined));
      assertRefused(controlDelete, 'organization_delete', 'DELETE over a socket');
      // Methods the parser knows but no route has.
      for (const method of ['PROPFIND', 'PURGE', 'MKCOL']) {
        const r = await rawRequest(port, rawHttp(method, '/api/platform/organizations', ORG_CREATE));
        assertRejected(r, `${method} over a socket`);
      }
      await assertNothingWritten('socket methods');
    });

    it('trailing-slash variants reach the same route and are refused with its code', async () => {
      const variants: Array<[CallOptions, WriteFunction]> = [
        [{ method: 'POST', url: '/api/platform/organizations/', body: ORG_CREATE, auth: adminAuth }, 'organization_create'],
        [{ method: 'PUT', url: `/api/platform/organizations/${SEED.org1}/`, body: { name: 'x' }, auth: adminAuth }, 'organization_update'],
        [{ method: 'DELETE', url: `/api/${SEED.org1}/platform/workspaces/${SEED.ws1}/`, auth: SEED.manager1 }, 'workspace_delete'],
        [{ method: 'POST', url: `${RECORDS}/maintenance/all`, body: REGISTER, auth: SEED.member1 }, 'menu_record_maintenance'],
        [
          { method: 'POST', url: `${ITA1}/menu`, body: { menu: 'm9', title: 'm', columns: [{ name: 'x', type: 'string' }] }, auth: SEED.member1 },
          'menu_definition',
        ],
        [{ method: 'DELETE', url: RECORDS, auth: SEED.manager1 }, 'menu_definition'],
        [{ method: 'PATCH', url: '/api/ita/loglevel-settings', body: { 'ita-api-admin': 'DEBUG' }, auth: adminAuth }, 'loglevel_change'],
      ];
      for (const [call, fn] of variants) assertRefused(await t.call(call), fn, `${call.method} ${call.url}`);
      await assertNothingWritten('trailing slashes');
    });

    it('doubled slashes reach the same route and are refused with its code, in-process and on a socket', async () => {
      const variants: Array<[CallOptions, WriteFunction]> = [
        [{ method: 'POST', url: '//api//platform//organizations', body: ORG_CREATE, auth: adminAuth }, 'organization_create'],
        [{ method: 'POST', url: '/api/platform//organizations//', body: ORG_CREATE, auth: adminAuth }, 'organization_create'],
        [{ method: 'DELETE', url: `/api//platform/organizations//${SEED.org2}`, auth: adminAuth }, 'organization_delete'],
        [
          { method: 'POST', url: `${ITA1.replace('/ita', '//ita')}/menu/${SEED.menu}//maintenance/all/`, body: REGISTER, auth: SEED.member1 },
          'menu_record_maintenance',
        ],
      ];
      for (const [call, fn] of variants) {
        assertRefused(await t.call(call), fn, `${call.method} ${call.url}`);
        const raw = await rawRequest(port, rawHttp(call.method!, call.url, call.body, call.auth));
        assertRefused(raw, fn, `${call.method} ${call.url} over a socket`);
      }
      await assertNothingWritten('double slashes');
    });

    it('dot segments, plain or percent-encoded, never reach a write', async () => {
      const paths = [
        '/api/platform/organizations/%2e%2e/organizations',
        '/api/platform/organizations/%2E%2E/organizations',
        '/api/platform/x/%2e%2e/organizations',
        '/api/platform/x/../organizations',
        '/api/x/../platform/organizations',
        '/api/platform/organizations/./',
        '/api/platform/organizations/%2e/',
      ];
      for (const path of paths) {
        for (const [label, r] of [
          ['in-process', await t.admin({ method: 'POST', url: path, body: ORG_CREATE })],
          ['socket', await rawRequest(port, rawHttp('POST', path, ORG_CREATE))],
        ] as const) {
          const status = r.status;
          // Either the path is normalised to the write route (and refused like it) or it matches nothing.
          if (status === 498) assertRefused(r, 'organization_create', `POST ${path} (${label})`);
          else assertRejected(r, `POST ${path} (${label})`);
        }
      }
      await assertNothingWritten('dot segments');
    });

    it('percent-encoded path segments reach the same route and are refused with its code', async () => {
      const variants: Array<[CallOptions, WriteFunction]> = [
        [{ method: 'POST', url: '/api/platform/%6frganizations', body: ORG_CREATE, auth: adminAuth }, 'organization_create'],
        [{ method: 'POST', url: '/api/platform/%6F%72%67anizations', body: ORG_CREATE, auth: adminAuth }, 'organization_create'],
        [{ method: 'DELETE', url: `/api/platform/organizations/%6frg2`, auth: adminAuth }, 'organization_delete'],
        [{ method: 'POST', url: `/api/%6frg1/platform/workspaces`, body: { id: 'ws9', name: 'ws9' }, auth: SEED.manager1 }, 'workspace_create'],
        [{ method: 'DELETE', url: `/api/${SEED.org1}/platform/workspaces/ws%31`, auth: SEED.manager1 }, 'workspace_delete'],
        [
          { method: 'POST', url: `${RECORDS.replace('servers', '%73ervers')}/maintenance/%61ll/`, body: REGISTER, auth: SEED.member1 },
          'menu_record_maintenance',
        ],
      ];
      for (const [call, fn] of variants) {
        assertRefused(await t.call(call), fn, `${call.method} ${call.url}`);
        assertRefused(await rawRequest(port, rawHttp(call.method!, call.url, call.body, call.auth)), fn, `${call.method} ${call.url} over a socket`);
      }
      // An encoded slash is part of a segment, not a separator: no route.
      for (const url of ['/api/platform%2Forganizations', '/api/platform/organizations%2F', `/api/platform/organizations/org1%2F..`]) {
        assertRejected(await t.admin({ method: 'POST', url, body: ORG_CREATE }), `POST ${url}`);
      }
      await assertNothingWritten('percent-encoding');
    });

    it('unknown routes answer 404 to writes, and nothing is written', async () => {
      for (const [method, url] of [
        ['POST', '/api/platform/organisations'],
        ['POST', '/api/platform/Organizations'],
        ['POST', '/api/platform/organizations/org1/members'],
        ['PUT', '/api/platform/organizations'],
        ['PATCH', `/api/platform/organizations/${SEED.org1}`],
        ['POST', '/api/platform/maintenance-mode-setting'],
        ['PUT', `${RECORDS}/maintenance/`],
        ['POST', `${RECORDS}/maintenance/all/extra/`],
        ['POST', '/api/docs/json'],
        ['POST', '/metrics'],
        ['DELETE', '/api/healthz'],
      ] as const) {
        const r = await t.admin({ method, url, body: url.includes('maintenance') ? REGISTER : ORG_CREATE });
        assertRejected(r, `${method} ${url}`, 404);
        assert.equal(r.body.result, '404-00001', `${method} ${url}`);
      }
      await assertNothingWritten('unknown routes');
    });

    it('a query string does not change what a write route is', async () => {
      const variants: Array<[CallOptions, WriteFunction]> = [
        [{ method: 'POST', url: '/api/platform/organizations?dry_run=true', body: ORG_CREATE, auth: adminAuth }, 'organization_create'],
        [{ method: 'POST', url: '/api/platform/organizations?method=GET&read=1', body: ORG_CREATE, auth: adminAuth }, 'organization_create'],
        [{ method: 'POST', url: `${RECORDS}/maintenance/all/?filter=1`, body: REGISTER, auth: SEED.member1 }, 'menu_record_maintenance'],
        [{ method: 'PATCH', url: '/api/ita/loglevel-settings/?x=/filter/', body: { 'ita-api-admin': 'DEBUG' }, auth: adminAuth }, 'loglevel_change'],
        [
          { method: 'POST', url: `${ITA1}/menu/?menu=filter`, body: { menu: 'm9', title: 'm', columns: [{ name: 'x', type: 'string' }] }, auth: SEED.member1 },
          'menu_definition',
        ],
      ];
      for (const [call, fn] of variants) assertRefused(await t.call(call), fn, `${call.method} ${call.url}`);
      await assertNothingWritten('query strings');
    });

    it('a GET carrying a write’s body only reads', async () => {
      const list = await t.admin({ method: 'GET', url: '/api/platform/organizations', body: ORG_CREATE });
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(
        list.body.data.map((o: { id: string }) => o.id),
        [SEED.org1, SEED.org2],
      );
      const records = await t.call({ method: 'GET', url: `${RECORDS}/filter/`, auth: SEED.member1, body: REGISTER });
      assert.equal(records.status, 200, records.text);
      assert.deepEqual(
        records.body.data.map((r: { parameter: { host: string } }) => r.parameter.host),
        ['a'],
      );
      const levels = await t.admin({ method: 'GET', url: '/api/ita/loglevel-settings/', body: { 'ita-api-admin': 'DEBUG' } });
      assert.equal(levels.status, 200, levels.text);
      assert.equal(levels.body.data['ita-api-admin'], 'INFO');
      // Over a socket too, where nothing normalises the request first.
      const raw = await rawRequest(port, rawHttp('GET', '/api/platform/organizations', ORG_CREATE));
      assert.equal(raw.status, 200, raw.body);
      await assertNothingWritten('GET with a body');
    });

    it('a search sent as POST stays a read, and its body cannot smuggle a batch', async () => {
      const r = await t.call({ method: 'POST', url: `${RECORDS}/filter/`, auth: SEED.member1, body: REGISTER });
      // A batch is not a filter: refused as bad input, never applied.
      assertRejected(r, 'batch body sent to filter');
      const ok = await t.call({ method: 'POST', url: `${RECORDS}/filter/`, auth: SEED.member1, body: { host: { NORMAL: 'a' } } });
      assert.equal(ok.status, 200, ok.text);
      await assertNothingWritten('filter');
    });

    it('turning read-only off makes the same write go through (the refusals above were the mode)', async () => {
      await setMaintenance(t, { data_update_stop: '0' });
      const r = await t.admin({ method: 'POST', url: '//api//platform//organizations/', body: ORG_CREATE });
      assert.equal(r.status, 200, r.text);
      const orgs = (await t.admin({ url: '/api/platform/organizations' })).body.data.map((o: { id: string }) => o.id);
      assert.deepEqual(orgs, [SEED.org1, SEED.org2, 'org9']);
      // And lower-case methods are still rejected by the parser, read-only or not.
      const lower = await rawRequest(port, rawHttp('post', '/api/platform/organizations', { ...ORG_CREATE, id: 'org8' }));
      assert.equal(lower.status, 400);
      assert.deepEqual(
        (await t.admin({ url: '/api/platform/organizations' })).body.data.map((o: { id: string }) => o.id),
        [SEED.org1, SEED.org2, 'org9'],
      );
    });
  });
}

describe('route declarations the guard keys on', () => {
  const key = (r: (typeof API_ROUTES)[number]) => `${r.method} ${r.url}`;
  /** POST routes that only read: searches (docs/decisions/maintenance-gate.md). Anything added here needs review. */
  const POST_READS = [
    'POST /api/:organization_id/workspaces/:workspace_id/ita/menu/:menu/excel/',
    'POST /api/:organization_id/workspaces/:workspace_id/ita/menu/:menu/filter/',
    'POST /api/:organization_id/workspaces/:workspace_id/ita/menu/:menu/filter/count/',
  ];
  /** Routes that write but stay allowed in read-only mode (docs/decisions/maintenance-gate.md). Anything added here needs review. */
  const EXEMPT = [
    'POST /api/auth/login',
    'POST /api/auth/logout',
    'POST /api/auth/tokens',
    'DELETE /api/auth/tokens/:token_id',
    // Exastro's token endpoint: signing in stores a refresh token, as issuing a personal token does.
    'POST /auth/realms/:realm/protocol/openid-connect/token',
    'PATCH /api/platform/maintenance-mode-setting',
    // Emergency stop must work while the system is read-only: an operator stops a runaway job
    // during maintenance; the status it writes is job bookkeeping, not user data.
    'PATCH /api/:organization_id/workspaces/:workspace_id/ita/menu/:menu/driver/:execution_no/scram/',
    'PATCH /api/:organization_id/workspaces/:workspace_id/ita/menu/:menu/conductor/:conductor_instance_id/scram/',
    // Fleet upgrades are maintenance work: declared, started and steered while the platform is read-only.
    'PUT /api/platform/fleet',
    'POST /api/platform/fleet/nodes',
    'DELETE /api/platform/fleet/nodes/:name',
    'PATCH /api/platform/fleet/versions/:version',
    'POST /api/platform/fleet/runs',
    'POST /api/platform/fleet/runs/:run_id/pause',
    'POST /api/platform/fleet/runs/:run_id/resume',
    'POST /api/platform/fleet/runs/:run_id/pairs/:pair_id/retry',
  ];

  it('every route declares a valid `writes`', () => {
    assert.ok(API_ROUTES.length > 0);
    for (const r of API_ROUTES) {
      const w = r.writes as unknown;
      const valid =
        w === 'read' ||
        (typeof w === 'string' && Object.hasOwn(WRITE_FUNCTIONS, w)) ||
        (typeof w === 'object' && w !== null && typeof (w as { exempt?: unknown }).exempt === 'string' && (w as { exempt: string }).exempt.trim().length > 10);
      assert.ok(valid, `${key(r)} declares writes=${JSON.stringify(w)}`);
    }
  });

  it('no two routes share a method and path', () => {
    const keys = API_ROUTES.map(key);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('every GET route is a read', () => {
    for (const r of API_ROUTES.filter((x) => x.method === 'GET')) assert.equal(r.writes, 'read', key(r));
  });

  it('every non-GET route declares a write function or a written-down exemption; only reviewed searches are POST reads', () => {
    const nonGet = API_ROUTES.filter((r) => r.method !== 'GET');
    const reads = nonGet.filter((r) => r.writes === 'read').map(key);
    assert.deepEqual(reads.sort(), [...POST_READS].sort(), 'non-GET routes declared as reads');
    const exempt = nonGet.filter((r) => typeof r.writes === 'object').map(key);
    assert.deepEqual(exempt.sort(), [...EXEMPT].sort(), 'routes exempt from read-only mode');
    for (const r of nonGet) {
      if (POST_READS.includes(key(r)) || EXEMPT.includes(key(r))) continue;
      assert.ok(typeof r.writes === 'string' && Object.hasOwn(WRITE_FUNCTIONS, r.writes), `${key(r)} must name a write function`);
    }
  });
});
