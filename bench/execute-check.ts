/**
 * The execute-check at scale: 100 organizations × 100 workspaces, 1,000,000 finished jobs and 500
 * in flight (conductors with driver children among them), on SQLite and PostgreSQL. Per backend:
 *   - `executeCheck(db, 'en')` as the endpoint runs it: two set-based statements (the organizations
 *     with their workspaces' ids, and the in-flight jobs through the partial index on `in_flight = 1`);
 *   - JSON.stringify of its result, which the HTTP endpoint pays on top;
 *   - the straightforward construction it replaced (test/support/execute-check-reference.ts: three
 *     queries of plain rows, an Object.fromEntries per workspace), alternating with it run by run,
 *     its result checked to equal executeCheck's byte for byte (both read PostgreSQL's timestamps
 *     through the same type parser, store/postgres/postgres-types.ts, itself made cheaper since);
 *   - for comparison, a per-workspace loop — how the original system gathers it: the organizations,
 *     then each organization's workspaces, then for each workspace one query per backyard family
 *     (driver, conductor, menu) for its in-flight jobs. Each of those is an indexed lookup (the same
 *     partial index, by organization, workspace and backyard), compiled once and sent through the
 *     same Kysely connection without the query builder, one after the other as a loop does. Its
 *     result is checked to equal executeCheck's, field by field (as JSON).
 * The methods run interleaved (loops spread evenly among the checks), after a warm-up.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { performance } from 'node:perf_hooks';
import { executeCheck, selectHeldBack, toInFlightJob, type ExecuteCheck, type InFlightJob } from '../src/backyard/execute-check.js';
import { backyardNames, familyOf, isCounted, type Backyard } from '../src/backyard/kinds/registry.js';
import { FAMILY_NAMES } from '../src/backyard/kinds/status-families.js';
import type { Language } from '../src/i18n/language.js';
import { nowTimestamp } from '../src/store/clock.js';
import type { Database } from '../src/store/schema.js';
import { referenceExecuteCheck } from '../test/support/execute-check-reference.js';
import { loadFinishedJobs, loadInFlightJobs, loadTenants, openBenchStore, type InFlightShape } from './support/backyard-data.js';
import { createDatabase, type Backend } from './support/databases.js';
import { fmt, type BenchContext, type Benchmark, type Table } from './support/report.js';
import { median, percentile } from './support/stats.js';

interface Size {
  readonly organizations: number;
  readonly workspacesPerOrg: number;
  readonly finished: number;
  readonly inFlight: number;
  /** Timed executeCheck runs (each also timed for JSON.stringify). */
  readonly checkRuns: number;
  /** Timed loop runs: a loop is 30,000 queries at full size, so fewer of them, on PostgreSQL especially. */
  readonly loopRuns: Record<Backend, number>;
  /**
   * Once the loops of a backend have taken this long in total, the remaining ones are skipped (at
   * least one runs): on a loaded machine one PostgreSQL loop can take a minute or more.
   */
  readonly loopBudgetMs: number;
}

const SIZES: Record<BenchContext['size'], Size> = {
  full: {
    organizations: 100,
    workspacesPerOrg: 100,
    finished: 1_000_000,
    inFlight: 500,
    checkRuns: 30,
    loopRuns: { sqlite: 6, postgres: 4 },
    loopBudgetMs: 30_000,
  },
  small: { organizations: 10, workspacesPerOrg: 10, finished: 10_000, inFlight: 50, checkRuns: 10, loopRuns: { sqlite: 3, postgres: 3 }, loopBudgetMs: 10_000 },
};
const GOAL_P50_MS = 50;
const BACKYARDS = backyardNames();

/**
 * The per-workspace loop. Same output as executeCheck (key order included), so the two can be
 * compared as JSON.
 */
