import { spawn } from 'node:child_process';
import type { ExecutionContext } from '../executor.js';

/** How a child process ended. `aborted` when the job's signal stopped it. */
export interface ProcessResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly aborted: boolean;
}

/** The install command to name when a binary is missing. */
const INSTALL_HINTS: Record<string, string> = {
  'ansible-playbook': 'apt-get install -y ansible',
  terraform: 'install Terraform (https://developer.hashicorp.com/terraform/install) so `terraform` is on PATH',
};

/**
 * Runs a real binary for a job: in its own process group (so an emergency stop kills everything it
 * started), in the job's work directory, with stdout and stderr streamed to the job log. On abort it
 * sends SIGTERM to the group, then SIGKILL after `killAfterMs`.
 */
export async function runProcess(
  ctx: ExecutionContext,
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; killAfterMs?: number } = {},
): Promise<ProcessResult> {
  if (ctx.signal.aborted) return { exitCode: null, signal: null, aborted: true };
  await ctx.log('system', `$ ${[command, ...args].join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ctx.workDir,
      env: { ...process.env, ...options.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let aborted = false;
    let pendingLogs = Promise.resolve();
    const forward = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      pendingLogs = pendingLogs.then(() => ctx.log(stream, chunk.toString('utf8')));
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
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      aborted = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), options.killAfterMs ?? 5000);
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'ENOENT' ? ` (not found: ${INSTALL_HINTS[command] ?? `install ${command}`})` : '';
      pendingLogs = pendingLogs.then(() => ctx.log('system', `Could not start ${command}: ${err.message}${hint}\n`));
    });
    child.on('close', (exitCode, signal) => {
      ctx.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // Anything the process left behind in its group goes with it.
      killGroup('SIGKILL');
      void pendingLogs.then(() => resolve({ exitCode, signal, aborted }));
    });
  });
}
