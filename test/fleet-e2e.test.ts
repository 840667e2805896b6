/**
 * The end-to-end acceptance test of the phased upgrade (docs/decisions/fleet-upgrades.md) with the `process` driver:
 * 8 sub-environments, each a pair of real HTTP node processes behind the local active/passive
 * switch, a load generator on every pair for the whole run, the fleet declared and the run started
 * through the API, and the orchestrator as a real `drydock fleet orchestrator` subprocess.
 *
 * Every scenario starts from nothing (a fresh database, a fresh fleet on 1.0.0): a shared fleet
 * would carry the previous run's versions, and the version sequence each pair's traffic saw would
 * no longer read 1.0.0 → 2.0.0. Setting up costs a few seconds; the runs themselves dominate.
 *
 * Backends: store tests run against both, but each scenario here is a whole fleet of processes and
 * an upgrade of it, and this file must stay well inside the runner's 300 s per-file timeout on a
 * 2-core CI machine. So the plain upgrade runs on both backends, the failed pair on SQLite only
 * (nothing in it depends on the backend beyond what the plain run covers) and the killed
 * orchestrators on PostgreSQL only (the production backend of a multi-process deployment, where a
 * second orchestrator on another host takes a run over).
 */
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import pino from 'pino';
import type { ActionContext, NodeDriver } from '../src/fleet/drivers/node-driver.js';
import type { StepRecord } from '../src/fleet/store/records.js';
import { verifyStepLog } from '../src/fleet/invariants.js';
import type { RunView } from '../src/fleet/run-view.js';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS, type BackendName } from './support/backends.js';
import { spawnCli, type CliProcess } from './support/cli.js';
import { startLoad, type LoadGenerator, type LoadReport } from './support/fleet-load.js';
import { fleetProcessPids, pidAlive, startFleet, type Fleet } from './support/fleet-processes.js';
import { waitFor, waitUntilStarted } from './support/wait-for.js';

const V1 = '1.0.0';
const V2 = '2.0.0';
const PAIRS = 8;
const ENV = 'E2E';
/** Short, so an orchestrator that replaces a SIGKILLed one does not wait long; renewed every third of it. */
const LEASE_SECONDS = 2;
/** The hold after phase 2 in the SIGKILL scenario: longer than a takeover (the lease, a process start), so the kill lands in it and the next orchestrator finds it still on. */
const HOLD_SECONDS = 6;
/** Generous: a run takes some seconds; a machine shared with other test files may make it take many more. */
const RUN_TIMEOUT_MS = 150_000;

const ctx = (): ActionContext => ({
  signal: new AbortController().signal,
  timeoutMs: 30_000,
  logger: pino({ level: 'silent' }),
});

/** A `drydock fleet orchestrator` subprocess. */
interface OrchestratorProcess {
  readonly cli: CliProcess;
  readonly pid: number;
  output(): string;
  /** Whether it has claimed a run (it logged "fleet: driving run"). */
  driving(): boolean;
  exited(): boolean;
}

/** Everything one scenario runs; `tearDown` takes it all down and reports what outlived it. */
interface Stage {
  readonly app: TestApp;
  readonly fleet: Fleet;
  /** The test's own driver: starts the nodes on 1.0.0 and checks their health at the end. */
  readonly driver: NodeDriver;
  /** Started once every node is up and the fleet is declared. */
  load?: LoadGenerator;
  readonly orchestrators: OrchestratorProcess[];
  /** Set once the load was stopped. */
  report?: LoadReport;
}

let current: Stage | undefined;
/**
 * Every orchestrator and fleet this file started, checked once more when the file ends: the
 * orchestrators by their exit (not by pid, which the kernel may have handed to another process
 * since), the fleets' processes by the marker the driver puts in their environment.
 */
const everyOrchestrator: OrchestratorProcess[] = [];
const everyStateDir = new Set<string>();

