import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  fillTemplate,
  templateVariables,
  type ActionContext,
  type ActionOutcome,
  type NodeDriver,
  type NodeTarget,
  type PairTarget,
} from './node-driver.js';
import { sleep } from '../../runtime/sleep.js';

/**
 * `process`: every node is a local OS process this driver starts from a shell command, checks over
 * HTTP, and switches through an HTTP call to a local active/passive switch. For local fleets and the
 * end-to-end tests of the phased upgrade.
 *
 * Nodes outlive the orchestrator: each is started detached (its own session and process group,
 * output to `<stateDir>/<node>.log`), and a pid file `<stateDir>/<node>.pid.json` lets a new
 * orchestrator process (after a crash or a SIGKILL) find, stop and replace it.
 */
export const processDriverConfigSchema = z
  .object({
    type: z.literal('process'),
    start: z
      .string({ error: 'driver.start is required: the shell command that starts a node, e.g. "exec node server.js --name {node} --port {port} --version {version}"' })
      .trim()
      .min(1, { error: 'driver.start must not be empty: give the shell command that starts a node' }),
    healthUrl: z
      .string({ error: 'driver.healthUrl is required: the URL that answers 200 {"version": …} when a node serves, e.g. "http://127.0.0.1:{port}/healthz"' })
      .trim()
      .min(1, { error: 'driver.healthUrl must not be empty' }),
    switchUrl: z
      .string({ error: 'driver.switchUrl is required: the URL a PUT {"node": "<name>"} makes a node active, e.g. "http://127.0.0.1:{switchAdminPort}/pairs/{pair}/active"' })
      .trim()
      .min(1, { error: 'driver.switchUrl must not be empty' }),
    stateDir: z
      .string({ error: 'driver.stateDir must be a directory path (pid and log files of the nodes go there)' })
      .min(1, { error: 'driver.stateDir must not be empty (leave it out for .drydock/fleet-nodes)' })
      .optional(),
    startTimeoutSeconds: z
      .number({ error: 'driver.startTimeoutSeconds must be a number of seconds' })
      .positive({ error: 'driver.startTimeoutSeconds must be more than 0' })
      .max(86_400, { error: 'driver.startTimeoutSeconds must be at most 86400 (a day)' })
      .optional(),
    stopTimeoutSeconds: z
      .number({ error: 'driver.stopTimeoutSeconds must be a number of seconds' })
      .positive({ error: 'driver.stopTimeoutSeconds must be more than 0' })
      .max(86_400, { error: 'driver.stopTimeoutSeconds must be at most 86400 (a day)' })
      .optional(),
  })
  .strict();

/** The `process` driver's block of a fleet file, as parsed. */
export type ProcessDriverConfig = z.infer<typeof processDriverConfigSchema>;

/** What the driver needs from its host; structurally the registry's `DriverDeps` (kept local so this file does not import the registry that imports it). */
export interface ProcessDriverDeps {
  readonly logger: Logger;
  /** `stateDir` and the `start` command's working directory are relative to this. */
  readonly baseDir: string;
}

/** The config with defaults applied and units in the names. */
interface CompiledProcessDriverConfig {
  readonly start: string;
  readonly healthUrl: string;
  readonly switchUrl: string;
  readonly baseDir: string;
  readonly stateDir: string;
  readonly startTimeoutMs: number;
  readonly stopTimeoutMs: number;
}

/** What the pid file of a node holds. */
export interface ProcessNodeRecord {
  readonly node: string;
  /** The pid of the `/bin/sh -c` that runs `start` (the node itself when `start` begins with `exec`); also its process group id. */
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat when the node started: a pid the kernel reused for another process has another start time. `null` where there is no /proc. */
  readonly startTime: string | null;
  /** The version it was started with; `unknown` for a node adopted without a pid file. */
  readonly version: string;
  readonly command: string;
  readonly startedAt: string;
  readonly log: string;
}

/** One node's result from `stopProcessNodes`. */
export interface ProcessNodeStopResult {
  readonly node: string;
  /** The pid that was stopped, when there was a process. */
  readonly pid: number | undefined;
  readonly stopped: boolean;
  readonly output: string;
}

