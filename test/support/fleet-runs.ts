import assert from 'node:assert/strict';
import pino from 'pino';
import type { RunRecord } from '../../src/fleet/store/records.js';
import { readRun } from '../../src/fleet/store/runs.js';
import { Orchestrator } from '../../src/fleet/orchestrator.js';
import type { RunView } from '../../src/fleet/run-view.js';
import type { TestApp } from './app.js';
import { SimulatedPlatform } from './fleet-sim.js';
import { waitFor } from './wait-for.js';

/** What the orchestrated fleet tests share: a fleet of PROD pairs on the simulated platform, driven through the API. */

const logger = pino({ level: process.env.DRYDOCK_TEST_LOG ?? 'silent' });
export const V1 = '1.0.0';
export const V2 = '2.0.0';

/** A fleet file (as the API takes it) with `n` PROD pairs and one QA pair. */
export function fleetFile(n: number, extra: Record<string, unknown> = {}) {
  const ids = Array.from({ length: n }, (_, i) => String(i + 1).padStart(3, '0'));
  return {
    environments: [
      { name: 'PROD', gate: 'QA_OK and not Blocked', concurrency: 3, driver: { type: 'noop' }, ...extra },
      { name: 'QA', driver: { type: 'noop' } },
    ],
    nodes: [
      ...ids.flatMap((id) => [
        { name: `PROD_P_${id}`, version: V1, properties: { port: 7000 + Number(id) } },
        { name: `PROD_S_${id}`, version: V1 },
      ]),
      { name: 'QA_P_001', version: V1 },
      { name: 'QA_S_001', version: V1 },
    ],
  };
}

export function platformFor(n: number): SimulatedPlatform {
  const sim = new SimulatedPlatform();
  for (let i = 1; i <= n; i++) {
    const id = String(i).padStart(3, '0');
    sim.addPair(`PROD_${id}`, `PROD_P_${id}`, `PROD_S_${id}`, V1);
  }
  return sim;
}

const started: Orchestrator[] = [];
export function orchestrator(t: TestApp, sim: SimulatedPlatform, leaseMs = 5_000): Orchestrator {
  const o = new Orchestrator({ store: t.deps.store, logger, baseDir: process.cwd(), leaseMs, pollMs: 20, createDriver: () => sim.driver() });
  started.push(o);
  return o;
}

/** Stops every orchestrator a test started (a failed test must not leave one driving runs into the next). */
export async function stopOrchestrators(): Promise<void> {
  await Promise.all(started.splice(0).map((o) => o.stop(true)));
}

/** Which node of each of `n` pairs is active at first: the primary (`on` 'P') or the secondary. */
export const initialActive = (n: number, on: 'P' | 'S' = 'P') =>
  new Map(Array.from({ length: n }, (_, i) => String(i + 1).padStart(3, '0')).map((id) => [`PROD_${id}`, `PROD_${on}_${id}`]));

export async function startRun(t: TestApp, body: Record<string, unknown> = {}): Promise<RunRecord> {
  const res = await t.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: 'PROD', version: V2, ...body } });
  assert.equal(res.status, 200, res.text);
  return (res.body as { data: RunRecord }).data;
}

export async function view(t: TestApp, runId: string): Promise<RunView> {
  const res = await t.admin({ url: `/api/platform/fleet/runs/${runId}` });
  assert.equal(res.status, 200, res.text);
  return (res.body as { data: RunView }).data;
}

/** Waits until the run is in `state`, and returns it. */
/**
 * What a run that upgraded every pair of the simulated fleet to V2 leaves: PROD_OK (and the gate's
 * QA_OK) on the version, every pair done on V2 with its primary serving, every simulated node up on
 * V2, and no invariant the simulator checks broken.
 */
export async function assertFleetUpgraded(t: TestApp, sim: SimulatedPlatform, runId: string): Promise<void> {
  const v = await view(t, runId);
  assert.deepEqual(v.statuses, ['PROD_OK', 'QA_OK']);
  for (const p of v.pairs) {
    assert.equal(p.state, 'done', p.pair);
    assert.equal(p.primaryVersion, V2, p.pair);
    assert.equal(p.secondaryVersion, V2, p.pair);
    assert.equal(p.active, p.pair.replace('PROD_', 'PROD_P_'), `${p.pair}: the primary serves again`);
  }
  for (const [node, s] of sim.nodes) assert.deepEqual(s, { version: V2, up: true }, node);
  assert.deepEqual(sim.violations, []);
}

export function waitForState(t: TestApp, runId: string, state: RunRecord['state']): Promise<RunRecord> {
  return waitFor(`the run is ${state}`, async () => {
    const r = await readRun(t.deps.store.db, runId);
    return r.state === state ? r : undefined;
  });
}

/** A fresh fleet of `n` PROD pairs: runs, statuses and pairs deleted, the fleet declared, the gate opened for V2. */
export async function declareFleet(t: TestApp, n: number, extra: Record<string, unknown> = {}): Promise<void> {
  await t.deps.store.transaction('shared', async (trx) => {
    await trx.deleteFrom('fleet_runs').execute();
    await trx.deleteFrom('fleet_version_statuses').execute();
    await trx.deleteFrom('fleet_pairs').execute();
  });
  const res = await t.admin({ method: 'PUT', url: '/api/platform/fleet', body: fleetFile(n, extra) });
  assert.equal(res.status, 200, res.text);
  const gate = await t.admin({ method: 'PATCH', url: `/api/platform/fleet/versions/${V2}`, body: { add: ['QA_OK'] } });
  assert.equal(gate.status, 200, gate.text);
}