/** Starts `drydock fleet orchestrator` on the stage's database and waits until it says it started. */
async function startOrchestrator(stage: Stage): Promise<OrchestratorProcess> {
  const cli = spawnCli(['fleet', 'orchestrator'], {
    DRYDOCK_DATABASE_URL: stage.app.database.url,
    DRYDOCK_FLEET_LEASE_SECONDS: String(LEASE_SECONDS),
    DRYDOCK_FLEET_POLL_MS: '50',
    // info: its "started" and "driving run" lines are how this file knows where it is.
    DRYDOCK_LOG_LEVEL: 'info',
  });
  const output = () => cli.stdout() + cli.stderr();
  const o: OrchestratorProcess = {
    cli,
    pid: cli.child.pid!,
    output,
    driving: () => cli.stdout().includes('"msg":"fleet: driving run"'),
    exited: () => cli.child.exitCode !== null || cli.child.signalCode !== null,
  };
  stage.orchestrators.push(o);
  everyOrchestrator.push(o);
  await waitUntilStarted('drydock fleet orchestrator', cli.child, output, () => cli.stdout().includes('"msg":"fleet orchestrator started"'), {
    timeoutMs: 60_000,
    everyMs: 50,
  });
  return o;
}

/**
 * A fresh database with the fleet declared through the API, every node started on 1.0.0, the gate
 * open for 2.0.0, and load on every pair.
 */
async function setUp(backend: BackendName, failVersions?: Record<string, string[]>): Promise<Stage> {
  const app = await startTestApp(backend);
  let fleet: Fleet | undefined;
  try {
    fleet = await startFleet({ environment: ENV, pairs: PAIRS, ...(failVersions && { failVersions }) });
    everyStateDir.add(fleet.driverConfig.stateDir!);
    const driver = fleet.createDriver();
    const stage: Stage = { app, fleet, driver, orchestrators: [] };
    current = stage; // from here on, tearDown stops everything
    const started = await Promise.all(fleet.nodes.map((n) => driver.upgrade(n, V1, ctx())));
    for (const s of started) assert.equal(s.ok, true, s.output);

    // The fleet file carries the same properties startFleet gave the driver's targets: `port` and
    // `failVersions` per node, `switchAdminPort` and `switchPort` per pair.
    const declared = await app.admin({
      method: 'PUT',
      url: '/api/platform/fleet',
      body: {
        environments: [{ name: ENV, gate: 'QA_OK', concurrency: 4, driver: fleet.driverConfig, actionTimeoutSeconds: 60, healthTimeoutSeconds: 10 }],
        nodes: fleet.nodes.map((n) => ({ name: n.name, version: V1, properties: n.properties })),
        pairs: Object.fromEntries(fleet.pairs.map((p) => [p.id, { active: 'P', properties: p.properties }])),
      },
    });
    assert.equal(declared.status, 200, declared.text);
    const gate = await app.admin({ method: 'PATCH', url: `/api/platform/fleet/versions/${V2}`, body: { add: ['QA_OK'] } });
    assert.equal(gate.status, 200, gate.text);

    stage.load = startLoad(fleet.loadTargets());
    await stage.load.progress(20, 30_000);
    return stage;
  } catch (err) {
    if (!current) {
      await fleet?.stop();
      await app.close();
    }
    throw err;
  }
}

/** What was left running after a scenario; every list should be empty. */
interface Leftovers {
  readonly orchestrators: number[];
  readonly nodes: string[];
  readonly leaked: number[];
  readonly processes: number[];
}

