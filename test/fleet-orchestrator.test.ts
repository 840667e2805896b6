import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { readRun } from '../src/fleet/store/runs.js';
import { readSteps } from '../src/fleet/store/steps.js';
import { verifyStepLog } from '../src/fleet/invariants.js';
import { BACKENDS } from './support/backends.js';
import { startTestApp, type TestApp } from './support/app.js';
import {
  declareFleet,
  assertFleetUpgraded,
  fleetFile,
  initialActive,
  orchestrator,
  platformFor,
  startRun,
  stopOrchestrators,
  V1,
  V2,
  view,
  waitForState,
} from './support/fleet-runs.js';
import { waitFor } from './support/wait-for.js';

for (const backend of BACKENDS) {
  describe(`fleet phased upgrade, orchestrated (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    afterEach(stopOrchestrators);
    after(async () => {
      await t.close();
    });

    /** A fresh fleet for each test: declare, reset statuses, open the gate. */
    const declare = (n: number, extra: Record<string, unknown> = {}) => declareFleet(t, n, extra);

    it('refuses a fleet file with problems, listing each with what to fix', async () => {
      const bad = fleetFile(2);
      bad.nodes.push({ name: 'PROD_P_009', version: V1 }, { name: 'STAGE_P_001', version: V1 }, { name: 'prod-p-1', version: V1 });
      const res = await t.admin({ method: 'PUT', url: '/api/platform/fleet', body: bad });
      assert.equal(res.status, 400);
      const message = (res.body as { message: string }).message;
      assert.match(message, /PROD_P_009 has no partner: declare PROD_S_009/);
      assert.match(message, /environment STAGE, which is not declared/);
      assert.match(message, /"prod-p-1" is not a node name/);
    });

    it('the gate: a run is refused until the version carries the statuses the environment requires; the plan says why', async () => {
      await declare(2);
      await t.admin({ method: 'PATCH', url: `/api/platform/fleet/versions/${V2}`, body: { add: ['Blocked'] } });
      const plan = await t.admin({ url: `/api/platform/fleet/plan?environment=PROD&version=${V2}` });
      assert.equal(plan.status, 200, plan.text);
      const p = (plan.body as { data: { gate: { open: boolean; reason: string }; pairs: Array<{ phases: Array<{ outcome: string }> }> } }).data;
      assert.equal(p.gate.open, false);
      assert.match(p.gate.reason, /QA_OK and not Blocked/);
      assert.deepEqual(
        p.pairs[0]!.phases.map((x) => x.outcome),
        ['run', 'run', 'run', 'run'],
      );
      const refused = await t.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: 'PROD', version: V2 } });
      assert.equal(refused.status, 409);
      assert.match((refused.body as { message: string }).message, /may not be deployed to PROD/);
      await t.admin({ method: 'PATCH', url: `/api/platform/fleet/versions/${V2}`, body: { remove: ['Blocked'] } });
      const bad = await t.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: 'PROD', version: 'no spaces allowed' } });
      assert.equal(bad.status, 400);
    });

    it('runs the four phases on every pair: all on the new version, primaries active, PROD_OK replaces the phase statuses; the step log keeps the invariants', async () => {
      const n = 7;
      await declare(n);
      const sim = platformFor(n);
      const run = await startRun(t);
      const o = orchestrator(t, sim);
      const done = await o.driveToEnd(run.id);
      await o.stop();
      assert.equal(done.state, 'completed', done.reason ?? '');
      assert.equal(done.reason, null);
      await assertFleetUpgraded(t, sim, run.id);
      // Phases are barriers: no switch (phase 2) before every secondary was upgraded (phase 1).
      const lastPhase1 = Math.max(...sim.actions.map((a, i) => (/^upgrade PROD_S_/.test(a) ? i : -1)));
      const firstSwitch = sim.actions.findIndex((a) => a.startsWith('switch '));
      assert.ok(lastPhase1 < firstSwitch, 'a pair switched before every secondary was upgraded');
      const steps = await readSteps(t.deps.store.db, run.id);
      assert.deepEqual(verifyStepLog(steps, V2, initialActive(n)), []);
      assert.equal(steps.filter((s) => s.state === 'succeeded').length, n * 4 * 3);
      const fleet = await t.admin({ url: '/api/platform/fleet' });
      const prod = (
        fleet.body as { data: { pairs: Array<{ primary: { secondaryVersionLevel: string }; secondary: { primaryVersionLevel: string } }> } }
      ).data.pairs.slice(0, n);
      for (const p of prod) {
        assert.equal(p.primary.secondaryVersionLevel, V2);
        assert.equal(p.secondary.primaryVersionLevel, V2);
      }
    });

    it('a pair whose secondary upgrade fails stops alone: rolled back to the old version and serving; the others complete; the run names it; retry finishes it', async () => {
      const n = 4;
      await declare(n);
      const sim = platformFor(n);
      sim.failUpgrade.set('PROD_S_002', { version: V2 });
      const run = await startRun(t);
      const o = orchestrator(t, sim);
      const done = await o.driveToEnd(run.id);
      assert.equal(done.state, 'completed');
      assert.match(done.reason ?? '', /1 of 4 pairs failed: PROD_002/);
      const v = await view(t, run.id);
      const failed = v.pairs.find((p) => p.pair === 'PROD_002')!;
      assert.equal(failed.state, 'failed');
      assert.equal(failed.phases['1'], 'failed');
      assert.match(failed.error ?? '', /upgrade.*PROD_S_002.*simulated failure/);
      assert.equal(failed.active, 'PROD_P_002');
      assert.equal(failed.secondaryVersion, V1);
      assert.ok(sim.serving('PROD_002'));
      assert.equal(sim.nodes.get('PROD_P_002')!.version, V1);
      assert.ok(v.pairs.filter((p) => p.pair !== 'PROD_002').every((p) => p.state === 'done'));
      assert.ok(sim.actions.includes(`upgrade PROD_S_002 ${V1}`), 'the failed secondary is put back on the old version');
      // The list of runs tells this run from one that upgraded every pair: its pair counts.
      const counts = async () =>
        ((await t.admin({ url: '/api/platform/fleet/runs' })).body.data as Array<{ id: string; counts: unknown }>).find((r) => r.id === run.id)?.counts;
      assert.deepEqual(await counts(), { waiting: 0, running: 0, done: 3, failed: 1, total: 4 });

      sim.failUpgrade.clear();
      const retry = await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${run.id}/pairs/PROD_002/retry` });
      assert.equal(retry.status, 200, retry.text);
      const again = await o.driveToEnd(run.id);
      await o.stop();
      assert.equal(again.state, 'completed');
      assert.equal(again.reason, null);
      assert.deepEqual(await counts(), { waiting: 0, running: 0, done: 4, failed: 0, total: 4 });
      assert.deepEqual(sim.nodes.get('PROD_P_002'), { version: V2, up: true });
      assert.deepEqual(sim.violations, []);
      assert.deepEqual(verifyStepLog(await readSteps(t.deps.store.db, run.id), V2, initialActive(n)), []);
    });

    it('the failure budget halts the run (no new pair starts) and resume goes on', async () => {
      const n = 6;
      await declare(n);
      const sim = platformFor(n);
      sim.failUpgrade.set('PROD_S_001', { version: V2 });
      sim.failUpgrade.set('PROD_S_002', { version: V2 });
      const run = await startRun(t, { concurrency: 1, failureBudget: { count: 1 } });
      const o = orchestrator(t, sim);
      o.start();
      const halted = await waitForState(t, run.id, 'halted');
      assert.match(halted.reason ?? '', /2 pairs failed, more than the failure budget of 1/);
      await new Promise((r) => setTimeout(r, 200));
      const upgrades = sim.actions.filter((a) => a.startsWith('upgrade PROD_S_') && a.endsWith(V2));
      assert.deepEqual(upgrades, [`upgrade PROD_S_001 ${V2}`, `upgrade PROD_S_002 ${V2}`], 'no pair started after the budget was exceeded');
      const res = await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${run.id}/resume` });
      assert.equal(res.status, 200);
      // Still over budget: it halts again rather than carrying on.
      await waitForState(t, run.id, 'halted');
      sim.failUpgrade.clear();
      for (const pair of ['PROD_001', 'PROD_002']) {
        assert.equal((await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${run.id}/pairs/${pair}/retry` })).status, 200);
      }
      await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${run.id}/resume` });
      const done = await waitForState(t, run.id, 'completed');
      await o.stop();
      assert.equal(done.reason, null);
      assert.deepEqual(sim.violations, []);
    });

    it('pause lets pairs in the middle of a phase finish it and starts no new one; resume completes', async () => {
      const n = 5;
      await declare(n);
      const sim = platformFor(n);
      sim.delayMs = 30;
      const run = await startRun(t, { concurrency: 2 });
      let paused = false;
      sim.onAction = async (a) => {
        if (!paused && a === `upgrade PROD_S_002 ${V2}`) {
          paused = true;
          const r = await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${run.id}/pause` });
          assert.equal(r.status, 200);
        }
      };
      const o = orchestrator(t, sim);
      o.start();
      await waitFor('the run is paused with nothing in flight', async () => {
        const v = await view(t, run.id);
        return v.run.state === 'paused' && v.counts.running === 0 ? v : undefined;
      });
      const count = sim.actions.length;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(sim.actions.length, count, 'nothing happens while paused');
      const v = await view(t, run.id);
      assert.ok(
        v.pairs.every((p) => p.state === 'waiting'),
        'every pair that had started finished its phase',
      );
      assert.ok(
        v.pairs.some((p) => p.completedPhase === 0),
        'some pairs had not started',
      );
      await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${run.id}/resume` });
      const done = await waitForState(t, run.id, 'completed');
      await o.stop();
      assert.equal(done.reason, null);
    });

    it('an orchestrator that dies mid-run is replaced after its lease: the run resumes, no finished step is run twice, invariants hold', async () => {
      const n = 4;
      await declare(n);
      const sim = platformFor(n);
      sim.delayMs = 15;
      const run = await startRun(t, { concurrency: 2 });
      const first = orchestrator(t, sim, 400);
      first.start();
      // Polled tightly: the orchestrator must die mid-run, not after the run ended.
      await waitFor('some pairs are in phase 2', async () => (await readRun(t.deps.store.db, run.id)).phase >= 2, { everyMs: 20 });
      // Dies: actions in flight are cut off and it never records their end nor releases the run.
      await first.stop(true);
      const stepsBefore = await readSteps(t.deps.store.db, run.id);
      const second = orchestrator(t, sim, 400);
      const done = await second.driveToEnd(run.id);
      await second.stop();
      assert.equal(done.state, 'completed', done.reason ?? '');
      const steps = await readSteps(t.deps.store.db, run.id);
      assert.ok(steps.length > stepsBefore.length);
      const succeeded = new Map<string, number>();
      for (const s of steps.filter((x) => x.state === 'succeeded')) {
        const key = `${s.pairId}/${s.phase}/${s.attempt}/${s.step}`;
        succeeded.set(key, (succeeded.get(key) ?? 0) + 1);
      }
      assert.deepEqual(
        [...succeeded].filter(([, c]) => c > 1),
        [],
        'a finished step ran twice',
      );
      assert.equal(new Set(steps.map((s) => s.orchestrator)).size, 2);
      assert.deepEqual(verifyStepLog(steps, V2, initialActive(n)), []);
      assert.deepEqual(sim.violations, []);
    });
  });
}
