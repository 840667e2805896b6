import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ProcessStartError, runProcess, type ProcessContext } from '../../backyard/executors/run-process.js';
import { fillTemplate, templateVariables, type ActionContext, type ActionOutcome, type NodeDriver } from './node-driver.js';

/**
 * `command`: every action is a shell command, the way a CI agent runs a step. Templates use the
 * placeholders of `templateVariables` (`{node}`, `{version}`, `{to}`, properties …); their values
 * are shell-quoted when needed, so write `deploy --node {node}`, never `"{node}"` (quotes around a
 * placeholder would become part of the value).
 */
export const commandDriverConfigSchema = z
  .object({
    type: z.literal('command'),
    upgrade: z
      .string({ error: 'driver.upgrade must be a shell command template, e.g. "deploy.sh {node} {version}"' })
      .min(1, 'driver.upgrade must not be empty'),
    switch: z.string({ error: 'driver.switch must be a shell command template, e.g. "lb-switch {pair} {to}"' }).min(1, 'driver.switch must not be empty'),
    health: z.string({ error: 'driver.health must be a shell command template, e.g. "check.sh {node}"' }).min(1, 'driver.health must not be empty'),
    shell: z.string({ error: 'driver.shell must be the path of a shell, e.g. /bin/bash' }).min(1).default('/bin/sh'),
    timeoutSeconds: z.number({ error: 'driver.timeoutSeconds must be a number of seconds' }).positive('driver.timeoutSeconds must be more than 0').default(600),
    env: z.record(z.string(), z.string({ error: 'driver.env values must be strings' })).optional(),
    cwd: z.string({ error: 'driver.cwd must be a directory path' }).min(1).optional(),
  })
  .strict();

export type CommandDriverConfig = z.infer<typeof commandDriverConfigSchema>;

/** What the command driver needs from its host: a base directory for a relative `cwd` (and the default one). */
export interface CommandDriverDeps {
  readonly baseDir: string;
}

/** Output kept per action: the tail, because a failing step prints its reason last. */
const OUTPUT_LIMIT = 64 * 1024;
/** SIGTERM first so a step can clean up; what still runs this long after is killed. */
const KILL_AFTER_MS = 5000;

/**
 * Characters that never need quoting in a POSIX shell word. `=` is left out on purpose: a bare
 * `A=b` as the first word of a command is an assignment, not an argument. `~` too (tilde expansion).
 */
const SHELL_SAFE = /^[A-Za-z0-9_@%+:,./-]+$/;

/**
 * Quotes `value` so that a POSIX shell reads it back as exactly one literal word (`a b; rm -rf /`
 * stays one argument). Plain values (node names, versions, ports) stay bare so that logs read naturally.
 */
export function shellQuote(value: string): string {
  if (SHELL_SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Fills a command template with every value shell-quoted: the values are quoted, never the template. */
export function fillCommandTemplate(template: string, variables: Readonly<Record<string, string>>): string {
  const quoted = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, shellQuote(v)]));
  return fillTemplate(template, quoted);
}

/** The version a health command reports: the last stdout line of the form `version=X`. */
export function parseVersionLine(stdout: string): string | undefined {
  let version: string | undefined;
  for (const m of stdout.matchAll(/^[ \t]*version=(\S+)[ \t]*\r?$/gm)) version = m[1];
  return version;
}

/** Keeps the last `limit` characters of a stream, remembering that something was dropped. */
class TailBuffer {
  private text = '';
  private dropped = false;
  constructor(private readonly limit: number) {}
  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.limit * 2) this.trim();
  }
  toString(): string {
    this.trim();
    return this.dropped ? `[… earlier output dropped, last ${this.limit} characters kept …]\n${this.text}` : this.text;
  }
  private trim(): void {
    if (this.text.length <= this.limit) return;
    this.text = this.text.slice(-this.limit);
    this.dropped = true;
  }
}

/** Seconds for messages: `1`, `0.5`, `600`. */
function seconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

/**
 * A driver that runs the configured shell commands. Each runs as `<shell> -c <command>` in a process
 * group of its own (via `runProcess`), so a timeout or an abort kills everything it started: SIGTERM
 * to the group, SIGKILL `KILL_AFTER_MS` later. When the shell exits, whatever it left running in its
 * group is killed as well (a step must not leave processes behind, as on a CI agent): a command that
 * starts a long-running server has to hand it to a service manager (systemctl …) or `setsid` it.
 *
 * A command's time limit is the smaller of `timeoutSeconds` and the orchestrator's `ctx.timeoutMs`.
 * A command runs in `cwd` (relative to `baseDir`), or in `baseDir` when none is set, so that relative
 * script paths in a fleet file mean the same wherever the orchestrator was started.
 */
