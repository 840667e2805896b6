import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { timestampIn, nowTimestamp } from '../src/store/clock.js';
import type { Store } from '../src/store/store.js';
import { claimRun } from '../src/fleet/store/run-handle.js';
import { ORCHESTRATOR_LEVEL } from '../src/fleet/store/lease.js';
import { readRun } from '../src/fleet/store/runs.js';
import { BACKENDS } from './support/backends.js';
import { startTestApp, type TestApp } from './support/app.js';
import { assertFleetUpgraded, declareFleet, orchestrator, platformFor, startRun, stopOrchestrators, waitForState } from './support/fleet-runs.js';

/**
 * Orchestrators of different releases (docs/decisions/fleet-upgrades.md): while drydock itself is
 * upgraded, an orchestrator of the release before levels may run beside this one. Its claim cannot
 * change, so it is reproduced here as that release wrote it (src/fleet/store/lease.ts at b3eeb99,
 * `takeLease`): any open run whose owner is null or whose `lease_expires_at` passed. A run this
 * release creates must never match it — not when new, not while this release's orchestrator holds
 * it, not when that orchestrator died and its lease ended, not when it gave the run up — while this
 * release still takes such a run over. A run created by that release (level 0) stays one either
 * release drives; a run of a newer level is not taken by this one.
 */
async function previousReleaseTakeLease(store: Store, owner: string, leaseMs: number): Promise<string | undefined> {
  const now = nowTimestamp();
  const candidates = await store.db
    .selectFrom('fleet_runs')
    .select('id')
    .where('state', 'in', ['running', 'paused', 'halted'])
    .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_expires_at', '<', now)]))
    .orderBy('created_at')
    .execute();
  for (const c of candidates) {
    const row = await store.transaction('shared', (trx) =>
      trx
        .updateTable('fleet_runs')
        .set({ lease_owner: owner, lease_expires_at: timestampIn(leaseMs) })
        .where('id', '=', c.id)
        .where('state', 'in', ['running', 'paused', 'halted'])
        .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_expires_at', '<', nowTimestamp())]))
        .returning('id')
        .executeTakeFirst(),
    );
    if (row) return row.id;
  }
  return undefined;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const backend of BACKENDS) {
  describe(`orchestrators of different releases (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    afterEach(stopOrchestrators);
    after(async () => t?.close());

    /** Its orchestrator died long enough ago: the lease, whichever columns keep it, ended a minute ago. */
    const leaseEnds = async (runId: string) => {
      const past = timestampIn(-60_000);
      const run = await readRun(t.deps.store.db, runId);
      await t.deps.store.db
        .updateTable('fleet_runs')
        .set(run.orchestratorLevel === 0 ? { lease_expires_at: past } : { lease_until: past })
        .where('id', '=', runId)
        .execute();
    };

    /** Ends the run the test made, so the next test may start one in the same environment. */
    const finish = async (runId: string) => {
      await t.deps.store.db.updateTable('fleet_runs').set({ state: 'failed', finished_at: nowTimestamp() }).where('id', '=', runId).execute();
    };

    it("a run of this release is never taken by an older release's orchestrator: new, held, given up, after its orchestrator died", async () => {
      await declareFleet(t, 2);
      const run = await startRun(t, { phases: '1-2', holdAfter: { phase: 1, seconds: 3600 } });
      assert.equal(run.orchestratorLevel, ORCHESTRATOR_LEVEL);
      assert.equal(run.leaseOwner, null, 'nobody drives it yet');
      const store = t.deps.store;
      assert.equal(await previousReleaseTakeLease(store, 'old', 60_000), undefined, 'new');

      const first = await claimRun(store, 'new-1', 60_000);
      assert.equal(first?.claimed.id, run.id);
      assert.equal((await readRun(store.db, run.id)).leaseOwner, 'new-1');
      assert.equal(await previousReleaseTakeLease(store, 'old', 60_000), undefined, 'held');
      await first.renew();
      assert.equal(await previousReleaseTakeLease(store, 'old', 60_000), undefined, 'renewed');

      assert.equal(await claimRun(store, 'new-2', 60_000, run.id), undefined, 'held by new-1: nobody else takes it');
      await first.release();
      assert.equal(await previousReleaseTakeLease(store, 'old', 60_000), undefined, 'given up');
      const short = await claimRun(store, 'new-2', 50, run.id);
      assert.equal(short?.claimed.id, run.id, 'given up: this release takes it at once');
      // new-2 dies: its lease ends and is not renewed.
      await pause(100);
      assert.equal(await previousReleaseTakeLease(store, 'old', 60_000), undefined, 'its orchestrator died');
      const takeover = await claimRun(store, 'new-3', 60_000);
      assert.equal(takeover?.claimed.id, run.id, 'this release takes it over');
      const lease = (await readRun(store.db, run.id)).leaseExpiresAt;
      assert.ok(lease !== null && lease > nowTimestamp() && lease < timestampIn(120_000), `the lease shown is the real one: ${lease}`);

      await takeover.release();
      assert.equal((await readRun(store.db, run.id)).leaseOwner, null, 'shown as driven by nobody');
      await finish(run.id);
    });

    it('this release drives its run to the end with an older orchestrator polling beside it', async () => {
      await declareFleet(t, 3);
      const sim = platformFor(3);
      const run = await startRun(t);
      let older = 0;
      const poller = setInterval(() => {
        void previousReleaseTakeLease(t.deps.store, 'old', 60_000).then((id) => {
          if (id !== undefined) older += 1;
        });
      }, 5);
      try {
        orchestrator(t, sim, 200).start();
        await waitForState(t, run.id, 'completed');
      } finally {
        clearInterval(poller);
      }
      assert.equal(older, 0, 'the older orchestrator never took it');
      await assertFleetUpgraded(t, sim, run.id);
    });

    it('a run of the release before levels (level 0) is driven by either release, each taking it over from the other', async () => {
      await declareFleet(t, 1);
      const run = await startRun(t);
      const store = t.deps.store;
      // As that release creates a run: no level (the column's default), no lease.
      await store.db
        .updateTable('fleet_runs')
        .set({ orchestrator_level: 0, lease_owner: null, lease_expires_at: null, lease_until: null })
        .where('id', '=', run.id)
        .execute();
      assert.equal(await previousReleaseTakeLease(store, 'old', 60_000), run.id, 'the older release takes it');
      assert.equal(await claimRun(store, 'new', 60_000), undefined, 'held by the older one');
      await leaseEnds(run.id);
      const takeover = await claimRun(store, 'new', 60_000);
      assert.equal(takeover?.claimed.id, run.id, 'this release takes it over once that lease ended');
      assert.equal(await previousReleaseTakeLease(store, 'old', 60_000), undefined, 'held by this release');
      await leaseEnds(run.id);
      assert.equal(await previousReleaseTakeLease(store, 'old', 60_000), run.id, 'and the older one takes it back once this lease ended');
      await finish(run.id);
    });

    it('a run of a newer level is left to an orchestrator of that level', async () => {
      await declareFleet(t, 1);
      const run = await startRun(t);
      await t.deps.store.db
        .updateTable('fleet_runs')
        .set({ orchestrator_level: ORCHESTRATOR_LEVEL + 1 })
        .where('id', '=', run.id)
        .execute();
      assert.equal(await claimRun(t.deps.store, 'this', 60_000), undefined);
      assert.equal(await previousReleaseTakeLease(t.deps.store, 'old', 60_000), undefined);
      await finish(run.id);
    });
  });
}
