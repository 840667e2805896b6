import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { NodeDriver } from './drivers/node-driver.js';
import { LeaseLostError } from '../errors.js';
import { nowTimestamp, timestampIn } from '../store/clock.js';
import { runPairPhase, type PairPhaseContext } from './pair-phase.js';
import { phaseGate, type Phase } from './phases.js';
import { readPairs } from './store/declaration.js';
import type { EnvironmentRecord, FailureBudget, PairRecord, RunPairRecord, RunRecord } from './store/records.js';
import type { RunHandle } from './store/run-handle.js';
import { readRun, readRunPairs } from './store/runs.js';
import { readStatuses } from './store/statuses.js';
import { backoffMs } from '../util/backoff.js';

/** A pair phase that ended on an unexpected error (the store out of reach) starts again after 1 s, 2 s, 4 s … at most 30 s. */
const SETBACK_FIRST_MS = 1_000;
const SETBACK_MAX_MS = 30_000;

/** What a run loop needs from its orchestrator. */
export interface RunLoopOptions {
  readonly store: Store;
  /** How often operator changes (pause, resume, retry) are read. */
  readonly pollMs: number;
  /** Where custom command steps run. */
  readonly baseDir?: string;
}

/**
 * The work on one run by the orchestrator that holds it: start pair phases as the run's state,
 * concurrency, failure budget and gates allow (each pair phase is `runPairPhase`), move the run to
 * the next phase when every pair still in it completed the current one, finish it. Operators'
 * changes (pause, resume, retry) are read every poll period.
 */
export class RunLoop {
  private current!: RunRecord;
  private readonly pairs = new Map<string, PairRecord>();
  private readonly progress = new Map<string, RunPairRecord>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Pairs whose phase ended on an unexpected error: how many times in a row, and when they may start again. */
  private readonly setbacks = new Map<string, { readonly failures: number; readonly retryAt: number }>();
  private readonly phaseContext: PairPhaseContext;
  private wake: (() => void) | undefined;
  private refreshAt = 0;
  private runReadAt = 0;

  constructor(
    private readonly options: RunLoopOptions,
    private readonly handle: RunHandle,
    private readonly env: EnvironmentRecord,
    driver: NodeDriver,
    private readonly logger: Logger,
    private readonly abort: AbortSignal,
  ) {
    this.phaseContext = {
      handle,
      env,
      version: handle.claimed.version,
      driver,
      logger,
      abort,
      ...(options.baseDir !== undefined && { baseDir: options.baseDir }),
    };
  }

  /** A fresher run row (from a lease renewal): pause and resume take effect at once. */
  observe(run: RunRecord): void {
    if (run.state !== this.current.state) {
      this.current = run;
      this.wake?.();
    }
  }

  /** Drives the run until it is finished, or `stopping` is aborted and no pair phase is in flight. */
  async drive(initial: RunRecord, stopping: AbortSignal): Promise<void> {
    this.current = initial;
    await this.refresh();
    for (;;) {
      if (this.abort.aborted) throw this.abort.reason instanceof Error ? this.abort.reason : this.handle.lost();
      if (Date.now() >= this.refreshAt && this.inFlight.size === 0) await this.refresh();
      else if (Date.now() >= this.runReadAt) {
        // Pause and resume take effect within a poll period even while phases are in flight.
        this.current = await readRun(this.options.store.db, this.handle.runId);
        this.runReadAt = Date.now() + this.options.pollMs;
      }
      if (!stopping.aborted && this.current.state === 'running') {
        const halted = await this.checkBudget();
        if (!halted) await this.startPhases();
      }
      if (this.inFlight.size === 0) {
        if (stopping.aborted) return;
        if (this.current.state === 'running' && (await this.advance())) {
          if (isFinished(this.current)) return;
          continue;
        }
      }
      await this.waitForEvent(stopping);
    }
  }

  /** Re-reads the run, the pairs and their progress (operators change them through the API). */
  private async refresh(): Promise<void> {
    const db = this.options.store.db;
    this.current = await readRun(db, this.handle.runId);
    for (const p of await readPairs(db, this.env.name)) if (!this.inFlight.has(p.id)) this.pairs.set(p.id, p);
    for (const rp of await readRunPairs(db, this.handle.runId)) if (!this.inFlight.has(rp.pairId)) this.progress.set(rp.pairId, rp);
    this.refreshAt = Date.now() + this.options.pollMs;
    this.runReadAt = this.refreshAt;
  }

  private failedCount(): number {
    let n = 0;
    for (const p of this.progress.values()) if (p.state === 'failed') n++;
    return n;
  }

  /** Halts the run when more pairs failed than the budget allows. */
  private async checkBudget(): Promise<boolean> {
    const failed = this.failedCount();
    const reason = budgetExceeded(this.current.failureBudget, failed, this.progress.size);
    if (!reason) return false;
    this.current = await this.handle.updateRun({ state: 'halted', reason });
    this.logger.warn({ failed }, `fleet: run halted: ${reason}`);
    return true;
  }

