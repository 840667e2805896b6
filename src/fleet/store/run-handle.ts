import type { Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { LeaseLostError } from '../../errors.js';
import type { NodeRole } from '../node-names.js';
import type { Phase } from '../phases.js';
import { extendLease, holdLease, releaseLease, takeLease, type RunLease } from './lease.js';
import { Batcher } from './batcher.js';
import { pairOf, writePairRecords, type PairRecordRequest } from './pair-records.js';
import type { PairRecord, RunRecord, StepEnd, StepRecord } from './records.js';
import { writeRunChange, type RunChange } from './run-progress.js';
import { readPhaseSteps, type PairPhaseKey, type StepStart } from './steps.js';

/**
 * Claims a run for `owner` (see `takeLease`) and returns the handle every later record of that
 * orchestrator goes through; `undefined` when no open run is free (or `onlyId` is not).
 */
export async function claimRun(store: Store, owner: string, leaseMs: number, onlyId?: string): Promise<RunHandle | undefined> {
  const run = await takeLease(store, owner, leaseMs, onlyId);
  return run && new RunHandle(store, { runId: run.id, owner, leaseMs, level: run.orchestratorLevel }, run);
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
 *
 * The records of pair phases (a step starts, a phase is completed, a pair failed) are group-committed:
 * those asked for while a transaction is under way are written together by the next one (a
 * `Batcher`, batcher.ts, of pair-records.ts's writes). A pair phase waits for each of its records to
 * be committed before it goes on, so each record is as durable, as early, as with a transaction of
 * its own; the cost of a transaction (the lease check, the commit: on PostgreSQL a WAL flush) is
 * shared by the pairs in it. The step logs pair phases read when they start are read likewise.
 */
export class RunHandle {
  private readonly pairRecords: Batcher<PairRecordRequest, number | undefined>;
  private readonly phaseSteps: Batcher<PairPhaseKey, Map<string, StepRecord>>;

  constructor(
    private readonly store: Store,
    private readonly lease: RunLease,
    /** The run as it was when claimed. */
    readonly claimed: RunRecord,
  ) {
    // A failed batch is written again record by record, unless the lease is lost or the store could
    // not be reached (then the batch may have committed: writing it again would record steps twice).
    this.pairRecords = new Batcher(
      (requests) => this.held((trx, run) => writePairRecords(trx, this.lease, run, requests)),
      pairOf,
      (err) => !(err instanceof LeaseLostError) && !store.isUnavailableError(err),
    );
    this.phaseSteps = new Batcher(
      (keys) => readPhaseSteps(store.db, lease.runId, keys),
      (key) => key.pairId,
      () => true,
    );
  }

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
    return this.phaseSteps.add({ pairId, phase, attempt });
  }

  /**
   * Records that a step starts (and, in the same transaction, how the pair's previous step ended,
   * and for a phase's first step that the pair is now running). Returns the step's id.
   */
  async recordStepStart(step: StepStart, also: { previousEnd?: StepEnd | undefined; markRunning?: boolean } = {}): Promise<number> {
    const id = await this.pairRecords.add({ kind: 'step-start', step, ...also });
    if (id === undefined) throw new Error(`fleet: the start of ${step.key} of ${step.pairId} was recorded without an id`);
    return id;
  }

  /** Records a completed phase for a pair, with how its last step ended (see `writePhasesCompleted`). */
  async completePairPhase(pair: PairRecord, phase: Phase, lastEnd?: StepEnd): Promise<void> {
    await this.pairRecords.add({ kind: 'phase-completed', pair, phase, previousEnd: lastEnd });
  }

  /** Records that a pair failed in a phase, with how its last step ended (see `writePairFailed`). */
  async failPair(pairId: string, error: string, active?: NodeRole, lastEnd?: StepEnd): Promise<void> {
    await this.pairRecords.add({ kind: 'pair-failed', pairId, error, active, previousEnd: lastEnd });
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
