import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import pino from 'pino';
import type { UpgradePlan } from '../src/fleet/plan.js';
import { readPairs } from '../src/fleet/store/declaration.js';
import type { RunRecord } from '../src/fleet/store/records.js';
import { readRun } from '../src/fleet/store/runs.js';
import { readSteps } from '../src/fleet/store/steps.js';
import { verifyStepLog } from '../src/fleet/invariants.js';
import { Orchestrator } from '../src/fleet/orchestrator.js';
import type { RunView } from '../src/fleet/run-view.js';
import type { StatusDefinition } from '../src/fleet/status-catalogue.js';
import { BACKENDS } from './support/backends.js';
import { startTestApp, type TestApp } from './support/app.js';
import { SimulatedPlatform } from './support/fleet-sim.js';
import { waitFor } from './support/wait-for.js';

/**
 * The status catalogue and custom steps (issue 16) through the API and a real orchestrator: a
 * phase-1 command's `smokeTest=…` output becomes a node property that phase 2's condition reads.
 */
const logger = pino({ level: process.env.DRYDOCK_TEST_LOG ?? 'silent' });
const V1 = '1.0.0';
const V2 = '2.0.0';
const V3 = '3.0.0';
const IDS = ['001', '002', '003'];

/** PROD_S_002's smoke test fails (it prints smokeTest=failed but exits 0: only the condition stops it). */
const SMOKE = 'if [ {node} = PROD_S_002 ]; then echo smokeTest=failed; else echo "checked $DRYDOCK_NODE on $DRYDOCK_VERSION"; echo smokeTest=passed; fi';

const fleetFile = {
  statuses: [{ name: 'Blocked', description: 'must not be deployed' }, 'Staging_OK'],
  environments: [
    { name: 'QA', driver: { type: 'noop' } },
    {
      name: 'PROD',
      gate: 'QA_OK and not Blocked',
      driver: { type: 'noop' },
      phases: {
        1: { steps: ['health-active', 'upgrade', 'health-upgraded', { name: 'smoke', run: SMOKE, timeoutSeconds: 30 }] },
        2: { requires: [{ property: 'smokeTest', equals: 'passed' }] },
      },
    },
  ],
  nodes: IDS.flatMap((id) => [
    { name: `PROD_P_${id}`, version: V1 },
    { name: `PROD_S_${id}`, version: V1 },
  ]),
};

