import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A `drydock worker` subprocess: the real binary path (src/main.ts through tsx) and its output. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /**
   * A value put in the worker's environment (DRYDOCK_TEST_PROCESS_MARK). Every process the worker
   * starts — ansible-playbook, its forks, the commands its modules run — inherits it, so
   * `markedProcesses(mark)` finds whatever the worker left behind.
   */
  readonly mark: string;
  readonly output: () => string;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  signal(signal: NodeJS.Signals): void;
}

/**
 * Starts `drydock worker` with `env` (DRYDOCK_DATABASE_URL at least) and resolves once it logged
 * "worker started", i.e. once it is claiming.
 */
export async function startWorkerProcess(env: Record<string, string>, args: string[] = []): Promise<WorkerProcess> {
  const mark = randomUUID();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), 'worker', ...args], {
    cwd: ROOT,
    env: { ...process.env, DRYDOCK_LOG_LEVEL: 'info', DRYDOCK_TEST_PROCESS_MARK: mark, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 30_000;
  while (!out.includes('"msg":"worker started"')) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`drydock worker exited early (${child.exitCode}):\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`drydock worker did not start in 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    mark,
    output: () => out,
    exited,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Live processes (pid and command line) whose environment carries `DRYDOCK_TEST_PROCESS_MARK=mark`. */
export function markedProcesses(mark: string): Array<{ pid: number; cmdline: string }> {
  const needle = `DRYDOCK_TEST_PROCESS_MARK=${mark}`;
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (!environ.split('\0').includes(needle)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // A zombie has exited already: it only waits for its parent to read its status.
      if (/^\d+ \(.*\) Z /s.test(stat)) continue;
      found.push({ pid: Number(entry), cmdline: readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').join(' ').trim() });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