/** Health checks are quick by nature; an orchestrator's long step timeout must not make one hang for minutes. */
const HEALTH_TIMEOUT_CAP_MS = 5_000;
/** How often a starting node's health is polled. */
const START_POLL_MS = 100;
/** After SIGKILL the kernel needs only moments; longer means the process cannot be killed (D state). */
const KILL_WAIT_MS = 5_000;
/** Set in every node's environment so a node whose pid file was never written (the orchestrator died between spawn and write) can still be found. */
const NODE_ENV = 'DRYDOCK_FLEET_NODE';
const STATE_DIR_ENV = 'DRYDOCK_FLEET_STATE_DIR';
const HAS_PROC = existsSync('/proc/self/stat');

function compile(config: ProcessDriverConfig, deps: ProcessDriverDeps): CompiledProcessDriverConfig {
  const baseDir = path.resolve(deps.baseDir);
  return {
    start: config.start,
    healthUrl: config.healthUrl,
    switchUrl: config.switchUrl,
    baseDir,
    stateDir: path.resolve(baseDir, config.stateDir ?? '.drydock/fleet-nodes'),
    startTimeoutMs: Math.round((config.startTimeoutSeconds ?? 30) * 1000),
    stopTimeoutMs: Math.round((config.stopTimeoutSeconds ?? 30) * 1000),
  };
}

