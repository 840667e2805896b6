/**
 * How fast read-only mode reaches another replica. Two `drydock serve` processes, A and B, on one
 * database. Each toggle: PATCH data_update_stop "1" on A; from the moment it returns, write to B
 * in a tight loop and time
 *   - the first refusal (and which layer refused: `guard` = B's cached switches, `transaction` =
 *     the in-transaction gate, which reads the store itself);
 *   - the first refusal by B's guard, i.e. when B's in-memory copy learned of the change.
 * Then PATCH "0" on A and time until B accepts a write again, before the next toggle.
 *
 * A write B accepts after the PATCH returned would break the linearizable gate; they are counted.
 */
import { defaults } from '../src/config/defaults.js';
import { performance } from 'node:perf_hooks';
import { ADMIN, ITA1, SEED } from '../test/support/app.js';
import { createDatabase, type Backend } from './support/databases.js';
import { request, type HttpResult } from './support/http.js';
import { fmt, type BenchContext, type Benchmark, type Table } from './support/report.js';
import { seedOverHttp } from './support/seed.js';
import { startServe } from './support/serve.js';
import { percentile } from './support/stats.js';
import { sleep } from '../src/util/sleep.js';

/**
 * Toggles per backend. SQLite's are ~0.5 s each (two poll waits and two random phase delays),
 * so it gets fewer to keep `npm run bench` within its time budget.
 */
const TOGGLES: Record<Backend, number> = { postgres: 200, sqlite: 100 };
/** The goal on each backend for the p99 of both times, in ms. */
const GOAL_MS: Record<Backend, number> = { postgres: 50, sqlite: 1000 };
/** A toggle whose loop runs longer than this is a failure, not a slow sample. */
const GIVE_UP_MS = 10_000;
const REFUSED_BY = 'drydock-refused-by';
const SETTING = '/api/platform/maintenance-mode-setting';

interface Toggle {
  /** PATCH "1" request time on A. */
  patchMs: number;
  /** PATCH "1" return → first refusal received from B. */
  firstRefusalMs: number;
  firstRefusedBy: string;
  /** PATCH "1" return → first refusal by B's guard. */
  cacheMs: number;
  /** Writes sent to B until its guard refused. */
  writes: number;
  /** Writes B accepted after the PATCH returned (must stay 0). */
  acceptedAfter: number;
  /** PATCH "0" return → first write B accepted. */
  reopenMs: number;
  /** One more write to B once its guard refuses: the round trip every measurement above includes. */
  refusedRttMs: number;
}

interface Measured {
  readonly backend: Backend;
  readonly pollMs: number | undefined;
  readonly toggles: Toggle[];
}

/** A personal access token, issued through a console session (organization users have no Basic-auth path here). */
async function issueToken(url: string, user: { organization_id?: string; username: string; password: string }, name: string): Promise<string> {
  const login = await request(url, { method: 'POST', path: '/api/auth/login', body: user });
  if (login.status !== 200) throw new Error(`sign-in of ${user.username}: ${login.status} ${login.text}`);
  const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  const r = await request(url, {
    method: 'POST',
    path: '/api/auth/tokens',
    headers: { cookie, 'x-csrf-token': login.body.data.csrf_token as string },
    body: { name },
  });
  if (r.status !== 200) throw new Error(`token for ${user.username}: ${r.status} ${r.text}`);
  return `Bearer ${r.body.data.token as string}`;
}

