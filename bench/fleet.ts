/**
 * What the fleet orchestrator itself costs: plan and run a phased upgrade of 1,000 pairs whose node
 * actions are instant (the `noop` driver), so the time is all bookkeeping — store transactions, the
 * step log, the drive loop. Goal: the run (four phases, every pair, concurrency 50) in <= 2 s for
 * 1,000 pairs, on SQLite and on a PostgreSQL that flushes every commit (the bench asks for the
 * runner's durable cluster: fsync, synchronous_commit and full_page_writes on).
 *
 * For each backend and concurrency, on a fresh store:
 *   1. validate + declare a fleet of 1,000 pairs (environment PROD, gate `QA_OK`, noop driver) and
 *      give the version QA_OK, so the gate is open;
 *   2. plan: read the environment, pairs and statuses and build the dry-run plan (`GET …/fleet/plan`);
 *   3. create a run and drive it to the end with an in-process Orchestrator (the shipped lease and
 *      poll settings, the real noop driver);
 *   4. check it really completed: the run `completed` without a reason, every pair `done` after
 *      phase 4, both nodes of every pair on the new version with the primary active, the version
 *      carrying PROD_OK (and no phase status), 12 succeeded steps per pair, and the step log
 *      replaying without an invariant violation. Anything else fails the benchmark.
 *
 * The store is wrapped to count transactions and statements (bench/support/store-counters.ts), so
 * the table also shows where the time goes: transactions per pair phase, statements per transaction.
 *
 * Concurrency 50 is the headline: 5% of the fleet, a plausible operator setting, and more pair
 * phases than PostgreSQL's 20 pooled connections, so the pool never idles for want of work and the
 * number is the store's throughput rather than round-trip latency. Concurrency 1 shows the
 * orchestrator's serial cost per pair (what a cautious one-pair-at-a-time run pays: on PostgreSQL
 * a WAL flush per record, one after the other); it runs on a tenth of the pairs, because a serial
 * run's per-pair cost does not depend on the fleet's size and the full size would add minutes to
 * the benchmark on PostgreSQL.
 *
 * Before and after pair records were group-committed and SQLite statements prepared once
 * (`npm run bench:compare -- --base <before> fleet --rounds 2`, medians, 2 shared cores at a load
 * average of 11 to 13; PostgreSQL with fsync on):
 *
 *                                   sqlite c=50     postgres c=50
 *   run total s                     8.85 -> 1.70    20.9 -> 4.42
 *   node CPU ms per pair phase      0.94 -> 0.22    1.81 -> 0.30
 *   store transactions              16,006 -> 326   16,010 -> 326
 *
 * What PostgreSQL's run still waits for is its ~320 WAL flushes in a row (docs/decisions/fleet-upgrades.md).
 *
 * On SQLite the orchestrator's work is all in this process (better-sqlite3 is synchronous), so the
 * process's CPU time is the noise-resistant number on a shared machine: on an idle one the wall
 * time is about that.
 */
import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import pino, { type Logger } from 'pino';
import { defaults } from '../src/config/defaults.js';
import { formatIssues, validateFleet } from '../src/fleet/fleet-file.js';
import { declareFleet, readEnvironment, readPairs } from '../src/fleet/store/declaration.js';
import type { RunRecord, StepRecord } from '../src/fleet/store/records.js';
import { createRun, readRun, readRunPairs } from '../src/fleet/store/runs.js';
import { changeStatuses, readStatuses } from '../src/fleet/store/statuses.js';
import { readSteps } from '../src/fleet/store/steps.js';
import { verifyStepLog } from '../src/fleet/invariants.js';
import { Orchestrator } from '../src/fleet/orchestrator.js';
import { PHASES, phaseStatus } from '../src/fleet/phases.js';
import { buildPlan } from '../src/fleet/plan.js';
import type { Database } from '../src/store/schema.js';
import { openBenchStore } from './support/backyard-data.js';
import { createDatabase, type Backend, type BenchDatabase } from './support/databases.js';
import { fmt, type BenchContext, type Benchmark, type Cell, type Table } from './support/report.js';
import { sampleWaits, type WaitProfile } from './support/postgres-waits.js';
import { withCounters, type StoreCounts } from './support/store-counters.js';
import { sleep } from '../src/util/sleep.js';