/** Builds the `process` driver. Holds no connections or timers between actions (every HTTP call uses a fresh connection). */
export function createProcessDriver(config: ProcessDriverConfig, deps: ProcessDriverDeps): NodeDriver {
  const c = compile(config, deps);

  async function health(node: NodeTarget, ctx: ActionContext): Promise<ActionOutcome> {
    const url = fillTemplate(c.healthUrl, templateVariables(node, undefined));
    const timeoutMs = Math.min(ctx.timeoutMs, HEALTH_TIMEOUT_CAP_MS);
    let answer: HttpAnswer;
    try {
      answer = await httpCall('GET', url, undefined, timeoutMs, ctx.signal);
    } catch (err) {
      return { ok: false, output: `${node.name}: GET ${url}: ${(err as Error).message}` };
    }
    if (answer.status !== 200) return { ok: false, output: `${node.name}: GET ${url} answered ${answer.status}: ${clip(answer.body)}` };
    return { ok: true, output: `${node.name}: GET ${url} answered 200: ${clip(answer.body)}`, version: versionOf(answer.body) };
  }

  async function upgrade(node: NodeTarget, version: string, ctx: ActionContext): Promise<ActionOutcome> {
    const deadline = Date.now() + ctx.timeoutMs;
    const before = await health(node, ctx);
    let record = await readRecord(c.stateDir, node.name);
    if (before.ok && before.version === version) {
      return { ok: true, output: `${node.name} already runs ${version} (pid ${record?.pid ?? 'unknown'}): nothing to do` };
    }
    const steps: string[] = [];
    // No pid file, yet a process of ours may run: the orchestrator died between spawn and write.
    record ??= await adoptOrphan(c.stateDir, node.name);
    if (record) {
      const stopped = await stopRecorded(record, Math.min(c.stopTimeoutMs, Math.max(0, deadline - Date.now())));
      steps.push(stopped.output);
      if (!stopped.stopped) return { ok: false, output: steps.join('\n') };
      await rm(recordPath(c.stateDir, node.name), { force: true });
    } else if (before.ok) {
      return {
        ok: false,
        output: `${node.name} answers its health URL (version ${before.version ?? 'unknown'}) but was not started by this driver (no pid file in ${c.stateDir}, no process with ${NODE_ENV}=${node.name}): stop it by hand, then run the upgrade again`,
      };
    }
    if (ctx.signal.aborted) return { ok: false, output: [...steps, `${node.name}: aborted before the start of ${version}`].join('\n') };
    const started = await startNode(node, version, ctx, Math.min(deadline, Date.now() + c.startTimeoutMs));
    return { ok: started.ok, output: [...steps, started.output].join('\n') };
  }

  async function startNode(node: NodeTarget, version: string, ctx: ActionContext, deadline: number): Promise<ActionOutcome> {
    const command = fillTemplate(c.start, templateVariables(node, undefined, { version }));
    await mkdir(c.stateDir, { recursive: true });
    const logPath = logFile(c.stateDir, node.name);
    const log = await open(logPath, 'a');
    const logOffset = (await log.stat()).size;
    await log.write(`--- ${new Date().toISOString()} starting ${node.name} ${version}: ${command}\n`);
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: Error | undefined;
    try {
      // detached: setsid(), so the node is in its own session and process group — a SIGKILL or a
      // Ctrl-C of the orchestrator never reaches it, and one kill(-pgid) reaches the whole command.
      const child = spawn('/bin/sh', ['-c', command], {
        cwd: c.baseDir,
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
        // Passed through, plus the markers adoptOrphan looks for.
        env: { ...process.env, [NODE_ENV]: node.name, [STATE_DIR_ENV]: c.stateDir },
      });
      child.on('exit', (code, signal) => (exit = { code, signal }));
      child.on('error', (err) => (spawnError = err));
      child.unref();
      if (child.pid === undefined) {
        await new Promise((r) => setImmediate(r));
        return { ok: false, output: `${node.name}: could not run /bin/sh -c ${JSON.stringify(command)}: ${spawnError?.message ?? 'no pid'}` };
      }
      const record: ProcessNodeRecord = {
        node: node.name,
        pid: child.pid,
        startTime: (await procStat(child.pid))?.startTime ?? null,
        version,
        command,
        startedAt: new Date().toISOString(),
        log: logPath,
      };
      await writeRecord(c.stateDir, record);
      ctx.logger.info({ node: node.name, version, pid: child.pid }, 'fleet process node started');
    } finally {
      // The child holds its own copy of the descriptor.
      await log.close();
    }
    const startedAt = Date.now();
    let last = 'no health answer yet';
    for (;;) {
      if (exit) {
        await rm(recordPath(c.stateDir, node.name), { force: true });
        const how = exit.code !== null ? `exited with code ${exit.code}` : `was killed by ${exit.signal}`;
        return {
          ok: false,
          output: `${node.name}: the node process ${how} before it reported healthy on ${version}; the end of ${logPath}:\n${await logTail(logPath, logOffset)}`,
        };
      }
      const h = await health(node, ctx);
      // A node that does not report versions cannot be checked: a healthy answer has to do.
      if (h.ok && (h.version === version || h.version === undefined)) {
        return { ok: true, output: `${node.name}: started ${version} in ${Date.now() - startedAt} ms; ${h.output}` };
      }
      last = h.ok ? `it reports version ${h.version ?? 'unknown'}` : h.output;
      if (ctx.signal.aborted) return { ok: false, output: `${node.name}: aborted while waiting for ${version} to report healthy (${last}); the process is left running, the next upgrade or stop replaces it` };
      if (Date.now() >= deadline) {
        return {
          ok: false,
          output: `${node.name}: did not report healthy on ${version} within ${Math.round((Date.now() - startedAt) / 1000)} s (${last}); the process is left running (pid file in ${c.stateDir}), the next upgrade or stop replaces it; the end of ${logPath}:\n${await logTail(logPath, logOffset)}`,
        };
      }
      await sleep(START_POLL_MS, ctx.signal);
    }
  }

  async function switchActive(pair: PairTarget, to: NodeTarget, ctx: ActionContext): Promise<ActionOutcome> {
    const url = fillTemplate(c.switchUrl, templateVariables(to, pair, { to: to.name }));
    try {
      // Not capped like health: a switch may wait for requests in flight to drain.
      const answer = await httpCall('PUT', url, JSON.stringify({ node: to.name }), ctx.timeoutMs, ctx.signal);
      const ok = answer.status >= 200 && answer.status < 300;
      return { ok, output: `${pair.id} → ${to.name}: PUT ${url} answered ${answer.status}: ${clip(answer.body)}` };
    } catch (err) {
      return { ok: false, output: `${pair.id} → ${to.name}: PUT ${url}: ${(err as Error).message}` };
    }
  }

  // A config error (an unknown template variable) or a file-system error is an outcome the operator
  // must see in the step log, not a crash of the orchestrator.
  const guarded =
    <A extends unknown[]>(what: string, fn: (...args: A) => Promise<ActionOutcome>) =>
    async (...args: A): Promise<ActionOutcome> => {
      try {
        return await fn(...args);
      } catch (err) {
        return { ok: false, output: `process driver ${what}: ${(err as Error).message}` };
      }
    };

  return {
    type: 'process',
    upgrade: guarded('upgrade', upgrade),
    switchActive: guarded('switch', switchActive),
    health: guarded('health', health),
    close: async () => {},
  };
}

