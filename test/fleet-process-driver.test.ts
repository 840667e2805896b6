/**
 * The `process` fleet driver against real node processes behind the real pair switch, with load on
 * every pair the whole time: the upgrade steps of docs/decisions/fleet-upgrades.md done by hand (the orchestrator is
 * tested elsewhere) must not fail a single request.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import type { ActionContext, NodeDriver } from '../src/fleet/drivers/node-driver.js';
import { processDriverConfigSchema, readProcessNode } from '../src/fleet/drivers/process-driver.js';
import { startLoad, type LoadGenerator } from './support/fleet-load.js';
import { pidAlive, startFleet, type Fleet } from './support/fleet-processes.js';
import { waitUntilStarted } from './support/wait-for.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const V1 = '1.0.0';
const V2 = '2.0.0';

const ctx = (): ActionContext => ({
  signal: new AbortController().signal,
  timeoutMs: 30_000,
  logger: pino({ level: 'silent' }),
});

let fleet: Fleet;
let driver: NodeDriver;
let load: LoadGenerator | undefined;
/** Every node pid seen, to prove at the end that none is left. */
const pids = new Set<number>();

async function pidOf(node: string): Promise<number> {
  const record = await readProcessNode(fleet.driverConfig, fleet.deps, node);
  assert.ok(record, `${node} has a pid file`);
  pids.add(record.pid);
  return record.pid;
}

before(async () => {
  fleet = await startFleet({ environment: 'FLT', pairs: 2, failVersions: { FLT_S_002: [V2] } });
  driver = fleet.createDriver();
});

after(async () => {
  await load?.stop();
  await driver?.close();
  await fleet?.stop();
});

test('the config schema names what is wrong', () => {
  const ok = processDriverConfigSchema.safeParse({ type: 'process', start: 'exec x', healthUrl: 'h', switchUrl: 's' });
  assert.equal(ok.success, true);
  const missing = processDriverConfigSchema.safeParse({ type: 'process', healthUrl: 'h', switchUrl: 's' });
  assert.match(missing.error?.issues[0]?.message ?? '', /driver\.start is required/);
  const unknown = processDriverConfigSchema.safeParse({ type: 'process', start: 'x', healthUrl: 'h', switchUrl: 's', stateDirr: 'x' });
  assert.match(JSON.stringify(unknown.error?.issues), /stateDirr/);
  const zero = processDriverConfigSchema.safeParse({ type: 'process', start: 'x', healthUrl: 'h', switchUrl: 's', stopTimeoutSeconds: 0 });
  assert.match(zero.error?.issues[0]?.message ?? '', /stopTimeoutSeconds must be more than 0/);
});

test('upgrade starts a node that is not running; health reports its version', async () => {
  const down = await driver.health(fleet.node('FLT_P_001'), ctx());
  assert.equal(down.ok, false);
  const outcomes = await Promise.all(fleet.nodes.map((n) => driver.upgrade(n, V1, ctx())));
  for (const o of outcomes) assert.equal(o.ok, true, o.output);
  for (const n of fleet.nodes) {
    const h = await driver.health(n, ctx());
    assert.equal(h.ok, true, h.output);
    assert.equal(h.version, V1);
    await pidOf(n.name);
  }
  // From here on, every pair is under load until the end.
  load = startLoad(fleet.loadTargets());
  await load.progress(20);
});

test('phased upgrade of pair 001 under load: secondary, switch, primary, switch back', async () => {
  const pair = fleet.pair('FLT_001');
  const l = load!;

  const s1 = await pidOf(pair.secondary.name);
  const up = await driver.upgrade(pair.secondary, V2, ctx());
  assert.equal(up.ok, true, up.output);
  assert.match(up.output, /stopped \(SIGTERM\)/);
  const s2 = await pidOf(pair.secondary.name);
  assert.notEqual(s2, s1, 'a new process runs the new version');
  assert.equal(pidAlive(s1), false, 'the old process is gone');
  assert.equal((await driver.health(pair.secondary, ctx())).version, V2);

  // Idempotent: the orchestrator repeats an interrupted step.
  const again = await driver.upgrade(pair.secondary, V2, ctx());
  assert.equal(again.ok, true, again.output);
  assert.match(again.output, /already runs 2\.0\.0.*nothing to do/);
  assert.equal(await pidOf(pair.secondary.name), s2, 'not restarted');
  await l.progress(20);

  const sw = await driver.switchActive(pair, pair.secondary, ctx());
  assert.equal(sw.ok, true, sw.output);
  assert.equal((await fleet.switchState(pair.id)).node, pair.secondary.name);
  const swAgain = await driver.switchActive(pair, pair.secondary, ctx());
  assert.equal(swAgain.ok, true, swAgain.output);
  assert.match(swAgain.output, /"changed":false/);
  await l.progress(20);

  const p1 = await pidOf(pair.primary.name);
  const upP = await driver.upgrade(pair.primary, V2, ctx());
  assert.equal(upP.ok, true, upP.output);
  assert.notEqual(await pidOf(pair.primary.name), p1);
  assert.equal((await driver.health(pair.primary, ctx())).version, V2);
  await l.progress(20);

  const back = await driver.switchActive(pair, pair.primary, ctx());
  assert.equal(back.ok, true, back.output);
  assert.equal((await fleet.switchState(pair.id)).node, pair.primary.name);
  await l.progress(20);

  const report = l.snapshot().pairs[pair.id]!;
  assert.deepEqual(report.failures, [], `no failed request:\n${fleet.switchOutput()}`);
  assert.deepEqual(report.versions, [V1, V2]);
  assert.deepEqual(report.nodes, [pair.primary.name, pair.secondary.name, pair.primary.name]);
});

