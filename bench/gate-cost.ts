/**
 * Where the gate's cost on a write comes from, without HTTP: one caller, one write transaction at
 * a time (the menu-record Register that guard-overhead sends), timed per transaction, with
 *   - the gate as shipped (`gatedWrite`: gate lock + read of the switch + the write),
 *   - the store's transaction only (what `benchmarkWithoutMaintenanceGate` runs: lock + write),
 *   - a transaction without the gate lock (PostgreSQL's advisory lock removed),
 * and, for scale, one read of the switch on its own (what the gate adds to every write).
 * Variants run in interleaved blocks with a rotating order.
 *
 * A single caller's time per transaction is also the length of the critical section that SQLite
 * serialises (one connection, one writer), so on SQLite its ratio predicts the throughput loss
 * under load; on PostgreSQL the added statement is a network round trip and server work.
 */
import type { Transaction } from 'kysely';
import { performance } from 'node:perf_hooks';
import { parseDatabaseUrl } from '../src/config/compile.js';
import { gatedWrite } from '../src/maintenance/gate.js';
import { readMaintenance } from '../src/maintenance/mode.js';
import { getMenu } from '../src/menus/definitions.js';
import { applyBatch } from '../src/menus/records.js';
import type { Database } from '../src/store/schema.js';
import type { Store } from '../src/store/store.js';
import { SEED, seedTenants, startTestApp } from '../test/support/app.js';
import { createDatabase, type Backend } from './support/databases.js';
import { fmt, pct, type BenchContext, type Benchmark, type Table } from './support/report.js';
import { median, percentile } from './support/stats.js';
import { withoutGateLock } from './support/store-variants.js';

/** Rotating the order, every variant takes every position equally often when BLOCKS is a multiple of their number. */
const BLOCKS = 12;
const OPS_PER_BLOCK: Record<Backend, number> = { sqlite: 150, postgres: 60 };

type Variant = 'gate' | 'no-gate' | 'no-gate-no-lock' | 'switch-read';
const LABEL: Record<Variant, string> = {
  gate: 'write, gated (lock + switch read + write)',
  'no-gate': 'write, store transaction (lock + write)',
  'no-gate-no-lock': 'write, no gate lock',
  'switch-read': 'the switch read alone (outside a transaction)',
};

async function measure(ctx: BenchContext, backend: Backend): Promise<Map<Variant, number[]>> {
  const db = await createDatabase(backend, () => ctx.postgresAdminUrl());
  const location = parseDatabaseUrl(db.url);
  const t = await startTestApp(backend, { logLevel: 'silent' }, { location, url: db.url, drop: async () => {} });
  try {
    await seedTenants(t);
    const store = t.deps.store;
    const noLock: Store = withoutGateLock(store);
    let n = 0;
    const body = async (trx: Transaction<Database>) =>
      applyBatch(
        trx,
        await getMenu(trx, SEED.org1, SEED.ws1, SEED.menu),
        [{ type: 'Register', parameter: { host: `gate-cost-${n++}`, port: 22 } }],
        'bench',
        true,
      );
    const ops: Record<Variant, () => Promise<unknown>> = {
      gate: () => gatedWrite(store, 'menu_record_maintenance', body),
      'no-gate': () => store.transaction('shared', body),
      'no-gate-no-lock': () => noLock.transaction('shared', body),
      'switch-read': () => readMaintenance(store.db),
    };
    const variants: Variant[] = backend === 'postgres' ? ['gate', 'no-gate', 'no-gate-no-lock', 'switch-read'] : ['gate', 'no-gate', 'switch-read'];
    const times = new Map<Variant, number[]>(variants.map((v) => [v, []]));
    for (const v of variants) for (let i = 0; i < 50; i++) await ops[v](); // warm-up
    for (let b = 0; b < BLOCKS; b++) {
      if (b % 4 === 0) ctx.log(`gate-cost: ${backend}: block ${b + 1}/${BLOCKS}`);
      const order = variants.map((_, i) => variants[(i + b) % variants.length]!);
      for (const v of order) {
        const op = ops[v];
        const out = times.get(v)!;
        for (let i = 0; i < OPS_PER_BLOCK[backend]; i++) {
          const t0 = performance.now();
          await op();
          out.push((performance.now() - t0) * 1000);
        }
      }
    }
    return times;
  } finally {
    await t.close();
    await db.drop();
  }
}

function summarise(backend: Backend, times: Map<Variant, number[]>): Table {
  const base = median(times.get('no-gate')!);
  const rows = [...times].map(([v, us]) => [
    LABEL[v],
    us.length,
    fmt(median(us), 0),
    fmt(percentile(us, 99), 0),
    v === 'switch-read' ? null : pct(((median(us) - base) / base) * 100),
  ]);
  const gate = median(times.get('gate')!);
  const notes = [
    `the gate adds ${fmt(gate - base, 0)} us per write (${pct(((gate - base) / base) * 100)} of a gated-off write); ` +
      `one switch read costs ${fmt(median(times.get('switch-read')!), 0)} us`,
  ];
  if (times.has('no-gate-no-lock')) {
    const none = median(times.get('no-gate-no-lock')!);
    notes.push(`gate lock + switch read vs neither: +${fmt(gate - none, 0)} us (${pct(((gate - none) / none) * 100)})`);
  }
  return {
    title: `gate-cost: ${backend}, one caller, sequential write transactions (no HTTP)`,
    columns: ['operation', 'n', 'median us', 'p99 us', 'vs store transaction'],
    rows,
    notes,
  };
}

export const gateCost: Benchmark = {
  name: 'gate-cost',
  description: 'in-process breakdown: what the gate adds to one write transaction, SQLite and PostgreSQL',
  async run(ctx) {
    const tables: Table[] = [];
    const raw: Record<string, Record<string, { median: number; p99: number; n: number }>> = {};
    for (const backend of ['sqlite', 'postgres'] as const) {
      const times = await measure(ctx, backend);
      tables.push(summarise(backend, times));
      raw[backend] = Object.fromEntries([...times].map(([v, us]) => [v, { median: median(us), p99: percentile(us, 99), n: us.length }]));
    }
    return { name: 'gate-cost', tables, raw };
  },
};
