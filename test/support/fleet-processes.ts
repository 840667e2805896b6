import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { DriverDeps } from '../../src/fleet/drivers/driver-config.js';
import type { NodeDriver, NodeTarget, PairTarget } from '../../src/fleet/drivers/node-driver.js';
import { createProcessDriver, stopProcessNodes, type ProcessDriverConfig, type ProcessNodeStopResult } from '../../src/fleet/drivers/process-driver.js';
import { nodeName, pairId } from '../../src/fleet/node-names.js';
import type { LoadTarget } from './fleet-load.js';

/**
 * A local fleet for the phased-upgrade tests: real node processes (test/fixtures/fleet/node-server.mjs,
 * started and replaced by the `process` driver) behind one pair-switch process
 * (test/fixtures/fleet/pair-switch.mjs), in a temp directory. `stop()` takes everything down and
 * checks that no process is left; a process 'exit' hook SIGKILLs whatever a failed test left behind.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE_SERVER = path.join(ROOT, 'test/fixtures/fleet/node-server.mjs');
const PAIR_SWITCH = path.join(ROOT, 'test/fixtures/fleet/pair-switch.mjs');

/** What fleet to build. */
export interface FleetOptions {
  /** The environment type in node names. Default `E2E` (nodes `E2E_P_001`, `E2E_S_001`, …). */
  readonly environment?: string;
  /** How many primary/secondary pairs (sub-environments `001`, `002`, …). */
  readonly pairs: number;
  /** Node name → versions that node refuses to start with (exit code 1): a failed upgrade on demand. */
  readonly failVersions?: Readonly<Record<string, readonly string[]>>;
  /** Artificial latency of a node's `GET /`, ms. Default 2. */
  readonly delayMs?: number;
  /** The switch's bound on waiting for requests in flight to the old node. Default 10 000 ms. */
  readonly drainTimeoutMs?: number;
  /** Passed to the driver config. Defaults 15 and 15 (a test should fail sooner than the product default). */
  readonly startTimeoutSeconds?: number;
  readonly stopTimeoutSeconds?: number;
}

/** A running fleet. Nodes are not started: `driver.upgrade(node, '1.0.0')` starts a stopped node. */
export interface Fleet {
  /** Temp directory holding the switch config and state, and the driver's `nodes/` state dir. */
  readonly dir: string;
  readonly environment: string;
  readonly pairs: readonly PairTarget[];
  /** Every node, primaries and secondaries, pair by pair. */
  readonly nodes: readonly NodeTarget[];
  /**
   * The `process` driver block for this fleet (absolute `stateDir`, so a driver built in another
   * process with another baseDir finds the same pid files). Templates use `{port}` and
   * `{failVersions}` (node properties) and `{switchAdminPort}` (a pair property).
   */
  readonly driverConfig: ProcessDriverConfig;
  readonly deps: DriverDeps;
  /** The switch's admin API, e.g. `http://127.0.0.1:23456`. */
  readonly adminUrl: string;
  /** The switch process's pid (changes with `restartSwitch`). */
  switchPid(): number;
  /** A new driver instance, as a freshly started orchestrator would build one. */
  createDriver(): NodeDriver;
  node(name: string): NodeTarget;
  pair(id: string): PairTarget;
  /** One entry per pair: the switch's front URL, for `startLoad`. */
  loadTargets(): LoadTarget[];
  /** What the switch says about a pair: `{pair, active: 'P'|'S', node, inFlight}`. */
  switchState(pairId: string): Promise<{ pair: string; active: 'P' | 'S'; node: string }>;
  /** Everything the switch printed (switches, retries, 502s). */
  switchOutput(): string;
  /** SIGKILLs the switch and starts it again on the same ports; it reads back its persisted roles. */
  restartSwitch(): Promise<void>;
  /** Stops every node (pid files, then a /proc sweep for leftovers), the switch, and removes `dir`. Idempotent. */
  stop(): Promise<FleetStopReport>;
}

/** What `Fleet.stop` did. */
export interface FleetStopReport {
  readonly nodes: readonly ProcessNodeStopResult[];
  /** Pids of fleet processes still alive after the nodes were stopped through the driver (then SIGKILLed): should be empty. */
  readonly leaked: readonly number[];
}

