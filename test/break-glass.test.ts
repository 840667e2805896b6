/**
 * The way back when the API cannot be used (issue 11): `drydock maintenance set … --database-url`
 * and `drydock resume --database-url` change the switches on the store itself, on a host that
 * reaches it. With the administrator's password unknown to the operator (the API refuses every
 * call), the system is taken out of read-only mode: the running server accepts writes again at once,
 * and the audit shows the change as break-glass, with the host and the OS user. A store that does
 * not exist is an error naming it, and nothing is created.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ADMIN, seedTenants } from './support/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { describeRun, runCli } from './support/cli.js';
import { readSetting, registerRecord, startServer } from './support/runbook.js';
import type { ServeProcess } from './support/serve-process.js';

for (const backend of BACKENDS) {
  describe(`break-glass switches on the store (${backend})`, () => {
    let db: TestDatabase;
    let serve: ServeProcess;
    before(async () => {
      db = await createTestDatabase(backend);
      serve = await startServer({ DRYDOCK_DATABASE_URL: db.url });
      await seedTenants(serve);
    });
    after(async () => {
      await serve?.stop();
      await db?.drop();
    });

    it('with the API unusable, resume --database-url turns read-only off; the server accepts writes again; the audit says break-glass', async () => {
      const on = await serve.admin({
        method: 'PATCH',
        url: '/api/platform/maintenance-mode-setting',
        body: { backyard_execute_stop: '1', data_update_stop: '1', drain: 'start' },
      });
      assert.equal(on.status, 200, on.text);
      assert.equal((await registerRecord(serve, 'refused')).status, 498, 'read-only');

      // The operator does not have the administrator's password: the API refuses them.
      const api = { DRYDOCK_URL: serve.url, DRYDOCK_USER: ADMIN.user, DRYDOCK_PASSWORD: 'not-the-password' };
      const viaApi = await runCli(['resume'], api);
      assert.equal(viaApi.code, 1, describeRun(viaApi));

      const status = await runCli(['maintenance', 'status', '--database-url', db.url, '--json'], api);
      assert.equal(status.code, 0, describeRun(status));
      assert.equal(JSON.parse(status.stdout).data_update_stop, '1', 'status reads the store');

      const r = await runCli(['resume', '--database-url', db.url], api);
      assert.equal(r.code, 0, describeRun(r));
      assert.match(r.stdout, /changed on the store .*break-glass: drydock CLI on /);
      const setting = await readSetting(serve);
      assert.deepEqual([setting.data_update_stop, setting.backyard_execute_stop, setting.drain_prior], ['0', '0', null]);
      // The running server was told through the store's change feed; give it its propagation moment.
      let accepted = 0;
      for (let i = 0; i < 50 && accepted !== 200; i++) {
        accepted = (await registerRecord(serve, `after-break-glass-${i}`)).status;
        if (accepted !== 200) await new Promise((res) => setTimeout(res, 100));
      }
      assert.equal(accepted, 200, 'writes are accepted again');

      const audit = await serve.admin({ url: '/api/platform/maintenance-mode-setting/audit?limit=5' });
      assert.equal(audit.status, 200, audit.text);
      const last = audit.body.data[0] as { changed_by: string; before: { data_update_stop: unknown }; after: { data_update_stop: unknown } };
      assert.match(last.changed_by, new RegExp(`^break-glass: drydock CLI on ${os.hostname()} as `));
    });

    it('maintenance set --database-url changes only the switches, and says how to use it', async () => {
      const r = await runCli(['maintenance', 'set', '--read-only', 'on', '--database-url', db.url, '--json']);
      assert.equal(r.code, 0, describeRun(r));
      assert.equal(JSON.parse(r.stdout).data_update_stop, '1');
      const message = await runCli(['maintenance', 'set', '--message', 'hi', '--database-url', db.url]);
      assert.equal(message.code, 2, describeRun(message));
      assert.match(message.stderr, /changes only the switches/);
      const off = await runCli(['maintenance', 'set', '--read-only', 'off', '--database-url', db.url]);
      assert.equal(off.code, 0, describeRun(off));
    });
  });
}

describe('break-glass on a store that does not exist', () => {
  it('names the path, exits 2 and creates nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-break-glass-'));
    try {
      const missing = path.join(dir, 'nodir', 'drydock.sqlite');
      const r = await runCli(['resume', '--database-url', missing]);
      assert.equal(r.code, 2, describeRun(r));
      assert.match(r.stderr, /There is no store at .*nodir\/drydock\.sqlite/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(existsSync(path.join(dir, 'nodir')), false, 'nothing created');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