async function measure(ctx: BenchContext, backend: Backend): Promise<Measured> {
  const db = await createDatabase(backend, () => ctx.postgresAdminUrl());
  const env = { DRYDOCK_DATABASE_URL: db.url };
  const pollMs = backend === 'sqlite' ? Number(process.env.DRYDOCK_SQLITE_POLL_MS ?? defaults.sqlitePollMs) : undefined;
  ctx.log(`propagation: ${backend}: starting two drydock serve processes`);
  const a = await startServe(env);
  const b = await startServe(env);
  const toggles: Toggle[] = [];
  try {
    await seedOverHttp(a.url);
    // Bearer tokens: Basic auth would re-run scrypt whenever its one-minute cache expires, and
    // that stall would land in a sample.
    const admin = await issueToken(a.url, { username: ADMIN.user, password: ADMIN.password }, 'bench-admin');
    const writer = await issueToken(b.url, { organization_id: SEED.org1, username: 'manager1', password: 'manager1-password' }, 'bench-writer');
    let n = 0;
    const write = (): Promise<HttpResult> =>
      request(b.url, {
        method: 'POST',
        path: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
        authorization: writer,
        body: [{ type: 'Register', parameter: { host: `propagation-${n++}` } }],
      });
    const patch = async (value: '0' | '1') => {
      const r = await request(a.url, { method: 'PATCH', path: SETTING, authorization: admin, body: { data_update_stop: value } });
      if (r.status !== 200) throw new Error(`PATCH data_update_stop=${value}: ${r.status} ${r.text}`);
    };
    const warm = await write();
    if (warm.status !== 200) throw new Error(`warm-up write on B: ${warm.status} ${warm.text}`);

    // Before each PATCH, wait a random part of the poll period: otherwise every toggle would start
    // just after the poll that ended the previous phase, and SQLite's times would all read ~pollMs.
    const phase = () => sleep(Math.random() * (pollMs ?? 10));
    const count = TOGGLES[backend];
    for (let i = 0; i < count; i++) {
      if (i % 50 === 0) ctx.log(`propagation: ${backend}: toggle ${i + 1}/${count}`);
      const t: Toggle = {
        patchMs: 0,
        firstRefusalMs: -1,
        firstRefusedBy: '',
        cacheMs: -1,
        writes: 0,
        acceptedAfter: 0,
        reopenMs: -1,
        refusedRttMs: -1,
      };
      await phase();
      const sent = performance.now();
      await patch('1');
      const returned = performance.now();
      t.patchMs = returned - sent;
      for (;;) {
        const r = await write();
        const at = performance.now() - returned;
        t.writes++;
        if (r.status === 200) t.acceptedAfter++;
        else if (r.status === 503) {
          const by = String(r.headers[REFUSED_BY] ?? '');
          if (t.firstRefusalMs < 0) {
            t.firstRefusalMs = at;
            t.firstRefusedBy = by;
          }
          if (by === 'guard') {
            t.cacheMs = at;
            break;
          }
        } else throw new Error(`write on B while read-only: ${r.status} ${r.text}`);
        if (at > GIVE_UP_MS) throw new Error(`B's guard did not refuse within ${GIVE_UP_MS} ms of the PATCH`);
      }
      const rtt = performance.now();
      const again = await write();
      t.refusedRttMs = performance.now() - rtt;
      if (again.status !== 503) throw new Error(`B accepted a write in read-only mode: ${again.status} ${again.text}`);
      await phase();
      await patch('0');
      const reopened = performance.now();
      for (;;) {
        const r = await write();
        const at = performance.now() - reopened;
        if (r.status === 200) {
          t.reopenMs = at;
          break;
        }
        if (r.status !== 503) throw new Error(`write on B after read-only ended: ${r.status} ${r.text}`);
        if (at > GIVE_UP_MS) throw new Error(`B still refused writes ${GIVE_UP_MS} ms after read-only ended`);
      }
      toggles.push(t);
    }
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- A ---\n${a.output()}\n--- B ---\n${b.output()}`, { cause: err });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await db.drop();
  }
  return { backend, pollMs, toggles };
}

function summarise(m: Measured): Table {
  const goal = GOAL_MS[m.backend];
  const ts = m.toggles;
  const row = (label: string, values: number[], byGuard: number | null, byTransaction: number | null) => [
    label,
    values.length,
    fmt(percentile(values, 50), 2),
    fmt(percentile(values, 99), 2),
    fmt(Math.max(...values), 2),
    byGuard,
    byTransaction,
  ];
  const first = ts.map((t) => t.firstRefusalMs);
  const cache = ts.map((t) => t.cacheMs);
  const accepted = ts.reduce((a, t) => a + t.acceptedAfter, 0);
  const verdict = (name: string, values: number[]) => {
    const p99 = percentile(values, 99);
    return `${name}: p99 ${fmt(p99, 2)} ms ${p99 <= goal ? '<=' : '>'} ${goal} ms -> ${p99 <= goal ? 'met' : 'NOT met'}`;
  };
  return {
    title: `propagation: ${m.backend}, two drydock serve processes` + (m.pollMs !== undefined ? ` (DRYDOCK_SQLITE_POLL_MS=${m.pollMs})` : ' (LISTEN/NOTIFY)'),
    columns: ['measurement', 'n', 'p50 ms', 'p99 ms', 'max ms', 'by guard', 'by transaction'],
    rows: [
      row(
        'PATCH "1" returned on A -> first write refused on B',
        first,
        ts.filter((t) => t.firstRefusedBy === 'guard').length,
        ts.filter((t) => t.firstRefusedBy === 'transaction').length,
      ),
      row('PATCH "1" returned on A -> B\'s cache knows (guard refuses)', cache, null, null),
      row(
        'PATCH "0" returned on A -> B accepts writes again',
        ts.map((t) => t.reopenMs),
        null,
        null,
      ),
      row(
        'for scale: one refused write to B (round trip)',
        ts.map((t) => t.refusedRttMs),
        null,
        null,
      ),
      row(
        'for scale: PATCH "1" request time on A',
        ts.map((t) => t.patchMs),
        null,
        null,
      ),
    ],
    notes: [
      `writes B accepted after the PATCH returned: ${accepted} (must be 0); writes per toggle until the guard refused: ` +
        `p50 ${percentile(
          ts.map((t) => t.writes),
          50,
        )}, max ${Math.max(...ts.map((t) => t.writes))}`,
      `goal p99 <= ${goal} ms: ${verdict('first refusal', first)}; ${verdict('cache', cache)}`,
    ],
  };
}

export const propagation: Benchmark = {
  name: 'propagation',
  description: 'PATCH data_update_stop on replica A -> first refusal / cache update on replica B (PostgreSQL, SQLite)',
  async run(ctx) {
    const tables: Table[] = [];
    const raw: Measured[] = [];
    for (const backend of ['postgres', 'sqlite'] as const) {
      const m = await measure(ctx, backend);
      raw.push(m);
      tables.push(summarise(m));
    }
    return { name: 'propagation', tables, raw };
  },
};