const SIZES: Record<BenchContext['size'], number> = { full: 1_000, small: 100 };
/** `share`: the part of the size's pairs the configuration runs. */
const CONFIGS: ReadonlyArray<{ readonly backend: Backend; readonly concurrency: number; readonly share: number }> = [
  { backend: 'sqlite', concurrency: 50, share: 1 },
  { backend: 'postgres', concurrency: 50, share: 1 },
  { backend: 'sqlite', concurrency: 1, share: 1 / 10 },
  { backend: 'postgres', concurrency: 1, share: 1 / 10 },
];
/** The goal of the concurrency-50 runs (the headline): 1,000 pairs in 2 s. A serial run (c=1) has none. */
const GOAL_SECONDS_PER_1000 = 2;
const GOAL_CONCURRENCY = 50;
/** A run with no committed transaction for this long is stuck (normal runs commit hundreds a second). */
const STALL_MS = 30_000;
/**
 * A run slower than this is given up: 1,000 s per 1,000 pairs, beyond the slowest run seen (serial,
 * PostgreSQL, on a machine whose disk took 60 ms a WAL flush); a stuck run is caught by STALL_MS.
 */
const DEADLINE_SECONDS_PER_1000 = 1_000;
const ENV = 'PROD';
const V1 = '1.0.0';
const V2 = '2.0.0';
/** Steps per pair when every action succeeds: four phases of three steps. */
const STEPS_PER_PAIR = PHASES.length * 3;

interface Measurement {
  readonly backend: Backend;
  readonly concurrency: number;
  readonly pairs: number;
  readonly validateMs: number;
  readonly declareMs: number;
  readonly planMs: number;
  readonly createRunMs: number;
  readonly runMs: number;
  readonly steps: number;
  readonly counts: StoreCounts;
  /** Warnings and errors the orchestrator logged (a pair phase failing unexpectedly, a lease renewal failing…). */
  readonly problems: number;
  readonly firstProblem: string | undefined;
  /** CPU time of this process (user + system) during the run. */
  readonly cpuMs: number;
  /** PostgreSQL only: what its backends were doing during the run. */
  readonly postgres: WaitProfile | undefined;
  /** Per phase: first step started → last step finished, from the step log. */
  readonly phaseMs: readonly number[];
}

/** The goal for `pairs` pairs, in ms: 2 s per 1,000 pairs, pro rata. */
const goalMs = (pairs: number) => GOAL_SECONDS_PER_1000 * pairs;

const envId = (i: number) => String(i + 1).padStart(4, '0');

/** The fleet file as an operator would write it (before validation). */
function fleetFile(pairs: number, concurrency: number): unknown {
  return {
    environments: [{ name: ENV, gate: 'QA_OK', concurrency, driver: { type: 'noop' } }],
    nodes: Array.from({ length: pairs }, (_, i) => [
      { name: `${ENV}_P_${envId(i)}`, version: V1 },
      { name: `${ENV}_S_${envId(i)}`, version: V1 },
    ]).flat(),
  };
}

/** Throws, naming every way it fell short, unless the run upgraded every pair as it should have. */
async function verifyRun(store: Kysely<Database>, runId: string, pairs: number, steps: readonly StepRecord[]): Promise<void> {
  const problems: string[] = [];
  const progress = await readRunPairs(store, runId);
  const notDone = progress.filter((p) => p.state !== 'done' || p.completedPhase !== 4);
  if (progress.length !== pairs) problems.push(`${progress.length} pairs in the run, not ${pairs}`);
  if (notDone.length > 0) problems.push(`${notDone.length} pairs not done after phase 4, e.g. ${JSON.stringify(notDone[0])}`);
  const fleet = await readPairs(store, ENV);
  const wrong = fleet.filter((p) => p.primary.installedVersion !== V2 || p.secondary.installedVersion !== V2 || p.active !== 'P');
  if (wrong.length > 0) problems.push(`${wrong.length} pairs not on ${V2} with the primary active, e.g. ${wrong[0]!.id}`);
  const statuses = [...(await readStatuses(store, V2))].sort();
  if (!statuses.includes(phaseStatus(ENV, 4)) || statuses.some((s) => /_Phase\d_OK$/.test(s))) {
    problems.push(`${V2} carries ${statuses.join(', ')}: expected ${phaseStatus(ENV, 4)} and no phase status`);
  }
  const succeeded = steps.filter((s) => s.state === 'succeeded').length;
  if (steps.length !== pairs * STEPS_PER_PAIR || succeeded !== steps.length) {
    problems.push(`${steps.length} steps recorded (${succeeded} succeeded), expected ${pairs * STEPS_PER_PAIR}, all succeeded`);
  }
  const initialActive = new Map(fleet.map((p) => [p.id, p.primary.name]));
  const violations = verifyStepLog(steps, V2, initialActive);
  if (violations.length > 0) problems.push(`${violations.length} invariant violations, e.g. ${violations[0]}`);
  if (problems.length > 0) throw new Error(`fleet bench: the run did not complete as it should, so its time means nothing:\n  ${problems.join('\n  ')}`);
}

