/**
 * `npm test`: starts one throwaway PostgreSQL cluster, runs every test file against it (each file
 * makes its own databases), stops the cluster. A missing PostgreSQL is an error with the install
 * command, never a skip.
 */
import { spawn } from 'node:child_process';
import { startPostgresCluster } from './support/postgres-cluster.js';

const cluster = await startPostgresCluster();
const patterns = process.argv.slice(2);
const files = patterns.length > 0 ? patterns : ['src/**/*.test.ts', 'test/**/*.test.ts'];
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
  { stdio: 'inherit', env: { ...process.env, DRYDOCK_TEST_PG_URL: cluster.adminUrl } },
);
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
