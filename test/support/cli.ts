import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * How to run the current source as the `drydock` binary, as one shell word list: what an operator
 * would give `upgrade local --old/--new`.
 */
const TSX = import.meta.resolve('tsx');
export const DRYDOCK_COMMAND = `${process.execPath} --import tsx ${path.join(ROOT, 'src/main.ts')}`;

/** How a `drydock …` run ended. */
export interface CliResult {
  /** The exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** When the process exited (Date.now()). */
  readonly endedAt: number;
}

/** A running `drydock …` process. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly argv: readonly string[];
  stdout(): string;
  stderr(): string;
  /** Resolves once the process has exited. */
  readonly result: Promise<CliResult>;
}

/**
 * Cleanups that must run however this test process ends: on a normal exit, and when the test
 * runner stops a file that ran past its timeout (SIGTERM) or the user presses Ctrl-C. Without them
 * the servers, workers and CLI runs a test started would outlive it and load the machine for every
 * later test. Each cleanup must be synchronous (kill by pid).
 */
const cleanups = new Set<() => void>();
let cleanupInstalled = false;

/** Registers `fn` to run when this test process ends; returns the function that unregisters it. */
export function onTestProcessExit(fn: () => void): () => void {
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    const runAll = () => {
      for (const cleanup of cleanups) {
        try {
          cleanup();
        } catch {
          // best effort: the others still run
        }
      }
      cleanups.clear();
    };
    process.on('exit', runAll);
    for (const [signal, code] of [
      ['SIGTERM', 143],
      ['SIGINT', 130],
    ] as const) {
      process.once(signal, () => {
        runAll();
        process.exit(code);
      });
    }
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Kills `child` (SIGKILL) if this test process ends while it still runs. */
export function killOnTestExit(child: ChildProcess): void {
  const forget = onTestProcessExit(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  child.once('exit', forget);
}

/** Every argv this process ran through `spawnCli`/`runCli`, in order (cli.test.ts checks README coverage with it). */
export const cliCalls: string[][] = [];

/**
 * An empty HOME for the CLI, so an operator's ~/.drydock/api-auth.conf on the test machine never
 * changes what a test sees (tests that want an auth file pass one).
 */
let home: string | undefined;
function emptyHome(): string {
  if (home === undefined) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-cli-home-'));
    onTestProcessExit(() => rmSync(dir, { recursive: true, force: true }));
    home = dir;
  }
  return home;
}

/**
 * Starts `drydock ARGS` — src/main.ts through tsx, the real binary's code — with the environment of
 * this process plus `env` (DRYDOCK_* variables leaking from the caller's shell are removed first, so
 * each test says what it uses).
 */
export function spawnCli(args: readonly string[], env: Record<string, string> = {}, options: { cwd?: string } = {}): CliProcess {
  cliCalls.push([...args]);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DRYDOCK_') || k.startsWith('DRYDOCK_TEST_')));
  // tsx by its resolved location, so the command also runs from a directory outside the repository.
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'src/main.ts'), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...base, HOME: emptyHome(), DRYDOCK_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnTestExit(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const result = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, endedAt: Date.now() })));
  return { child, argv: [...args], stdout: () => stdout, stderr: () => stderr, result };
}

/**
 * Runs `drydock ARGS` to its end and returns its exit code and output. A run that takes longer than
 * `timeoutMs` is killed and fails the test with what it printed.
 */
export async function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const p = spawnCli(args, env, options);
  const timeoutMs = options.timeoutMs ?? 120_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      p.child.kill('SIGKILL');
      reject(new Error(`drydock ${args.join(' ')} did not end within ${timeoutMs} ms\nstdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([p.result, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** The connection environment for the system administrator of a test server. */
export function adminEnv(url: string, admin: { user: string; password: string }): Record<string, string> {
  return { DRYDOCK_URL: url, DRYDOCK_USER: admin.user, DRYDOCK_PASSWORD: admin.password };
}

/** A failure message with everything a CLI run printed. */
export function describeRun(r: CliResult): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
}
