import type { Transaction } from 'kysely';
import { nowTimestamp } from '../../store/clock.js';
import type { Database } from '../../store/schema.js';
import type { NodeRole } from '../node-names.js';
import { afterPhase, statusChange, type Phase } from '../phases.js';
import { pairView, type PairRecord, type RunRecord, type RunState, type StepEnd } from './records.js';
import { toRun } from './rows.js';
import { writeStepEnd } from './steps.js';

/**
 * What the orchestrator records as a run progresses: a pair completed or failed a phase, the run's
 * own state changed. Each takes the transaction of a `RunHandle` record (run-handle.ts), which has
 * checked the lease and read the run.
 */

/**
 * Records a completed phase for a pair, all at once: the node properties the phase sets
 * (installed version, version levels, the active node), the pair's progress, and — if no pair
 * completed this phase before — the version's status change, with the end of its last step.
 * Returns whether this pair applied the status change.
 */
export async function writePhaseCompleted(
  trx: Transaction<Database>,
  run: RunRecord,
  pair: PairRecord,
  phase: Phase,
  lastEnd?: StepEnd,
): Promise<{ appliedStatus: boolean }> {
  await writeStepEnd(trx, lastEnd);
  const now = nowTimestamp();
  const v = run.version;
  // What the phase records is what afterPhase says the pair now is (one definition for the
  // orchestrator's memory, the dry-run plan and the store); only the rows it changes are written.
  const before = pairView(pair);
  const after = afterPhase(phase, before, v);
  if (after.primary.version !== before.primary.version || after.primary.secondaryVersionLevel !== before.primary.secondaryVersionLevel) {
    await trx
      .updateTable('fleet_nodes')
      .set({ installed_version: after.primary.version, secondary_version_level: after.primary.secondaryVersionLevel, updated_at: now })
      .where('name', '=', pair.primary.name)
      .execute();
  }
  if (after.secondary.version !== before.secondary.version || after.secondary.primaryVersionLevel !== before.secondary.primaryVersionLevel) {
    await trx
      .updateTable('fleet_nodes')
      .set({ installed_version: after.secondary.version, primary_version_level: after.secondary.primaryVersionLevel, updated_at: now })
      .where('name', '=', pair.secondary.name)
      .execute();
  }
  if (after.active !== before.active) {
    await trx.updateTable('fleet_pairs').set({ active_role: after.active, updated_at: now }).where('id', '=', pair.id).execute();
  }
  await trx
    .updateTable('fleet_run_pairs')
    .set({ state: phase >= run.lastPhase ? 'done' : 'waiting', completed_phase: phase, error: null, updated_at: now })
    .where('run_id', '=', run.id)
    .where('pair_id', '=', pair.id)
    .execute();
  // The status change runs once: the conditional UPDATE lets exactly one pair through. Pairs
  // that read it as applied already do not touch the run row at all (no wait on its row lock).
  let appliedStatus = false;
  if (run.statusesApplied < phase) {
    const first = await trx
      .updateTable('fleet_runs')
      .set({ statuses_applied: phase, updated_at: now })
      .where('id', '=', run.id)
      .where('statuses_applied', '<', phase)
      .executeTakeFirst();
    appliedStatus = Number(first.numUpdatedRows) > 0;
  }
  if (appliedStatus) {
    const change = statusChange(run.environment, phase);
    if (change.remove) await trx.deleteFrom('fleet_version_statuses').where('version', '=', v).where('status', '=', change.remove).execute();
    await trx
      .insertInto('fleet_version_statuses')
      .values({ version: v, status: change.add, added_at: now, added_by: `fleet run ${run.id}` })
      .onConflict((oc) => oc.columns(['version', 'status']).doNothing())
      .execute();
  }
  return { appliedStatus };
}

/**
 * Records that a pair failed in a phase, with what the store must now believe about it: a
 * failed switch whose rollback did not succeed leaves `active` where the switch put it.
 */
export async function writePairFailed(
  trx: Transaction<Database>,
  runId: string,
  pairId: string,
  error: string,
  active?: NodeRole,
  lastEnd?: StepEnd,
): Promise<void> {
  await writeStepEnd(trx, lastEnd);
  const now = nowTimestamp();
  if (active) await trx.updateTable('fleet_pairs').set({ active_role: active, updated_at: now }).where('id', '=', pairId).execute();
  await trx
    .updateTable('fleet_run_pairs')
    .set({ state: 'failed', error: error.slice(0, 4_000), updated_at: now })
    .where('run_id', '=', runId)
    .where('pair_id', '=', pairId)
    .execute();
}

/** What may change in the run's own row. */
export interface RunChange {
  readonly state?: RunState;
  readonly phase?: Phase;
  readonly reason?: string | null;
  readonly finished?: boolean;
  /** Starts the run's hold: when it ends. */
  readonly holdUntil?: string;
}

/** Changes the run's own state (halt, advance a phase, start the hold, finish). */
export async function writeRunChange(trx: Transaction<Database>, runId: string, change: RunChange): Promise<RunRecord> {
  const now = nowTimestamp();
  const row = await trx
    .updateTable('fleet_runs')
    .set({
      ...(change.state !== undefined && { state: change.state }),
      ...(change.phase !== undefined && { phase: change.phase }),
      ...(change.reason !== undefined && { reason: change.reason }),
      ...(change.finished && { finished_at: now }),
      ...(change.holdUntil !== undefined && { hold_until: change.holdUntil }),
      updated_at: now,
    })
    .where('id', '=', runId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRun(row);
}
