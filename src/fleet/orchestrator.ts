import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { createDriver, type DriverConfig, type DriverDeps } from './drivers/driver-config.js';
import type { ActionOutcome, NodeDriver, NodeTarget, PairTarget } from './drivers/node-driver.js';
import {
  claimRun,
  completePairPhase,
  failPair,
  pairView,
  LeaseLostError,
  readEnvironment,
  readPairs,
  readPhaseSteps,
  readRun,
  readRunPairs,
  readStatuses,
  recordStepStart,
  releaseRun,
  renewRunLease,
  updateRun,
  type EnvironmentRecord,
  type FailureBudget,
  type PairRecord,
  type RunLease,
  type RunPairRecord,
  type RunRecord,
  type StepEnd,
} from './fleet-store.js';
import type { NodeRole } from './node-names.js';
import { afterPhase, phaseGate, planPhase, type PairView, type Phase, type StepSpec } from './phases.js';
import { sleep } from '../runtime/sleep.js';

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

/** Thrown instead of performing an action that would break an invariant of the upgrade. */
export class InvariantViolation extends Error {
  constructor(message: string) {
    super(`refused, an invariant would break: ${message}`);
    this.name = 'InvariantViolation';
  }
}

/**
 * Drives phased-upgrade runs. It claims an open run (a lease in the store), starts pair phases up
 * to the run's concurrency, and records every step before and after it runs, so whichever
 * orchestrator holds the run next resumes it without redoing a finished step. Several
 * orchestrators may run; each run has exactly one owner at a time.
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
      const claimed = await claimRun(this.options.store, this.owner, this.options.leaseMs, runId);
      if (claimed) {
        // Tracked like the claim loop's runs, so stop() waits for it too.
        const p = this.drive(claimed).finally(() => this.runs.delete(claimed.id));
        this.runs.set(claimed.id, p);
        await p;
      } else await sleep(this.options.pollMs, this.stopping.signal);
    }
  }

  private async claimLoop(): Promise<void> {
    const { store, logger, leaseMs, pollMs } = this.options;
    while (!this.stopping.signal.aborted) {
      try {
        const run = await claimRun(store, this.owner, leaseMs);
        if (run) {
          const p = this.drive(run).finally(() => this.runs.delete(run.id));
          this.runs.set(run.id, p);
          continue;
        }
      } catch (err) {
        logger.warn({ err }, 'fleet: could not look for runs; trying again');
      }
      await sleep(pollMs, this.stopping.signal);
    }
  }

  private async drive(claimed: RunRecord): Promise<void> {
    const lease: RunLease = { runId: claimed.id, owner: this.owner, leaseMs: this.options.leaseMs };
    const logger = this.options.logger.child({ run: claimed.id, environment: claimed.environment, version: claimed.version });
    const env = await readEnvironment(this.options.store.db, claimed.environment);
    const driver = (this.options.createDriver ?? createDriver)(env.driver, { logger, baseDir: this.options.baseDir });
    const lost = new AbortController();
    const abort = AbortSignal.any([lost.signal, this.forced.signal]);
    const runner = new RunDriver(this.options, lease, env, driver, logger, abort);
    const renew = setInterval(() => {
      renewRunLease(this.options.store, lease)
        .then((r) => runner.observe(r))
        .catch((err: unknown) => {
          if (err instanceof LeaseLostError) lost.abort(err);
          else logger.warn({ err }, 'fleet: could not renew the run lease; retrying');
        });
    }, Math.max(50, Math.floor(this.options.leaseMs / 3)));
    logger.info({ owner: this.owner, phase: claimed.phase, state: claimed.state }, 'fleet: driving run');
    try {
      await runner.drive(claimed, this.stopping.signal);
    } catch (err) {
      if (err instanceof LeaseLostError || abort.aborted) logger.warn({ err }, 'fleet: lost the run; another orchestrator takes it over');
      else logger.error({ err }, 'fleet: the run stopped on an unexpected error; another orchestrator (or this one) takes it up again');
    } finally {
      clearInterval(renew);
      await driver.close().catch(() => {});
      if (!lost.signal.aborted) await releaseRun(this.options.store, lease).catch(() => {});
    }
  }
}

/** The work on one run by one orchestrator. */
class RunDriver {
  private current!: RunRecord;
  private readonly pairs = new Map<string, PairRecord>();
  private readonly progress = new Map<string, RunPairRecord>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private wake: (() => void) | undefined;
  private refreshAt = 0;
  private runReadAt = 0;