test('a node that fails to start on the new version: ok false naming the exit code, the pair keeps serving', async () => {
  const pair = fleet.pair('FLT_002');
  const l = load!;
  const up = await driver.upgrade(pair.secondary, V2, ctx());
  assert.equal(up.ok, false);
  assert.match(up.output, /exited with code 1 before it reported healthy on 2\.0\.0/);
  assert.match(up.output, /refusing to start \(simulated failed upgrade\)/, 'the end of the node log is in the output');
  assert.equal(await readProcessNode(fleet.driverConfig, fleet.deps, pair.secondary.name), undefined, 'no pid file for a dead node');
  assert.equal((await driver.health(pair.secondary, ctx())).ok, false);
  // The orchestrator never switches to a node that failed its upgrade: the primary keeps serving.
  assert.equal((await fleet.switchState(pair.id)).node, pair.primary.name);
  await l.progress(20);
  const report = l.snapshot().pairs[pair.id]!;
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.versions, [V1]);
  assert.deepEqual(report.nodes, [pair.primary.name]);
});

test('a node started by an orchestrator that was SIGKILLed survives it and is managed by the next one', async () => {
  const node = fleet.node('FLT_S_002');
  // The first orchestrator: another process that starts the node, reports, and is then killed.
  const script = `
    import pino from 'pino';
    import { createProcessDriver } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'src/fleet/drivers/process-driver.ts')).href)};
    const [config, deps, node] = JSON.parse(process.argv[1]);
    const driver = createProcessDriver(config, { ...deps, logger: pino({ level: 'silent' }) });
    const ctx = { signal: new AbortController().signal, timeoutMs: 30000, logger: pino({ level: 'silent' }) };
    const outcome = await driver.upgrade(node, '1.0.0', ctx);
    process.stdout.write('outcome ' + JSON.stringify(outcome) + '\\n');
    setInterval(() => {}, 1000);
  `;
  const orchestrator = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script, JSON.stringify([fleet.driverConfig, { baseDir: fleet.deps.baseDir }, node])],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  orchestrator.stdout.on('data', (d: Buffer) => (out += d.toString()));
  orchestrator.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((r) => orchestrator.once('exit', r));
  try {
    await waitUntilStarted(
      'the first orchestrator reports its outcome',
      orchestrator,
      () => out,
      () => /^outcome /m.test(out),
      { everyMs: 50 },
    );
  } finally {
    orchestrator.kill('SIGKILL');
    await exited;
  }
  const outcome = JSON.parse(/^outcome (.*)$/m.exec(out)![1]!) as { ok: boolean; output: string };
  assert.equal(outcome.ok, true, outcome.output);

  const started = await pidOf(node.name);
  assert.equal(pidAlive(started), true, 'the node outlived the orchestrator');
  assert.equal((await driver.health(node, ctx())).version, V1);

  // The next orchestrator: a new driver instance with nothing but the pid file to go on.
  const next = fleet.createDriver();
  const up = await next.upgrade(node, '1.1.0', ctx());
  assert.equal(up.ok, true, up.output);
  assert.match(up.output, new RegExp(`pid ${started}.*stopped \\(SIGTERM\\)`));
  assert.equal(pidAlive(started), false);
  assert.notEqual(await pidOf(node.name), started);
  assert.equal((await next.health(node, ctx())).version, '1.1.0');
  await next.close();
});

test('stopping the fleet leaves no process behind, and no request failed all along', async () => {
  const report = await load!.stop();
  load = undefined;
  for (const p of Object.values(report.pairs)) {
    assert.deepEqual(p.failures, [], `${p.pair}: no failed request:\n${fleet.switchOutput()}`);
    assert.ok(p.requests > 100, `${p.pair} was under load (${p.requests} requests)`);
  }
  const switchPid = fleet.switchPid();
  const stopped = await fleet.stop();
  for (const n of stopped.nodes) assert.equal(n.stopped, true, n.output);
  assert.deepEqual(stopped.leaked, []);
  for (const pid of [...pids, switchPid]) assert.equal(pidAlive(pid), false, `pid ${pid} is gone`);
});
