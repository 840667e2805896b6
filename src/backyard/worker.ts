import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { IllegalStateError } from '../errors.js';
import { nowTimestamp } from '../store/clock.js';
import type { Store } from '../store/store.js';
import { claimJobs } from './claim.js';
import type { Executor, ExecutorSettings, Outcome } from './executor.js';
import { appendLog, transitionAndNotify, type Job } from './jobs.js';
import { familyOf, type Backyard } from './kinds/registry.js';
import { reapExpiredLeases, renewLeases } from './lease.js';

export interface WorkerOptions {
  readonly backyards: readonly Backyard[];
  /** Jobs run at once by this worker, across its backyards. */
  readonly concurrency: number;
  /** A claimed job's lease; a worker that stops renewing loses its jobs to Unexpected error after this. */
  readonly leaseMs: number;
  /** Fallback poll; new jobs normally wake the worker through the change feed. */
  readonly pollMs: number;
  /** How long SIGTERM waits for jobs in flight before stopping them. */
  readonly graceMs: number;
  /** Per-job work directories are made under this. */
  readonly workDir: string;
  readonly settings: ExecutorSettings;
  readonly workerId?: string;
}

/**
 * Worker lifecycle:
 * - `created` → `running` (start): claims jobs whenever it has free slots;
 * - `running` → `draining` (stop): claims nothing more, waits up to `graceMs` for jobs in flight;
 * - `draining` → `stopped`: jobs still running are aborted and end as Unexpected error.
 * A second stop while draining skips the wait.
 */
export type WorkerState = 'created' | 'running' | 'draining' | 'stopped';

interface Running {
  readonly job: Job;
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/** Claims (gated), executes, heartbeats leases and writes terminal statuses. */
export class Worker {
  readonly id: string;
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #options: WorkerOptions;
  readonly #executors: ReadonlyMap<Backyard, Executor>;
  readonly #running = new Map<string, Running>();
  readonly #timers: Array<ReturnType<typeof setInterval>> = [];
  readonly #unsubscribe: Array<() => void> = [];
  #state: WorkerState = 'created';
  #ticking = false;
  /** Settles when the claim loop under way (if any) has handed its jobs to #run. */
  #claiming: Promise<void> | undefined;
  #tickAgain = false;
  #nextBackyard = 0;
  #forceStop: (() => void) | undefined;

  constructor(store: Store, logger: Logger, options: WorkerOptions, executors: readonly Executor[]) {
    this.#store = store;
    this.#options = options;
    this.id = options.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#logger = logger.child({ worker: this.id });
    const byBackyard = new Map(executors.map((e) => [e.backyard, e]));
    for (const b of options.backyards) {
      if (!byBackyard.has(b)) throw new IllegalStateError(`no executor for backyard ${b}`);
    }
    this.#executors = byBackyard;
  }

  get state(): WorkerState {
    return this.#state;
  }

  /** Jobs this worker is running now. */
  get inFlight(): number {
    return this.#running.size;
  }