  constructor(
    private readonly options: OrchestratorOptions,
    private readonly lease: RunLease,
    private readonly env: EnvironmentRecord,
    private readonly driver: NodeDriver,
    private readonly logger: Logger,
    private readonly abort: AbortSignal,
  ) {}

  /** A fresher run row (from a lease renewal): pause and resume take effect at once. */
  observe(run: RunRecord): void {
    if (run.state !== this.current.state) {
      this.current = run;
      this.wake?.();
    }
  }

  async drive(initial: RunRecord, stopping: AbortSignal): Promise<void> {
    this.current = initial;
    await this.refresh();
    for (;;) {
      if (this.abort.aborted) throw this.abort.reason instanceof Error ? this.abort.reason : new LeaseLostError(this.lease.runId, this.lease.owner);
      if (Date.now() >= this.refreshAt && this.inFlight.size === 0) await this.refresh();
      else if (Date.now() >= this.runReadAt) {
        // Pause and resume take effect within a poll period even while phases are in flight.
        this.current = await readRun(this.options.store.db, this.lease.runId);
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
    this.current = await readRun(db, this.lease.runId);
    for (const p of await readPairs(db, this.env.name)) if (!this.inFlight.has(p.id)) this.pairs.set(p.id, p);
    for (const rp of await readRunPairs(db, this.lease.runId)) if (!this.inFlight.has(rp.pairId)) this.progress.set(rp.pairId, rp);
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
    this.current = await updateRun(this.options.store, this.lease, { state: 'halted', reason });
    this.logger.warn({ failed }, `fleet: run halted: ${reason}`);
    return true;
  }

  /** Starts the next phase of every pair that may go, up to the concurrency limit. */
  private async startPhases(): Promise<void> {
    let statuses: Set<string> | undefined;
    for (const [pairId, p] of this.progress) {
      if (this.inFlight.size >= this.current.concurrency) return;
      if (this.inFlight.has(pairId) || (p.state !== 'waiting' && p.state !== 'running')) continue;
      const next = (p.completedPhase + 1) as Phase;
      if (next > this.current.phase || next > 4) continue;
      const pair = this.pairs.get(pairId);
      if (!pair) {
        await failPair(this.options.store, this.lease, pairId, 'the pair is no longer in the fleet declaration');
        this.progress.set(pairId, { ...p, state: 'failed', error: 'removed from the fleet' });
        continue;
      }
      statuses ??= await readStatuses(this.options.store.db, this.current.version);
      const closed = phaseGate(this.env.name, next, this.env.gate, statuses);
      if (closed) {
        this.current = await updateRun(this.options.store, this.lease, { state: 'halted', reason: closed });
        this.logger.warn(`fleet: run halted: ${closed}`);
        return;
      }
      this.progress.set(pairId, { ...p, state: 'running' });
      const work = this.runPairPhase(pair, p.attempt, next)
        .catch((err: unknown) => {
          if (err instanceof LeaseLostError) throw err;
          this.logger.error({ err, pair: pairId }, 'fleet: pair phase failed unexpectedly');
        })
        .finally(() => {
          this.inFlight.delete(pairId);
          this.wake?.();
        });
      this.inFlight.set(pairId, work);
      work.catch(() => {}); // a lost lease is seen through `abort`
    }
  }

  /**
   * With nothing in flight: moves the run to the next phase when every pair still in it completed
   * the current one, or finishes the run. Returns whether anything changed.
   */
  private async advance(): Promise<boolean> {
    const active = [...this.progress.values()].filter((p) => p.state !== 'failed');
    if (active.some((p) => p.completedPhase < this.current.phase)) return false;
    const failed = [...this.progress.values()].filter((p) => p.state === 'failed').map((p) => p.pairId);
    if (active.length > 0 && this.current.phase < 4) {
      const phase = (this.current.phase + 1) as Phase;
      this.current = await updateRun(this.options.store, this.lease, { phase });
      this.logger.info({ phase, failed: failed.length }, `fleet: phase ${phase - 1} completed; starting phase ${phase}`);
      return true;
    }
    const state = active.length === 0 ? 'failed' : 'completed';
    const reason = failed.length === 0 ? null : `${failed.length} of ${this.progress.size} pairs failed: ${failed.join(', ')}`;
    this.current = await updateRun(this.options.store, this.lease, { state, reason, finished: true });
    this.logger.info({ state, failed: failed.length }, `fleet: run ${state}`);
    return true;
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

  /**
   * One phase of one pair: its steps in order, skipping those a previous orchestrator finished.
   *
   * Records are written with as few transactions as durability allows: a step's start is
   * committed before its action runs, and its end is committed together with the next step's start
   * (or with the phase's completion or failure) — still before anything else happens to the pair.
   * A crash in between leaves the step `started`, and it is run again (drivers are idempotent).
   */
  private async runPairPhase(pair: PairRecord, attempt: number, phase: Phase): Promise<void> {
    const { store } = this.options;
    const log = this.logger.child({ pair: pair.id, phase, attempt });
    const plan = planPhase(phase, pairView(pair), this.current.version);
    if (!plan.run) {
      await this.fail(pair, `phase ${phase}: ${plan.reason}`);
      return;
    }
    const recorded = await readPhaseSteps(store.db, this.lease.runId, pair.id, phase, attempt);
    const healthy = new Set<string>();
    for (const [key, s] of recorded) if (s.state === 'succeeded' && s.action === 'health') healthy.add(key);
    const done = new Set([...recorded.values()].filter((s) => s.state === 'succeeded').map((s) => s.step));
    const succeeded = (key: string) => done.has(key);
    let pending: StepEnd | undefined;
    let first = true;
    const run = async (step: StepSpec): Promise<ActionOutcome> => {
      const result = await this.execute(pair, phase, attempt, step, healthy, recorded.get(step.key)?.state === 'started', pending, first);
      pending = result.end;
      first = false;
      if (result.outcome.ok) {
        if (step.action === 'health') healthy.add(step.key);
        done.add(step.key);
      }
      return result.outcome;
    };

    let failure: string | undefined;
    let mutated = false;
    for (const step of plan.steps) {
      const before = recorded.get(step.key);
      if (step.action !== 'health' && before) mutated = true;
      if (before?.state === 'succeeded') continue;
      if (before?.state === 'failed') {
        failure = `${step.key} failed: ${before.output ?? ''}`;
        break;
      }
      if (step.action !== 'health') mutated = true;
      const outcome = await run(step);
      if (!outcome.ok) {
        failure = `${step.key} (${step.action} ${step.node}) failed: ${outcome.output}`;
        break;
      }
    }
    if (failure === undefined) {
      await completePairPhase(store, this.lease, pair, phase, pending);
      const after = afterPhase(phase, pairView(pair), this.current.version);
      this.pairs.set(pair.id, withView(pair, after));
      const p = this.progress.get(pair.id)!;
      this.progress.set(pair.id, { ...p, state: phase === 4 ? 'done' : 'waiting', completedPhase: phase, error: null });
      log.debug('fleet: pair phase completed');
      return;
    }
    // Undo what can be undone, so the pair keeps a standby on the old version (upgrade phases) or
    // serves from the node that served before (switch phases). Only if something was changed.
    let rolledBack = true;
    if (mutated) {
      for (const step of plan.rollback) {
        if (succeeded(step.key)) {
          if (step.action === 'health') healthy.add(step.key);
          continue;
        }
        const outcome = await run(step);
        if (!outcome.ok) {
          rolledBack = false;
          failure += `; rollback ${step.key} failed: ${outcome.output}`;
          break;
        }
      }
    }
    // Where traffic goes now: a switch that went through and was not switched back stays.
    let active: NodeRole | undefined;
    if ((phase === 2 || phase === 4) && mutated && !rolledBack && succeeded('switch')) active = phase === 2 ? 'S' : 'P';
    await this.fail(pair, `phase ${phase}: ${failure}`, active, pending);
    log.warn({ failure }, 'fleet: pair failed');
  }

  private async fail(pair: PairRecord, error: string, active?: NodeRole, pending?: StepEnd): Promise<void> {
    await failPair(this.options.store, this.lease, pair.id, error, active, pending);
    if (active) this.pairs.set(pair.id, { ...pair, active });
    const p = this.progress.get(pair.id)!;
    this.progress.set(pair.id, { ...p, state: 'failed', error });
  }

  /**
   * Runs one step: checks the invariants (a step that would break one is a failed step, never
   * performed), records the start (with the previous step's end), calls the driver. Returns the
   * outcome and the end to record. A driver that throws is a failed step, not a crash.
   */
  private async execute(
    pair: PairRecord,
    phase: Phase,
    attempt: number,
    step: StepSpec,
    healthy: ReadonlySet<string>,
    rerun: boolean,
    previousEnd: StepEnd | undefined,
    firstOfPhase: boolean,
  ): Promise<{ outcome: ActionOutcome; end: StepEnd | undefined }> {
    try {
      this.checkInvariants(pair, step, healthy);
    } catch (err) {
      if (!(err instanceof InvariantViolation)) throw err;
      this.logger.error({ pair: pair.id, phase, step: step.key }, err.message);
      return { outcome: { ok: false, output: err.message }, end: previousEnd };
    }
    const { store } = this.options;
    const id = await recordStepStart(
      store,
      this.lease,
      { pairId: pair.id, phase, attempt, key: step.key, action: step.action, node: step.node, version: step.version ?? step.expectVersion, rerun },
      { previousEnd, markRunning: firstOfPhase },
    );
    const timeoutMs = step.action === 'health' ? this.env.healthTimeoutMs : this.env.actionTimeoutMs;
    const signal = AbortSignal.any([this.abort, AbortSignal.timeout(timeoutMs)]);
    const ctx = { signal, timeoutMs, logger: this.logger };
    const node = targetOf(pair, step.node);
    let outcome: ActionOutcome;
    try {
      switch (step.action) {
        case 'health':
          outcome = await this.driver.health(node, ctx);
          break;
        case 'upgrade':
          outcome = await this.driver.upgrade(node, step.version!, ctx);
          break;
        case 'switch':
          outcome = await this.driver.switchActive(pairTargetOf(pair), node, ctx);
          break;
        default: {
          const never: never = step.action;
          throw new Error(`unknown action ${String(never)}`);
        }
      }
    } catch (err) {
      outcome = { ok: false, output: `the ${this.driver.type} driver failed: ${(err as Error).message}` };
    }
    if (outcome.ok && step.expectVersion !== undefined && outcome.version !== undefined && outcome.version !== step.expectVersion) {
      outcome = { ...outcome, ok: false, output: `${step.node} is healthy but runs ${outcome.version}, not ${step.expectVersion}. ${outcome.output}` };
    }
    if (this.abort.aborted) throw this.abort.reason instanceof Error ? this.abort.reason : new LeaseLostError(this.lease.runId, this.lease.owner);
    return { outcome, end: { id, ok: outcome.ok, output: outcome.output } };
  }

  /**
   * The two invariants, checked before every action from what the store says:
   * - both nodes of a pair are never out of service at once: only the passive node is upgraded,
   *   and only after the active node passed a health check in this attempt;
   * - a pair is never switched to a node that is not upgraded and healthy: a forward switch needs
   *   the target on the run's version and a passing health check of it in this attempt; a
   *   rollback switch needs a passing health check of the node it returns to.
   */
  private checkInvariants(pair: PairRecord, step: StepSpec, healthy: ReadonlySet<string>): void {
    const activeName = pair.active === 'P' ? pair.primary.name : pair.secondary.name;
    if (step.action === 'upgrade') {
      if (step.node === activeName) throw new InvariantViolation(`${step.node} is the active node of ${pair.id}; only the passive node is upgraded`);
      if (!healthy.has('health-active')) throw new InvariantViolation(`${activeName} has not passed a health check, so ${step.node} must stay up`);
    }
    if (step.action === 'switch') {
      const target = step.node === pair.primary.name ? pair.primary : pair.secondary;
      if (step.key === 'switch') {
        if (target.installedVersion !== this.current.version) {
          throw new InvariantViolation(`${target.name} runs ${target.installedVersion}, not ${this.current.version}; a pair is only switched to an upgraded node`);
        }
        if (!healthy.has('health-target')) throw new InvariantViolation(`${target.name} has not passed a health check on ${this.current.version}`);
      } else if (!healthy.has('rollback-health')) {
        throw new InvariantViolation(`${target.name} has not passed a health check; traffic is not switched back to it`);
      }
    }
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

/** `p` with what the store records after a phase (its view `v`, from afterPhase). */
function withView(p: PairRecord, v: PairView): PairRecord {
  return {
    ...p,
    active: v.active,
    primary: { ...p.primary, installedVersion: v.primary.version, secondaryVersionLevel: v.primary.secondaryVersionLevel },
    secondary: { ...p.secondary, installedVersion: v.secondary.version, primaryVersionLevel: v.secondary.primaryVersionLevel },
  };
}

function targetOf(pair: PairRecord, name: string): NodeTarget {
  const n = name === pair.primary.name ? pair.primary : pair.secondary;
  return { name: n.name, role: n.role, environment: pair.environment, envId: pair.envId, pairId: pair.id, properties: n.properties };
}

function pairTargetOf(pair: PairRecord): PairTarget {
  return {
    id: pair.id,
    environment: pair.environment,
    envId: pair.envId,
    primary: targetOf(pair, pair.primary.name),
    secondary: targetOf(pair, pair.secondary.name),
    properties: pair.properties,
  };
}
