/**
 * `npm run bench [-- NAME… ] [--json] [--small]`: runs the named benchmarks (default: all) and prints
 * one aligned table per measurement, or with --json one JSON document with the tables and the raw
 * measurements. Progress goes to stderr, so stdout is only the result. `--small` (or
 * DRYDOCK_BENCH_SIZE=small) shrinks the data of the benchmarks that have sizes, for development.
 */
import os from 'node:os';
import { startPostgresCluster, type PostgresCluster } from '../test/support/postgres-cluster.js';
import { claim } from './claim.js';
import { consoleLoad } from './console-load.js';
import { drainBench } from './drain.js';
import { executeCheckBench } from './execute-check.js';
import { fleetBench } from './fleet.js';
import { gateCost } from './gate-cost.js';
import { guardOverhead } from './guard-overhead.js';
import { livenessBench } from './liveness.js';
import { propagation } from './propagation.js';
import { kubeUpgradeBench } from './kube-upgrade.js';
import { upgradeBench } from './upgrade.js';
import { closeHttpAgent } from './support/http.js';
import { renderTable, type BenchContext, type BenchResult, type Benchmark } from './support/report.js';

const BENCHMARKS: readonly Benchmark[] = [
  guardOverhead,
  gateCost,
  propagation,
  executeCheckBench,
  claim,
  drainBench,
  fleetBench,
  upgradeBench,
  kubeUpgradeBench,
  consoleLoad,
  livenessBench,
];
const FLAGS = ['--json', '--small'];

function usage(): string {
  return [
    'usage: npm run bench -- [NAME…] [--json] [--small]   (npm run -s bench -- --json: only the JSON on stdout)',
    '  --small   small data for development (also DRYDOCK_BENCH_SIZE=small); the numbers are not the ones to report',
    '',
    'benchmarks:',
    ...BENCHMARKS.map((b) => `  ${b.name.padEnd(16)} ${b.description}`),
  ].join('\n');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const json = args.includes('--json');
  const size = args.includes('--small') || process.env.DRYDOCK_BENCH_SIZE === 'small' ? 'small' : 'full';
  const unknownFlags = args.filter((a) => a.startsWith('-') && !FLAGS.includes(a));
  const names = args.filter((a) => !a.startsWith('-'));
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknownFlags.length || unknown.length) {
    process.stderr.write(`unknown: ${[...unknownFlags, ...unknown].join(', ')}\n${usage()}\n`);
    return 2;
  }
  const selected = names.length ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;

  // The fsync-off cluster most benchmarks share, and a durable one for those that ask for it.
  const clusters = new Map<boolean, Promise<PostgresCluster>>();
  const ctx: BenchContext = {
    size,
    postgresAdminUrl: async (options) => {
      const durable = options?.durable ?? false;
      if (!clusters.has(durable)) clusters.set(durable, startPostgresCluster({ durable }));
      return (await clusters.get(durable)!).adminUrl;
    },
    log: (message) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`),
  };
  const stopClusters = async () => {
    const started = [...clusters.values()];
    clusters.clear();
    for (const c of started) (await c).stop();
  };
  process.once('SIGINT', () => {
    void stopClusters().finally(() => process.exit(130));
  });

  const results: BenchResult[] = [];
  const started = Date.now();
  // Other work on the machine skews every number; the load average tells the reader how much.
  const loadBefore = os.loadavg()[0]!;
  try {
    for (const b of selected) {
      ctx.log(`${b.name}: start`);
      const t0 = Date.now();
      const result = await b.run(ctx);
      ctx.log(`${b.name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      results.push(result);
      if (!json) {
        for (const table of result.tables) process.stdout.write(`\n${renderTable(table)}\n`);
      }
    }
  } finally {
    await stopClusters();
    closeHttpAgent();
  }
  const machine = {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage1m: { before: loadBefore, after: os.loadavg()[0]! },
  };
  if (json) {
    process.stdout.write(`${JSON.stringify({ machine, size, seconds: (Date.now() - started) / 1000, results }, null, 2)}\n`);
  } else {
    process.stdout.write(
      `\n(node ${machine.node}, ${machine.cpus} cpus, ${size === 'small' ? 'SMALL sizes, ' : ''}${((Date.now() - started) / 1000).toFixed(0)} s; ` +
        `1-min load average ${loadBefore.toFixed(2)} before, ${machine.loadAverage1m.after.toFixed(2)} after)\n`,
    );
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