  start(): void {
    if (this.#state !== 'created') throw new IllegalStateError(`cannot start a ${this.#state} worker`);
    this.#state = 'running';
    const every = (ms: number, fn: () => Promise<unknown>, keepAlive = false) => {
      const t = setInterval(() => void fn().catch((err: unknown) => this.#logger.warn({ err }, 'worker timer failed')), ms);
      if (!keepAlive) t.unref();
      this.#timers.push(t);
    };
    // The poll keeps the process alive until stop(): on SQLite nothing else would (no sockets), and
    // `drydock worker` would exit as soon as it had started.
    every(this.#options.pollMs, () => this.#tick(), true);
    every(Math.max(100, Math.floor(this.#options.leaseMs / 3)), () => this.#heartbeat());
    every(Math.max(100, Math.floor(this.#options.leaseMs / 2)), () => reapExpiredLeases(this.#store));
    this.#unsubscribe.push(
      this.#store.onChange(() => {
        void this.#tick();
        void this.#checkStops();
      }),
    );
    void this.#tick();
    this.#logger.info({ backyards: this.#options.backyards, concurrency: this.#options.concurrency }, 'worker started');
  }

  /**
   * Stops claiming, waits up to `graceMs` for jobs in flight, then aborts the rest (they end as
   * Unexpected error). Calling it again while draining stops the wait at once.
   */
  async stop(): Promise<void> {
    if (this.#state === 'draining') {
      this.#forceStop?.();
      return;
    }
    if (this.#state !== 'running') return;
    this.#state = 'draining';
    for (const u of this.#unsubscribe.splice(0)) u();
    this.#logger.info({ inFlight: this.#running.size }, 'worker draining');
    const all = () => Promise.all([...this.#running.values()].map((r) => r.done));
    const forced = new Promise<void>((resolve) => {
      this.#forceStop = resolve;
      setTimeout(resolve, this.#options.graceMs).unref();
    });
    // A claim under way may still commit: its jobs are this worker's then, and drain like the rest
    // (without this wait they would run on after `stopped`, or be stranded when the process exits).
    await Promise.race([this.#claiming, forced]);
    await Promise.race([all(), forced]);
    for (const r of this.#running.values()) r.controller.abort('shutdown');
    await all();
    for (const t of this.#timers.splice(0)) clearInterval(t);
    this.#state = 'stopped';
    this.#logger.info('worker stopped');
  }

  async #tick(): Promise<void> {
    if (this.#ticking) {
      this.#tickAgain = true;
      return;
    }
    this.#ticking = true;
    let claimed!: () => void;
    this.#claiming = new Promise<void>((resolve) => (claimed = resolve));
    try {
      do {
        this.#tickAgain = false;
        const backyards = this.#options.backyards;
        for (let i = 0; i < backyards.length && this.#state === 'running'; i++) {
          const free = this.#options.concurrency - this.#running.size;
          if (free <= 0) break;
          const backyard = backyards[(this.#nextBackyard + i) % backyards.length]!;
          const jobs = await claimJobs(this.#store, {
            backyard,
            workerId: this.id,
            limit: free,
            leaseMs: this.#options.leaseMs,
          });
          for (const job of jobs) this.#run(job);
        }
        this.#nextBackyard = (this.#nextBackyard + 1) % Math.max(1, backyards.length);
      } while (this.#tickAgain && this.#state === 'running');
    } catch (err) {
      this.#logger.warn({ err }, 'claim failed; retrying on the next poll');
    } finally {
      this.#ticking = false;
      claimed();
    }
  }

  #run(job: Job): void {
    const controller = new AbortController();
    const done = this.#execute(job, controller)
      .catch((err: unknown) => this.#logger.error({ err, job: job.id }, 'could not record the end of a job'))
      .finally(() => {
        this.#running.delete(job.id);
        void this.#tick();
      });
    this.#running.set(job.id, { job, controller, done });
  }

  async #execute(job: Job, controller: AbortController): Promise<void> {
    const executor = this.#executors.get(job.backyard)!;
    const family = familyOf(job.backyard);
    const workDir = path.join(this.#options.workDir, job.id);
    const log = async (stream: 'stdout' | 'stderr' | 'system', text: string) => {
      try {
        await appendLog(this.#store, job.id, stream, text);
      } catch (err) {
        this.#logger.warn({ err, job: job.id }, 'could not append to the job log');
      }
    };
    // "Executing (delayed)": a job still executing when its delay timer runs out, in families that
    // have the status (drivers).
    const delay = family.delay;
    const delayMs = delay && job.delay_minutes ? job.delay_minutes * 60_000 : undefined;
    const deadline = delayMs === undefined ? undefined : Date.now() + delayMs;
    const delayTimer =
      delay === null || delayMs === undefined
        ? undefined
        : setTimeout(() => void transitionAndNotify(this.#store, job, family.name, [delay.executing], delay.delayed, {}, this.id).catch(() => {}), delayMs);
    const setStatus = async (from: readonly string[], to: string) => {
      const target = delay && to === delay.executing && deadline !== undefined && Date.now() >= deadline ? delay.delayed : to;
      return transitionAndNotify(this.#store, job, family.name, from, target, {}, this.id);
    };

    let outcome: Outcome;
    try {
      await mkdir(workDir, { recursive: true });
      await log('system', `Started by worker ${this.id}.\n`);
      outcome = await executor.run({
        job,
        store: this.#store,
        logger: this.#logger.child({ job: job.id, backyard: job.backyard }),
        workDir,
        signal: controller.signal,
        log,
        setStatus,
        settings: this.#options.settings,
      });
    } catch (err) {
      this.#logger.error({ err, job: job.id }, 'job failed unexpectedly');
      await log('system', `Unexpected error: ${(err as Error).message}\n`);
      outcome = { statusId: family.lost };
    } finally {
      if (delayTimer) clearTimeout(delayTimer);
      await rm(workDir, { recursive: true, force: true }).catch(() => {});
    }
    if (controller.signal.aborted && controller.signal.reason === 'shutdown') {
      await log('system', 'The worker shut down before the job finished.\n');
      outcome = { statusId: family.lost };
    }
    const recorded = await transitionAndNotify(
      this.#store,
      job,
      family.name,
      family.inFlight,
      outcome.statusId,
      {
        finished_at: nowTimestamp(),
        lease_expires_at: null,
        ...(outcome.result !== undefined && { result: JSON.stringify(outcome.result) }),
      },
      this.id,
    );
    if (!recorded) this.#logger.warn({ job: job.id }, 'job ended after its lease was lost; its end was not recorded');
  }

  async #heartbeat(): Promise<void> {
    if (this.#running.size === 0) return;
    const { held, stopRequested } = await renewLeases(this.#store, this.id, this.#options.leaseMs);
    for (const [id, r] of this.#running) {
      if (stopRequested.has(id)) r.controller.abort('emergency-stop');
      else if (!held.has(id)) {
        this.#logger.warn({ job: id }, 'lease lost: stopping the job');
        r.controller.abort('lease-lost');
      }
    }
  }

  async #checkStops(): Promise<void> {
    if (this.#running.size === 0) return;
    const rows = await this.#store.db
      .selectFrom('backyard_jobs')
      .select('id')
      .where('lease_owner', '=', this.id)
      .where('in_flight', '=', 1)
      .where('stop_requested', '=', 1)
      .execute();
    for (const { id } of rows) this.#running.get(id)?.controller.abort('emergency-stop');
  }
}
