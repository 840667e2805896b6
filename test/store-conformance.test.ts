import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { gatedWrite } from '../src/maintenance/gate.js';
import { changeMaintenance, readMaintenance } from '../src/maintenance/mode.js';
import { MaintenanceRefusal } from '../src/errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../src/store/migrations/index.js';
import { migrate } from '../src/store/migrations/migrator.js';
import { openStore } from '../src/store/open-store.js';
import type { ChangeTopic, Store } from '../src/store/store.js';
import { nowTimestamp } from '../src/store/clock.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';

const logger = pino({ level: 'silent' });

/** The same conformance suite for every adapter of the store port. */
for (const backend of BACKENDS) {
  describe(`store conformance (${backend})`, () => {
    let db: TestDatabase;
    let store: Store;
    before(async () => {
      db = await createTestDatabase(backend);
      store = await openStore(db.location, { logger, sqlitePollMs: 20 });
    });
    after(async () => {
      await store?.close();
      await db?.drop();
    });

    it('two processes migrating at once both end on the latest version, each step applied once', async () => {
      const other = await openStore(db.location, { logger, sqlitePollMs: 20 });
      try {
        const [a, b] = await Promise.all([store.migrate(), other.migrate()]);
        assert.equal(a.error, undefined);
        assert.equal(b.error, undefined);
        assert.equal(a.schemaVersion, LATEST_SCHEMA_VERSION);
        assert.equal(b.schemaVersion, LATEST_SCHEMA_VERSION);
        const rows = await store.db.selectFrom('schema_migrations').selectAll().execute();
        assert.deepEqual(
          rows.map((r) => r.version),
          MIGRATIONS.map((m) => m.version),
        );
        const again = await store.migrate();
        assert.ok(again.results.every((r) => r.status === 'AlreadyApplied'));
        assert.equal(await store.schemaVersion(), LATEST_SCHEMA_VERSION);
      } finally {
        await other.close();
      }
    });

    it('refuses a schema newer than the binary knows, and reports a failing step without applying it', async () => {
      const newer = await migrate(
        {
          withLock: (fn) => fn(),
          appliedVersion: async () => LATEST_SCHEMA_VERSION + 1,
          apply: async () => assert.fail('must not apply'),
        },
        MIGRATIONS,
      );
      assert.match(newer.error?.message ?? '', /newer|knows only/);
      const failing = await migrate(
        {
          withLock: (fn) => fn(),
          appliedVersion: async () => 0,
          apply: async (m) => {
            if (m.version === 1) throw new Error('boom');
          },
        },
        [...MIGRATIONS, { version: 99, name: 'later', sqlite: [], postgres: [] }],
      );
      assert.deepEqual(
        failing.results.map((r) => r.status),
        ['Error', ...MIGRATIONS.slice(1).map(() => 'NotExecuted'), 'NotExecuted'],
      );
    });

    it('commits when the function resolves and rolls back when it throws', async () => {
      const ts = nowTimestamp();
      await store.transaction('shared', (trx) =>
        trx
          .insertInto('organizations')
          .values({ id: 'kept', name: 'n', plan: '{}', options: '{"a":[1,2]}', options_ita: '{}', created_at: ts, last_update_timestamp: ts })
          .execute(),
      );
      await assert.rejects(
        store.transaction('shared', async (trx) => {
          await trx
            .insertInto('organizations')
            .values({ id: 'lost', name: 'n', plan: '{}', options: '{}', options_ita: '{}', created_at: ts, last_update_timestamp: ts })
            .execute();
          throw new Error('abort');
        }),
        /abort/,
      );
      const ids = (await store.db.selectFrom('organizations').select('id').execute()).map((r) => r.id);
      assert.deepEqual(ids, ['kept']);
      const row = await store.db.selectFrom('organizations').selectAll().where('id', '=', 'kept').executeTakeFirstOrThrow();
      assert.equal(row.created_at, ts, 'timestamps come back exactly as written, microseconds included');
      assert.deepEqual(JSON.parse(row.options), { a: [1, 2] }, 'JSON comes back as JSON text');
    });

    it('announces a topic to listeners when the transaction commits, not when it rolls back', async () => {
      const seen: Array<ChangeTopic | 'resync'> = [];
      const off = store.onChange((e) => seen.push(e.topic));
      try {
        await assert.rejects(
          store.transaction('exclusive', async (trx) => {
            await store.notifyOnCommit(trx, 'settings');
            throw new Error('abort');
          }),
        );
        await new Promise((r) => setTimeout(r, 100));
        assert.ok(!seen.includes('settings'), 'no announcement from a rolled-back transaction');
        await store.transaction('exclusive', (trx) => store.notifyOnCommit(trx, 'settings'));
        const deadline = Date.now() + 5000;
        while (!seen.includes('settings') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        assert.ok(seen.includes('settings'));
      } finally {
        off();
      }
    });

    it('the gate refuses inside the transaction once the toggle has committed, and lets writes through after', async () => {
      const { after: on } = await changeMaintenance(store, { data_update_stop: true }, 'tester');
      assert.equal(on.data_update_stop, true);
      await assert.rejects(
        gatedWrite(store, 'organization_create', async () => 'written'),
        (err: unknown) => err instanceof MaintenanceRefusal && err.fn === 'organization_create' && err.stage === 'transaction',
      );
      await changeMaintenance(store, { data_update_stop: false }, 'tester');
      assert.equal(await gatedWrite(store, 'organization_create', async () => 'written'), 'written');
      assert.equal((await readMaintenance(store.db)).last_update_user, 'tester');
    });

    it('a toggle waits for a write in flight, and the write commits before it', async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const order: string[] = [];
      const write = gatedWrite(store, 'menu_record_maintenance', async () => {
        entered();
        await held;
        order.push('write committed');
      });
      await inside;
      const toggle = changeMaintenance(store, { data_update_stop: true }, 'tester').then(() => order.push('toggle committed'));
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(order, [], 'the toggle waits while the write holds the gate');
      release();
      await Promise.all([write, toggle]);
      assert.deepEqual(order, ['write committed', 'toggle committed']);
      await changeMaintenance(store, { data_update_stop: false }, 'tester');
    });
  });
}