for (const backend of BACKENDS) {
  describe(`fleet status catalogue and custom steps (${backend})`, () => {
    let t: TestApp;
    const started: Orchestrator[] = [];
    before(async () => {
      t = await startTestApp(backend);
      const res = await t.admin({ method: 'PUT', url: '/api/platform/fleet', body: fleetFile });
      assert.equal(res.status, 200, res.text);
    });
    afterEach(async () => {
      await Promise.all(started.splice(0).map((o) => o.stop(true)));
    });
    after(async () => {
      await t.close();
    });

    it('lists the catalogue; a version is given only defined statuses, an undefined one refused with the closest name', async () => {
      const res = await t.admin({ url: '/api/platform/fleet/statuses' });
      assert.equal(res.status, 200, res.text);
      const catalogue = (res.body as { data: StatusDefinition[] }).data;
      assert.deepEqual(catalogue.slice(0, 2), [
        { name: 'Blocked', description: 'must not be deployed', source: 'declared' },
        { name: 'Staging_OK', description: null, source: 'declared' },
      ]);
      assert.ok(catalogue.some((s) => s.name === 'QA_OK' && s.source === 'phase'));
      assert.ok(catalogue.some((s) => s.name === 'PROD_Phase3_OK' && s.source === 'phase'));

      const typo = await t.admin({ method: 'PATCH', url: `/api/platform/fleet/versions/${V2}`, body: { add: ['QA_0K'] } });
      assert.equal(typo.status, 400, typo.text);
      assert.match((typo.body as { message: string }).message, /QA_0K is not a defined status; did you mean QA_OK\?/);
      const ja = await t.admin({ method: 'PATCH', url: `/api/platform/fleet/versions/${V2}`, body: { add: ['Staging_0K'] }, headers: { language: 'ja' } });
      assert.equal(ja.status, 400, ja.text);
      assert.match((ja.body as { message: string }).message, /Staging_0K は定義されたステータスではありません。Staging_OK のことですか/);
      const far = await t.admin({ method: 'PATCH', url: `/api/platform/fleet/versions/${V2}`, body: { add: ['Hotfix'] } });
      assert.equal(far.status, 400, far.text);
      assert.match(
        (far.body as { message: string }).message,
        /Hotfix is not a defined status \(defined: Blocked, Staging_OK, .*\); add it to the fleet file's statuses: list/,
      );
      const versions = await t.admin({ url: '/api/platform/fleet/versions' });
      assert.deepEqual((versions.body as { data: unknown[] }).data, [], 'a refused change changes nothing');

      const declare = await t.admin({ method: 'PUT', url: '/api/platform/fleet', body: { ...fleetFile, statuses: ['Blockd'] } });
      assert.equal(declare.status, 400, declare.text);
      assert.match((declare.body as { message: string }).message, /gate of PROD names Blocked, which is not a defined status; did you mean Blockd\?/);

      const ok = await t.admin({ method: 'PATCH', url: `/api/platform/fleet/versions/${V2}`, body: { add: ['QA_OK', 'Staging_OK'] } });
      assert.equal(ok.status, 200, ok.text);
    });

    it('the plan lists the custom steps and the phase’s condition', async () => {
      const res = await t.admin({ url: `/api/platform/fleet/plan?environment=PROD&version=${V2}` });
      assert.equal(res.status, 200, res.text);
      const plan = (res.body as { data: UpgradePlan }).data;
      const phases = plan.pairs[0]!.phases;
      assert.equal(phases[0]!.steps.length, 4);
      assert.match(phases[0]!.steps[3]!, /^command PROD_S_001: custom step smoke: if \[ \{node\} = PROD_S_002 \]/);
      assert.deepEqual(phases[1]!.requires, ['smokeTest = passed on PROD_S_001']);
      assert.equal(phases[2]!.requires, undefined);
    });

    it('a custom step’s output sets a node property that phase 2’s condition reads: a pair whose smoke test failed stops there, naming it', async () => {
      const sim = new SimulatedPlatform();
      for (const id of IDS) sim.addPair(`PROD_${id}`, `PROD_P_${id}`, `PROD_S_${id}`, V1);
      const start = await t.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: 'PROD', version: V2 } });
      assert.equal(start.status, 200, start.text);
      const run = (start.body as { data: RunRecord }).data;
      const o = new Orchestrator({ store: t.deps.store, logger, baseDir: process.cwd(), leaseMs: 5_000, pollMs: 20, createDriver: () => sim.driver() });
      started.push(o);
      const done = await o.driveToEnd(run.id);
      assert.equal(done.state, 'completed', done.reason ?? '');
      assert.match(done.reason ?? '', /1 of 3 pairs failed: PROD_002/);

      const v = (await t.admin({ url: `/api/platform/fleet/runs/${run.id}` })).body as { data: RunView };
      const byPair = new Map(v.data.pairs.map((p) => [p.pair, p]));
      assert.equal(byPair.get('PROD_001')!.state, 'done');
      assert.equal(byPair.get('PROD_003')!.state, 'done');
      const failed = byPair.get('PROD_002')!;
      assert.equal(failed.state, 'failed');
      assert.equal(failed.completedPhase, 1);
      assert.equal(failed.error, 'phase 2: requires smokeTest = passed on PROD_S_002, which has smokeTest = failed');
      assert.equal(failed.active, 'PROD_P_002', 'nothing was switched');

      // The step log: the smoke step ran once per pair, after the upgrade, and records what it set.
      const steps = await readSteps(t.deps.store.db, run.id);
      const smoke = steps.filter((s) => s.step === 'smoke');
      assert.deepEqual(smoke.map((s) => [s.pairId, s.action, s.node, s.state, s.properties]).sort(), [
        ['PROD_001', 'command', 'PROD_S_001', 'succeeded', { smokeTest: 'passed' }],
        ['PROD_002', 'command', 'PROD_S_002', 'succeeded', { smokeTest: 'failed' }],
        ['PROD_003', 'command', 'PROD_S_003', 'succeeded', { smokeTest: 'passed' }],
      ]);
      assert.match(smoke.find((s) => s.pairId === 'PROD_001')!.output!, /checked PROD_S_001 on 2\.0\.0/);
      const api = await t.admin({ url: `/api/platform/fleet/runs/${run.id}/steps?pair=PROD_002` });
      assert.deepEqual((api.body as { data: Array<{ step: string; properties: unknown }> }).data.find((s) => s.step === 'smoke')!.properties, {
        smokeTest: 'failed',
      });
      assert.deepEqual(verifyStepLog(steps, V2, new Map(IDS.map((id) => [`PROD_${id}`, `PROD_P_${id}`]))), []);

      // Stored per node, durably: a fresh read (as a restarted orchestrator does) sees them; re-applying the file keeps them.
      const again = await t.admin({ method: 'PUT', url: '/api/platform/fleet', body: fleetFile });
      assert.equal(again.status, 200, again.text);
      const pairs = await readPairs(t.deps.store.db, 'PROD');
      assert.deepEqual(
        pairs.map((p) => [p.secondary.name, p.secondary.properties.smokeTest]),
        [
          ['PROD_S_001', 'passed'],
          ['PROD_S_002', 'failed'],
          ['PROD_S_003', 'passed'],
        ],
      );
    });

    it('a restarted orchestrator skips the custom steps that succeeded and reads the properties they stored', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-custom-steps-'));
      try {
        const marks = path.join(dir, 'marks');
        const phases = {
          1: { steps: ['health-active', 'upgrade', { name: 'mark', run: `echo {node} >> ${marks}; echo marked=$DRYDOCK_VERSION` }, 'health-upgraded'] },
          2: { requires: [{ property: 'marked', equals: '{version}' }] },
        };
        const body = { ...fleetFile, environments: [fleetFile.environments[0], { ...fleetFile.environments[1], phases }] };
        const declared = await t.admin({ method: 'PUT', url: '/api/platform/fleet', body });
        assert.equal(declared.status, 200, declared.text);
        assert.equal((await t.admin({ method: 'PATCH', url: `/api/platform/fleet/versions/${V3}`, body: { add: ['QA_OK'] } })).status, 200);
        const sim = new SimulatedPlatform();
        for (const id of IDS) sim.addPair(`PROD_${id}`, `PROD_P_${id}`, `PROD_S_${id}`, id === '002' ? V1 : V2);
        sim.delayMs = 15;
        const start = await t.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: 'PROD', version: V3, concurrency: 1 } });
        assert.equal(start.status, 200, start.text);
        const run = (start.body as { data: RunRecord }).data;
        const orchestrator = () => {
          const o = new Orchestrator({ store: t.deps.store, logger, baseDir: dir, leaseMs: 400, pollMs: 20, createDriver: () => sim.driver() });
          started.push(o);
          return o;
        };
        const first = orchestrator();
        first.start();
        await waitFor('the run is in phase 2', async () => (await readRun(t.deps.store.db, run.id)).phase >= 2, { everyMs: 20 });
        await first.stop(true);
        const done = await orchestrator().driveToEnd(run.id);
        assert.equal(done.state, 'completed', done.reason ?? '');
        assert.equal(done.reason, null, 'every pair passed phase 2’s condition on what phase 1 stored');
        assert.deepEqual(readFileSync(marks, 'utf8').trim().split('\n').sort(), ['PROD_S_001', 'PROD_S_002', 'PROD_S_003'], 'each mark step ran once');
        const steps = await readSteps(t.deps.store.db, run.id);
        assert.equal(new Set(steps.map((x) => x.orchestrator)).size, 2);
        assert.equal(steps.filter((x) => x.step === 'mark' && x.state === 'succeeded').length, 3);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
