/**
 * Files drydock creates are its owner's only (issue 11): the SQLite store, its WAL and shared
 * memory, the directory made for it, backup archives (both stores), the pid file and its control
 * socket — they hold password hashes and session tokens. Checked the way an operator would, with
 * the mode `ls -l` shows, under a permissive umask of the shell (022).
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BACKENDS, createTestDatabase } from './support/backends.js';
import { adminEnv, describeRun, runCli } from './support/cli.js';
import { ADMIN } from './support/app.js';
import { startServer } from './support/runbook.js';
import { tempDirs } from './support/temp-dirs.js';

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8).padStart(3, '0');

describe('files drydock creates are owner-only', () => {
  const tmp = tempDirs('drydock-perm-');
  // The test runner's umask is what the shell gave it; make sure it is a permissive one.
  process.umask(0o022);

  it('a new SQLite store: its directory 700, the file, WAL and shared memory 600; the pid file 600, the control socket owner-only', async () => {
    const dir = tmp();
    const store = path.join(dir, 'data', 'drydock.sqlite');
    const pidFile = path.join(dir, 'drydock.pid');
    const serve = await startServer({ DRYDOCK_DATABASE_URL: store, DRYDOCK_DATA_DIR: path.join(dir, 'work') }, ['--pid-file', pidFile]);
    try {
      assert.equal(mode(path.join(dir, 'data')), '700', 'the directory made for the store');
      for (const f of readdirSync(path.join(dir, 'data'))) assert.equal(mode(path.join(dir, 'data', f)), '600', f);
      assert.ok(
        readdirSync(path.join(dir, 'data')).some((f) => f.endsWith('-wal')),
        'the WAL is there to check',
      );
      assert.equal(mode(pidFile), '600', 'pid file');
      // A socket's x bits mean nothing; what matters is that nobody else may connect.
      assert.equal(statSync(pidFile.replace(/\.pid$/, '.sock')).mode & 0o077, 0, 'control socket: owner only');
    } finally {
      await serve.stop();
    }
  });

  for (const backend of BACKENDS) {
    it(`a backup archive (${backend}) is 600`, async () => {
      const db = await createTestDatabase(backend);
      const dir = tmp();
      const serve = await startServer({ DRYDOCK_DATABASE_URL: db.url, DRYDOCK_DATA_DIR: path.join(dir, 'work') });
      try {
        const env = { ...adminEnv(serve.url, ADMIN), DRYDOCK_DATABASE_URL: db.url };
        const drained = await runCli(['drain', '--read-only'], env);
        assert.equal(drained.code, 0, describeRun(drained));
        const out = path.join(dir, 'backup.tar');
        const r = await runCli(['backup', '--out', out], env);
        assert.equal(r.code, 0, describeRun(r));
        assert.equal(mode(out), '600');
      } finally {
        await serve.stop();
        await db.drop();
      }
    });
  }
});
