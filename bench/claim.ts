/**
 * Claim throughput of no-op jobs on PostgreSQL: 4 workers in one process, each looping "claim up
 * to 10 jobs, then mark each claimed job done" (`transition` to Completed, one statement per job,
 * as the worker records an end), until every job is done. Variants, in interleaved rounds with a
 * rotating order, each on a freshly enqueued batch:
 *   - gated: `claimJobs` as shipped: one autocommit call of migration 006's `drydock_claim`, which
 *     takes the shared gate lock and runs the claim statement with the maintenance predicate (one
 *     round trip; it was a transaction of four — BEGIN, lock + switch read, claim, COMMIT — and cost
 *     10–28% of the throughput);
 *   - ungated: the same claim statement without the maintenance predicate, alone (autocommit: no
 *     transaction, so no gate lock) — the claim a system without the gate would send;
 *   - ungated in a transaction: that statement in a transaction without the gate lock, to show what
 *     a transaction around the statement costs (what the gated claim paid before migration 006);
 *   - graphile-worker (dev dependency, this bench only) on the same database and server: its
 *     programmatic `run()` with concurrency 4, its defaults otherwise (one job per fetch, no
 *     batching), a no-op task, jobs enqueued in bulk with `addJobs`. It speaks only to that database.
 * Enqueueing is not timed. A round's time runs from the workers' start to the last job recorded as
 * done (for graphile-worker, until its jobs table is empty, since it completes jobs after the
 * success event).
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Logger, makeWorkerUtils, run, runMigrations, type WorkerEvents } from 'graphile-worker';
import { sql } from 'kysely';
import pg from 'pg';
import { claimJobs, type ClaimRequest } from '../src/backyard/claim.js';
import { transition, type Job } from '../src/backyard/jobs.js';
import type { Backyard } from '../src/backyard/kinds/registry.js';
import { DRIVER_STATUS, STATUS_FAMILIES } from '../src/backyard/kinds/status-families.js';
import { nowTimestamp } from '../src/store/clock.js';
import type { Store } from '../src/store/store.js';
import { loadTenants, openBenchStore, orgId, wsId } from './support/backyard-data.js';
import { claimJobsUngated } from './support/claim-variants.js';
import { createDatabase } from './support/databases.js';
import { fmt, pct, type BenchContext, type Benchmark, type Table } from './support/report.js';
import { mean, median, percentile } from './support/stats.js';
import { withoutGateLock } from './support/store-variants.js';

const SIZES: Record<BenchContext['size'], { jobsPerVariant: number; rounds: number }> = {
  full: { jobsPerVariant: 20_000, rounds: 4 },
  small: { jobsPerVariant: 2_000, rounds: 2 },
};
const WORKERS = 4;
const LIMIT = 10;
const LEASE_MS = 60_000;
const BACKYARD: Backyard = 'ita-by-ansible-execute';
const GOAL_GATE_COST_PCT = 5;

type Variant = 'gated' | 'ungated' | 'ungated-tx' | 'graphile-worker';
const VARIANTS: readonly Variant[] = ['gated', 'ungated', 'ungated-tx', 'graphile-worker'];
const LABEL: Record<Variant, string> = {
  gated: 'drydock claimJobs, gated (as shipped)',
  ungated: 'drydock claim statement, ungated, autocommit',
  'ungated-tx': 'drydock claim statement, ungated, in a transaction',
  'graphile-worker': 'graphile-worker run(), concurrency 4',
};

interface Round {
  readonly jobs: number;
  readonly ms: number;
  /** drydock: claim statements sent, how many came back empty, and each claim's time. */
  readonly claims?: number;
  readonly emptyClaims?: number;
  readonly claimMs?: number[];
  /** graphile-worker: run() called → first job started. */
  readonly startupMs?: number;
}

/** Enqueues `n` Unexecuted no-op jobs in one INSERT … SELECT (after clearing the previous round's). */
async function enqueueDrydock(store: Store, n: number): Promise<void> {
  await sql`TRUNCATE backyard_jobs CASCADE`.execute(store.db);
  await sql`
    INSERT INTO backyard_jobs (id, organization_id, workspace_id, backyard, status_id, in_flight, spec, created_at, created_by,
                               last_update_timestamp, stop_requested)
    SELECT gen_random_uuid()::text, ${orgId(0)}, ${wsId(0)}, ${BACKYARD}, '1', 0, '{}'::jsonb, t, 'bench', t, 0
    FROM generate_series(1, ${sql.lit(n)}) AS i, LATERAL (SELECT clock_timestamp() + i * interval '1 microsecond' AS t) AS s`.execute(store.db);
  await sql`ANALYZE backyard_jobs`.execute(store.db);
}