/** Reads a node's pid file, or `undefined` when there is none (or it is unreadable: then the node is treated as not started). */
export async function readProcessNode(config: ProcessDriverConfig, deps: ProcessDriverDeps, node: string): Promise<ProcessNodeRecord | undefined> {
  return readRecord(compile(config, deps).stateDir, node);
}

/**
 * Stops nodes this driver started (by their pid files; every node with a pid file in `stateDir`
 * when `nodes` is left out): SIGTERM to the process group, SIGKILL after `stopTimeoutSeconds`.
 * For tests and for taking a local fleet down; the phased upgrade itself never stops a node for good.
 */
export async function stopProcessNodes(
  config: ProcessDriverConfig,
  deps: ProcessDriverDeps,
  nodes?: readonly (string | NodeTarget)[],
): Promise<ProcessNodeStopResult[]> {
  const c = compile(config, deps);
  const names = nodes
    ? nodes.map((n) => (typeof n === 'string' ? n : n.name))
    : (await readdir(c.stateDir).catch(() => [] as string[])).filter((f) => f.endsWith('.pid.json')).map((f) => f.slice(0, -'.pid.json'.length));
  // In parallel: a fleet's nodes are independent, and each may take the whole stop timeout.
  return Promise.all(
    names.map(async (name): Promise<ProcessNodeStopResult> => {
      const record = (await readRecord(c.stateDir, name)) ?? (await adoptOrphan(c.stateDir, name));
      if (!record) return { node: name, pid: undefined, stopped: true, output: `${name}: not running (no pid file)` };
      const result = await stopRecorded(record, c.stopTimeoutMs);
      if (result.stopped) await rm(recordPath(c.stateDir, name), { force: true });
      deps.logger.info({ node: name, pid: record.pid, stopped: result.stopped }, 'fleet process node stop');
      return { node: name, pid: record.pid, ...result };
    }),
  );
}

// --- pid files ---------------------------------------------------------------------------------

function fileStem(node: string): string {
  // Node names are `[A-Za-z0-9_-]` already; this only keeps a stray `/` from leaving stateDir.
  return node.replace(/[^A-Za-z0-9._-]/g, '_');
}

function recordPath(stateDir: string, node: string): string {
  return path.join(stateDir, `${fileStem(node)}.pid.json`);
}

function logFile(stateDir: string, node: string): string {
  return path.join(stateDir, `${fileStem(node)}.log`);
}

async function readRecord(stateDir: string, node: string): Promise<ProcessNodeRecord | undefined> {
  let text: string;
  try {
    text = await readFile(recordPath(stateDir, node), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = JSON.parse(text) as Partial<ProcessNodeRecord>;
    return typeof r.pid === 'number' && r.pid > 1 ? (r as ProcessNodeRecord) : undefined;
  } catch {
    // The write is atomic, so this is a file someone edited; better to start a node than to crash.
    return undefined;
  }
}

/** Temp file + rename: a reader (or an orchestrator killed mid-write) never sees half a pid file. */
async function writeRecord(stateDir: string, record: ProcessNodeRecord): Promise<void> {
  const file = recordPath(stateDir, record.node);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
  await rename(tmp, file);
}

/** Finds a node process we started whose pid file was never written, by the markers in its environment. Linux only. */
async function adoptOrphan(stateDir: string, node: string): Promise<ProcessNodeRecord | undefined> {
  if (!HAS_PROC) return undefined;
  const wanted = [`${NODE_ENV}=${node}`, `${STATE_DIR_ENV}=${stateDir}`];
  for (const pid of await procPids()) {
    const s = await procStat(pid);
    // The group leader is the process `start` ran as; its children share the markers.
    if (!s || s.state === 'Z' || s.pgrp !== pid) continue;
    let environ: string;
    try {
      environ = await readFile(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue; // another user's process, or gone
    }
    const vars = environ.split('\0');
    if (wanted.every((w) => vars.includes(w))) {
      return { node, pid, startTime: s.startTime, version: 'unknown', command: '', startedAt: '', log: logFile(stateDir, node) };
    }
  }
  return undefined;
}

// --- processes ---------------------------------------------------------------------------------

interface ProcStat {
  readonly state: string;
  readonly pgrp: number;
  readonly startTime: string;
}

async function procStat(pid: number): Promise<ProcStat | undefined> {
  if (!HAS_PROC) return undefined;
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  const pgrp = Number(rest[2]);
  const startTime = rest[19];
  if (state === undefined || startTime === undefined || !Number.isInteger(pgrp)) return undefined;
  return { state, pgrp, startTime };
}

async function procPids(): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  return entries.filter((e) => /^\d+$/.test(e)).map(Number);
}

/**
 * Whether any live process remains in the group. kill(-pgid, 0) alone is not enough: a zombie
 * still counts for it, and a node orphaned by a killed orchestrator is reaped by PID 1 — which in
 * a container may never reap it.
 */
async function groupAlive(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!HAS_PROC) return true;
  for (const pid of await procPids()) {
    const s = await procStat(pid);
    if (s && s.pgrp === pgid && s.state !== 'Z') return true;
  }
  return false;
}