/** First step started → last step finished, per phase. */
function phaseSpans(steps: readonly StepRecord[]): number[] {
  return PHASES.map((phase) => {
    const of = steps.filter((s) => s.phase === phase);
    const start = Math.min(...of.map((s) => Date.parse(s.startedAt)));
    const end = Math.max(...of.map((s) => Date.parse(s.finishedAt ?? s.startedAt)));
    return end - start;
  });
}

async function measure(ctx: BenchContext, backend: Backend, concurrency: number, pairs: number): Promise<Measurement> {
  const db = await createDatabase(backend, () => ctx.postgresAdminUrl({ durable: true }));
  const raw = await openBenchStore(db);
  const counted = withCounters(raw);
  const store = counted.store;
  try {
    let t0 = performance.now();
    const validation = validateFleet(fleetFile(pairs, concurrency));
    if (!validation.ok) throw new Error(`fleet bench: the fleet file is invalid:\n${formatIssues(validation.issues)}`);
    const validateMs = performance.now() - t0;
    t0 = performance.now();
    await declareFleet(store, validation.fleet);
    await changeStatuses(store, V2, { add: ['QA_OK'] }, 'bench');
    const declareMs = performance.now() - t0;

    // What `GET /api/platform/fleet/plan` does, minus HTTP.
    t0 = performance.now();
    const env = await readEnvironment(store.db, ENV);
    const plan = buildPlan(env, await readPairs(store.db, ENV), V2, await readStatuses(store.db, V2));
    const planMs = performance.now() - t0;
    if (!plan.gate.open || plan.summary.complete !== pairs) {
      throw new Error(`fleet bench: the plan does not let every pair through: ${JSON.stringify({ gate: plan.gate, summary: plan.summary })}`);
    }

    t0 = performance.now();
    const run = await createRun(store, { environment: ENV, version: V2, concurrency, user: 'bench' });
    const createRunMs = performance.now() - t0;

    const problems = problemLog();
    const orchestrator = new Orchestrator({
      store,
      logger: problems.logger,
      baseDir: process.cwd(),
      leaseMs: defaults.fleetLeaseSeconds * 1000,
      pollMs: defaults.fleetPollMs,
      name: 'bench',
    });
    counted.reset();
    const cpu0 = process.cpuUsage();
    t0 = performance.now();
    const guard = runGuard(() => {
      const c = counted.counts();
      return c.transactions - c.rolledBack;
    }, DEADLINE_SECONDS_PER_1000 * pairs);
    // Where PostgreSQL's backends spend the run (row-lock waits on a hot row show up here); SQLite's one connection is this process.
    const waits = backend === 'postgres' ? await sampleWaits(db.url) : undefined;
    const driving = orchestrator.driveToEnd(run.id);
    driving.catch(() => {}); // raced: if the guard wins, its later failure is reported through the throw below
    let done: RunRecord;
    try {
      done = await Promise.race([driving, guard.tripped]);
    } catch (err) {
      // Read before the cleanup, bounded: a stuck run may hold every pooled connection.
      const state = await Promise.race([readRun(raw.db, run.id).catch(() => undefined), sleep(2_000)]);
      const stuckWaits = await waits?.stop();
      await abandon(orchestrator, driving, db);
      throw new Error(
        `fleet bench: ${(err as Error).message}; the run is ${state ? `${state.state} in phase ${state.phase}` : 'unreadable'}; ` +
          `${counted.counts().rolledBack} transactions rolled back; orchestrator: ${problems.summary()}` +
          (stuckWaits ? `; PostgreSQL wait events: ${JSON.stringify(stuckWaits.events.slice(0, 5))}` : ''),
        { cause: err },
      );
    } finally {
      guard.cancel();
    }
    await orchestrator.stop();
    const runMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const postgres = await waits?.stop();
    const counts = counted.counts();
    if (done.state !== 'completed' || done.reason !== null) {
      throw new Error(`fleet bench: run ${run.id} ended ${done.state}${done.reason ? `: ${done.reason}` : ''}`);
    }
    const steps = await readSteps(raw.db, run.id);
    await verifyRun(raw.db, run.id, pairs, steps);
    return {
      backend,
      concurrency,
      pairs,
      validateMs,
      declareMs,
      planMs,
      createRunMs,
      runMs,
      steps: steps.length,
      counts,
      problems: problems.count(),
      firstProblem: problems.first(),
      cpuMs: (cpu.user + cpu.system) / 1000,
      postgres,
      phaseMs: phaseSpans(steps),
    };
  } finally {
    await raw.close();
    await db.drop();
  }
}