/** Stops the orchestrators (SIGTERM, SIGKILL after 15 s), the load, the fleet, the app. Idempotent. */
async function tearDown(): Promise<Leftovers | undefined> {
  const stage = current;
  if (!stage) return undefined;
  current = undefined;
  await Promise.all(
    stage.orchestrators.map(async (o) => {
      if (o.exited()) return;
      o.cli.child.kill('SIGTERM');
      const killer = setTimeout(() => o.cli.child.kill('SIGKILL'), 15_000);
      await o.cli.result;
      clearTimeout(killer);
    }),
  );
  if (!stage.report) stage.report = await stage.load?.stop();
  await stage.driver.close();
  const switchPid = stage.fleet.switchPid();
  const stopped = await stage.fleet.stop();
  await stage.app.close();
  return {
    orchestrators: stage.orchestrators.filter((o) => !o.exited()).map((o) => o.pid),
    nodes: stopped.nodes.filter((n) => !n.stopped).map((n) => n.output),
    leaked: [...stopped.leaked],
    processes: [
      switchPid,
      ...stopped.nodes.flatMap((n) => (n.pid === undefined ? [] : [n.pid])),
      ...fleetProcessPids(stage.fleet.driverConfig.stateDir!),
    ].filter(pidAlive),
  };
}

async function assertNothingLeft(): Promise<void> {
  const left = await tearDown();
  assert.deepEqual(left, { orchestrators: [], nodes: [], leaked: [], processes: [] }, 'no orchestrator, node or switch outlives the scenario');
}

async function startRun(stage: Stage, options: { concurrency?: number; holdAfter?: { phase: number; seconds: number } } = {}): Promise<string> {
  const res = await stage.app.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: ENV, version: V2, ...options } });
  assert.equal(res.status, 200, res.text);
  return (res.body as { data: { id: string } }).data.id;
}

async function view(stage: Stage, runId: string): Promise<RunView> {
  const res = await stage.app.admin({ url: `/api/platform/fleet/runs/${runId}` });
  assert.equal(res.status, 200, res.text);
  return (res.body as { data: RunView }).data;
}

async function steps(stage: Stage, runId: string): Promise<StepRecord[]> {
  const res = await stage.app.admin({ url: `/api/platform/fleet/runs/${runId}/steps` });
  assert.equal(res.status, 200, res.text);
  return (res.body as { data: StepRecord[] }).data;
}

/** Polls the run view until the run ended; fails with the matrix and the orchestrators' output when it takes too long or no orchestrator is left. */
async function waitForEnd(stage: Stage, runId: string): Promise<RunView> {
  let last: RunView | undefined;
  const state = () =>
    last === undefined
      ? 'no view yet'
      : `run ${runId} is ${last.run.state} in phase ${last.run.phase}:\n${JSON.stringify(last.pairs, null, 1)}\n` +
        `orchestrator output:\n${stage.orchestrators.map((o) => o.output()).join('\n---\n')}`;
  return waitFor(
    `run ${runId} ended`,
    async () => {
      last = await view(stage, runId);
      if (last.run.state === 'completed' || last.run.state === 'failed') return last;
      if (!stage.orchestrators.some((o) => !o.exited())) throw new Error(`no orchestrator runs: ${state()}`);
      return undefined;
    },
    { timeoutMs: RUN_TIMEOUT_MS, everyMs: 250, explain: state },
  );
}

/** Stops the load after some more requests on every pair (after the last switch), and keeps its report. */
async function stopLoad(stage: Stage): Promise<LoadReport> {
  await stage.load!.progress(20, 30_000);
  stage.report = await stage.load!.stop();
  return stage.report;
}

const initialActive = (fleet: Fleet) => new Map(fleet.pairs.map((p) => [p.id, p.primary.name]));

function loadSummary(report: LoadReport): string {
  const per = Object.values(report.pairs).map((p) => `${p.pair} ${p.requests} (max ${p.maxLatencyMs} ms)`);
  return `load: ${report.requests} requests, ${report.failures} failed, in ${Math.round(report.durationMs / 1000)} s; ${per.join(', ')}`;
}

