/**
 * The probes Kubernetes (and any load balancer) uses, on both backends: `/api/livez` answers while
 * the process does; `/api/readyz` answers 200 only while the store answers, its schema is one this
 * release runs on, and the process is not stopping — and says why when it is not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../src/store/migrations/index.js';
import type { Migration } from '../src/store/migrations/migration.js';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';

for (const backend of BACKENDS) {
  describe(`liveness and readiness (${backend})`, { concurrency: 1 }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t?.close();
    });

    it('a serving process is alive and ready, on its schema', async () => {
      const live = await t.call({ url: '/api/livez' });
      assert.equal(live.status, 200);
      assert.equal(live.body.data.status, 'alive');
      const ready = await t.call({ url: '/api/readyz' });
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body.data, { status: 'ready', schema_version: LATEST_SCHEMA_VERSION });
    });

    it('a store a later release contracted: not ready, naming the step; still alive', async () => {
      const expand: Migration = {
        version: LATEST_SCHEMA_VERSION + 1,
        name: 'later-table',
        compatibility: 'expand',
        sqlite: ['CREATE TABLE later_table (id INTEGER)'],
        postgres: ['CREATE TABLE later_table (id integer)'],
      };
      const contract: Migration = {
        version: LATEST_SCHEMA_VERSION + 2,
        name: 'drop-later-table',
        compatibility: 'contract',
        sqlite: ['DROP TABLE later_table'],
        postgres: ['DROP TABLE later_table'],
      };
      assert.equal((await t.deps.store.migrate(undefined, [...MIGRATIONS, expand])).error, undefined);
      const onExpand = await t.call({ url: '/api/readyz' });
      assert.equal(onExpand.status, 200, 'one expand step ahead: still ready');
      assert.equal(onExpand.body.data.schema_version, LATEST_SCHEMA_VERSION + 1);

      assert.equal((await t.deps.store.migrate(undefined, [...MIGRATIONS, expand, contract])).error, undefined);
      const onContract = await t.call({ url: '/api/readyz' });
      assert.equal(onContract.status, 503);
      assert.equal(onContract.body.result, '503-00001');
      assert.equal(onContract.body.data.status, 'not-ready');
      assert.match(onContract.body.message, new RegExp(`step ${contract.version} \\(drop-later-table\\) is a contract step`));
      assert.equal((await t.call({ url: '/api/livez' })).status, 200, 'alive all the same: restarting it would not help');
    });

    it('a stopping process is not ready (its pod leaves the Service) but alive', async () => {
      t.deps.lifecycle.stopping = true;
      try {
        const ready = await t.call({ url: '/api/readyz' });
        assert.equal(ready.status, 503);
        assert.match(ready.body.message, /stopping/);
        assert.equal((await t.call({ url: '/api/livez' })).status, 200);
      } finally {
        t.deps.lifecycle.stopping = false;
      }
    });
  });
}
