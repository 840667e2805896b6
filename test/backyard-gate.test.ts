/**
 * The claim gate (docs/decisions/maintenance-gate.md, issue 3): once the PATCH turning `backyard_execute_stop` or
 * `data_update_stop` on has returned, no job leaves Unexecuted — proven under concurrency, from the
 * store's own commit order and from what the claimers saw. Then the same with real workers running
 * real ansible-playbook: jobs in flight run on to Completed, registration keeps working while jobs
 * are stopped (the jobs wait in Unexecuted), read-only mode refuses registration, and the waiting
 * jobs run once the switches are off.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import { claimJobs } from '../src/backyard/claim.js';
import { registerJob, transition, type Job } from '../src/backyard/jobs.js';
import { createWorker } from '../src/backyard/start-worker.js';
import type { Worker } from '../src/backyard/worker.js';
import { readMaintenance } from '../src/maintenance/mode.js';
import { nowTimestamp } from '../src/store/clock.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { commandPlaybook, executeAnsible, getExecution, registerAnsibleMovement, startAnsible, waitForStatus } from './support/ansible-jobs.js';
import { ITA1, SEED, seedTenants, setMaintenance, startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { waitFor } from './support/wait-for.js';

const BACKYARD = 'ita-by-ansible-execute';
const JOBS = 800;
const LOOPS_PER_STORE = 4;
const BATCH = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Switch = 'backyard_execute_stop' | 'data_update_stop';

/** One call of claimJobs by a claiming loop: when it was issued and what it got. */
interface ClaimCall {
  readonly loop: string;
  readonly issuedAt: number;
  /** When its answer came back. */
  readonly answeredAt: number;
  readonly ids: readonly string[];
}

/**
 * `n` Unexecuted jobs of one backyard in one workspace, registered in one transaction (a worker
 * never sees half of them).
 */
async function registerJobs(store: Store, n: number, workspace: { org: string; ws: string }): Promise<string[]> {
  return store.transaction('shared', async (trx) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const job = await registerJob(store, trx, {
        organizationId: workspace.org,
        workspaceId: workspace.ws,
        backyard: BACKYARD,
        spec: { n: i },
        createdBy: 'gate-test',
      });
      ids.push(job.id);
    }
    return ids;
  });
}

/**
 * Claiming loops, as workers run them: claim a batch, finish it at once (a no-op job) — except the
 * first job of each batch, which stays Preparing as if still running (its row keeps the claim's
 * transaction as its writer, so PostgreSQL can tell when that claim committed).
 */
