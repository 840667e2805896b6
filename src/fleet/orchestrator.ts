import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { createDriver, type DriverConfig, type DriverDeps } from './drivers/driver-config.js';
import type { NodeDriver } from './drivers/node-driver.js';
import { LeaseLostError } from '../errors.js';
import { RunLoop } from './run-loop.js';
import { readEnvironment } from './store/declaration.js';
import type { RunRecord } from './store/records.js';
import { claimRun, type RunHandle } from './store/run-handle.js';
import { readRun } from './store/runs.js';
import { sleep } from '../util/sleep.js';

/** How an orchestrator runs. */
export interface OrchestratorOptions {
  readonly store: Store;
  readonly logger: Logger;
  /** Where relative paths of driver configs resolve. */
  readonly baseDir: string;
  /** How long a run stays owned without renewal; a dead orchestrator's run is taken over after this. */
  readonly leaseMs: number;
  /** How often operator changes (pause, resume, retry) and new runs are looked for. */
  readonly pollMs: number;
  /** Builds a run's driver (tests and benchmarks may wrap it). */
  readonly createDriver?: (config: DriverConfig, deps: DriverDeps) => NodeDriver;
  /** A name for the step log; made unique per process. */
  readonly name?: string;
}

/**
 * Drives phased-upgrade runs. It claims an open run (a lease in the store, held through a
 * `RunHandle`), keeps the lease renewed, and hands the run to a `RunLoop` (run-loop.ts), which
 * starts pair phases up to the run's concurrency (pair-phase.ts) and records every step before and
 * after it runs, so whichever orchestrator holds the run next resumes it without redoing a finished
 * step. Several orchestrators may run; each run has exactly one owner at a time.
 */
export class Orchestrator {
  readonly owner: string;
  private readonly runs = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly forced = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: OrchestratorOptions) {
    this.owner = `${options.name ?? 'orchestrator'}@${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** Starts looking for runs to drive until `stop()`. */
  start(): void {
    this.loop ??= this.claimLoop();
  }

  /**
   * Stops: no new pair phase starts; phases in flight finish (so no pair is left half switched)
   * and the runs are released for another orchestrator. `force` aborts actions in flight instead.
   */
  async stop(force = false): Promise<void> {
    this.stopping.abort();
    if (force) this.forced.abort();
    await this.loop;
    await Promise.allSettled(this.runs.values());
  }

  /** Drives one run until it completes or fails (or the orchestrator stops); for the CLI's `--here` and benchmarks. */
  async driveToEnd(runId: string): Promise<RunRecord> {
    for (;;) {
      if (this.stopping.signal.aborted) return readRun(this.options.store.db, runId);
      const run = await readRun(this.options.store.db, runId);
      if (run.state === 'completed' || run.state === 'failed') return run;
      const handle = await claimRun(this.options.store, this.owner, this.options.leaseMs, runId);
      if (handle) {
        // Tracked like the claim loop's runs, so stop() waits for it too.
        const p = this.drive(handle).finally(() => this.runs.delete(handle.runId));
        this.runs.set(handle.runId, p);
        await p;
      } else await sleep(this.options.pollMs, this.stopping.signal);
    }
  }

  private async claimLoop(): Promise<void> {
    const { store, logger, leaseMs, pollMs } = this.options;
    while (!this.stopping.signal.aborted) {
      try {
        const handle = await claimRun(store, this.owner, leaseMs);
        if (handle) {
          const p = this.drive(handle).finally(() => this.runs.delete(handle.runId));
          this.runs.set(handle.runId, p);
          continue;
        }
      } catch (err) {
        logger.warn({ err }, 'fleet: could not look for runs; trying again');
      }
      await sleep(pollMs, this.stopping.signal);
    }
  }

  private async drive(handle: RunHandle): Promise<void> {
    const claimed = handle.claimed;
    const logger = this.options.logger.child({ run: claimed.id, environment: claimed.environment, version: claimed.version });
    const env = await readEnvironment(this.options.store.db, claimed.environment);
    const driver = (this.options.createDriver ?? createDriver)(env.driver, { logger, baseDir: this.options.baseDir });
    const lost = new AbortController();
    const abort = AbortSignal.any([lost.signal, this.forced.signal]);
    // Every step in flight listens to it (util/deadline.ts), up to the run's concurrency; each removes its listener when done.
    setMaxListeners(0, abort);
    const loop = new RunLoop(this.options, handle, env, driver, logger, abort);
    const renew = setInterval(
      () => {
        handle
          .renew()
          .then((r) => loop.observe(r))
          .catch((err: unknown) => {
            if (err instanceof LeaseLostError) lost.abort(err);
            else logger.warn({ err }, 'fleet: could not renew the run lease; retrying');
          });
      },
      Math.max(50, Math.floor(this.options.leaseMs / 3)),
    );
    logger.info({ owner: this.owner, phase: claimed.phase, state: claimed.state }, 'fleet: driving run');
    try {
      await loop.drive(claimed, this.stopping.signal);
    } catch (err) {
      if (err instanceof LeaseLostError || abort.aborted) logger.warn({ err }, 'fleet: lost the run; another orchestrator takes it over');
      else logger.error({ err }, 'fleet: the run stopped on an unexpected error; another orchestrator (or this one) takes it up again');
    } finally {
      clearInterval(renew);
      await driver.close().catch(() => {});
      if (!lost.signal.aborted) await handle.release().catch(() => {});
    }
  }
}