/** Every pair done on 2.0.0 with its primary active (store, switch and nodes agree), the version marked E2E_OK. */
async function assertUpgraded(stage: Stage, v: RunView, pairs: readonly string[]): Promise<void> {
  for (const id of pairs) {
    const pair = stage.fleet.pair(id);
    const row = v.pairs.find((p) => p.pair === id);
    assert.ok(row, `${id} is in the run`);
    assert.equal(row.state, 'done', `${id}: ${row.error ?? ''}`);
    assert.deepEqual(row.phases, { 1: 'done', 2: 'done', 3: 'done', 4: 'done' });
    assert.equal(row.primaryVersion, V2, id);
    assert.equal(row.secondaryVersion, V2, id);
    assert.equal(row.active, pair.primary.name, `${id}: the primary is active again`);
    assert.equal((await stage.fleet.switchState(id)).node, pair.primary.name, `${id}: the switch sends traffic to the primary`);
    for (const node of [pair.primary, pair.secondary]) {
      const h = await stage.driver.health(node, ctx());
      assert.equal(h.ok, true, h.output);
      assert.equal(h.version, V2, `${node.name} runs ${V2}`);
    }
    const traffic = stage.report!.pairs[id]!;
    assert.deepEqual(traffic.versions, [V1, V2], `${id}: its traffic saw ${V1} then ${V2}, never back`);
    assert.deepEqual(traffic.nodes, [pair.primary.name, pair.secondary.name, pair.primary.name], `${id}: served by P, S while P was upgraded, then P`);
  }
  assert.deepEqual(v.statuses, [`${ENV}_OK`, 'QA_OK'], 'the phase statuses gave way to E2E_OK');
}

function assertNoFailedRequest(stage: Stage): void {
  const report = stage.report!;
  const failures = Object.values(report.pairs).flatMap((p) => p.failures.map((f) => `${p.pair} at +${f.sinceStartMs} ms: ${f.error}`));
  assert.deepEqual(failures, [], `no request failed; the switch said:\n${stage.fleet.switchOutput()}`);
  for (const p of Object.values(report.pairs)) assert.ok(p.requests >= 40, `${p.pair} was under load the whole run (${p.requests} requests)`);
}

/** The run held after `phase` until the end it recorded, and no step of the next phase started before it; returns that end. */
function assertHeld(v: RunView, log: readonly StepRecord[], phase: number): string {
  const until = v.run.hold?.until;
  assert.ok(until, `the run held after phase ${phase}`);
  assert.equal(v.run.hold?.afterPhase, phase);
  const early = log.filter((s) => s.phase === phase + 1 && s.startedAt < until).map((s) => `${s.pairId} ${s.step} at ${s.startedAt}`);
  assert.deepEqual(early, [], `no phase ${phase + 1} step started before the hold ended (${until})`);
  return until;
}

/** The step log's own checks: every invariant held, and no step that succeeded was run again. */
function assertStepLog(stage: Stage, log: readonly StepRecord[]): void {
  assert.deepEqual(verifyStepLog(log, V2, initialActive(stage.fleet)), []);
  const succeeded = new Map<string, number>();
  for (const s of log.filter((x) => x.state === 'succeeded')) {
    const key = `${s.pairId}/${s.phase}/${s.attempt}/${s.step}`;
    succeeded.set(key, (succeeded.get(key) ?? 0) + 1);
  }
  assert.deepEqual(
    [...succeeded].filter(([, n]) => n > 1),
    [],
    'no (pair, phase, attempt, step) succeeded twice',
  );
}

afterEach(async () => {
  // A failed scenario must not leave its processes loading the machine for the next one.
  await tearDown();
});

after(() => {
  const orchestrators = everyOrchestrator.filter((o) => !o.exited()).map((o) => o.pid);
  const fleetProcesses = [...everyStateDir].flatMap(fleetProcessPids);
  assert.deepEqual({ orchestrators, fleetProcesses }, { orchestrators: [], fleetProcesses: [] }, 'nothing this file started outlives it');
});