function perWorkspaceLoop(db: Kysely<Database>): (language: Language) => Promise<ExecuteCheck> {
  // Each family's query, compiled once; per workspace only the first two parameters change.
  const familyQuery = new Map(
    FAMILY_NAMES.map((family) => {
      const compiled = db
        .selectFrom('backyard_jobs')
        .select(['id', 'backyard', 'status_id', 'last_update_timestamp', 'lease_expires_at', 'started_at'])
        .where('organization_id', '=', '?org')
        .where('workspace_id', '=', '?ws')
        .where(
          'backyard',
          'in',
          BACKYARDS.filter((b) => familyOf(b).name === family),
        )
        .where('in_flight', '=', 1)
        .orderBy('created_at')
        .compile();
      return [family, compiled] as const;
    }),
  );
  const workspacesQuery = db.selectFrom('workspaces').select('id').where('organization_id', '=', '?org').orderBy('id').compile();
  type JobRow = { id: string; backyard: string; status_id: string; last_update_timestamp: string; lease_expires_at: string | null; started_at: string | null };
  const run = <R>(compiled: CompiledQuery, params: readonly unknown[]) =>
    db.executeQuery<R>(CompiledQuery.raw(compiled.sql, [...params, ...compiled.parameters.slice(params.length)]));

  return async (language) => {
    const now = nowTimestamp();
    const organizations = await db.selectFrom('organizations').select('id').orderBy('id').execute();
    let total = 0;
    const orgs: ExecuteCheck['organizations'][number][] = [];
    for (const o of organizations) {
      const workspaces = (await run<{ id: string }>(workspacesQuery, [o.id])).rows;
      let orgCount = 0;
      const wss: ExecuteCheck['organizations'][number]['workspaces'][number][] = [];
      for (const w of workspaces) {
        const backyards = Object.fromEntries(BACKYARDS.map((b) => [b, [] as InFlightJob[]])) as Record<Backyard, InFlightJob[]>;
        let count = 0;
        for (const family of FAMILY_NAMES) {
          const { rows } = await run<JobRow>(familyQuery.get(family)!, [o.id, w.id]);
          for (const j of rows) {
            const backyard = j.backyard as Backyard;
            backyards[backyard].push(toInFlightJob(j, backyard, language, now));
            if (isCounted(backyard)) count++;
          }
        }
        orgCount += count;
        wss.push({ id: w.id, execute_count: count, backyards });
      }
      total += orgCount;
      orgs.push({ id: o.id, execute_count: orgCount, workspaces: wss });
    }
    // drydock's held-back counts: one statement, as executeCheck reads them.
    const heldBack = (await selectHeldBack(db, now)).map((r) => ({ ...r, count: Number(r.count) }));
    return { execute_count: total, organizations: orgs, held_back_count: heldBack.reduce((n, r) => n + r.count, 0), held_back: heldBack };
  };
}

interface Measured {
  readonly backend: Backend;
  readonly loadSeconds: { tenants: number; finished: number; inFlight: number };
  readonly shape: InFlightShape;
  readonly checkMs: number[];
  readonly stringifyMs: number[];
  readonly referenceMs: number[];
  readonly loopMs: number[];
  /** CPU time of this process (user + system) per run: less inflated by other load than wall time. */
  readonly checkCpuMs: number[];
  readonly referenceCpuMs: number[];
  readonly loopCpuMs: number[];
  readonly jsonBytes: number;
  readonly loopQueries: number;
}