const liveFleets = new Set<{ stateDir: string; dir: string; switchChild: () => ChildProcess | undefined }>();
let exitHookInstalled = false;

/** Last resort for a test that threw before its `after` hook could stop the fleet: nothing may outlive the test file. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const f of liveFleets) {
      f.switchChild()?.kill('SIGKILL');
      for (const pid of fleetProcessPids(f.stateDir)) killHard(pid);
      rmSync(f.dir, { recursive: true, force: true });
    }
    liveFleets.clear();
  };
  process.on('exit', killAll);
  // 'exit' does not run when a signal ends the process (a runner's timeout, Ctrl-C); the nodes are
  // detached, so nothing else would stop them.
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(code);
    });
  }
}

/** Builds the pairs, writes the switch config, starts the switch; see `Fleet`. Call `stop()` in an `after` hook. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  installExitHook();
  const environment = options.environment ?? 'E2E';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'drydock-fleet-'));
  const stateDir = path.join(dir, 'nodes');
  const ports = await freePorts(options.pairs * 3 + 1);
  const take = () => ports.pop()!;
  const adminPort = take();

  const pairs: PairTarget[] = [];
  const switchPairs: unknown[] = [];
  for (let i = 1; i <= options.pairs; i++) {
    const envId = String(i).padStart(3, '0');
    const id = pairId(environment, envId);
    const switchPort = take();
    const makeNode = (role: 'P' | 'S'): NodeTarget => {
      const name = nodeName(environment, role, envId);
      return {
        name,
        role,
        environment,
        envId,
        pairId: id,
        properties: { port: String(take()), failVersions: (options.failVersions?.[name] ?? []).join(',') },
      };
    };
    const primary = makeNode('P');
    const secondary = makeNode('S');
    pairs.push({
      id,
      environment,
      envId,
      primary,
      secondary,
      properties: { switchAdminPort: String(adminPort), switchPort: String(switchPort) },
    });
    switchPairs.push({
      pair: id,
      listenPort: switchPort,
      primary: { node: primary.name, url: `http://127.0.0.1:${primary.properties.port}` },
      secondary: { node: secondary.name, url: `http://127.0.0.1:${secondary.properties.port}` },
      active: 'P',
    });
  }
  const nodes = pairs.flatMap((p) => [p.primary, p.secondary]);
  const switchConfigPath = path.join(dir, 'switch.json');
  await writeFile(
    switchConfigPath,
    JSON.stringify({ host: '127.0.0.1', adminPort, drainTimeoutMs: options.drainTimeoutMs ?? 10_000, pairs: switchPairs }, null, 2),
  );

  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const driverConfig: ProcessDriverConfig = {
    type: 'process',
    // `exec`: the node replaces the shell, so the pid in the pid file is the node's own.
    start: `exec ${q(process.execPath)} ${q(NODE_SERVER)} --name {node} --port {port} --version {version} --fail-versions={failVersions} --delay-ms ${options.delayMs ?? 2}`,
    healthUrl: 'http://127.0.0.1:{port}/healthz',
    switchUrl: 'http://127.0.0.1:{switchAdminPort}/pairs/{pair}/active',
    stateDir,
    startTimeoutSeconds: options.startTimeoutSeconds ?? 15,
    stopTimeoutSeconds: options.stopTimeoutSeconds ?? 15,
  };
  const deps: DriverDeps = { logger: pino({ level: process.env.DRYDOCK_TEST_LOG ?? 'silent' }), baseDir: ROOT };

  let switchProc: SwitchProcess | undefined;
  const entry = { stateDir, dir, switchChild: () => switchProc?.child };
  liveFleets.add(entry);
  let switchOutputBefore = '';
  try {
    switchProc = await startSwitch(switchConfigPath);
  } catch (err) {
    liveFleets.delete(entry);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  let stopped: Promise<FleetStopReport> | undefined;

  const fleet: Fleet = {
    dir,
    environment,
    pairs,
    nodes,
    driverConfig,
    deps,
    adminUrl,
    switchPid: () => switchProc!.child.pid!,
    createDriver: () => createProcessDriver(driverConfig, deps),
    node(name) {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no node ${name} in this fleet (${nodes.map((x) => x.name).join(', ')})`);
      return n;
    },
    pair(id) {
      const p = pairs.find((x) => x.id === id);
      if (!p) throw new Error(`no pair ${id} in this fleet (${pairs.map((x) => x.id).join(', ')})`);
      return p;
    },
    loadTargets: () => pairs.map((p) => ({ pair: p.id, url: `http://127.0.0.1:${p.properties.switchPort}/` })),
    async switchState(id) {
      const r = await fetch(`${adminUrl}/pairs/${encodeURIComponent(id)}`);
      if (r.status !== 200) throw new Error(`switch GET /pairs/${id} answered ${r.status}: ${await r.text()}`);
      return (await r.json()) as { pair: string; active: 'P' | 'S'; node: string };
    },
    switchOutput: () => switchOutputBefore + (switchProc?.output() ?? ''),
    async restartSwitch() {
      const old = switchProc!;
      switchOutputBefore += old.output();
      await old.kill('SIGKILL');
      switchProc = await startSwitch(switchConfigPath);
    },
    stop() {
      stopped ??= (async () => {
        const results = await stopProcessNodes(driverConfig, deps, nodes);
        // Anything still carrying the fleet's marker escaped the pid files: report it, then kill it.
        const leaked = fleetProcessPids(stateDir);
        for (const pid of leaked) killHard(pid);
        await switchProc?.kill('SIGTERM');
        liveFleets.delete(entry);
        await rm(dir, { recursive: true, force: true });
        return { nodes: results, leaked };
      })();
      return stopped;
    },
  };
  return fleet;
}

interface SwitchProcess {
  readonly child: ChildProcess;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts the pair switch and waits for its `ready` line. */