/**
 * Whether the pid file still describes a running process of ours. The kernel does not hand out a
 * pid that is still some group's id, so while any member of the group lives, the group is ours; if
 * the leader's pid is taken by a process with another start time, ours is gone.
 */
async function isOurs(record: ProcessNodeRecord): Promise<boolean> {
  const s = await procStat(record.pid);
  if (s && s.state !== 'Z' && record.startTime !== null && s.startTime !== record.startTime) return false;
  return groupAlive(record.pid);
}

async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await groupAlive(pgid))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** SIGTERM to the group (the node finishes its requests in flight), SIGKILL when it takes longer than `stopTimeoutMs`. */
async function stopRecorded(record: ProcessNodeRecord, stopTimeoutMs: number): Promise<{ stopped: boolean; output: string }> {
  const who = `${record.node} (pid ${record.pid}, ${record.version})`;
  if (!(await isOurs(record))) return { stopped: true, output: `${who} was not running` };
  const t0 = Date.now();
  signalGroup(record.pid, 'SIGTERM');
  if (await waitGroupGone(record.pid, stopTimeoutMs)) return { stopped: true, output: `${who} stopped (SIGTERM) in ${Date.now() - t0} ms` };
  signalGroup(record.pid, 'SIGKILL');
  if (await waitGroupGone(record.pid, KILL_WAIT_MS)) {
    return { stopped: true, output: `${who} did not stop within ${stopTimeoutMs / 1000} s of SIGTERM: killed (SIGKILL)` };
  }
  return { stopped: false, output: `${who} is still running ${Math.round(KILL_WAIT_MS / 1000)} s after SIGKILL: look at the process (uninterruptible I/O?) and stop it by hand` };
}

// --- small helpers -----------------------------------------------------------------------------

interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * One HTTP call on a fresh connection. No pooling on purpose: a pooled connection to a node that is
 * being stopped fails the next check for a reason that has nothing to do with the node's health,
 * and nothing stays open between actions.
 */
function httpCall(method: string, url: string, body: string | undefined, timeoutMs: number, signal: AbortSignal): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new Error(`not a URL: ${url}`));
      return;
    }
    const lib = target.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { connection: 'close', accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = lib.request(target, { method, headers, agent: false, signal });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        // A health body is small; anything huge is not worth keeping.
        if (size < 64 * 1024) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(signal.aborted ? new Error('aborted') : err);
    });
    req.end(body);
  });
}

function versionOf(body: string): string | undefined {
  try {
    const v = (JSON.parse(body) as { version?: unknown }).version;
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  } catch {
    return undefined;
  }
}

function clip(text: string, max = 300): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** The last lines the node wrote since `fromOffset` (its own start), for a failure message. */
async function logTail(logPath: string, fromOffset: number, maxBytes = 2_000): Promise<string> {
  try {
    const size = (await stat(logPath)).size;
    const start = Math.max(fromOffset, size - maxBytes);
    const fh = await open(logPath, 'r');
    try {
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      return buf.toString('utf8').trimEnd();
    } finally {
      await fh.close();
    }
  } catch (err) {
    return `(log unreadable: ${(err as Error).message})`;
  }
}