async function measure(ctx: BenchContext, backend: Backend, size: Size): Promise<Measured> {
  const db = await createDatabase(backend, () => ctx.postgresAdminUrl());
  const store = await openBenchStore(db);
  try {
    const W = size.organizations * size.workspacesPerOrg;
    const seconds = (t0: number) => (performance.now() - t0) / 1000;
    let t0 = performance.now();
    await loadTenants(store, size.organizations, size.workspacesPerOrg);
    const tenants = seconds(t0);
    ctx.log(`execute-check: ${backend}: loading ${size.finished} finished jobs`);
    t0 = performance.now();
    await loadFinishedJobs(db, store, { organizations: size.organizations, workspacesPerOrg: size.workspacesPerOrg, count: size.finished });
    const finished = seconds(t0);
    t0 = performance.now();
    const shape = await loadInFlightJobs(store, {
      organizations: size.organizations,
      workspacesPerOrg: size.workspacesPerOrg,
      count: size.inFlight,
      afterFinished: size.finished,
    });
    const inFlight = seconds(t0);
    ctx.log(`execute-check: ${backend}: loaded in ${(tenants + finished + inFlight).toFixed(1)} s (finished jobs ${finished.toFixed(1)} s)`);

    const loop = perWorkspaceLoop(store.db);
    const check = () => executeCheck(store.db, 'en');
    const straightforward = () => referenceExecuteCheck(store.db, 'en');
    const verify = (c: ExecuteCheck, what: string) => {
      const workspaces = c.organizations.reduce((n, o) => n + o.workspaces.length, 0);
      const listed = c.organizations.reduce(
        (n, o) => n + o.workspaces.reduce((m, w) => m + Object.values(w.backyards).reduce((k, l) => k + l.length, 0), 0),
        0,
      );
      if (c.execute_count !== shape.counted || workspaces !== W || listed !== shape.rows) {
        throw new Error(
          `${what}: execute_count ${c.execute_count} (want ${shape.counted}), workspaces ${workspaces} (want ${W}), ` +
            `jobs listed ${listed} (want ${shape.rows})`,
        );
      }
    };

    // Warm-up; the result every later run must equal (the data does not change).
    for (let i = 0; i < 3; i++) {
      verify(await check(), 'executeCheck');
      await straightforward();
    }
    const reference = JSON.stringify(await check());
    if (JSON.stringify(await straightforward()) !== reference) throw new Error('executeCheck and the straightforward construction disagree');

    // Interleaved: the loops spread evenly among the checks.
    const loopRuns = size.loopRuns[backend];
    const loopAt = new Set(Array.from({ length: loopRuns }, (_, j) => Math.floor(((j + 0.5) * size.checkRuns) / loopRuns)));
    const checkMs: number[] = [];
    const stringifyMs: number[] = [];
    const loopMs: number[] = [];
    const referenceMs: number[] = [];
    const checkCpuMs: number[] = [];
    const referenceCpuMs: number[] = [];
    const loopCpuMs: number[] = [];
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const d = process.cpuUsage(since);
      return (d.user + d.system) / 1000;
    };
    let jsonBytes = 0;
    for (let i = 0; i < size.checkRuns; i++) {
      if (loopAt.has(i) && (loopMs.length === 0 || loopMs.reduce((a, b) => a + b, 0) < size.loopBudgetMs)) {
        const cpu = process.cpuUsage();
        const l0 = performance.now();
        const r = await loop('en');
        loopMs.push(performance.now() - l0);
        loopCpuMs.push(cpuMs(cpu));
        ctx.log(`execute-check: ${backend}: loop ${loopMs.length}/${loopRuns}: ${fmt(loopMs.at(-1)! / 1000, 1)} s`);
        // Both methods must say exactly the same thing.
        if (JSON.stringify(r) !== reference) throw new Error('the per-workspace loop and executeCheck disagree');
      }
      // The straightforward construction before executeCheck on even runs, after it on odd ones.
      const timeStraightforward = async () => {
        const cpu = process.cpuUsage();
        const s0 = performance.now();
        const r = await straightforward();
        referenceMs.push(performance.now() - s0);
        referenceCpuMs.push(cpuMs(cpu));
        if (JSON.stringify(r) !== reference) throw new Error('the straightforward construction changed between runs');
      };
      if (i % 2 === 0) await timeStraightforward();
      const cpu = process.cpuUsage();
      const c0 = performance.now();
      const r = await check();
      const c1 = performance.now();
      checkCpuMs.push(cpuMs(cpu));
      const text = JSON.stringify(r);
      stringifyMs.push(performance.now() - c1);
      checkMs.push(c1 - c0);
      if (text !== reference) throw new Error('executeCheck changed between runs');
      jsonBytes = Buffer.byteLength(text);
      if (i % 2 === 1) await timeStraightforward();
    }
    return {
      backend,
      loadSeconds: { tenants, finished, inFlight },
      shape,
      checkMs,
      stringifyMs,
      referenceMs,
      loopMs,
      checkCpuMs,
      referenceCpuMs,
      loopCpuMs,
      jsonBytes,
      loopQueries: 1 + size.organizations + W * FAMILY_NAMES.length,
    };
  } finally {
    await store.close();
    await db.drop();
  }
}