async function startSwitch(configPath: string): Promise<SwitchProcess> {
  const child = spawn(process.execPath, [PAIR_SWITCH, configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pair-switch did not print its ready line within 10 s:\n${out}`));
    }, 10_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/^ready /m.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`pair-switch exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
  return {
    child,
    output: () => out,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/**
 * `count` distinct free TCP ports on 127.0.0.1, chosen BELOW the kernel's ephemeral range. A node's
 * port is unbound while it restarts; were it in the ephemeral range, any outgoing connection on the
 * machine (the load generator makes plenty) could take it as its local port and the node could not
 * come back.
 */
export async function freePorts(count: number): Promise<number[]> {
  const [low] = readEphemeralRange();
  const top = Math.min(low, 65_536) - 1;
  const bottom = Math.max(10_000, top - 20_000);
  const held: net.Server[] = [];
  const ports: number[] = [];
  try {
    for (let attempt = 0; ports.length < count; attempt++) {
      if (attempt > count * 50) throw new Error(`could not find ${count} free ports in ${bottom}..${top}`);
      const port = bottom + Math.floor(Math.random() * (top - bottom + 1));
      if (ports.includes(port) || usedPorts.has(port)) continue;
      const server = net.createServer();
      const ok = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(true));
      });
      if (!ok) continue;
      held.push(server); // held until all are found, so no two are the same
      ports.push(port);
    }
  } finally {
    await Promise.all(held.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
  for (const p of ports) usedPorts.add(p);
  return ports;
}

/** Ports handed out in this process, never handed out twice (a stopped fleet's node may still be closing). */
const usedPorts = new Set<number>();

function readEphemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo && hi) return [lo, hi];
  } catch {
    // not Linux
  }
  return [32_768, 60_999];
}

/** SIGKILL to the process group `pid` leads, or to `pid` alone when it leads none. */
function killHard(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
      return;
    } catch {
      // not a group leader, or gone already
    }
  }
}

/** Whether `pid` is a live process (a zombie counts as dead: it only waits for its parent to reap it). */
export function pidAlive(pid: number): boolean {
  if (existsSync('/proc/self/stat')) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Live processes started by the `process` driver for this state dir (it marks their environment). Linux only; elsewhere empty. */
export function fleetProcessPids(stateDir: string): number[] {
  if (!existsSync('/proc/self/stat')) return [];
  const marker = `DRYDOCK_FLEET_STATE_DIR=${stateDir}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker) && pidAlive(pid)) found.push(pid);
    } catch {
      // gone, or another user's
    }
  }
  return found;
}