function startLoops(stores: readonly Store[], leaseMs = 600_000) {
  const calls: ClaimCall[] = [];
  const errors: unknown[] = [];
  let stopped = false;
  const loop = async (store: Store, name: string) => {
    while (!stopped) {
      const issuedAt = performance.now();
      let jobs: Job[];
      try {
        jobs = await claimJobs(store, { backyard: BACKYARD, workerId: name, limit: BATCH, leaseMs });
      } catch (err) {
        errors.push(err);
        return;
      }
      calls.push({ loop: name, issuedAt, answeredAt: performance.now(), ids: jobs.map((j) => j.id) });
      for (const [i, job] of jobs.entries()) {
        if (i === 0) continue;
        const done = await transition(store.db, job, 'driver', ['2'], '5', { finished_at: nowTimestamp(), lease_expires_at: null }, name);
        if (!done) errors.push(new Error(`${name} could not finish ${job.id}`));
      }
      // A worker runs its jobs between claims; this also yields to timers (SQLite's driver is synchronous).
      await sleep(2);
    }
  };
  const loops = stores.flatMap((store, s) => Array.from({ length: LOOPS_PER_STORE }, (_, l) => loop(store, `store${s}-loop${l}`)));
  return {
    calls,
    errors,
    claimed: () => calls.reduce((n, c) => n + c.ids.length, 0),
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** How many jobs have left Unexecuted, read from the store. */
async function claimedInStore(store: Store, ids: ReadonlySet<string>): Promise<number> {
  const rows = await store.db.selectFrom('backyard_jobs').select(['id', 'status_id']).where('backyard', '=', BACKYARD).execute();
  return rows.filter((r) => ids.has(r.id) && r.status_id !== '1').length;
}

/**
 * PostgreSQL's commit order: how many of `ids` still carry their claim's transaction (status 2) and
 * how many of those committed inside [on, off) — the window in which the switch was on — by the
 * commit timestamps of the claims and of the two toggles (track_commit_timestamp = on in the test
 * cluster).
 */
async function claimsCommittedWhileOn(store: Store, ids: readonly string[], on: string, off: string) {
  const r = await sql<{ carried: string; inside: string }>`
    SELECT count(*)::text AS carried,
           count(*) FILTER (WHERE pg_xact_commit_timestamp(xmin) >= ${on}::timestamptz
                              AND pg_xact_commit_timestamp(xmin) < ${off}::timestamptz)::text AS inside
      FROM backyard_jobs
     WHERE status_id = '2' AND id = ANY(${ids}::text[])`.execute(store.db);
  return { carried: Number(r.rows[0]!.carried), inside: Number(r.rows[0]!.inside) };
}

async function toggleCommitTimestamp(store: Store): Promise<string> {
  const r = await sql<{ ts: string }>`SELECT pg_xact_commit_timestamp(xmin)::text AS ts FROM maintenance_settings WHERE id = 1`.execute(store.db);
  return r.rows[0]!.ts;
}

for (const backend of BACKENDS) {
  describe(`the claim gate under concurrent claimers (${backend})`, () => {
    let t: TestApp;
    let stores: Store[];
    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
      stores = [t.deps.store];
      // PostgreSQL: a second store is another process's connection pool, claiming side by side
      // (SKIP LOCKED). SQLite orders every process by its one writer lock; a second connection in
      // this one process would only block this thread, so all loops share the app's store.
      if (backend === 'postgres') {
        stores.push(await openStore(t.database.location, { logger: pino({ level: 'silent' }), sqlitePollMs: 50 }));
      }
    });
    after(async () => {
      for (const s of stores?.slice(1) ?? []) await s.close();
      await t?.close();
    });

    for (const key of ['backyard_execute_stop', 'data_update_stop'] as const satisfies readonly Switch[]) {
      it(`${key}: ${LOOPS_PER_STORE * (backend === 'postgres' ? 2 : 1)} claiming loops, ${JOBS} jobs, switch on mid-stream → zero claims commit after the PATCH returned`, async () => {
        const ids = await registerJobs(t.deps.store, JOBS, { org: SEED.org1, ws: SEED.ws1 });
        const idSet = new Set(ids);
        const loops = startLoops(stores);

        // Let claims flow, then turn the switch on while the loops are claiming.
        await waitFor('a tenth of the jobs are claimed', () => loops.claimed() >= JOBS / 10, { timeoutMs: 60_000, everyMs: 5, retryErrors: true });
        const claimedAtPatch = loops.claimed();
        await setMaintenance(t, { [key]: '1' });
        const patchReturnedAt = performance.now();
        const inStoreAtReturn = await claimedInStore(t.deps.store, idSet);
        const on = await readMaintenance(t.deps.store.db);
        const onCommit = backend === 'postgres' ? await toggleCommitTimestamp(t.deps.store) : on.last_update_timestamp;

        // Keep claiming for a while with the switch on.
        await sleep(500);
        const inStoreWhileOn = await claimedInStore(t.deps.store, idSet);

        // Off again: the loops take the rest.
        const offSentAt = performance.now();
        await setMaintenance(t, { [key]: '0' });
        const off = await readMaintenance(t.deps.store.db);
        const offCommit = backend === 'postgres' ? await toggleCommitTimestamp(t.deps.store) : off.last_update_timestamp;
        await waitFor('every job is claimed', async () => (await claimedInStore(t.deps.store, idSet)) === JOBS, {
          timeoutMs: 120_000,
          everyMs: 20,
          retryErrors: true,
        });
        await loops.stop();
        assert.deepEqual(loops.errors, [], 'no claim or finish failed');

        // From the loops: claims were committing right up to the toggle, and none issued after the
        // PATCH returned got a job until the switch was off.
        assert.ok(claimedAtPatch >= JOBS / 10 && claimedAtPatch < JOBS, `claims were in full flow at the toggle (${claimedAtPatch})`);
        // Calls wholly inside the window: issued after the PATCH returned, answered before the one
        // turning it off was sent. (A call issued just before that may run after the off commits,
        // under load, and rightly get jobs.)
        const callsWhileOn = loops.calls.filter((c) => c.issuedAt > patchReturnedAt && c.answeredAt < offSentAt);
        assert.ok(callsWhileOn.length > 20, `calls issued while on: ${callsWhileOn.length}`);
        assert.deepEqual(
          callsWhileOn.filter((c) => c.ids.length > 0),
          [],
          'no claim issued after the PATCH returned and answered before the switch went off got a job',
        );

        // From the store: the number of claimed jobs did not move while the switch was on …
        assert.equal(inStoreWhileOn, inStoreAtReturn, 'no job left Unexecuted after the PATCH returned');
        assert.ok(inStoreAtReturn < JOBS, 'jobs were still waiting when the switch turned on');

        // … and every job was claimed before the toggle or after the switch went off again: by
        // started_at, stamped inside the claim's transaction after its gate lock, against the
        // toggles' timestamps, stamped inside theirs under the exclusive side (one process, one clock).
        const rows = await t.deps.store.db
          .selectFrom('backyard_jobs')
          .select(['id', 'status_id', 'started_at', 'lease_owner'])
          .where('id', 'in', ids)
          .execute();
        assert.equal(rows.length, JOBS);
        const inWindow = rows.filter((r) => r.started_at === null || (r.started_at >= on.last_update_timestamp && r.started_at <= off.last_update_timestamp));
        assert.deepEqual(inWindow, [], 'no claim committed while the switch was on');
        const beforeToggle = rows.filter((r) => r.started_at! < on.last_update_timestamp).length;
        assert.equal(beforeToggle, inStoreAtReturn, 'the jobs claimed before the toggle are exactly those claimed when the PATCH returned');

        // PostgreSQL: the same from the commit timestamps of the claims themselves.
        if (backend === 'postgres') {
          const { carried, inside } = await claimsCommittedWhileOn(t.deps.store, ids, onCommit, offCommit);
          assert.ok(carried > 50, `rows still carrying their claim's transaction: ${carried}`);
          assert.equal(inside, 0, 'no claim transaction committed between the two toggles');
        }

        // Each job was claimed once, by one loop.
        const claimedIds = loops.calls.flatMap((c) => c.ids);
        assert.equal(claimedIds.length, JOBS, 'no job was claimed twice');
        assert.deepEqual(new Set(claimedIds), idSet);
        const owners = new Map(rows.map((r) => [r.id, r.lease_owner]));
        for (const c of loops.calls) for (const id of c.ids) assert.equal(owners.get(id), c.loop);
      });
    }
  });

  describe(`real workers and the switches (${backend})`, () => {
    let t: TestApp;
    let dataDir: string;
    let workers: Worker[] = [];
    let names: { movement: string; operation: string };
    before(async () => {
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'drydock-gate-'));
      t = await startTestApp(backend, { dataDir, workerPollMs: 100, leaseSeconds: 30 });
      await seedTenants(t);
      names = await registerAnsibleMovement(t, 'three-seconds', commandPlaybook('sleep 3'));
      const logger = pino({ level: process.env.DRYDOCK_TEST_LOG ?? 'silent' });
      workers = Array.from({ length: 3 }, () => createWorker(t.deps.store, logger, t.deps.options, { backyards: [BACKYARD], concurrency: 2 }));
      for (const w of workers) w.start();
    });
    after(async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await t?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const executeCount = async () => (await t.admin({ url: '/api/ita/backyard-execute-check/' })).body.data.execute_count as number;

    it('jobs in flight when backyard_execute_stop turns on run to Completed; new ones are accepted and wait; read-only refuses them; off → they run', async () => {
      const running = await Promise.all(Array.from({ length: 4 }, () => startAnsible(t, names)));
      for (const id of running) await waitForStatus(t, id, ['3'], 60_000);
      assert.equal(await executeCount(), 4, 'the execute-check shows the four in flight');

      await setMaintenance(t, { backyard_execute_stop: '1' });

      // Registration still works while jobs are stopped; the new jobs wait in Unexecuted.
      const waiting: string[] = [];
      for (let i = 0; i < 2; i++) {
        const r = await executeAnsible(t, names);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.result, '000-00000');
        waiting.push(String(r.body.data.execution_no));
      }
      for (const id of waiting) {
        const e = await getExecution(t, id);
        assert.equal(e.status_id, '1');
        assert.equal(e.status_name, 'Unexecuted');
      }

      // The jobs already in flight run on to Completed.
      for (const id of running) {
        const e = await waitForStatus(t, id, ['5', '6', '7', '8'], 120_000);
        assert.equal(e.status_id, '5', `${id} ended ${e.status_id} ${e.status_name}:\n${e.log}`);
        assert.equal(e.status_name, 'Completed');
        assert.ok(e.time_end, 'it has an end time');
        assert.match(e.log, /PLAY RECAP/);
      }
      assert.equal(await executeCount(), 0, 'a drain sees zero in flight');

      // Several worker polls later, the waiting jobs have still not been claimed.
      await sleep(1500);
      for (const id of waiting) assert.equal((await getExecution(t, id)).status_id, '1', 'still Unexecuted while jobs are stopped');

      // Read-only: registration is refused with the driver execution code, nothing is registered.
      await setMaintenance(t, { data_update_stop: '1' });
      const before = (await t.call({ url: `${ITA1}/executions/`, auth: SEED.member1 })).body.data.length as number;
      for (const headers of [{}, { 'accept-language': 'ja' }] as Array<Record<string, string>>) {
        const refused = await executeAnsible({ call: (o) => t.call({ ...o, headers }) }, names);
        assert.equal(refused.status, 498, refused.text);
        assert.equal(refused.body.result, '498-00010');
        assert.ok(refused.headers['retry-after'], 'Retry-After');
      }
      assert.equal((await t.call({ url: `${ITA1}/executions/`, auth: SEED.member1 })).body.data.length, before, 'nothing was registered');

      // Jobs on again but still read-only: read-only alone keeps every job waiting.
      await setMaintenance(t, { backyard_execute_stop: '0' });
      await sleep(1500);
      for (const id of waiting) assert.equal((await getExecution(t, id)).status_id, '1', 'still Unexecuted in read-only mode');
      assert.equal(await executeCount(), 0);

      // Both off: the waiting jobs run.
      await setMaintenance(t, { data_update_stop: '0' });
      for (const id of waiting) {
        const e = await waitForStatus(t, id, ['5', '6', '7', '8'], 120_000);
        assert.equal(e.status_id, '5', `${id}:\n${e.log}`);
      }
      // The work was shared: every job names the worker that ran it, and they are ours.
      const owners = new Set<string>();
      for (const id of [...running, ...waiting]) {
        const row = await t.deps.store.db.selectFrom('backyard_jobs').select('lease_owner').where('id', '=', id).executeTakeFirstOrThrow();
        owners.add(String(row.lease_owner));
      }
      for (const o of owners)
        assert.ok(
          workers.some((w) => w.id === o),
          `${o} is one of the workers`,
        );
    });
  });
}
