import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import pino from 'pino';
import { backyardKinds, backyardNames, familyOf, type Backyard } from '../../src/backyard/kinds/registry.js';
import { FAMILY_NAMES, terminalStatuses, type FamilyName } from '../../src/backyard/kinds/status-families.js';
import { parseDatabaseUrl } from '../../src/config/compile.js';
import { formatMicros } from '../../src/store/clock.js';
import { openStore } from '../../src/store/open-store.js';
import type { BackyardJobsTable } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import type { BenchDatabase } from './databases.js';

/** A migrated store on a bench database (silent logger). */
export async function openBenchStore(db: BenchDatabase): Promise<Store> {
  const store = await openStore(parseDatabaseUrl(db.url), { logger: pino({ level: 'silent' }) });
  await store.migrate();
  return store;
}

export const orgId = (o: number) => `org-${String(o).padStart(3, '0')}`;
export const wsId = (w: number) => `ws-${String(w).padStart(3, '0')}`;

/** Epoch microseconds of 2024-01-01T00:00:00Z: finished jobs are created from here on, one per second. */
const BASE_MICROS = BigInt(Date.UTC(2024, 0, 1)) * 1000n;
const SECOND = 1_000_000n;
const ts = (micros: bigint) => formatMicros(micros);

/** `organizations` × `workspacesPerOrg` tenants, ids `org-000`/`ws-000`…, in a few multi-row INSERTs. */
export async function loadTenants(store: Store, organizations: number, workspacesPerOrg: number): Promise<void> {
  const at = ts(BASE_MICROS);
  const orgs = Array.from({ length: organizations }, (_, o) => ({
    id: orgId(o),
    name: `Organization ${o}`,
    plan: '{}',
    options: '{}',
    options_ita: '{}',
    created_at: at,
    last_update_timestamp: at,
  }));
  const workspaces = orgs.flatMap((o) =>
    Array.from({ length: workspacesPerOrg }, (_, w) => ({
      organization_id: o.id,
      id: wsId(w),
      name: `Workspace ${w}`,
      informations: '{}',
      created_at: at,
      last_update_timestamp: at,
    })),
  );
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < orgs.length; i += 1000)
      await trx
        .insertInto('organizations')
        .values(orgs.slice(i, i + 1000))
        .execute();
    for (let i = 0; i < workspaces.length; i += 1000) {
      await trx
        .insertInto('workspaces')
        .values(workspaces.slice(i, i + 1000))
        .execute();
    }
  });
}

const BACKYARDS = backyardNames();

/**
 * Terminal statuses per family, cycled through by the finished jobs: each of the family's terminal
 * statuses, the first (the normal end) three times, as most jobs end well.
 */
const TERMINAL = new Map<FamilyName, readonly string[]>(
  FAMILY_NAMES.map((family) => {
    const [normal, ...others] = terminalStatuses(family);
    return [family, [normal!, normal!, normal!, ...others]];
  }),
);
const FINISHED_SPEC = '{"playbook":"site.yml","inventory":"hosts"}';

/**
 * `count` finished jobs, spread evenly over every workspace and backyard: job i belongs to workspace
 * i mod W, backyard (i div W) mod B (B backyards), has a terminal status of its family, and was created
 * 2024-01-01 + i seconds. Ids are random UUIDs, as registerJob makes them.
 *
 * Loaded by the database itself, in one INSERT … SELECT over a generated series (generate_series on
 * PostgreSQL, a recursive CTE on SQLite: one prepared statement in one transaction through
 * better-sqlite3), with the foreign-key checks off for that one loading session (the rows reference
 * the tenants just loaded, by construction; on PostgreSQL they are a third of the load time). The
 * table and its indexes are the migrated ones, maintained row by row.
 */
