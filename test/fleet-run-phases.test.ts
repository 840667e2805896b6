import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { readRun } from '../src/fleet/store/runs.js';
import { readSteps } from '../src/fleet/store/steps.js';
import { verifyStepLog } from '../src/fleet/invariants.js';
import { BACKENDS } from './support/backends.js';
import { startTestApp, type TestApp } from './support/app.js';
import { assertFleetUpgraded, declareFleet, initialActive, orchestrator, platformFor, startRun, stopOrchestrators, V2, view } from './support/fleet-runs.js';
import { waitFor } from './support/wait-for.js';

/** The parts of a dry-run plan these tests read. */
interface PlanShape {
  firstPhase: number;
  lastPhase: number;
  gate: { open: boolean; reason: string | null };
  summary: { complete: number };
  pairs: Array<{ phases: Array<{ outcome: string }> }>;
}

/**
 * Runs for part of the phases (1-2, then 3-4 launched separately once the version carries
 * PROD_Phase2_OK) and holds after a phase: stored in the run, kept across a takeover, ended early
 * by resume.
 */
for (const backend of BACKENDS) {
  describe(`fleet runs for a range of phases, with holds (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    afterEach(stopOrchestrators);
    after(async () => {
      await t.close();
    });

    const post = (body: Record<string, unknown>) =>
      t.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: 'PROD', version: V2, ...body } });
    const messageOf = (res: { body: unknown }) => (res.body as { message: string }).message;

    it('refuses a range that is not one, and a hold outside the run, saying what to fix', async () => {
      await declareFleet(t, 1);
      for (const phases of ['4-3', '0-2', '1-5', '1,3']) {
        const res = await post({ phases });
        assert.equal(res.status, 400, `${phases}: ${res.text}`);
        assert.match(messageOf(res), /phases|range/, phases);
      }
      const reversed = await post({ phases: '4-3' });
      assert.match(messageOf(reversed), /phases "4-3" is not a range of phases: .*first not after last, e\.g\. 1-2, 3-4, 2 or 1-4/);
      const hold = await post({ phases: '1-2', holdAfter: { phase: 2, seconds: 60 } });
      assert.equal(hold.status, 400, hold.text);
      assert.match(messageOf(hold), /a hold after phase 2 does not fit a run for phases 1-2: hold after phase 1/);
      const single = await post({ phases: '2', holdAfter: { phase: 2, seconds: 60 } });
      assert.equal(single.status, 400, single.text);
      assert.match(messageOf(single), /a run for one phase has no phase to hold before/);
      const none = await post({ phases: '1-2', holdAfter: { phase: 1, seconds: 0 } });
      assert.equal(none.status, 400, none.text);
    });

    it('phases 1-2 complete at PROD_Phase2_OK after a hold; phase 3 is refused until then, naming the missing status and the run; 3-4 then completes', async () => {
      const n = 3;
      await declareFleet(t, n);
      const sim = platformFor(n);
      const first = await startRun(t, { phases: '1-2', holdAfter: { phase: 1, seconds: 1 } });
      assert.deepEqual([first.phase, first.firstPhase, first.lastPhase], [1, 1, 2]);
      assert.deepEqual(first.hold, { afterPhase: 1, seconds: 1, until: null });

      const closed = await t.admin({ url: `/api/platform/fleet/plan?environment=PROD&version=${V2}&phases=3-4` });
      assert.equal(closed.status, 200, closed.text);
      assert.match((closed.body as { data: PlanShape }).data.gate.reason ?? '', /phase 3 requires the version to carry PROD_Phase2_OK; it carries QA_OK/);
      assert.equal((await t.admin({ url: `/api/platform/fleet/plan?environment=PROD&version=${V2}&phases=4-1` })).status, 400);

      // Launched before phases 1-2 finished: refused, with the status it lacks and the run that gives it.
      const early = await post({ phases: '3-4' });
      assert.equal(early.status, 409, early.text);
      assert.equal(
        messageOf(early),
        `phase 3 needs PROD_Phase2_OK on ${V2}; it carries QA_OK. Run ${first.id} for phases 1-2 is still running: phase 3 may start once it completed`,
      );

      const o = orchestrator(t, sim);
      const done = await o.driveToEnd(first.id);
      await o.stop();
      assert.equal(done.state, 'completed', done.reason ?? '');
      assert.equal(done.reason, null);
      assert.equal(done.phase, 2);
      const v = await view(t, first.id);
      assert.deepEqual(v.statuses, ['PROD_Phase2_OK', 'QA_OK']);
      assert.equal(v.holdingUntil, null);
      for (const p of v.pairs) {
        assert.equal(p.state, 'done', p.pair);
        assert.equal(p.completedPhase, 2);
        assert.deepEqual(p.phases, { 1: 'done', 2: 'done', 3: 'pending', 4: 'pending' });
        assert.equal(p.active, p.pair.replace('PROD_', 'PROD_S_'), 'the secondaries serve');
        assert.equal(p.primaryVersion, '1.0.0', 'the primaries are not touched');
      }
      // The hold: its end was recorded, and no phase 2 step started before it.
      const until = done.hold?.until;
      assert.ok(until, 'the hold started');
      const steps = await readSteps(t.deps.store.db, first.id);
      assert.deepEqual(
        steps.filter((s) => s.phase === 2 && s.startedAt < until).map((s) => `${s.pairId} ${s.step} at ${s.startedAt}`),
        [],
        `no phase 2 step before the hold ended (${until})`,
      );
      assert.deepEqual(verifyStepLog(steps, V2, initialActive(n)), []);
      assert.equal(steps.filter((s) => s.state === 'succeeded').length, n * 2 * 3);

      // The dry run of phases 3-4 plans what the store now knows: the pairs serve from their secondaries on V2.
      const plan = await t.admin({ url: `/api/platform/fleet/plan?environment=PROD&version=${V2}&phases=3-4` });
      assert.equal(plan.status, 200, plan.text);
      const p = (plan.body as { data: PlanShape }).data;
      assert.deepEqual([p.firstPhase, p.lastPhase, p.gate.open, p.summary.complete], [3, 4, true, n]);
      assert.deepEqual(
        p.pairs[0]!.phases.map((x) => x.outcome),
        ['outside', 'outside', 'run', 'run'],
      );

      const second = await startRun(t, { phases: '3-4' });
      assert.deepEqual([second.phase, second.firstPhase, second.lastPhase, second.hold], [3, 3, 4, null]);
      const o2 = orchestrator(t, sim);
      const finished = await o2.driveToEnd(second.id);
      await o2.stop();
      assert.equal(finished.state, 'completed', finished.reason ?? '');
      assert.equal(finished.reason, null);
      await assertFleetUpgraded(t, sim, second.id);
      const steps2 = await readSteps(t.deps.store.db, second.id);
      assert.deepEqual([...new Set(steps2.map((s) => s.phase))], [3, 4]);
      assert.deepEqual(verifyStepLog(steps2, V2, initialActive(n, 'S')), []);
      assert.deepEqual(sim.violations, []);
    });

    it('a pair whose secondary did not get the version fails phase 3 in a run for 3-4, naming both values; the others complete', async () => {
      const n = 2;
      await declareFleet(t, n);
      const sim = platformFor(n);
      const o = orchestrator(t, sim);
      const first = await o.driveToEnd((await startRun(t, { phases: '1-2' })).id);
      assert.equal(first.state, 'completed', first.reason ?? '');
      // Someone records another level on PROD_P_002 between the runs (e.g. a redeclared node).
      await t.deps.store.db.updateTable('fleet_nodes').set({ secondary_version_level: '1.5.0' }).where('name', '=', 'PROD_P_002').execute();
      const second = await o.driveToEnd((await startRun(t, { phases: '3-4' })).id);
      await o.stop();
      assert.equal(second.state, 'completed');
      assert.match(second.reason ?? '', /1 of 2 pairs failed: PROD_002/);
      const failed = (await view(t, second.id)).pairs.find((p) => p.pair === 'PROD_002')!;
      assert.equal(failed.state, 'failed');
      assert.match(failed.error ?? '', /phase 3: secondaryVersionLevel on PROD_P_002 is 1\.5\.0, not 2\.0\.0/);
      assert.equal(sim.nodes.get('PROD_P_002')!.version, '1.0.0', 'its primary was not upgraded');

      // Retrying the failed pair would reopen the run: refused while another run of PROD is open.
      const signedOff = await t.admin({ method: 'PATCH', url: '/api/platform/fleet/versions/3.0.0', body: { add: ['QA_OK'] } });
      assert.equal(signedOff.status, 200, signedOff.text);
      const third = await startRun(t, { version: '3.0.0' });
      const retry = await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${second.id}/pairs/PROD_002/retry` });
      assert.equal(retry.status, 409, retry.text);
      assert.match((retry.body as { message: string }).message, new RegExp(third.id));
      assert.equal((await view(t, second.id)).run.state, 'completed', 'the run stays as it was');
    });

    it('a hold is kept across a takeover, shows in the view, survives pause and resume, and a resume while holding ends it', async () => {
      const n = 2;
      await declareFleet(t, n);
      const sim = platformFor(n);
      const run = await startRun(t, { holdAfter: { phase: 2, seconds: 3_600 } });
      const first = orchestrator(t, sim, 300);
      first.start();
      const holding = await waitFor('the run holds after phase 2', async () => {
        const v = await view(t, run.id);
        return v.holdingUntil === null ? undefined : v;
      });
      assert.equal(holding.run.phase, 2);
      assert.equal(holding.run.state, 'running');
      assert.equal(holding.holdingUntil, holding.run.hold?.until);
      assert.ok(holding.pairs.every((p) => p.completedPhase === 2 && p.state === 'waiting'));

      // The orchestrator dies during the hold; the next one takes the run over and keeps holding until the same time.
      await first.stop(true);
      const second = orchestrator(t, sim, 300);
      second.start();
      await waitFor('the second orchestrator took the run over', async () => (await readRun(t.deps.store.db, run.id)).leaseOwner === second.owner);
      const after = await view(t, run.id);
      assert.equal(after.holdingUntil, holding.holdingUntil);
      assert.equal(after.run.phase, 2);

      const paused = await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${run.id}/pause` });
      assert.equal(paused.status, 200, paused.text);
      assert.equal((await view(t, run.id)).holdingUntil, null, 'a paused run does not hold');
      const resumed = await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${run.id}/resume` });
      assert.equal(resumed.status, 200, resumed.text);
      assert.equal((await view(t, run.id)).holdingUntil, holding.holdingUntil, 'resuming a paused run goes back to its hold');

      const ended = await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${run.id}/resume` });
      assert.equal(ended.status, 200, ended.text);
      const endedAt = (ended.body as { data: { hold: { until: string } } }).data.hold.until;
      assert.ok(endedAt < holding.holdingUntil!, 'the hold ends now');
      const done = await waitFor('the run completed', async () => {
        const r = await readRun(t.deps.store.db, run.id);
        return r.state === 'completed' ? r : undefined;
      });
      await second.stop();
      assert.equal(done.reason, null);
      assert.deepEqual((await view(t, run.id)).statuses, ['PROD_OK', 'QA_OK']);
      const steps = await readSteps(t.deps.store.db, run.id);
      assert.ok(steps.filter((s) => s.phase === 3).every((s) => s.startedAt >= endedAt));
      assert.deepEqual(verifyStepLog(steps, V2, initialActive(n)), []);
    });
  });
}