for (const backend of BACKENDS) {
  describe(`fleet phased upgrade end to end, process driver, orchestrator subprocess (${backend})`, () => {
    it(`upgrades ${PAIRS} pairs of real nodes under load to ${V2}, holding after phase 2: every pair done, primaries active, ${ENV}_OK, no failed request, invariants hold`, async (t) => {
      const stage = await setUp(backend);
      // The secondaries serve the new version for a while (a soak) before the primaries are upgraded.
      const runId = await startRun(stage, { holdAfter: { phase: 2, seconds: 1 } });
      await startOrchestrator(stage);
      const v = await waitForEnd(stage, runId);
      assert.equal(v.run.state, 'completed', v.run.reason ?? '');
      assert.equal(v.run.reason, null);
      assert.deepEqual(v.counts, { waiting: 0, running: 0, done: PAIRS, failed: 0, total: PAIRS });
      const report = await stopLoad(stage);
      t.diagnostic(loadSummary(report));
      assertNoFailedRequest(stage);
      await assertUpgraded(
        stage,
        v,
        stage.fleet.pairs.map((p) => p.id),
      );
      const log = await steps(stage, runId);
      assertStepLog(stage, log);
      assertHeld(v, log, 2);
      assert.equal(log.filter((s) => s.state === 'succeeded').length, PAIRS * 4 * 3, 'three steps per phase, four phases per pair');
      assert.equal(new Set(log.map((s) => s.orchestrator)).size, 1);
      await assertNothingLeft();
    });

    if (backend === 'sqlite') {
      it('a pair whose secondary fails to start on the new version ends failed on the old one and keeps serving; the others complete; the run names it', async (t) => {
        const bad = `${ENV}_003`;
        const badSecondary = `${ENV}_S_003`;
        const stage = await setUp(backend, { [badSecondary]: [V2] });
        const runId = await startRun(stage);
        await startOrchestrator(stage);
        const v = await waitForEnd(stage, runId);
        assert.equal(v.run.state, 'completed');
        assert.match(v.run.reason ?? '', new RegExp(`^1 of ${PAIRS} pairs failed: ${bad}$`));
        const report = await stopLoad(stage);
        t.diagnostic(loadSummary(report));
        assertNoFailedRequest(stage);

        const failed = v.pairs.find((p) => p.pair === bad)!;
        assert.equal(failed.state, 'failed');
        assert.equal(failed.phases['1'], 'failed');
        assert.match(failed.error ?? '', new RegExp(`${badSecondary}.*exited with code 1 before it reported healthy on ${V2.replace(/\./g, '\\.')}`, 's'));
        assert.equal(failed.active, `${ENV}_P_003`);
        assert.equal(failed.primaryVersion, V1);
        assert.equal(failed.secondaryVersion, V1);
        const pair = stage.fleet.pair(bad);
        assert.equal((await stage.fleet.switchState(bad)).node, pair.primary.name, 'the switch never moved');
        for (const node of [pair.primary, pair.secondary]) {
          const h = await stage.driver.health(node, ctx());
          assert.equal(h.ok, true, `${node.name} is up: ${h.output}`);
          assert.equal(h.version, V1, `${node.name} is on ${V1} (the secondary was rolled back)`);
        }
        const traffic = report.pairs[bad]!;
        assert.deepEqual(traffic.versions, [V1]);
        assert.deepEqual(traffic.nodes, [pair.primary.name]);

        await assertUpgraded(
          stage,
          v,
          stage.fleet.pairs.map((p) => p.id).filter((id) => id !== bad),
        );
        const log = await steps(stage, runId);
        assertStepLog(stage, log);
        const rollback = log.filter((s) => s.pairId === bad && s.step.startsWith('rollback-')).map((s) => `${s.step} ${s.node} ${s.version} ${s.state}`);
        assert.deepEqual(rollback, [`rollback-upgrade ${badSecondary} ${V1} succeeded`, `rollback-health ${badSecondary} ${V1} succeeded`]);
        await assertNothingLeft();
      });
    }

    if (backend === 'postgres') {
      it('an orchestrator SIGKILLed at random points and during a hold is replaced after its lease each time: the hold keeps its end, the run completes, no failed request, no step succeeded twice, invariants hold', async (t) => {
        const stage = await setUp(backend);
        // Kill points are random in the run's progress, not in wall time: each orchestrator is killed
        // after it recorded a random 2–20 more steps (a row per step started: upgrades, health checks,
        // switches; plus a random 0–300 ms). A run has 96 steps, so four kills (at most 80) always land inside it,
        // however fast the machine (wall-time delays let a faster run end after two kills). One pair
        // at a time keeps the steps of a kill point in one pair's sequence. The second kill lands in the
        // hold after phase 2 instead: the next orchestrator must wait until the end the run recorded.
        const runId = await startRun(stage, { concurrency: 1, holdAfter: { phase: 2, seconds: HOLD_SECONDS } });
        const kills: string[] = [];
        let heldUntil: string | undefined;
        let o = await startOrchestrator(stage);
        for (let i = 0; i < 4; i++) {
          // Once it drives the run (a new one first waits out its predecessor's lease), at a random moment.
          await waitUntilStarted(
            `orchestrator ${i + 1} taking the run over`,
            o.cli.child,
            () => o.output(),
            () => o.driving(),
            { timeoutMs: 60_000, everyMs: 20 },
          );
          if (i === 1) {
            const holding = await waitFor(
              'the run holds after phase 2',
              async () => {
                const v = await view(stage, runId);
                if (v.run.phase > 2) throw new Error(`the hold after phase 2 ended before it was seen: ${JSON.stringify(v.run.hold)}`);
                return v.holdingUntil ?? undefined;
              },
              { timeoutMs: RUN_TIMEOUT_MS, everyMs: 20 },
            );
            heldUntil = holding;
            o.cli.child.kill('SIGKILL');
            assert.equal((await o.cli.result).signal, 'SIGKILL');
            kills.push(`during the hold after phase 2 (until ${holding})`);
            o = await startOrchestrator(stage);
            continue;
          }
          const recorded = (await steps(stage, runId)).length;
          const more = 2 + Math.floor(Math.random() * 19);
          const progressDeadline = Date.now() + 60_000;
          while ((await steps(stage, runId)).length < recorded + more && Date.now() < progressDeadline) await sleep(20);
          const delay = Math.floor(Math.random() * 300);
          await sleep(delay);
          const before = await view(stage, runId);
          if (before.run.state === 'completed') break;
          o.cli.child.kill('SIGKILL');
          const ended = await o.cli.result;
          assert.equal(ended.signal, 'SIGKILL');
          kills.push(`after ${more} more steps + ${delay} ms, in phase ${before.run.phase} with ${before.counts.running} pairs mid-phase`);
          o = await startOrchestrator(stage);
        }
        t.diagnostic(`SIGKILLed ${kills.length} orchestrators: ${kills.join('; ')}`);
        assert.ok(kills.length >= 3, `the run outlived at least three kills (${kills.length})`);
        const v = await waitForEnd(stage, runId);
        assert.equal(v.run.state, 'completed', v.run.reason ?? '');
        assert.equal(v.run.reason, null);
        const report = await stopLoad(stage);
        t.diagnostic(loadSummary(report));
        assertNoFailedRequest(stage);
        await assertUpgraded(
          stage,
          v,
          stage.fleet.pairs.map((p) => p.id),
        );
        const log = await steps(stage, runId);
        assertStepLog(stage, log);
        assert.equal(assertHeld(v, log, 2), heldUntil, 'the hold ended when it was recorded to, before the kill');
        const owners = new Set(log.map((s) => s.orchestrator));
        const interrupted = log.filter((s) => s.state === 'interrupted').map((s) => `${s.pairId} phase ${s.phase} ${s.step} (${s.action} ${s.node})`);
        t.diagnostic(`${log.length} steps by ${owners.size} orchestrators; interrupted by a kill and run again: ${interrupted.join(', ') || 'none'}`);
        assert.ok(owners.size >= 2, `the step log shows the run changing hands (${[...owners].join(', ')})`);
        await assertNothingLeft();
      });
    }
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