/**
 * Lets go of a stuck run so its store can close: a forced stop, and the statements blocked in the
 * database cancelled (they fail, their transactions roll back, the pair phases end) until the
 * run's driver has returned and its last pair phases have wound down. Bounded in time.
 */
async function abandon(orchestrator: Orchestrator, driving: Promise<unknown>, db: BenchDatabase): Promise<void> {
  await orchestrator.stop(true);
  let returned = false;
  void driving.then(
    () => (returned = true),
    () => (returned = true),
  );
  const deadline = performance.now() + 15_000;
  for (let quiet = 0; quiet < 5 && performance.now() < deadline;) {
    await db.cancelQueries();
    await sleep(200);
    if (returned) quiet++;
  }
}

/**
 * Rejects when the run is stuck or hopeless, so the benchmark fails instead of hanging: no
 * transaction committed for STALL_MS (a deadlock that PostgreSQL does not break, a drive loop that
 * stopped scheduling), or the run past `deadlineMs` (a livelock that commits now and then). A run
 * that is merely slow keeps going up to the deadline.
 */
function runGuard(committed: () => number, deadlineMs: number): { tripped: Promise<never>; cancel(): void } {
  let timer: ReturnType<typeof setInterval> | undefined;
  const tripped = new Promise<never>((_, reject) => {
    const started = performance.now();
    let last = committed();
    let lastMovedAt = started;
    timer = setInterval(() => {
      const now = committed();
      if (now !== last) {
        last = now;
        lastMovedAt = performance.now();
      }
      if (performance.now() - lastMovedAt > STALL_MS)
        reject(new Error(`no store transaction committed for ${STALL_MS / 1000} s (after ${now}): the run is stuck`));
      if (performance.now() - started > deadlineMs)
        reject(new Error(`the run took more than ${deadlineMs / 1000} s (${now} transactions committed): given up`));
    }, 1_000);
  });
  tripped.catch(() => {}); // raced; unobserved once the run ends
  return { tripped, cancel: () => clearInterval(timer) };
}

/** A logger that keeps the orchestrator's warnings and errors (its own log is silent here) for the table and for failures. */
function problemLog(): { logger: Logger; count(): number; first(): string | undefined; summary(): string } {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
  const first = () => {
    if (lines.length === 0) return undefined;
    const entry = JSON.parse(lines[0]!) as { msg?: string; err?: { message?: string } };
    return `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`;
  };
  return {
    logger,
    count: () => lines.length,
    first,
    summary: () => (lines.length === 0 ? 'nothing logged' : `${lines.length} warnings/errors, first: ${first()}`),
  };
}