  /** Starts the next phase of every pair that may go, up to the concurrency limit. */
  private async startPhases(): Promise<void> {
    let statuses: Set<string> | undefined;
    for (const [pairId, p] of this.progress) {
      if (this.inFlight.size >= this.current.concurrency) return;
      if (this.inFlight.has(pairId) || (p.state !== 'waiting' && p.state !== 'running')) continue;
      if ((this.setbacks.get(pairId)?.retryAt ?? 0) > Date.now()) continue;
      const next = (p.completedPhase + 1) as Phase;
      if (next > this.current.phase || next > this.current.lastPhase) continue;
      const pair = this.pairs.get(pairId);
      if (!pair) {
        await this.handle.failPair(pairId, 'the pair is no longer in the fleet declaration');
        this.progress.set(pairId, { ...p, state: 'failed', error: 'removed from the fleet' });
        continue;
      }
      statuses ??= await readStatuses(this.options.store.db, this.current.version);
      const closed = phaseGate(this.env.name, next, this.env.gate, statuses);
      if (closed) {
        this.current = await this.handle.updateRun({ state: 'halted', reason: closed });
        this.logger.warn(`fleet: run halted: ${closed}`);
        return;
      }
      this.progress.set(pairId, { ...p, state: 'running' });
      const work = this.runPairPhase(pair, p.attempt, next)
        .catch((err: unknown) => {
          if (err instanceof LeaseLostError) throw err;
          // The phase starts again from its step log (a step that started and did not end is
          // re-run), not at once: a store out of reach would otherwise be asked again and again.
          const failures = (this.setbacks.get(pairId)?.failures ?? 0) + 1;
          const waitMs = backoffMs(failures, SETBACK_FIRST_MS, SETBACK_MAX_MS);
          this.setbacks.set(pairId, { failures, retryAt: Date.now() + waitMs });
          this.logger.error({ err, pair: pairId, failures, retryInMs: waitMs }, `fleet: pair phase failed unexpectedly; trying again in ${waitMs / 1000} s`);
        })
        .finally(() => {
          this.inFlight.delete(pairId);
          this.wake?.();
        });
      this.inFlight.set(pairId, work);
      work.catch(() => {}); // a lost lease is seen through `abort`
    }
  }

  /** Runs a pair's phase and keeps what the store now records about the pair in memory. */
  private async runPairPhase(pair: PairRecord, attempt: number, phase: Phase): Promise<void> {
    const result = await runPairPhase(this.phaseContext, pair, attempt, phase);
    this.setbacks.delete(pair.id);
    const p = this.progress.get(pair.id)!;
    if (result.ok) {
      this.pairs.set(pair.id, result.pair);
      this.progress.set(pair.id, { ...p, state: phase >= this.current.lastPhase ? 'done' : 'waiting', completedPhase: phase, error: null });
    } else {
      if (result.active) this.pairs.set(pair.id, { ...pair, active: result.active });
      this.progress.set(pair.id, { ...p, state: 'failed', error: result.error });
    }
  }

  /**
   * With nothing in flight: moves the run to the next phase when every pair still in it completed
   * the current one (after the hold, if the run holds after it), or finishes the run after its
   * last phase. Returns whether anything changed.
   */
  private async advance(): Promise<boolean> {
    const active = [...this.progress.values()].filter((p) => p.state !== 'failed');
    if (active.some((p) => p.completedPhase < this.current.phase)) return false;
    const failed = [...this.progress.values()].filter((p) => p.state === 'failed').map((p) => p.pairId);
    if (active.length > 0 && this.current.phase < this.current.lastPhase) {
      if (await this.holding()) return false;
      const phase = (this.current.phase + 1) as Phase;
      this.current = await this.handle.updateRun({ phase });
      this.logger.info({ phase, failed: failed.length }, `fleet: phase ${phase - 1} completed; starting phase ${phase}`);
      return true;
    }
    const state = active.length === 0 ? 'failed' : 'completed';
    const reason = failed.length === 0 ? null : `${failed.length} of ${this.progress.size} pairs failed: ${failed.join(', ')}`;
    this.current = await this.handle.updateRun({ state, reason, finished: true });
    this.logger.info({ state, failed: failed.length }, `fleet: run ${state}`);
    return true;
  }

  /**
   * Whether the run holds after the phase every pair just completed. The first time, the hold
   * starts: its end is recorded, so an orchestrator that takes the run over waits until the same
   * moment (an operator's resume moves it to now; `refresh` reads it).
   */
  private async holding(): Promise<boolean> {
    const hold = this.current.hold;
    if (!hold || hold.afterPhase !== this.current.phase) return false;
    if (hold.until === null) {
      const until = timestampIn(hold.seconds * 1000);
      this.current = await this.handle.updateRun({ holdUntil: until });
      this.logger.info({ phase: hold.afterPhase, until }, `fleet: phase ${hold.afterPhase} completed; holding until ${until}`);
      return hold.seconds > 0;
    }
    return hold.until > nowTimestamp();
  }

  private waitForEvent(stopping: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopping.removeEventListener('abort', done);
        this.abort.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollMs);
      stopping.addEventListener('abort', done, { once: true });
      this.abort.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }
}

/** Whether a run reached an end state (read through a function: TypeScript keeps the narrowing of `state` across awaits). */
function isFinished(run: RunRecord): boolean {
  return run.state === 'completed' || run.state === 'failed';
}

/** Why the budget is exceeded, or null. */
export function budgetExceeded(budget: FailureBudget, failed: number, total: number): string | null {
  if (budget.count !== undefined && failed > budget.count) return `${failed} pairs failed, more than the failure budget of ${budget.count}`;
  if (budget.percent !== undefined && total > 0 && (failed * 100) / total > budget.percent) {
    return `${failed} of ${total} pairs failed (${Math.round((failed * 1000) / total) / 10} %), more than the failure budget of ${budget.percent} %`;
  }
  return null;
}
