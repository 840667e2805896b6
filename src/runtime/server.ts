import { closeSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import type { Server } from 'node:http';
import net from 'node:net';
import type { FastifyListenOptions } from 'fastify';
import type { Logger } from 'pino';
import { reapExpiredLeases } from '../backyard/lease.js';
import { createWorker } from '../backyard/start-worker.js';
import type { CompiledOptions } from '../config/options.js';
import { Orchestrator } from '../fleet/orchestrator.js';
import { ControlSocket } from '../handover/control-socket.js';
import { GracefulClose } from '../handover/graceful-close.js';
import {
  controlSocketPath,
  takeInheritedListener,
  type HandoverEvent,
  type HandoverRequest,
  type InheritedListener,
  type ReadyReport,
} from '../handover/protocol.js';
import { startSuccessor } from '../handover/successor.js';
import { ConfigError } from '../errors.js';
import { buildApp } from '../http/app.js';
import { VERSION } from '../version.js';
import { openRuntime } from './open-runtime.js';

export interface ServerOptions {
  readonly options: CompiledOptions;
  readonly logger: Logger;
  /** Also run a worker for every backyard and a fleet orchestrator (all-in-one). */
  readonly workers: boolean;
  readonly migrate: boolean;
  readonly pidFile: string | undefined;
  /** The arguments after `serve` this process was started with: a successor gets the same. */
  readonly serveArgs: readonly string[];
}

/** How long a successor has to report ready when a hand-over does not say (SIGHUP). */
const DEFAULT_READY_TIMEOUT_MS = 120_000;
/** How long a stopping process (handed over, or SIGTERM) waits for its clients' connections to end before closing the rest. */
const CONNECTION_DRAIN_MS = 30_000;
/** How soon the clients of an ended event stream reconnect (to the successor). */
const STREAM_RETRY_MS = 250;
/** A connection with no request in flight for this long is closed by a stopping process (graceful-close.ts). */
const IDLE_CLOSE_MS = 1000;

/**
 * `drydock serve`: the HTTP API and console, optionally with workers, until SIGTERM/SIGINT — or
 * until it has handed its listening socket to a successor (SIGHUP, `drydock restart`, `drydock
 * upgrade local`; see docs/decisions/socket-handover.md). Started as a successor (the hand-over
 * variables set), it checks itself before it accepts a connection and reports ready on the pipe.
 */
export async function runServer(o: ServerOptions): Promise<void> {
  const { options, logger } = o;
  const inherited = takeInheritedListener(process.env);
  // A port in use is found before the store is touched (migrated, or an administrator created).
  if (!inherited) await requirePortFree(options.host, options.port);
  let runtime: Awaited<ReturnType<typeof openRuntime>>;
  try {
    runtime = await openRuntime(options, logger, undefined, { migrate: o.migrate });
  } catch (err) {
    if (inherited) reportToPredecessor(inherited, { ready: false, pid: process.pid, reason: (err as Error).message });
    throw err;
  }
  const app = await buildApp(runtime.deps);
  const graceful = new GracefulClose(app, runtime.deps.eventStreams);
  const worker = o.workers ? createWorker(runtime.deps.store, logger, options) : undefined;
  // All-in-one: this process also drives fleet upgrade runs (multi-machine installs run
  // `drydock fleet orchestrator` where the node actions should happen).
  const orchestrator = o.workers
    ? new Orchestrator({ store: runtime.deps.store, logger, baseDir: process.cwd(), leaseMs: options.fleetLeaseMs, pollMs: options.fleetPollMs })
    : undefined;
  // Every API process also ends jobs whose worker died, so the execute-check clears even when
  // no worker is left running.
  const reaper = setInterval(
    () => void reapExpiredLeases(runtime.deps.store).catch((err: unknown) => logger.warn({ err }, 'lease reaper failed')),
    Math.max(500, Math.floor(options.worker.leaseMs / 2)),
  );
  reaper.unref();

  let address: string;
  if (inherited) {
    // A successor checks itself through the whole stack before it takes a single connection: the
    // predecessor goes on serving until this process says it is ready.
    const health = await app.inject({ method: 'GET', url: '/api/healthz' });
    if (health.statusCode !== 200) {
      const reason = `its own health check answered ${health.statusCode}: ${health.body.slice(0, 300)}`;
      reportToPredecessor(inherited, { ready: false, pid: process.pid, reason });
      throw new Error(`not taking over: ${reason}`);
    }
    // `fd` is passed through to net.Server#listen, which listens on the inherited socket.
    address = await app.listen({ fd: inherited.listenFd } as unknown as FastifyListenOptions);
  } else {
    address = await app.listen({ host: options.host, port: options.port });
  }
  // A successor reports ready before it claims jobs or takes the pid file and the control socket:
  // until the predecessor has the report it may still reject (and kill) this process, and then
  // nothing of this process must be left behind.
  if (inherited) {
    const schemaVersion = await runtime.deps.store.schemaVersion();
    reportToPredecessor(inherited, { ready: true, pid: process.pid, version: VERSION, schemaVersion });
    logger.info({ version: VERSION, schemaVersion }, 'took over the listening socket from the previous server');
  }
  worker?.start();
  orchestrator?.start();
  if (o.pidFile) writeFileSync(o.pidFile, `${process.pid}\n`);

  let handingOver = false;
  let stopping = false;
  /** Stops a successor still starting when this server is told to stop instead. */
  const stopSuccessor = new AbortController();
  const control = o.pidFile ? new ControlSocket(controlSocketPath(o.pidFile), (request, send) => handOver(request, send)) : undefined;
  await control?.open();

  const url = address.replace('0.0.0.0', 'localhost');
  process.stdout.write(
    [
      '',
      inherited ? `drydock ${VERSION} took over: ${url}/ (pid ${process.pid})` : `drydock is running: ${url}/`,
      `  API browser: ${url}/api/docs`,
      `  store:       ${runtime.deps.store.capabilities.description}`,
      worker
        ? `  workers:     ${worker.id} (all backyards) and a fleet orchestrator`
        : '  workers:     none in this process: jobs wait until a `drydock worker` runs (or start with --workers)',
      ...(runtime.generatedAdminPassword
        ? [
            `  administrator: ${options.adminUser} / ${runtime.generatedAdminPassword}`,
            '  (generated on this first start and shown only now: keep it somewhere safe)',
          ]
        : inherited
          ? []
          : [`  administrator: ${options.adminUser} (password as configured, or as printed on the first start)`]),
      '',
    ].join('\n') + '\n',
  );

  /** Stops everything this process runs and exits; no request in flight may fail on the way. */
  const shutdown = async (handedOver: boolean, notify: (event: HandoverEvent) => void = () => {}) => {
    stopping = true;
    runtime.deps.lifecycle.stopping = true;
    clearInterval(reaper);
    const [closed] = await Promise.all([
      // After a hand-over and on SIGTERM alike (a Kubernetes pod going away, a systemd stop): no
      // request in flight fails, keep-alive connections end after their next answer.
      graceful.close(CONNECTION_DRAIN_MS, { idleCloseMs: IDLE_CLOSE_MS, streamRetryMs: STREAM_RETRY_MS }),
      worker?.stop(),
      orchestrator?.stop(),
    ]);
    await app.close();
    await runtime.close();
    if (o.pidFile && readPid(o.pidFile) === process.pid) rmSync(o.pidFile, { force: true });
    control?.close(!handedOver);
    notify({ event: 'exiting', pid: process.pid, forcedConnections: closed.forced });
    logger.info({ handedOver, forcedConnections: closed.forced }, 'server stopped');
  };

  /** Hands the listening socket to a successor; on any failure this process simply goes on serving. */
  async function handOver(request: HandoverRequest, send: (event: HandoverEvent) => void): Promise<void> {
    if (handingOver || stopping || stopSuccessor.signal.aborted) {
      send({ event: 'failed', reason: stopping ? 'this server is stopping' : 'a hand-over is already under way', servingPid: process.pid });
      return;
    }
    handingOver = true;
    const listenFd = (app.server as Server & { _handle?: { fd?: number } })._handle?.fd;
    if (listenFd === undefined || listenFd < 0) {
      handingOver = false;
      send({ event: 'failed', reason: 'this server has no listening socket to hand over', servingPid: process.pid });
      return;
    }
    logger.info({ command: request.command ?? '(this release)' }, 'handing the listening socket over to a successor');
    try {
      const ready = await startSuccessor({
        command: request.command,
        serveArgs: o.serveArgs,
        listenFd,
        readyTimeoutMs: request.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
        onSpawn: (pid, command) => send({ event: 'starting', pid, command }),
        signal: stopSuccessor.signal,
      });
      send({ event: 'ready', ...ready });
    } catch (err) {
      handingOver = false;
      const reason = (err as Error).message;
      logger.warn({ reason }, 'hand-over failed: this server goes on serving');
      send({ event: 'failed', reason, servingPid: process.pid });
      return;
    }
    send({ event: 'draining', pid: process.pid, connections: graceful.connections, jobs: worker?.inFlight ?? 0 });
    await shutdown(true, send);
    // Let the last event reach the client before the process goes.
    setTimeout(() => process.exit(0), 50);
  }

  const stop = async (signal: string) => {
    if (stopping) {
      if (worker?.state === 'draining') {
        logger.warn({ signal }, 'second signal: stopping jobs in flight');
        await worker.stop();
        return;
      }
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down: finishing requests and jobs in flight');
    stopSuccessor.abort();
    await shutdown(false);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // SIGHUP: restart in place (a changed config file or certificate) — a hand-over to this release.
  process.on('SIGHUP', () => {
    void handOver({ op: 'handover' }, (event) => logger.info({ handover: event }, `hand-over: ${event.event}`));
  });
}

/** Writes the one ready report a successor owes its predecessor, and closes the pipe. */
function reportToPredecessor(inherited: InheritedListener, report: ReadyReport): void {
  try {
    writeSync(inherited.readyFd, `${JSON.stringify(report)}\n`);
    closeSync(inherited.readyFd);
  } catch {
    // The predecessor is gone (it gave up waiting): nobody to tell.
  }
}

function readPid(pidFile: string): number | undefined {
  try {
    return Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** Throws a ConfigError naming the address when something already listens there. */
async function requirePortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new ConfigError(`${host}:${port} is in use (another drydock, or another program, listens there): stop it, or choose another --port (DRYDOCK_PORT).`)
          : err.code === 'EACCES'
            ? new ConfigError(`${host}:${port} may not be used by this user (ports below 1024 need privileges): choose another --port (DRYDOCK_PORT).`)
            : err,
      );
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
