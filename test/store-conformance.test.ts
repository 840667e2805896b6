import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { gatedWrite } from '../src/maintenance/gate.js';
import { changeMaintenance, readMaintenance } from '../src/maintenance/mode.js';
import { MaintenanceRefusal } from '../src/errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../src/store/migrations/index.js';
import type { Migration } from '../src/store/migrations/migration.js';
import { migrate } from '../src/store/migrations/migrator.js';
import { openStore } from '../src/store/open-store.js';
import type { ChangeTopic, JobClaim, Store } from '../src/store/store.js';
import { formatMicros, nowTimestamp } from '../src/store/clock.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { waitFor } from './support/wait-for.js';

const logger = pino({ level: 'silent' });

/** The schema version that added PostgreSQL's one-round-trip claim function (migration 6). */
const CLAIM_FUNCTION_SCHEMA = 6;
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * Jobs for `Store.claimJobs`, in one workspace, created one second apart in this order: runnable
 * (Unexecuted, or scheduled and due) unless the name says otherwise.
 */
async function insertClaimableJobs(store: Store, org: string): Promise<void> {
  const ts = nowTimestamp();
  const base = Date.parse(ts) * 1000;
  await store.transaction('shared', async (trx) => {
    await trx
      .insertInto('organizations')
      .values({ id: org, name: org, plan: '{}', options: '{}', options_ita: '{}', created_at: ts, last_update_timestamp: ts })
      .execute();
    await trx
      .insertInto('workspaces')
      .values({ organization_id: org, id: 'ws', name: 'ws', informations: '{}', created_at: ts, last_update_timestamp: ts })
      .execute();
    const jobs: Array<[id: string, backyard: string, status: string, scheduledAt: string | null]> = [
      ['a', 'by', '1', null],
      ['due', 'by', '9', formatMicros(BigInt(base - 60_000_000))],
      ['other-backyard', 'other', '1', null],
      ['b', 'by', '1', null],
      ['not-due', 'by', '9', formatMicros(BigInt(base + 3_600_000_000))],
      ['running', 'by', '3', null],
      ['c', 'by', '1', null],
    ];
    for (const [i, [id, backyard, status, scheduledAt]] of jobs.entries()) {
      const created = formatMicros(BigInt(base - 100_000_000 + i * 1_000_000));
      await trx
        .insertInto('backyard_jobs')
        .values({
          id: `${org}-${id}`,
          organization_id: org,
          workspace_id: 'ws',
          backyard,
          status_id: status,
          in_flight: 0,
          parent_id: null,
          spec: '{}',
          result: null,
          delay_minutes: null,
          scheduled_at: scheduledAt,
          created_at: created,
          created_by: 'tester',
          started_at: null,
          finished_at: null,
          last_update_timestamp: created,
          lease_owner: null,
          lease_expires_at: null,
          stop_requested: 0,
        })
        .execute();
    }
  });
}

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

    it('a store ahead of the binary: accepted when every unknown step is expand, refused naming the first contract step', async () => {
      // A later release's steps, applied by the real migrator to a store of their own: one that only
      // adds, then one that drops something (what a contract step does).
      const expand: Migration = {
        version: LATEST_SCHEMA_VERSION + 1,
        name: 'later-expand',
        compatibility: 'expand',
        sqlite: ['CREATE TABLE later_notes (id INTEGER PRIMARY KEY, note TEXT)'],
        postgres: ['CREATE TABLE later_notes (id integer PRIMARY KEY, note text)'],
      };
      const contract: Migration = {
        version: LATEST_SCHEMA_VERSION + 2,
        name: 'later-contract',
        compatibility: 'contract',
        sqlite: ['DROP TABLE later_notes'],
        postgres: ['DROP TABLE later_notes'],
      };
      const own = await createTestDatabase(backend);
      const s = await openStore(own.location, { logger, sqlitePollMs: 20 });
      try {
        assert.equal((await s.migrate(undefined, [...MIGRATIONS, expand])).error, undefined);
        const onExpand = await s.migrate();
        assert.equal(onExpand.error, undefined, 'this binary accepts a store one expand step ahead');
        assert.equal(onExpand.schemaVersion, LATEST_SCHEMA_VERSION + 1);
        assert.deepEqual(onExpand.ahead, [{ version: expand.version, name: 'later-expand', compatibility: 'expand' }]);

        assert.equal((await s.migrate(undefined, [...MIGRATIONS, expand, contract])).error, undefined);
        assert.deepEqual(await s.appliedSteps(LATEST_SCHEMA_VERSION), [
          { version: expand.version, name: 'later-expand', compatibility: 'expand' },
          { version: contract.version, name: 'later-contract', compatibility: 'contract' },
        ]);
        const onContract = await s.migrate();
        assert.match(onContract.error?.message ?? '', new RegExp(`step ${contract.version} \\(later-contract\\) is a contract step`));
        assert.deepEqual(onContract.results, [], 'nothing was applied');
      } finally {
        await s.close();
        await own.drop();
      }
    });

    it('reports a failing step without applying the ones after it', async () => {
      const failing = await migrate(
        {
          withLock: (fn) => fn(),
          appliedVersion: async () => 0,
          appliedSteps: async () => [],
          apply: async (m) => {
            if (m.version === 1) throw new Error('boom');
          },
        },
        [...MIGRATIONS, { version: 99, name: 'later', compatibility: 'expand', sqlite: [], postgres: [] }],
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
        await waitFor('the committed announcement arrived', () => seen.includes('settings'), { timeoutMs: 5000, everyMs: 10 });
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

    it('claimJobs: the oldest runnable jobs, once each, under a lease; none while a switch is on — on the latest schema and on the one before the claim function', async () => {
      const older = await createTestDatabase(backend);
      const olderStore = await openStore(older.location, { logger, sqlitePollMs: 20 });
      try {
        const report = await olderStore.migrate(CLAIM_FUNCTION_SCHEMA - 1);
        assert.equal(report.schemaVersion, CLAIM_FUNCTION_SCHEMA - 1);
        for (const [label, s, org] of [
          ['latest schema', store, 'claims'],
          [`schema ${CLAIM_FUNCTION_SCHEMA - 1}`, olderStore, 'claims-older'],
        ] as const) {
          await insertClaimableJobs(s, org);
          const claim: JobClaim = { backyard: 'by', claimedStatus: '2', scheduledStatus: '9', owner: 'w1', limit: 3, leaseMs: 60_000 };
          const before = nowTimestamp();
          const first = await s.claimJobs(claim);
          assert.deepEqual(first.map((r) => r.id).sort(), [`${org}-a`, `${org}-b`, `${org}-due`], `${label}: the three oldest runnable`);
          for (const r of first) {
            assert.equal(r.status_id, '2', label);
            assert.equal(r.in_flight, 1, label);
            assert.equal(r.lease_owner, 'w1', label);
            assert.match(r.started_at ?? '', CANONICAL, `${label}: started_at in the canonical form`);
            assert.match(r.lease_expires_at ?? '', CANONICAL, `${label}: lease_expires_at in the canonical form`);
            assert.ok(r.started_at! >= before && r.started_at! <= nowTimestamp(), `${label}: started_at from this process's clock`);
            assert.equal(r.last_update_timestamp, r.started_at, label);
            assert.ok(r.lease_expires_at! > r.started_at!, label);
            assert.equal(typeof r.spec, 'string', `${label}: JSON as text`);
          }
          const stored = await s.db
            .selectFrom('backyard_jobs')
            .select(['id', 'status_id'])
            .where(
              'id',
              'in',
              first.map((r) => r.id),
            )
            .execute();
          assert.deepEqual(
            stored.map((r) => r.status_id),
            ['2', '2', '2'],
            `${label}: committed`,
          );

          // Switch on: a new job waits, and nothing is claimed.
          const { after: on } = await changeMaintenance(s, { backyard_execute_stop: true }, 'tester');
          assert.deepEqual(await s.claimJobs({ ...claim, owner: 'w2', limit: 10 }), [], `${label}: nothing while a switch is on`);
          const waiting = await s.db.selectFrom('backyard_jobs').select('id').where('id', '=', `${org}-c`).where('status_id', '=', '1').execute();
          assert.equal(waiting.length, 1, `${label}: the job still waits`);

          // Off: the rest is claimed, started after the toggle; then nothing is left.
          const { after: off } = await changeMaintenance(s, { backyard_execute_stop: false }, 'tester');
          assert.ok(off.last_update_timestamp > on.last_update_timestamp);
          const second = await s.claimJobs({ ...claim, owner: 'w2', limit: 10 });
          assert.deepEqual(
            second.map((r) => r.id),
            [`${org}-c`],
            `${label}: the last runnable job`,
          );
          assert.ok(second[0]!.started_at! > off.last_update_timestamp, `${label}: started after the toggle it is ordered after`);
          assert.deepEqual(await s.claimJobs(claim), [], `${label}: nothing left`);
          const untouched = await s.db
            .selectFrom('backyard_jobs')
            .select(['id', 'status_id'])
            .where('id', 'in', [`${org}-other-backyard`, `${org}-not-due`, `${org}-running`])
            .orderBy('id')
            .execute();
          assert.deepEqual(
            untouched.map((r) => [r.id, r.status_id]),
            [
              [`${org}-not-due`, '9'],
              [`${org}-other-backyard`, '1'],
              [`${org}-running`, '3'],
            ],
            `${label}: another backyard's, a job not yet due and a running one are left alone`,
          );
        }
      } finally {
        await olderStore.close();
        await older.drop();
      }
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
