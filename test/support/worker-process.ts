import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { onTestProcessExit } from './cli.js';
import { spawnDrydock, type StartOptions } from './serve-process.js';
import { waitUntilStarted } from './wait-for.js';

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
 * Starts `drydock worker ARGS` with `env` (DRYDOCK_DATABASE_URL at least) and resolves once it
 * logged "worker started", i.e. once it is claiming. Everything it starts carries its mark and is
 * killed, with it, if this test process ends first.
 */
export async function startWorkerProcess(env: Record<string, string>, args: string[] = [], { startTimeoutMs }: StartOptions = {}): Promise<WorkerProcess> {
  const mark = randomUUID();
  const { child, output } = spawnDrydock(['worker', ...args], { DRYDOCK_LOG_LEVEL: 'info', DRYDOCK_TEST_PROCESS_MARK: mark, ...env });
  onTestProcessExit(() => killMarked(mark));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await waitUntilStarted(`drydock worker ${args.join(' ')}`.trim(), child, output, () => output().includes('"msg":"worker started"'), {
    timeoutMs: startTimeoutMs,
    everyMs: 50,
  });
  return {
    child,
    mark,
    output,
    exited,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Kills a worker and whatever it started (ansible-playbook and its commands). */
export async function killWorker(w: WorkerProcess): Promise<void> {
  w.signal('SIGKILL');
  await w.exited;
  killMarked(w.mark);
}

/** Kills every live process carrying a worker's mark. */
function killMarked(mark: string): void {
  for (const p of markedProcesses(mark)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
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
