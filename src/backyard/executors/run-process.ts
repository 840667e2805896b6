import { spawn } from 'node:child_process';
import type { ExecutionContext } from '../executor.js';
import { ownValue } from '../../util/own-value.js';

/** How a child process ended. `aborted` when the job's signal stopped it. */
export interface ProcessResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly aborted: boolean;
}

/** The install command to name when a binary is missing. */
export const INSTALL_HINTS: Readonly<Record<string, string>> = {
  'ansible-playbook': 'apt-get install -y ansible',
  terraform: 'install Terraform (https://developer.hashicorp.com/terraform/install) so `terraform` is on PATH',
};

/** A binary the worker could not start (missing, not executable): lost infrastructure, not a failed job. */
export class ProcessStartError extends Error {
  constructor(
    readonly command: string,
    cause: NodeJS.ErrnoException,
  ) {
    const hint = cause.code === 'ENOENT' ? ` — it is not installed on the worker's PATH; ${ownValue(INSTALL_HINTS, command) ?? `install ${command}`}` : '';
    super(`could not start ${command}: ${cause.message}${hint}`, { cause });
    this.name = 'ProcessStartError';
  }
}

/**
 * What `runProcess` uses of its caller's context. A job's `ExecutionContext` is one; the fleet's
 * command driver builds its own (it has no job, store or job log), so only these three are required.
 */
export type ProcessContext = Pick<ExecutionContext, 'signal' | 'workDir' | 'log'>;

export interface RunProcessOptions {
  /** Added to the worker's environment; a value of `undefined` removes the variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** After an abort: how long SIGTERM has before SIGKILL. */
  readonly killAfterMs?: number;
  /** After the process exited: how long its output may still be flowing before we stop reading. */
  readonly drainMs?: number;
}

/**
 * Runs a real binary for a job: in its own process group (so an emergency stop kills everything it
 * started), in the job's work directory, with stdout and stderr streamed to the job log. On abort it
 * sends SIGTERM to the group, then SIGKILL after `killAfterMs`. When the process exits, whatever it
 * left behind in its group is killed too, so nothing a job started outlives it.
 *
 * Rejects with `ProcessStartError` when the binary cannot be started (the worker records
 * Unexpected error, with the install command in the log).
 */
export async function runProcess(ctx: ProcessContext, command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<ProcessResult> {
  if (ctx.signal.aborted) return { exitCode: null, signal: null, aborted: true };
  await ctx.log('system', `$ ${[command, ...args].join(' ')}\n`);
  const env: Record<string, string | undefined> = { ...process.env };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ctx.workDir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const releaseWatchdog = child.pid === undefined ? () => {} : groupWatchdog(child.pid);
    let aborted = false;
    let startError: ProcessStartError | undefined;
    let exited: { exitCode: number | null; signal: NodeJS.Signals | null } | undefined;
    let pendingLogs = Promise.resolve();
    // Decoded as UTF-8 per stream, so a multi-byte character split across two chunks stays whole.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    const forward = (stream: 'stdout' | 'stderr') => (text: string) => {
      pendingLogs = pendingLogs.then(() => ctx.log(stream, text));
    };
    child.stdout.on('data', forward('stdout'));
    child.stderr.on('data', forward('stderr'));
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    const onAbort = () => {
      aborted = true;
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), options.killAfterMs ?? 5000));
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    // Stopped while the command line was being logged: the listener above will not fire for that.
    if (ctx.signal.aborted) onAbort();
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      ctx.signal.removeEventListener('abort', onAbort);
      for (const t of timers) clearTimeout(t);
      void pendingLogs.then(() => {
        if (startError) reject(startError);
        else resolve({ exitCode: exited?.exitCode ?? null, signal: exited?.signal ?? null, aborted });
      });
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid === undefined) startError = new ProcessStartError(command, err);
    });
    child.on('exit', (exitCode, signal) => {
      exited = { exitCode, signal };
      // Anything the process left behind in its group goes with it.
      killGroup('SIGKILL');
      releaseWatchdog();
      // A descendant that escaped the group (setsid) may still hold the pipes: stop waiting for it.
      timers.push(
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish();
        }, options.drainMs ?? 2000),
      );
    });
    child.on('close', finish);
  });
}

/**
 * Binds a job's process group to the life of this worker process. The group is detached (so an
 * emergency stop can kill it whole, and a Ctrl-C at the worker's terminal does not), which also
 * means nothing kills it when the worker dies without cleaning up — SIGKILL, the OOM killer, a lost
 * container. The reaper then reports the job as ended while its processes run on, unseen.
 *
 * The watchdog is a tiny shell in a group of its own that waits for end-of-file on a pipe only this
 * process holds (pipes are close-on-exec, so no other child inherits it). The kernel closes the
 * pipe when this process dies, however it dies; the watchdog then kills the job's group. When the
 * job ends normally, `release` kills the watchdog instead.
 */
function groupWatchdog(pgid: number): () => void {
  const watchdog = spawn('/bin/sh', ['-c', 'read _; kill -9 "-$1" 2>/dev/null', 'drydock-job-watchdog', String(pgid)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.on('error', () => {});
  watchdog.stdin?.on('error', () => {});
  return () => {
    watchdog.kill('SIGKILL');
    watchdog.stdin?.destroy();
  };
}