function summarise(size: Size, results: readonly Measured[]): Table {
  const rows = results.flatMap((m) => {
    const check = median(m.checkMs);
    return [
      [m.backend, 'executeCheck (set-based)', 2, m.checkMs.length, fmt(check, 1), fmt(percentile(m.checkMs, 99), 1), fmt(median(m.checkCpuMs), 1), '1.0x'],
      [m.backend, '  + JSON.stringify of the result', 0, m.stringifyMs.length, fmt(median(m.stringifyMs), 1), fmt(percentile(m.stringifyMs, 99), 1), null, '-'],
      [
        m.backend,
        'straightforward construction (before)',
        3,
        m.referenceMs.length,
        fmt(median(m.referenceMs), 1),
        fmt(percentile(m.referenceMs, 99), 1),
        fmt(median(m.referenceCpuMs), 1),
        `${fmt(median(m.referenceMs) / check, 1)}x`,
      ],
      [
        m.backend,
        'per-workspace loop',
        m.loopQueries,
        m.loopMs.length,
        fmt(median(m.loopMs), 0),
        fmt(percentile(m.loopMs, 99), 0),
        fmt(median(m.loopCpuMs), 0),
        `${fmt(median(m.loopMs) / check, 0)}x`,
      ],
    ];
  });
  const first = results[0]!;
  const notes = [
    `in flight: ${first.shape.rows} jobs (${first.shape.conductors} conductors, listed but not counted; ${first.shape.children} of ` +
      `their driver children; ${first.shape.expired} with an expired lease); execute_count ${first.shape.counted}; ` +
      `the loop's result and the straightforward construction's equal executeCheck's`,
    ...results.map(
      (m) =>
        `${m.backend}: goal p50 <= ${GOAL_P50_MS} ms: ${median(m.checkMs) <= GOAL_P50_MS ? 'met' : 'NOT met'} ` +
        `(${fmt(median(m.checkMs), 1)} ms; with JSON.stringify ${fmt(median(m.checkMs) + median(m.stringifyMs), 1)} ms, ` +
        `${fmt(m.jsonBytes / 1024, 0)} KiB); loop / executeCheck p50 = ${fmt(median(m.loopMs) / median(m.checkMs), 0)}x; ` +
        `loaded in ${fmt(m.loadSeconds.tenants + m.loadSeconds.finished + m.loadSeconds.inFlight, 1)} s`,
    ),
    '"node cpu ms": CPU time of the benchmark process per run (user + system; the database server\'s not included)',
    `interleaved: the loop runs spread evenly among the executeCheck runs, after a warm-up; loops stop after ${fmt(size.loopBudgetMs / 1000, 0)} s ` +
      'per backend (n tells how many ran); p99 of a few runs is their max',
  ];
  return {
    title:
      `execute-check: ${size.organizations} organizations x ${size.workspacesPerOrg} workspaces, ` +
      `${size.finished.toLocaleString('en')} finished + ${size.inFlight} in-flight jobs`,
    columns: ['backend', 'method', 'queries', 'n', 'p50 ms', 'p99 ms', 'node cpu ms p50', 'vs set-based'],
    rows,
    notes,
  };
}

export const executeCheckBench: Benchmark = {
  name: 'execute-check',
  description:
    'execute-check over 10,000 workspaces and 1M jobs: set-based vs the straightforward construction and a per-workspace query loop, SQLite and PostgreSQL',
  async run(ctx) {
    const size = SIZES[ctx.size];
    const results: Measured[] = [];
    for (const backend of ['sqlite', 'postgres'] as const) results.push(await measure(ctx, backend, size));
    return {
      name: 'execute-check',
      tables: [summarise(size, results)],
      raw: {
        size,
        results: results.map((m) => ({
          backend: m.backend,
          loadSeconds: m.loadSeconds,
          shape: m.shape,
          jsonBytes: m.jsonBytes,
          loopQueries: m.loopQueries,
          checkMs: { p50: median(m.checkMs), p99: percentile(m.checkMs, 99), samples: m.checkMs },
          stringifyMs: { p50: median(m.stringifyMs), p99: percentile(m.stringifyMs, 99), samples: m.stringifyMs },
          referenceMs: { p50: median(m.referenceMs), p99: percentile(m.referenceMs, 99), samples: m.referenceMs },
          referenceCpuMs: { p50: median(m.referenceCpuMs), samples: m.referenceCpuMs },
          loopMs: { p50: median(m.loopMs), p99: percentile(m.loopMs, 99), samples: m.loopMs },
          checkCpuMs: { p50: median(m.checkCpuMs), samples: m.checkCpuMs },
          loopCpuMs: { p50: median(m.loopCpuMs), samples: m.loopCpuMs },
        })),
      },
    };
  },
};
