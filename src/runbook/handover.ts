import { existsSync, readFileSync } from 'node:fs';
import { requestHandover } from '../handover/control-socket.js';
import { controlSocketPath, type HandoverEvent } from '../handover/protocol.js';
import { sleep } from '../runtime/sleep.js';

export interface HandoverOptions {
  /** The running server's pid file (`serve --pid-file`); its control socket is beside it. */
  readonly pidFile: string;
  /** The successor's release command; absent: the server's own release (a restart). */
  readonly command?: string;
  /** How long the successor has to report ready. */
  readonly readyTimeoutMs: number;
  /** How long the predecessor has, once the successor took over, to finish its requests and jobs and exit. */
  readonly exitTimeoutMs: number;
  readonly onEvent?: (event: HandoverEvent) => void;
}

export type HandoverOutcome =
  | {
      readonly ok: true;
      readonly oldPid: number;
      readonly newPid: number;
      readonly version: string;
      readonly schemaVersion: number;
      /** Whether the old process exited within `exitTimeoutMs` (it goes on finishing its work otherwise). */
      readonly oldExited: boolean;
    }
  | { readonly ok: false; readonly oldPid: number; readonly reason: string };

/** A server that cannot be asked to hand over: no pid file, no control socket, not running. */
export class HandoverUnavailable extends Error {}

/**
 * Asks the server behind `pidFile` to hand its listening socket to a successor and follows it to
 * the end: the successor ready (or not), the old process drained and gone. The old process is never
 * stopped when the successor fails: it answers `failed` and goes on serving.
 */
export async function handOver(o: HandoverOptions): Promise<HandoverOutcome> {
  const oldPid = readPidFile(o.pidFile);
  if (!isAlive(oldPid)) throw new HandoverUnavailable(`no server runs with pid ${oldPid} (from ${o.pidFile})`);
  const socket = controlSocketPath(o.pidFile);
  if (!existsSync(socket)) {
    throw new HandoverUnavailable(`${socket} does not exist: the server was started without --pid-file ${o.pidFile}, or by a drydock without hand-over`);
  }
  let ready: Extract<HandoverEvent, { event: 'ready' }> | undefined;
  let failure: string | undefined;
  try {
    await requestHandover(socket, { op: 'handover', ...(o.command !== undefined && { command: o.command }), readyTimeoutMs: o.readyTimeoutMs }, (event) => {
      if (event.event === 'error') {
        failure = event.reason;
        return;
      }
      o.onEvent?.(event);
      if (event.event === 'ready') ready = event;
      if (event.event === 'failed') failure = event.reason;
    });
  } catch (err) {
    throw new HandoverUnavailable(`cannot reach the server's control socket ${socket}: ${(err as Error).message}`);
  }
  if (!ready) return { ok: false, oldPid, reason: failure ?? 'the server closed the control connection without an answer' };
  // The old process answers until it has finished its requests and jobs; then it exits.
  const deadline = Date.now() + o.exitTimeoutMs;
  while (isAlive(oldPid) && Date.now() < deadline) await sleep(100);
  return { ok: true, oldPid, newPid: ready.pid, version: ready.version, schemaVersion: ready.schemaVersion, oldExited: !isAlive(oldPid) };
}

export function readPidFile(pidFile: string): number {
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    throw new HandoverUnavailable(`cannot read the pid file ${pidFile}: start the server with --pid-file ${pidFile}`);
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new HandoverUnavailable(`${pidFile} does not hold a process id`);
  return pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
