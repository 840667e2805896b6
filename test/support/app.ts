import type { FastifyInstance, InjectOptions } from 'fastify';
import pino from 'pino';
import { compileOptions } from '../../src/config/compile.js';
import type { Options } from '../../src/config/options.js';
import { buildApp } from '../../src/http/app.js';
import type { AppDeps } from '../../src/http/deps.js';
import { openRuntime } from '../../src/runtime/open-runtime.js';
import { openStore } from '../../src/store/open-store.js';
import { createTestDatabase, type BackendName, type TestDatabase } from './backends.js';

export const ADMIN = { user: 'admin', password: 'admin-password-1' } as const;

/** How a test call proves who it is. */
export type Auth = { readonly basic: readonly [string, string] } | { readonly bearer: string } | { readonly session: string; readonly csrf?: string };

export interface CallOptions {
  readonly method?: InjectOptions['method'];
  readonly url: string;
  readonly auth?: Auth;
  readonly body?: unknown;
  /** A raw payload (sent as is), for malformed-input tests. */
  readonly payload?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** The client address the app sees (default 127.0.0.1), for per-address rate-limit tests. */
  readonly remoteAddress?: string;
}

export interface CallResult {
  readonly status: number;
  // Tests read arbitrary fields of responses.

  readonly body: any;
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly text: string;
  /** The body's bytes (a downloaded file), for calls made in-process. */
  readonly raw?: Buffer;
}

/** A drydock app on a fresh database of one backend, driven in-process with `inject`. */
export interface TestApp {
  readonly backend: BackendName;
  readonly app: FastifyInstance;
  readonly deps: AppDeps;
  readonly database: TestDatabase;
  call(options: CallOptions): Promise<CallResult>;
  /** Calls as the system administrator. */
  admin(options: Omit<CallOptions, 'auth'>): Promise<CallResult>;
  close(): Promise<void>;
}

export const basic = (user: string, password: string): Auth => ({ basic: [user, password] });
export const adminAuth: Auth = basic(ADMIN.user, ADMIN.password);

export function authHeaders(auth: Auth | undefined): Record<string, string> {
  if (!auth) return {};
  if ('basic' in auth) {
    return { authorization: `Basic ${Buffer.from(`${auth.basic[0]}:${auth.basic[1]}`).toString('base64')}` };
  }
  if ('bearer' in auth) return { authorization: `Bearer ${auth.bearer}` };
  return { cookie: `drydock_session=${auth.session}`, ...(auth.csrf !== undefined && { 'x-csrf-token': auth.csrf }) };
}

/** Starts an app on a new database; `database` lets two apps share one (multi-replica tests). */
export async function startTestApp(backend: BackendName, overrides: Options = {}, database?: TestDatabase): Promise<TestApp> {
  const db = database ?? (await createTestDatabase(backend));
  const options = compileOptions({
    adminUser: ADMIN.user,
    adminPassword: ADMIN.password,
    sqlitePollMs: 50,
    ...overrides,
  });
  const logger = pino({ level: process.env.DRYDOCK_TEST_LOG ?? 'silent' });
  const store = await openStore(db.location, { logger, sqlitePollMs: options.sqlitePollMs });
  const runtime = await openRuntime({ ...options, database: db.location }, logger, store);
  // Every answer is checked against its route's response schema (a mismatch is a 500 naming it).
  const app = await buildApp(runtime.deps, { checkAnswers: true });
  await app.ready();
  const call = async (o: CallOptions): Promise<CallResult> => {
    const headers: Record<string, string> = { ...authHeaders(o.auth), ...o.headers };
    let payload: string | Buffer | undefined = o.payload;
    if (payload === undefined && o.body !== undefined) {
      payload = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.inject({
      method: o.method ?? 'GET',
      url: o.url,
      headers,
      ...(payload !== undefined && { payload }),
      ...(o.remoteAddress !== undefined && { remoteAddress: o.remoteAddress }),
    });
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, body, headers: res.headers, text: res.body, raw: res.rawPayload };
  };
  return {
    backend,
    app,
    deps: runtime.deps,
    database: db,
    call,
    admin: (o) => call({ ...o, auth: adminAuth }),
    close: async () => {
      await app.close();
      await runtime.close();
      if (!database) await db.drop();
    },
  };
}