export function createCommandDriver(config: CommandDriverConfig, deps: CommandDriverDeps): NodeDriver {
  const cwd = config.cwd === undefined ? deps.baseDir : path.resolve(deps.baseDir, config.cwd);

  const run = async (action: string, template: string, variables: Record<string, string>, ctx: ActionContext) => {
    let command: string;
    try {
      command = fillCommandTemplate(template, variables);
    } catch (err) {
      // A typo in the fleet file: refuse to run a command with a hole in it.
      return { outcome: { ok: false, output: `${action} command template: ${(err as Error).message}` }, stdout: '' };
    }
    if (ctx.signal.aborted) return { outcome: { ok: false, output: `${action}: aborted${abortReason(ctx.signal)} before the command started` }, stdout: '' };
    return runCommand(command, { shell: config.shell, cwd, env: config.env, timeoutMs: Math.min(config.timeoutSeconds * 1000, ctx.timeoutMs) }, ctx);
  };

  return {
    type: 'command',
    async upgrade(node, version, ctx) {
      return (await run('upgrade', config.upgrade, templateVariables(node, undefined, { version }), ctx)).outcome;
    },
    async switchActive(pair, to, ctx) {
      // The node variables are those of the node that becomes active.
      return (await run('switch', config.switch, templateVariables(to, pair, { to: to.name }), ctx)).outcome;
    },
    async health(node, ctx) {
      const { outcome, stdout } = await run('health', config.health, templateVariables(node, undefined), ctx);
      const version = parseVersionLine(stdout);
      return version === undefined ? outcome : { ...outcome, version };
    },
    close: async () => {},
  };
}

export interface RunCommandOptions {
  readonly shell: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>> | undefined;
  readonly timeoutMs: number;
}

/** Runs one filled command; every expected failure (exit ≠ 0, timeout, abort, no shell, no cwd) becomes `ok: false`. Custom steps (custom-steps.ts) run theirs with it too. */
export async function runCommand(command: string, options: RunCommandOptions, ctx: ActionContext): Promise<{ outcome: ActionOutcome; stdout: string }> {
  const cwdError = await directoryError(options.cwd);
  if (cwdError) return { outcome: { ok: false, output: cwdError }, stdout: '' };

  const output = new TailBuffer(OUTPUT_LIMIT);
  const stdout = new TailBuffer(OUTPUT_LIMIT);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error('timeout')), options.timeoutMs);
  const processCtx: ProcessContext = {
    signal: AbortSignal.any([ctx.signal, timeout.signal]),
    workDir: options.cwd,
    log: async (stream, text) => {
      if (stream === 'system') return; // runProcess's echo of the command line: logged below instead
      output.append(text);
      if (stream === 'stdout') stdout.append(text);
    },
  };
  ctx.logger.debug({ command, cwd: options.cwd }, 'fleet command driver: running');
  try {
    const r = await runProcess(processCtx, options.shell, ['-c', command], { env: options.env, cwd: options.cwd, killAfterMs: KILL_AFTER_MS });
    let text = output.toString();
    const note = (line: string) => {
      text += `${text === '' || text.endsWith('\n') ? '' : '\n'}${line}`;
    };
    if (r.aborted) {
      if (timeout.signal.aborted && !ctx.signal.aborted) note(`timed out after ${seconds(options.timeoutMs)} s; the command's process group was killed`);
      else note(`aborted${abortReason(ctx.signal)}; the command's process group was killed`);
      return { outcome: { ok: false, output: text }, stdout: stdout.toString() };
    }
    if (r.exitCode !== 0) note(r.exitCode === null ? `killed by ${r.signal ?? 'a signal'}` : `exit code ${r.exitCode}`);
    return { outcome: { ok: r.exitCode === 0, output: text }, stdout: stdout.toString() };
  } catch (err) {
    if (err instanceof ProcessStartError) {
      return { outcome: { ok: false, output: `could not start the shell ${options.shell}: ${(err.cause as Error).message} — check driver.shell` }, stdout: '' };
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Why `dir` cannot be a working directory, or undefined when it can. */
async function directoryError(dir: string): Promise<string | undefined> {
  try {
    if (!(await stat(dir)).isDirectory()) return `working directory ${dir} is not a directory — check driver.cwd`;
    return undefined;
  } catch (err) {
    return `working directory ${dir} cannot be used (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}) — check driver.cwd`;
  }
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string') return ` (${reason})`;
  if (reason instanceof Error && reason.name !== 'AbortError') return ` (${reason.message})`;
  return '';
}
