import type { Transaction } from 'kysely';
import { nowTimestamp } from '../../store/clock.js';
import type { Database } from '../../store/schema.js';
import type { NodeRole } from '../node-names.js';
import { afterPhase, statusChange, type Phase } from '../phases.js';
import { batches } from '../../util/batches.js';
import { pairView, type PairRecord, type RunRecord, type RunState } from './records.js';
import { toRun } from './rows.js';

/**
 * What the orchestrator records as a run progresses: pairs started, completed or failed a phase, the
 * run's own state changed. Each takes the transaction of a `RunHandle` record (run-handle.ts), which
 * has checked the lease and read the run; pair records of many pairs share one (pair-records.ts).
 */

/** A pair that completed a phase (a pair phase's last record). */
export interface PhaseCompletion {
  readonly pair: PairRecord;
  readonly phase: Phase;
}

/**
 * Records completed phases, for any number of pairs at once: the node properties each phase sets
 * (installed version, version levels, the active node), the pairs' progress, and — if no pair
 * completed that phase before — the version's status change. Pairs whose rows change alike (in a
 * run, most pairs of a phase) are written by one statement.
 */
export async function writePhasesCompleted(trx: Transaction<Database>, run: RunRecord, completions: readonly PhaseCompletion[]): Promise<void> {
  const now = nowTimestamp();
  const v = run.version;
  // What the phase records is what afterPhase says the pair now is (one definition for the
  // orchestrator's memory, the dry-run plan and the store); only the rows it changes are written.
  const primaries = new Grouped<{ installed_version: string; secondary_version_level: string | null }>();
  const secondaries = new Grouped<{ installed_version: string; primary_version_level: string | null }>();
  const actives = new Grouped<{ active_role: NodeRole }>();
  const progress = new Grouped<{ completed_phase: Phase }>();
  for (const { pair, phase } of completions) {
    const before = pairView(pair);
    const after = afterPhase(phase, before, v);
    if (after.primary.version !== before.primary.version || after.primary.secondaryVersionLevel !== before.primary.secondaryVersionLevel) {
      primaries.add({ installed_version: after.primary.version, secondary_version_level: after.primary.secondaryVersionLevel }, pair.primary.name);
    }
    if (after.secondary.version !== before.secondary.version || after.secondary.primaryVersionLevel !== before.secondary.primaryVersionLevel) {
      secondaries.add({ installed_version: after.secondary.version, primary_version_level: after.secondary.primaryVersionLevel }, pair.secondary.name);
    }
    if (after.active !== before.active) actives.add({ active_role: after.active }, pair.id);
    progress.add({ completed_phase: phase }, pair.id);
  }
  for (const [set, names] of [...primaries.groups(), ...secondaries.groups()]) {
    await trx
      .updateTable('fleet_nodes')
      .set({ ...set, updated_at: now })
      .where('name', 'in', names)
      .execute();
  }
  for (const [set, ids] of actives.groups()) {
    await trx
      .updateTable('fleet_pairs')
      .set({ ...set, updated_at: now })
      .where('id', 'in', ids)
      .execute();
  }
  for (const [{ completed_phase: phase }, ids] of progress.groups()) {
    await trx
      .updateTable('fleet_run_pairs')
      .set({ state: phase >= run.lastPhase ? 'done' : 'waiting', completed_phase: phase, error: null, updated_at: now })
      .where('run_id', '=', run.id)
      .where('pair_id', 'in', ids)
      .execute();
  }
  // A phase's status change runs once: the conditional UPDATE lets exactly one transaction
  // through. A run read as having applied it already does not touch the run row at all (no
  // wait on its row lock).
  const phases = [...new Set(completions.map((c) => c.phase))].filter((p) => run.statusesApplied < p).sort();
  for (const phase of phases) {
    const first = await trx
      .updateTable('fleet_runs')
      .set({ statuses_applied: phase, updated_at: now })
      .where('id', '=', run.id)
      .where('statuses_applied', '<', phase)
      .executeTakeFirst();
    if (Number(first.numUpdatedRows) === 0) continue;
    const change = statusChange(run.environment, phase);
    if (change.remove) await trx.deleteFrom('fleet_version_statuses').where('version', '=', v).where('status', '=', change.remove).execute();
    await trx
      .insertInto('fleet_version_statuses')
      .values({ version: v, status: change.add, added_at: now, added_by: `fleet run ${run.id}` })
      .onConflict((oc) => oc.columns(['version', 'status']).doNothing())
      .execute();
  }
}

/** Marks pairs as running a phase (the first record of a pair phase); pairs that failed meanwhile stay failed. */
export async function writePairsRunning(trx: Transaction<Database>, runId: string, pairIds: readonly string[]): Promise<void> {
  for (const ids of batches(pairIds)) {
    await trx
      .updateTable('fleet_run_pairs')
      .set({ state: 'running', updated_at: nowTimestamp() })
      .where('run_id', '=', runId)
      .where('pair_id', 'in', ids)
      .where('state', 'in', ['waiting', 'running'])
      .execute();
  }
}

/**
 * Records that a pair failed in a phase, with what the store must now believe about it: a
 * failed switch whose rollback did not succeed leaves `active` where the switch put it.
 */
export async function writePairFailed(trx: Transaction<Database>, runId: string, pairId: string, error: string, active?: NodeRole): Promise<void> {
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

/** Keys (names, ids) by the values a statement sets for them: one UPDATE … WHERE key IN (…) per distinct set, BATCH_ROWS keys at a time. */
class Grouped<T> {
  private readonly byValues = new Map<string, { set: T; keys: string[] }>();

  add(set: T, key: string): void {
    const id = JSON.stringify(set);
    const group = this.byValues.get(id);
    if (group) group.keys.push(key);
    else this.byValues.set(id, { set, keys: [key] });
  }

  groups(): Array<[T, string[]]> {
    return [...this.byValues.values()].flatMap(({ set, keys }) => batches(keys).map((chunk): [T, string[]] => [set, chunk]));
  }
}