export async function loadFinishedJobs(
  db: BenchDatabase,
  store: Store,
  shape: { organizations: number; workspacesPerOrg: number; count: number },
): Promise<void> {
  const { organizations, workspacesPerOrg, count } = shape;
  const W = organizations * workspacesPerOrg;
  const when = (selector: string, values: readonly string[]) => `CASE ${selector} ${values.map((v, k) => `WHEN ${k} THEN '${v}'`).join(' ')} END`;
  const B = BACKYARDS.length;
  const backyard = when(`(i / ${W}) % ${B}`, BACKYARDS);
  const status = `CASE (i / ${W}) % ${B} ${BACKYARDS.map((b, k) => {
    const terminal = TERMINAL.get(familyOf(b).name)!;
    return `WHEN ${k} THEN ${when(`(i / ${W * B}) % ${terminal.length}`, terminal)}`;
  }).join(' ')} END`;
  const columns = `id, organization_id, workspace_id, backyard, status_id, in_flight, spec, created_at, created_by,
                   started_at, finished_at, last_update_timestamp, stop_requested`;
  if (db.backend === 'postgres') {
    const three = (e: string) => `lpad((${e})::text, 3, '0')`;
    await store.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(trx);
      await sql
        .raw(
          `INSERT INTO backyard_jobs (${columns})
           SELECT gen_random_uuid()::text, 'org-' || ${three(`(i % ${W}) / ${workspacesPerOrg}`)},
                  'ws-' || ${three(`(i % ${W}) % ${workspacesPerOrg}`)}, ${backyard}, ${status}, 0, '${FINISHED_SPEC}'::jsonb,
                  t, 'bench', t + interval '1 second', t + interval '60 seconds', t + interval '60 seconds', 0
           FROM generate_series(0, ${count - 1}) AS i,
                LATERAL (SELECT timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second' AS t) AS s`,
        )
        .execute(trx);
    });
    // What autovacuum would soon do anyway, done now so that it does not run during the measurement.
    await sql`VACUUM ANALYZE backyard_jobs`.execute(store.db);
    await sql`ANALYZE organizations, workspaces`.execute(store.db);
    return;
  }
  const raw = new BetterSqlite3(db.url);
  try {
    raw.pragma('cache_size = -262144'); // 256 MiB: random UUID keys would otherwise thrash a 2 MiB cache
    raw.pragma('synchronous = OFF');
    raw.pragma('foreign_keys = OFF');
    const epoch = Number(BASE_MICROS / SECOND);
    const at = (offset: number) => `strftime('%Y-%m-%dT%H:%M:%S.000000Z', ${epoch + offset} + i, 'unixepoch')`;
    raw
      .prepare(
        `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${count - 1})
         INSERT INTO backyard_jobs (${columns})
         SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-a' || substr(h, 18, 3) || '-' || substr(h, 21, 12),
                'org-' || printf('%03d', (i % ${W}) / ${workspacesPerOrg}), 'ws-' || printf('%03d', (i % ${W}) % ${workspacesPerOrg}),
                ${backyard}, ${status}, 0, '${FINISHED_SPEC}', ${at(0)}, 'bench', ${at(1)}, ${at(60)}, ${at(60)}, 0
         FROM (SELECT i, lower(hex(randomblob(16))) AS h FROM s)`,
      )
      .run();
    raw.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    raw.close();
  }
}

/** A small deterministic PRNG (mulberry32), so both backends get the same in-flight jobs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONDUCTOR: Backyard = 'ita-by-conductor-synchronize';
const DRIVERS = backyardKinds()
  .filter((k) => k.family === 'driver')
  .map((k) => k.name as Backyard);
const NOT_CONDUCTOR = BACKYARDS.filter((b) => b !== CONDUCTOR);

export interface InFlightShape {
  readonly rows: number;
  readonly conductors: number;
  readonly children: number;
  /** Rows whose lease has expired (listed with lease_expired: true). */
  readonly expired: number;
  /** What execute_count must be: every row but the conductors. */
  readonly counted: number;
}

/**
 * `count` in-flight jobs over random workspaces and backyards: 8% are conductors, each with two
 * driver children in its workspace (`parent_id`), the rest single jobs. Statuses are the family's
 * in-flight ones; leases run to 2099 except every 50th, already expired. Created after every
 * finished job, in order, so `created_at` order is insertion order.
 */
export async function loadInFlightJobs(
  store: Store,
  shape: { organizations: number; workspacesPerOrg: number; count: number; afterFinished: number },
): Promise<InFlightShape> {
  const random = prng(20240101);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const conductors = Math.round(shape.count * 0.08);
  let t = BASE_MICROS + BigInt(shape.afterFinished + 3600) * SECOND;
  const rows: BackyardJobsTable[] = [];
  let made = 0;
  const make = (org: string, ws: string, backyard: Backyard, parentId: string | null): BackyardJobsTable => {
    t += SECOND;
    const n = made++;
    return {
      id: randomUUID(),
      organization_id: org,
      workspace_id: ws,
      backyard,
      status_id: pick(familyOf(backyard).inFlight),
      in_flight: 1,
      parent_id: parentId,
      spec: FINISHED_SPEC,
      result: null,
      delay_minutes: null,
      scheduled_at: null,
      created_at: ts(t),
      created_by: 'bench',
      started_at: ts(t + SECOND),
      finished_at: null,
      last_update_timestamp: ts(t + 2n * SECOND),
      lease_owner: `bench-worker-${n % 4}`,
      lease_expires_at: n % 50 === 49 ? ts(t + 30n * SECOND) : '2099-01-01T00:00:00.000000Z',
      stop_requested: 0,
    };
  };
  const place = () => [orgId(Math.floor(random() * shape.organizations)), wsId(Math.floor(random() * shape.workspacesPerOrg))] as const;
  for (let c = 0; c < conductors && rows.length + 3 <= shape.count; c++) {
    const [org, ws] = place();
    const parent = make(org, ws, CONDUCTOR, null);
    rows.push(parent, make(org, ws, pick(DRIVERS), parent.id), make(org, ws, pick(DRIVERS), parent.id));
  }
  while (rows.length < shape.count) {
    const [org, ws] = place();
    rows.push(make(org, ws, pick(NOT_CONDUCTOR), null));
  }
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 200)
      await trx
        .insertInto('backyard_jobs')
        .values(rows.slice(i, i + 200))
        .execute();
  });
  const conductorRows = rows.filter((r) => r.backyard === CONDUCTOR).length;
  return {
    rows: rows.length,
    conductors: conductorRows,
    children: rows.filter((r) => r.parent_id !== null).length,
    expired: rows.filter((r) => r.lease_expires_at !== null && r.lease_expires_at < '2099').length,
    counted: rows.length - conductorRows,
  };
}