export const fleetBench: Benchmark = {
  name: 'fleet',
  description: 'plan and run 1,000 pairs with instant no-op actions (SQLite, PostgreSQL): total time, per-pair overhead',
  async run(ctx) {
    const results: Measurement[] = [];
    for (const c of CONFIGS) {
      const pairs = Math.round(SIZES[ctx.size] * c.share);
      ctx.log(`fleet: ${c.backend}, ${pairs} pairs, concurrency ${c.concurrency}`);
      const m = await measure(ctx, c.backend, c.concurrency, pairs);
      ctx.log(`fleet: ${c.backend}, ${pairs} pairs, concurrency ${c.concurrency}: run ${fmt(m.runMs / 1000, 2)} s`);
      results.push(m);
    }
    const row = (label: string, value: (m: Measurement) => Cell): Cell[] => [label, ...results.map(value)];
    const perPairPhase = (m: Measurement, n: number) => fmt(n / (m.pairs * PHASES.length), 2);
    const table: Table = {
      title: `fleet: plan and run N pairs, instant no-op actions (in-process orchestrator, lease ${defaults.fleetLeaseSeconds} s, poll ${defaults.fleetPollMs} ms)`,
      columns: ['measurement', ...results.map((m) => `${m.backend} c=${m.concurrency}`)],
      rows: [
        row('pairs (N)', (m) => m.pairs),
        row('validate fleet file ms', (m) => fmt(m.validateMs, 1)),
        row('declare fleet + open gate ms', (m) => fmt(m.declareMs, 1)),
        row('plan ms (read pairs + statuses + buildPlan)', (m) => fmt(m.planMs, 1)),
        row('create run ms', (m) => fmt(m.createRunMs, 1)),
        row('run total s (4 phases, every pair)', (m) => fmt(m.runMs / 1000, 2)),
        row('per-pair overhead ms (run / N)', (m) => fmt(m.runMs / m.pairs, 2)),
        ...PHASES.map((p) => row(`  phase ${p} s (step log: first start -> last end)`, (m) => fmt(m.phaseMs[p - 1]! / 1000, 2))),
        row('node CPU s during the run', (m) => fmt(m.cpuMs / 1000, 2)),
        row('node CPU % of the run', (m) => fmt((m.cpuMs / m.runMs) * 100, 0)),
        row('node CPU ms per pair phase', (m) => perPairPhase(m, m.cpuMs)),
        row('steps recorded (all succeeded)', (m) => m.steps),
        row('store transactions', (m) => m.counts.transactions),
        row('store transactions / s', (m) => fmt(m.counts.transactions / (m.runMs / 1000), 0)),
        row('transactions per pair phase', (m) => perPairPhase(m, m.counts.transactions)),
        row("statements per transaction (caller's)", (m) => fmt(m.counts.statementsInTransactions / m.counts.transactions, 2)),
        row('reads outside transactions per pair phase', (m) => perPairPhase(m, m.counts.statementsOutside)),
        row('transaction mean ms (call -> commit)', (m) => fmt(m.counts.transactionMs / m.counts.transactions, 3)),
        row('transaction mean ms (body -> commit)', (m) => fmt(m.counts.heldMs / m.counts.transactions, 3)),
        row('PostgreSQL backends active, mean', (m) => fmt(m.postgres?.activeMean, 1)),
        row('  of them waiting on a lock, mean', (m) => fmt(m.postgres?.lockWaitMean, 1)),
        row('transactions rolled back', (m) => m.counts.rolledBack),
        row('orchestrator warnings/errors logged', (m) => m.problems),
        row(`goal (c=${GOAL_CONCURRENCY}: run <= ${GOAL_SECONDS_PER_1000} s per 1,000 pairs)`, (m) =>
          m.concurrency !== GOAL_CONCURRENCY ? '-' : m.runMs <= goalMs(m.pairs) ? 'met' : 'NOT met',
        ),
      ],
      notes: [
        `Each run checked: completed, every pair done on ${V2} with the primary active, ${phaseStatus(ENV, 4)} set, ${STEPS_PER_PAIR} succeeded steps a pair, invariants held.`,
        'A pair phase is one pair going through one phase (N x 4 of them). Counted statements exclude BEGIN/COMMIT and',
        'PostgreSQL\'s gate-lock statement (one more round trip per transaction); "body -> commit" includes waiting for row locks.',
        'The throwaway PostgreSQL cluster is durable: fsync, synchronous_commit and full_page_writes on (every commit waits for its WAL flush).',
        'SQLite runs as the store opens it: WAL journal, synchronous=NORMAL (a commit is not flushed; a checkpoint is).',
        ...results
          .filter((m) => m.postgres)
          .map(
            (m) =>
              `${m.backend} c=${m.concurrency} wait events (per 50 ms sample): ${m
                .postgres!.events.slice(0, 4)
                .map(([e, n]) => `${e} ${fmt(n / m.postgres!.samples, 1)}`)
                .join(', ')}`,
          ),
        ...results
          .filter((m) => m.firstProblem)
          .map((m) => `${m.backend} c=${m.concurrency}: the orchestrator logged ${m.problems} warnings/errors, first: ${m.firstProblem}`),
        'The machine is shared (2 cores, other work running): wall times are noisy; the load average is printed at the end.',
      ],
    };
    return { name: 'fleet', tables: [table], raw: results };
  },
};