/** Ids and credentials of the tenants `seedTenants` creates. */
export const SEED = {
  org1: 'org1',
  org2: 'org2',
  ws1: 'ws1',
  ws2: 'ws2',
  manager1: basic('manager1', 'manager1-password'),
  manager2: basic('manager2', 'manager2-password'),
  member1: basic('member1', 'member1-password'),
  menu: 'servers',
} as const;

/** The body of `POST /api/platform/organizations`: an organization with one enabled manager. */
export function organizationBody(id: string, manager = `${id}-admin`, password = 'password-123') {
  return {
    id,
    name: `${id}-name`,
    organization_managers: [
      {
        username: manager,
        email: `${manager}@example.com`,
        firstName: 'First',
        lastName: 'Last',
        credentials: [{ type: 'password', value: password, temporary: false }],
        requiredActions: [],
        enabled: true,
      },
    ],
    plan: { id: 'plan-1' },
    options: {},
    optionsIta: {},
  };
}

/**
 * Two organizations with a workspace each; org1 has a manager and a member of ws1, org2 a manager.
 * ws1 has a menu `servers` (host: string, required and unique; port: integer; enabled: boolean).
 */
export async function seedTenants(t: Pick<TestApp, 'call' | 'admin'>): Promise<void> {
  const org = (id: string, manager: string, password: string) =>
    t.admin({ method: 'POST', url: '/api/platform/organizations', body: organizationBody(id, manager, password) });
  const expectOk = (r: CallResult, what: string) => {
    if (r.status !== 200) throw new Error(`seed: ${what} failed: ${r.status} ${r.text}`);
  };
  expectOk(await org(SEED.org1, 'manager1', 'manager1-password'), 'org1');
  expectOk(await org(SEED.org2, 'manager2', 'manager2-password'), 'org2');
  for (const [o, ws, auth] of [
    [SEED.org1, SEED.ws1, SEED.manager1],
    [SEED.org2, SEED.ws2, SEED.manager2],
  ] as const) {
    expectOk(
      await t.call({
        method: 'POST',
        url: `/api/${o}/platform/workspaces`,
        auth,
        body: { id: ws, name: `${ws}-name`, informations: { description: 'seed', environments: [], workspace_administrators: [] } },
      }),
      ws,
    );
  }
  expectOk(
    await t.call({
      method: 'POST',
      url: `/api/${SEED.org1}/platform/users`,
      auth: SEED.manager1,
      body: { username: 'member1', password: 'member1-password', role: 'workspace_member', workspaces: [SEED.ws1] },
    }),
    'member1',
  );
  expectOk(
    await t.call({
      method: 'POST',
      url: `/api/${SEED.org1}/workspaces/${SEED.ws1}/ita/menu/`,
      auth: SEED.manager1,
      body: {
        menu: SEED.menu,
        title: 'Servers',
        columns: [
          { name: 'host', type: 'string', required: true, unique: true },
          { name: 'port', type: 'integer' },
          { name: 'enabled', type: 'boolean' },
        ],
      },
    }),
    'menu',
  );
}

/** The workspace API prefix of the seeded workspace. */
export const ITA1 = `/api/${SEED.org1}/workspaces/${SEED.ws1}/ita`;

/** Turns the switches through the API, as an operator would. */
export async function setMaintenance(
  t: Pick<TestApp, 'admin'>,
  change: { backyard_execute_stop?: '0' | '1'; data_update_stop?: '0' | '1'; message?: string | null; announced_end?: string | null },
): Promise<void> {
  const r = await t.admin({ method: 'PATCH', url: '/api/platform/maintenance-mode-setting', body: change });
  if (r.status !== 200) throw new Error(`PATCH maintenance failed: ${r.status} ${r.text}`);
}
