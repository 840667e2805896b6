import { spawn } from 'node:child_process';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { fillTemplate, templateVariables, type ActionContext, type ActionOutcome, type NodeDriver, type NodeTarget, type PairTarget } from './node-driver.js';
import { procStat, stopProcessGroup } from './process-groups.js';
import { clip, httpCall, versionOf, type HttpAnswer } from './process-http.js';
import { adoptOrphan, logFile, NODE_ENV, readRecord, recordPath, STATE_DIR_ENV, writeRecord, type ProcessNodeRecord } from './process-pid-files.js';
import { sleep } from '../../util/sleep.js';

/**
 * `process`: every node is a local OS process this driver starts from a shell command, checks over
 * HTTP, and switches through an HTTP call to a local active/passive switch. For local fleets and the
 * end-to-end tests of the phased upgrade.
 *
 * Nodes outlive the orchestrator: each is started detached (its own session and process group,
 * output to `<stateDir>/<node>.log`), and a pid file `<stateDir>/<node>.pid.json` lets a new
 * orchestrator process (after a crash or a SIGKILL) find, stop and replace it.
 *
 * This file is the driver's actions; the OS side (process groups, /proc) is process-groups.ts, the
 * pid files process-pid-files.ts, the HTTP calls process-http.ts.
 */
export const processDriverConfigSchema = z
  .object({
    type: z.literal('process'),
    start: z
      .string({
        error: 'driver.start is required: the shell command that starts a node, e.g. "exec node server.js --name {node} --port {port} --version {version}"',
      })
      .trim()
      .min(1, { error: 'driver.start must not be empty: give the shell command that starts a node' }),
    healthUrl: z
      .string({ error: 'driver.healthUrl is required: the URL that answers 200 {"version": …} when a node serves, e.g. "http://127.0.0.1:{port}/healthz"' })
      .trim()
      .min(1, { error: 'driver.healthUrl must not be empty' }),
    switchUrl: z
      .string({
        error:
          'driver.switchUrl is required: the URL a PUT {"node": "<name>"} makes a node active, e.g. "http://127.0.0.1:{switchAdminPort}/pairs/{pair}/active"',
      })
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
    let last: string;
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
      if (ctx.signal.aborted)
        return {
          ok: false,
          output: `${node.name}: aborted while waiting for ${version} to report healthy (${last}); the process is left running, the next upgrade or stop replaces it`,
        };
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

/** Stops the node a pid file describes (see `stopProcessGroup`). */
function stopRecorded(record: ProcessNodeRecord, stopTimeoutMs: number): Promise<{ stopped: boolean; output: string }> {
  return stopProcessGroup(record, `${record.node} (pid ${record.pid}, ${record.version})`, stopTimeoutMs);
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
