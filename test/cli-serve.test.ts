import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ADMIN, basic } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/backends.js';
import { startServe } from './support/serve-process.js';

describe('drydock serve', () => {
  const dbs: TestDatabase[] = [];
  after(async () => {
    for (const db of dbs) await db.drop();
  });

  it('first start without a password generates one, prints it once, and it works', async () => {
    const db = await createTestDatabase('sqlite');
    dbs.push(db);
    const first = await startServe({ DRYDOCK_DATABASE_URL: db.url, DRYDOCK_ADMIN_PASSWORD: '' });
    const printed = /administrator: (\S+) \/ (\S+)/.exec(first.output());
    assert.ok(printed, `credentials printed:\n${first.output()}`);
    assert.equal(printed[1], ADMIN.user);
    assert.match(first.output(), /drydock is running: http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(first.output(), /workers: +none in this process: jobs wait until a `drydock worker` runs \(or start with --workers\)/, 'says jobs will wait');
    const ok = await first.call({ url: '/api/platform/maintenance-mode-setting', auth: basic(ADMIN.user, printed[2]!) });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(await first.stop('SIGTERM'), 0, 'SIGTERM shuts down cleanly');

    const second = await startServe({ DRYDOCK_DATABASE_URL: db.url, DRYDOCK_ADMIN_PASSWORD: '' });
    assert.doesNotMatch(second.output(), new RegExp(printed[2]!), 'the password is printed only on the first start');
    const again = await second.call({ url: '/api/platform/maintenance-mode-setting', auth: basic(ADMIN.user, printed[2]!) });
    assert.equal(again.status, 200);
    await second.stop();
  });

  it('logs are JSON lines', async () => {
    const db = await createTestDatabase('sqlite');
    dbs.push(db);
    const p = await startServe({ DRYDOCK_DATABASE_URL: db.url, DRYDOCK_LOG_LEVEL: 'info' });
    await p.call({ url: '/api/healthz' });
    await p.stop();
    const logLines = p
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    assert.ok(logLines.length > 0, 'some log lines');
    for (const line of logLines) assert.doesNotThrow(() => JSON.parse(line), line);
    assert.ok(logLines.some((l) => (JSON.parse(l) as { msg?: string }).msg === 'request completed'));
  });

  it('a bad setting stops it with a message naming the variable', async () => {
    const p = startServe({ DRYDOCK_PORT: 'not-a-port' }).catch((err: Error) => err);
    const err = await p;
    assert.ok(err instanceof Error);
    assert.match(err.message, /DRYDOCK_PORT/);
  });
});