async function runDrydock(store: Store, variant: Exclude<Variant, 'graphile-worker'>, n: number): Promise<Round> {
  await enqueueDrydock(store, n);
  const noLock = withoutGateLock(store);
  const claim: (r: ClaimRequest) => Promise<Job[]> = {
    gated: (r: ClaimRequest) => claimJobs(store, r),
    ungated: (r: ClaimRequest) => claimJobsUngated(store.db, true, r),
    'ungated-tx': (r: ClaimRequest) => noLock.transaction('shared', (trx) => claimJobsUngated(trx, true, r)),
  }[variant];
  let claimed = 0;
  let claims = 0;
  let emptyClaims = 0;
  const claimMs: number[] = [];
  const seen = new Set<string>();
  const worker = async (w: number) => {
    const workerId = `bench-claim-${w}`;
    // Until every job has been claimed: each worker then finishes the ones it holds.
    while (claimed < n) {
      const c0 = performance.now();
      const jobs = await claim({ backyard: BACKYARD, workerId, limit: LIMIT, leaseMs: LEASE_MS });
      claimMs.push(performance.now() - c0);
      claims++;
      claimed += jobs.length;
      if (jobs.length === 0) {
        // Rows another worker was claiming at that moment are skipped (SKIP LOCKED), and a row
        // changed under the statement drops out of its LIMIT: try again.
        emptyClaims++;
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      for (const job of jobs) {
        if (seen.has(job.id)) throw new Error(`job ${job.id} claimed twice`);
        seen.add(job.id);
        // The no-op job ends at once: Completed, as the worker records an end.
        const moved = await transition(
          store.db,
          job,
          'driver',
          STATUS_FAMILIES.driver.inFlight,
          DRIVER_STATUS.completed,
          { finished_at: nowTimestamp(), lease_expires_at: null },
          workerId,
        );
        if (!moved) throw new Error(`job ${job.id} could not be marked done`);
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  const ms = performance.now() - t0;
  const check = await sql<{ done: number; other: number }>`
    SELECT count(*) FILTER (WHERE status_id = '5' AND in_flight = 0)::int AS done,
           count(*) FILTER (WHERE status_id <> '5' OR in_flight <> 0)::int AS other
    FROM backyard_jobs`.execute(store.db);
  const row = check.rows[0]!;
  if (row.done !== n || row.other !== 0 || seen.size !== n) {
    throw new Error(`${variant}: ${row.done} jobs done, ${row.other} not, ${seen.size} claimed; want ${n}`);
  }
  return { jobs: n, ms, claims, emptyClaims, claimMs };
}

/** graphile-worker's logger, quiet but for errors. */
const quietLogger = new Logger(() => (level, message) => {
  // LogLevel is an ambient const enum, which verbatimModuleSyntax cannot import; its values are strings.
  if (String(level) === 'error') process.stderr.write(`graphile-worker: ${message}\n`);
});

async function runGraphile(pool: pg.Pool, n: number): Promise<Round> {
  const utils = await makeWorkerUtils({ pgPool: pool, logger: quietLogger });
  try {
    await utils.addJobs(Array.from({ length: n }, () => ({ identifier: 'noop', payload: {} })));
  } finally {
    await utils.release();
  }
  await pool.query('ANALYZE graphile_worker._private_jobs');
  const events: WorkerEvents = new EventEmitter();
  let succeeded = 0;
  let failed = 0;
  let firstStart: number | undefined;
  let allSucceeded!: () => void;
  const succeededAll = new Promise<void>((resolve) => (allSucceeded = resolve));
  events.on('job:start', () => {
    firstStart ??= performance.now();
  });
  events.on('job:success', () => {
    if (++succeeded === n) allSucceeded();
  });
  events.on('job:error', () => failed++);
  const t0 = performance.now();
  const runner = await run({
    pgPool: pool,
    concurrency: WORKERS,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: quietLogger,
    events,
    taskList: { noop: async () => {} },
  });
  try {
    await succeededAll;
    // The success event comes before the completion is written: the round ends when it is.
    while ((await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM graphile_worker.jobs')).rows[0]!.n > 0);
    const ms = performance.now() - t0;
    if (failed > 0) throw new Error(`graphile-worker: ${failed} jobs failed`);
    return { jobs: n, ms, startupMs: (firstStart ?? t0) - t0 };
  } finally {
    await runner.stop();
  }
}

function summarise(size: { jobsPerVariant: number; rounds: number }, rounds: Map<Variant, Round[]>): Table {
  const rate = (rs: readonly Round[]) => rs.map((r) => (r.jobs / r.ms) * 1000);
  const total = (rs: readonly Round[]) => (rs.reduce((a, r) => a + r.jobs, 0) / rs.reduce((a, r) => a + r.ms, 0)) * 1000;
  const ungated = total(rounds.get('ungated')!);
  const gated = total(rounds.get('gated')!);
  const rows = VARIANTS.map((v) => {
    const rs = rounds.get(v)!;
    const perRound = rate(rs);
    const claimMs = rs.flatMap((r) => r.claimMs ?? []);
    return [
      LABEL[v],
      rs.reduce((a, r) => a + r.jobs, 0),
      fmt(total(rs), 0),
      `${fmt(Math.min(...perRound), 0)}-${fmt(Math.max(...perRound), 0)}`,
      claimMs.length ? fmt(median(claimMs), 2) : null,
      claimMs.length ? fmt(percentile(claimMs, 99), 2) : null,
      pct(((total(rs) - ungated) / ungated) * 100),
    ];
  });
  const gateCost = ((ungated - gated) / ungated) * 100;
  const tx = total(rounds.get('ungated-tx')!);
  const claims = rounds.get('gated')!.reduce((a, r) => a + (r.claims ?? 0), 0);
  const empty = VARIANTS.filter((v) => v !== 'graphile-worker').map((v) => `${v} ${rounds.get(v)!.reduce((a, r) => a + (r.emptyClaims ?? 0), 0)}`);
  const startup = rounds.get('graphile-worker')!.map((r) => r.startupMs ?? 0);
  return {
    title:
      `claim: no-op jobs, ${WORKERS} workers, PostgreSQL, ${size.rounds} interleaved rounds of ` +
      `${(size.jobsPerVariant / size.rounds).toLocaleString('en')} jobs per variant`,
    columns: ['variant', 'jobs', 'jobs/s', 'per round', 'claim p50 ms', 'claim p99 ms', 'vs ungated'],
    rows,
    notes: [
      `gate cost: ${fmt(gateCost)}% of throughput (gated ${fmt(gated, 0)} vs ungated ${fmt(ungated, 0)} jobs/s); ` +
        `goal <= ${GOAL_GATE_COST_PCT}%: ${gateCost <= GOAL_GATE_COST_PCT ? 'met' : 'NOT met'}; for comparison, a transaction around the ` +
        `ungated statement (no gate) costs ${fmt(((ungated - tx) / ungated) * 100)}%`,
      `drydock workers: claim up to ${LIMIT}, then one transition statement per job (sequential), ` +
        `${fmt(size.jobsPerVariant / (claims - rounds.get('gated')!.reduce((a, r) => a + (r.emptyClaims ?? 0), 0)), 1)} jobs per gated claim; ` +
        `empty claims (rows skipped while another worker held them): ${empty.join(', ')}`,
      `graphile-worker: defaults (one job per fetch, completions not batched), pool of 10; ` +
        `run() to first job ${fmt(mean(startup), 0)} ms on average, counted in its time`,
      'jobs/s = jobs of all rounds / time of all rounds; "per round" = slowest-fastest round',
    ],
  };
}

export const claim: Benchmark = {
  name: 'claim',
  description: 'claim throughput of no-op jobs, 4 workers on PostgreSQL: gated vs ungated vs graphile-worker',
  async run(ctx) {
    const size = SIZES[ctx.size];
    const perRound = Math.floor(size.jobsPerVariant / size.rounds);
    const db = await createDatabase('postgres', () => ctx.postgresAdminUrl());
    const store = await openBenchStore(db);
    const pool = new pg.Pool({ connectionString: db.url, max: 10 });
    pool.on('error', (err) => ctx.log(`claim: idle graphile-worker connection failed: ${err.message}`));
    pool.on('connect', (client) => client.on('error', () => {}));
    try {
      await loadTenants(store, 1, 1);
      await runMigrations({ pgPool: pool, logger: quietLogger });
      // Warm-up: a small round of each.
      for (const v of VARIANTS) {
        if (v === 'graphile-worker') await runGraphile(pool, 500);
        else await runDrydock(store, v, 500);
      }
      const rounds = new Map<Variant, Round[]>(VARIANTS.map((v) => [v, []]));
      for (let r = 0; r < size.rounds; r++) {
        const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]!);
        for (const v of order) {
          const round = v === 'graphile-worker' ? await runGraphile(pool, perRound) : await runDrydock(store, v, perRound);
          rounds.get(v)!.push(round);
          ctx.log(`claim: round ${r + 1}/${size.rounds}: ${v}: ${fmt((round.jobs / round.ms) * 1000, 0)} jobs/s`);
        }
      }
      return {
        name: 'claim',
        tables: [summarise(size, rounds)],
        raw: Object.fromEntries(
          [...rounds].map(([v, rs]) => [
            v,
            rs.map((r) => ({
              jobs: r.jobs,
              ms: r.ms,
              jobsPerSecond: (r.jobs / r.ms) * 1000,
              claims: r.claims,
              emptyClaims: r.emptyClaims,
              claimMsP50: r.claimMs ? median(r.claimMs) : undefined,
              startupMs: r.startupMs,
            })),
          ]),
        ),
      };
    } finally {
      await pool.end();
      await store.close();
      await db.drop();
    }
  },
};
