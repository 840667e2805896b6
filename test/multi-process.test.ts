import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ITA1, SEED, seedTenants, setMaintenance } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/backends.js';
import { startServe, type ServeProcess } from './support/serve-process.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { waitFor } from './support/wait-for.js';

const write = (p: ServeProcess, host: string) =>
  p.call({
    method: 'POST',
    url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
    auth: SEED.member1,
    body: [{ type: 'Register', parameter: { host } }],
  });

/** The switch as a process's own cache holds it, read from its metrics. */
async function cachedReadOnly(p: ServeProcess): Promise<string | undefined> {
  const r = await fetch(`${p.url}/metrics`);
  return /^drydock_maintenance_data_update_stop (\d)/m.exec(await r.text())?.[1];
}

describe('two drydock serve processes on one PostgreSQL database', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let a: ServeProcess;
  let b: ServeProcess;

  before(async () => {
    db = await createTestDatabase('postgres');
    const target = new URL(db.url);
    proxy = await TcpProxy.start(target.hostname, Number(target.port));
    a = await startServe({ DRYDOCK_DATABASE_URL: db.url });
    // B reaches PostgreSQL only through the proxy, so the test can cut its connections.
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    b = await startServe({ DRYDOCK_DATABASE_URL: viaProxy.toString() });
    await seedTenants(a);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await proxy?.close();
    await db?.drop();
  });

  it('a switch flipped through one process is enforced by the other at once', async () => {
    assert.equal((await write(b, 'before')).status, 200);
    await setMaintenance(a, { data_update_stop: '1' });
    const refused = await write(b, 'during');
    assert.equal(refused.status, 498, refused.text);
    assert.equal(refused.body.result, '498-00001');
    await setMaintenance(a, { data_update_stop: '0' });
    const accepted = await write(b, 'after');
    assert.equal(accepted.status, 200, accepted.text);
    const hosts = (await a.call({ url: `${ITA1}/menu/${SEED.menu}/filter/`, auth: SEED.member1 })).body.data.map(
      (r: { parameter: { host: string } }) => r.parameter.host,
    );
    assert.deepEqual(hosts, ['before', 'after']);
  });

  it('after its connection is cut and restored, the second process enforces the current state', async () => {
    assert.equal(await cachedReadOnly(b), '0');
    proxy.cut();
    // The change happens while B cannot hear about it.
    await setMaintenance(a, { data_update_stop: '1' });
    await new Promise((r) => setTimeout(r, 300));
    proxy.restore();
    // B reconnects, re-reads the state before trusting its cache, and refuses from the cache.
    await waitFor('B has re-read the switches after reconnecting', async () => (await cachedReadOnly(b)) === '1', { timeoutMs: 15_000 });
    const refused = await write(b, 'after-cut');
    assert.equal(refused.status, 498, refused.text);
    assert.equal(refused.headers['drydock-refused-by'], 'guard');
    const health = await b.call({ url: '/api/healthz' });
    assert.equal(health.body.data.maintenance_cache_trusted, true);
    await setMaintenance(a, { data_update_stop: '0' });
    await waitFor('B accepts writes again', async () => (await write(b, `again-${Date.now()}`)).status === 200, { timeoutMs: 5_000 });
  });
});

describe('two drydock serve processes on one SQLite file', () => {
  let db: TestDatabase;
  let a: ServeProcess;
  let b: ServeProcess;
  before(async () => {
    db = await createTestDatabase('sqlite');
    a = await startServe({ DRYDOCK_DATABASE_URL: db.url });
    b = await startServe({ DRYDOCK_DATABASE_URL: db.url });
    await seedTenants(a);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
  });

  // How fast the cache follows is measured by `npm run bench` (propagation), not asserted here.
  it('the other process refuses at once (the writer lock) and its cache follows', async () => {
    assert.equal((await write(b, 'before')).status, 200);
    await setMaintenance(a, { data_update_stop: '1' });
    const refused = await write(b, 'during');
    assert.equal(refused.status, 498, refused.text);
    await waitFor('B has noticed through its poll', async () => (await cachedReadOnly(b)) === '1', { timeoutMs: 5_000 });
    const fromCache = await write(b, 'during-2');
    assert.equal(fromCache.headers['drydock-refused-by'], 'guard');
    await setMaintenance(a, { data_update_stop: '0' });
    await waitFor('B accepts writes again', async () => (await write(b, `again-${Date.now()}`)).status === 200, { timeoutMs: 2_000 });
  });
});
