import { existsSync, readFileSync } from 'node:fs';
import { requestHandover } from '../handover/control-socket.js';
import { controlSocketPath, type HandoverEvent } from '../handover/protocol.js';
import { sleep } from '../util/sleep.js';
import { RefusedError } from './runbook-errors.js';

export interface HandoverOptions {
  /** The running server's pid file (`serve --pid-file`); its control socket is beside it. */
  readonly pidFile: string;
  /** The successor's release command; absent: the server's own release (a restart). */
  readonly command?: string;
  /** How long the successor has to report ready. */
  readonly readyTimeoutMs: number;
  readonly onEvent?: (event: HandoverEvent) => void;
}

export type HandoverOutcome =
  | {
      readonly ok: true;
      readonly oldPid: number;
      readonly newPid: number;
      readonly version: string;
      readonly schemaVersion: number;
    }
  | { readonly ok: false; readonly oldPid: number; readonly reason: string };

/** A server that cannot be asked to hand over: no pid file, no control socket, not running. Nothing was changed. */
export class HandoverUnavailable extends RefusedError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HandoverUnavailable';
  }
}

/**
 * Asks the server behind `pidFile` to hand its listening socket to a successor and follows it until
 * the successor is ready (or not). The old process is never stopped when the successor fails: it
 * answers `failed` and goes on serving. Once the successor took over, the old process no longer
 * accepts connections and finishes what it has in flight: `waitForExit` follows that.
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
  let answered: () => void = () => {};
  const readyOrFailed = new Promise<void>((resolve) => (answered = resolve));
  try {
    // The connection stays open until the old process exits; the outcome is known before that.
    const following = requestHandover(
      socket,
      { op: 'handover', ...(o.command !== undefined && { command: o.command }), readyTimeoutMs: o.readyTimeoutMs },
      (event) => {
        if (event.event === 'error') {
          failure = event.reason;
          return;
        }
        o.onEvent?.(event);
        if (event.event === 'ready') ready = event;
        if (event.event === 'failed') failure = event.reason;
        if (event.event === 'ready' || event.event === 'failed') answered();
      },
    );
    following.catch(() => {});
    await Promise.race([readyOrFailed, following]);
  } catch (err) {
    throw new HandoverUnavailable(`cannot reach the server's control socket ${socket}: ${(err as Error).message}`);
  }
  if (!ready) return { ok: false, oldPid, reason: failure ?? 'the server closed the control connection without an answer' };
  return { ok: true, oldPid, newPid: ready.pid, version: ready.version, schemaVersion: ready.schemaVersion };
}

/** Waits until `pid` has exited, at most `timeoutMs`; whether it did. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  return !isAlive(pid);
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
