/**
 * `npm test`: starts one throwaway PostgreSQL cluster, runs every test file against it (each file
 * makes its own databases), stops the cluster. A missing PostgreSQL is an error with the install
 * command, never a skip.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { startPostgresCluster } from './support/postgres-cluster.js';

/** Every `*.test.ts` below `dir` (Node 20's test runner does not expand globs itself). */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : testFiles(full);
    return e.name.endsWith('.test.ts') ? [full] : [];
  });
}

// `npx tsx test/run.ts [FILE …] [--test-name-pattern=…]`: the named files (default: all), node's test flags passed on.
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const named = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = named.length > 0 ? named : [...testFiles('src'), ...testFiles('test')].sort();
if (files.length === 0) throw new Error('no test files found');
const cluster = await startPostgresCluster();
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...flags, ...files], {
  stdio: 'inherit',
  env: { ...process.env, DRYDOCK_TEST_PG_URL: cluster.adminUrl },
});
const stop = () => {
  try {
    cluster.stop();
  } catch (err) {
    process.stderr.write(`could not stop the test PostgreSQL cluster: ${(err as Error).message}\n`);
  }
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  stop();
  process.exit(code ?? (signal ? 1 : 0));
});
