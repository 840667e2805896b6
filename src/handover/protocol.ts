/**
 * The hand-over contract between a running `drydock serve` (the predecessor) and the process that
 * takes its listening socket over (the successor), possibly another release. It is kept this small
 * on purpose, because two releases must agree on it:
 * - the successor is `<release command> serve <the predecessor's serve arguments>`, in the
 *   predecessor's environment plus the two variables below;
 * - `DRYDOCK_LISTEN_FD` names the inherited listening socket (fd 3): the successor listens on it
 *   instead of binding an address, and only once it has checked itself;
 * - `DRYDOCK_READY_FD` names a pipe (fd 4) on which the successor writes one JSON line — a
 *   `ReadyReport` — then closes it. Anything else (an exit, a closed pipe, silence past the
 *   timeout) means it is not ready.
 */
export const LISTEN_FD_ENV = 'DRYDOCK_LISTEN_FD';
export const READY_FD_ENV = 'DRYDOCK_READY_FD';

/** What a successor reports on the ready pipe. */
export type ReadyReport =
  | { readonly ready: true; readonly pid: number; readonly version: string; readonly schemaVersion: number }
  | { readonly ready: false; readonly pid: number; readonly reason: string };

/** The fds a successor inherited, read once at start and removed from the environment (its own children must not see them). */
export interface InheritedListener {
  readonly listenFd: number;
  readonly readyFd: number;
}

export function takeInheritedListener(env: NodeJS.ProcessEnv): InheritedListener | undefined {
  const listen = env[LISTEN_FD_ENV];
  const ready = env[READY_FD_ENV];
  delete env[LISTEN_FD_ENV];
  delete env[READY_FD_ENV];
  if (listen === undefined) return undefined;
  const listenFd = Number(listen);
  const readyFd = Number(ready);
  if (!Number.isInteger(listenFd) || listenFd < 3 || !Number.isInteger(readyFd) || readyFd < 3) {
    throw new Error(`${LISTEN_FD_ENV}=${listen} and ${READY_FD_ENV}=${String(ready)} must both name inherited file descriptors (3 or more)`);
  }
  return { listenFd, readyFd };
}

/**
 * Messages on the control socket (`<pid file>.sock`), one JSON object per line. A client sends one
 * request; the server answers with events until the hand-over ended one way or the other.
 */
export interface HandoverRequest {
  readonly op: 'handover';
  /** How to run the successor's release, e.g. `node /opt/drydock-1.3/bin/drydock.mjs`; absent: this process's own release. */
  readonly command?: string;
  /** How long the successor has to report ready. */
  readonly readyTimeoutMs?: number;
}

export type HandoverEvent =
  | { readonly event: 'starting'; readonly pid: number; readonly command: string }
  | { readonly event: 'ready'; readonly pid: number; readonly version: string; readonly schemaVersion: number }
  | { readonly event: 'failed'; readonly reason: string; readonly servingPid: number }
  | { readonly event: 'draining'; readonly pid: number; readonly connections: number; readonly jobs: number }
  | { readonly event: 'exiting'; readonly pid: number; readonly forcedConnections: number };

/** The control socket that goes with a pid file: `/run/drydock.pid` → `/run/drydock.sock`. */
export function controlSocketPath(pidFile: string): string {
  return pidFile.endsWith('.pid') ? `${pidFile.slice(0, -4)}.sock` : `${pidFile}.sock`;
}
