import type { Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { LeaseLostError } from '../../errors.js';
import type { NodeRole } from '../node-names.js';
import type { Phase } from '../phases.js';
import { extendLease, holdLease, releaseLease, takeLease, type RunLease } from './lease.js';
import type { PairRecord, RunRecord, StepEnd, StepRecord } from './records.js';
import { writePairFailed, writePhaseCompleted, writeRunChange, type RunChange } from './run-progress.js';
import { readPhaseSteps, writeStepStart, type StepStart } from './steps.js';

/**
 * Claims a run for `owner` (see `takeLease`) and returns the handle every later record of that
 * orchestrator goes through; `undefined` when no open run is free (or `onlyId` is not).
 */
export async function claimRun(store: Store, owner: string, leaseMs: number, onlyId?: string): Promise<RunHandle | undefined> {
  const run = await takeLease(store, owner, leaseMs, onlyId);
  return run && new RunHandle(store, { runId: run.id, owner, leaseMs }, run);
}

/**
 * An orchestrator's hold on one run, obtained by `claimRun`: it carries the lease, so nothing that
 * writes for the run can forget to check it.
 *
 * Each record runs in one transaction that first checks that this orchestrator still holds the
 * run's lease: one that lost it (it stalled past the lease and another took over) cannot record
 * anything more (`LeaseLostError`). The check is a plain read, not an UPDATE of the run row:
 * writing that one row from every step serialised the whole run on its row lock (PostgreSQL, 50
 * pairs at once: 16 of 20 connections waiting on it, 43 s for 1,000 pairs — `npm run bench --
 * fleet`). The lease is extended by the orchestrator's timer alone (`renew`). A takeover that
 * commits between the read and this transaction's commit could let one last record through; it
 * needs the old owner to have missed renewals for a whole lease, and the driver action that record
 * describes was beyond any store check anyway — hence idempotent drivers (drivers/node-driver.ts).
 */
export class RunHandle {
  constructor(
    private readonly store: Store,
    private readonly lease: RunLease,
    /** The run as it was when claimed. */
    readonly claimed: RunRecord,
  ) {}

  get runId(): string {
    return this.lease.runId;
  }

  get owner(): string {
    return this.lease.owner;
  }

  /** The error for a lease this handle no longer holds. */
  lost(): LeaseLostError {
    return new LeaseLostError(this.lease.runId, this.lease.owner);
  }

  /** Extends the lease; returns the run as stored (state changes by operators show up here). `LeaseLostError` if another orchestrator took it. */
  renew(): Promise<RunRecord> {
    return this.store.transaction('shared', (trx) => extendLease(trx, this.lease));
  }

  /** Gives the run up (an orchestrator shutting down), so another one can take it at once. */
  release(): Promise<void> {
    return releaseLease(this.store, this.lease);
  }

  /** The steps of one attempt at one phase of a pair, by key (a plain read: the lease is not checked). */
  readPhaseSteps(pairId: string, phase: Phase, attempt: number): Promise<Map<string, StepRecord>> {
    return readPhaseSteps(this.store.db, this.lease.runId, pairId, phase, attempt);
  }

  /**
   * Records that a step starts (and, in the same transaction, how the pair's previous step ended,
   * and for a phase's first step that the pair is now running). Returns the step's id.
   */
  recordStepStart(step: StepStart, also: { previousEnd?: StepEnd | undefined; markRunning?: boolean } = {}): Promise<number> {
    return this.held((trx) => writeStepStart(trx, this.lease, step, also));
  }

  /** Records a completed phase for a pair (see `writePhaseCompleted`); returns whether this pair applied the version's status change. */
  completePairPhase(pair: PairRecord, phase: Phase, lastEnd?: StepEnd): Promise<{ appliedStatus: boolean }> {
    return this.held((trx, run) => writePhaseCompleted(trx, run, pair, phase, lastEnd));
  }

  /** Records that a pair failed in a phase (see `writePairFailed`). */
  failPair(pairId: string, error: string, active?: NodeRole, lastEnd?: StepEnd): Promise<void> {
    return this.held((trx) => writePairFailed(trx, this.lease.runId, pairId, error, active, lastEnd));
  }

  /** Changes the run's own state (halt, advance a phase, start the hold, finish). */
  updateRun(change: RunChange): Promise<RunRecord> {
    return this.held((trx) => writeRunChange(trx, this.lease.runId, change));
  }

  /** Runs `fn` in one transaction, after checking that the lease is still held; `fn` gets the run as stored. */
  private held<T>(fn: (trx: Transaction<Database>, run: RunRecord) => Promise<T>): Promise<T> {
    return this.store.transaction('shared', async (trx) => fn(trx, await holdLease(trx, this.lease)));
  }
}
