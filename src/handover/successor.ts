import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { LISTEN_FD_ENV, READY_FD_ENV, type ReadyReport } from './protocol.js';

export interface SuccessorOptions {
  /** How to run the successor's release (a shell command line); absent: this process's own release, as it was started. */
  readonly command: string | undefined;
  /** The arguments after `serve` that this process was started with; the successor gets the same. */
  readonly serveArgs: readonly string[];
  /** The listening socket's file descriptor in this process. */
  readonly listenFd: number;
  readonly readyTimeoutMs: number;
  /** Called once the successor process exists, before it is ready. */
  readonly onSpawn?: (pid: number, command: string) => void;
  /** Aborting stops a successor that is not ready yet (this server is stopping instead). */
  readonly signal?: AbortSignal;
}

export interface ReadySuccessor {
  readonly pid: number;
  readonly version: string;
  readonly schemaVersion: number;
}

/** Why a successor did not take over: it said so, it died, or it stayed silent. */
export class SuccessorFailed extends Error {}

/**
 * Starts the successor with the listening socket as its fd 3 and a pipe as its fd 4, and waits for
 * its ready report. The successor runs detached (its own process group and session): it outlives
 * this process, and a signal meant for this one's group does not reach it. On failure it is killed
 * (whole group) before this rejects, so it never accepts a connection afterwards.
 */
export function startSuccessor(o: SuccessorOptions): Promise<ReadySuccessor> {
  const [file, args, shown] =
    o.command === undefined
      ? [process.execPath, [...process.execArgv, process.argv[1]!, 'serve', ...o.serveArgs], `${process.argv[1]} serve`]
      : // "$@" keeps the arguments as they are, however the command line is quoted.
        ['sh', ['-c', `exec ${o.command} "$@"`, 'drydock', 'serve', ...o.serveArgs], `${o.command} serve`];
  const child = spawn(file, args, {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', o.listenFd, 'pipe'],
    env: { ...process.env, [LISTEN_FD_ENV]: '3', [READY_FD_ENV]: '4' },
  });
  const pid = child.pid;
  return new Promise<ReadySuccessor>((resolve, reject) => {
    if (pid === undefined) {
      child.once('error', (err) => reject(new SuccessorFailed(`could not start ${shown}: ${err.message}`)));
      return;
    }
    o.onSpawn?.(pid, shown);
    const readyPipe = child.stdio[4] as Readable;
    let text = '';
    let settled = false;
    const kill = () => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone already
      }
    };
    const finish = (outcome: { ok: ReadySuccessor } | { error: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      readyPipe.destroy();
      child.removeAllListeners('exit');
      if ('ok' in outcome) {
        child.unref();
        resolve(outcome.ok);
      } else {
        kill();
        reject(new SuccessorFailed(outcome.error));
      }
    };
    const timer = setTimeout(
      () => finish({ error: `the successor (pid ${pid}) did not report ready within ${Math.round(o.readyTimeoutMs / 1000)} s; it was stopped` }),
      o.readyTimeoutMs,
    );
    o.signal?.addEventListener('abort', () => finish({ error: `this server is stopping: the successor (pid ${pid}) was stopped before it was ready` }), {
      once: true,
    });
    readyPipe.setEncoding('utf8');
    readyPipe.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end < 0) return;
      let report: ReadyReport;
      try {
        report = JSON.parse(text.slice(0, end)) as ReadyReport;
      } catch {
        finish({ error: `the successor (pid ${pid}) wrote an unreadable ready report: ${text.slice(0, 200)}` });
        return;
      }
      if (report.ready) finish({ ok: { pid, version: report.version, schemaVersion: report.schemaVersion } });
      else finish({ error: `the successor (pid ${pid}) is not ready: ${report.reason}` });
    });
    readyPipe.on('error', () => {});
    child.once('exit', (code, signal) =>
      finish({ error: `the successor (pid ${pid}) exited (${signal ?? `code ${code}`}) before it was ready; its output is in this server's log` }),
    );
  });
}
