import type { Transaction } from 'kysely';
import { nowTimestamp } from '../../store/clock.js';
import type { Database } from '../../store/schema.js';
import type { Phase } from '../phases.js';
import type { RunLease } from './lease.js';
import type { StepEnd, StepRecord } from './records.js';
import { toStep, type Db } from './rows.js';

/**
 * The step log (`fleet_steps`): every node action, recorded before it runs and when it ended. The
 * writes take the transaction of a `RunHandle` record, which has checked the lease.
 */

/** A run's step log in order (optionally one pair's). */
export async function readSteps(db: Db, runId: string, pairId?: string): Promise<StepRecord[]> {
  let q = db.selectFrom('fleet_steps').selectAll().where('run_id', '=', runId);
  if (pairId !== undefined) q = q.where('pair_id', '=', pairId);
  const rows = await q.orderBy('id').execute();
  return rows.map(toStep);
}

/** The steps of one attempt at one phase of a pair, by key (the latest row per key). */
export async function readPhaseSteps(db: Db, runId: string, pairId: string, phase: Phase, attempt: number): Promise<Map<string, StepRecord>> {
  const rows = await db
    .selectFrom('fleet_steps')
    .selectAll()
    .where('run_id', '=', runId)
    .where('pair_id', '=', pairId)
    .where('phase', '=', phase)
    .where('attempt', '=', attempt)
    .orderBy('id')
    .execute();
  // Ordered by id, so the latest row of a key (a re-run after an interruption) wins.
  return new Map(rows.map((r) => [r.step, toStep(r)]));
}

/** Records how a step ended (nothing when there is no step to end), and the node properties it set. */
export async function writeStepEnd(trx: Transaction<Database>, end: StepEnd | undefined): Promise<void> {
  if (!end) return;
  const values = end.properties && Object.keys(end.properties.values).length > 0 ? end.properties.values : undefined;
  await trx
    .updateTable('fleet_steps')
    .set({
      state: end.ok ? 'succeeded' : 'failed',
      output: end.output.slice(-8_000),
      finished_at: nowTimestamp(),
      ...(values && { properties: JSON.stringify(values) }),
    })
    .where('id', '=', end.id)
    .execute();
  if (values) await writeNodeProperties(trx, end.properties!.node, values, end.id);
}

/** Stores what a step's output set on a node (kept across runs and re-declarations; the latest value of a name wins). */
async function writeNodeProperties(trx: Transaction<Database>, node: string, values: Readonly<Record<string, string>>, stepId: number): Promise<void> {
  const step = await trx.selectFrom('fleet_steps').select('run_id').where('id', '=', stepId).executeTakeFirstOrThrow();
  const now = nowTimestamp();
  for (const [name, value] of Object.entries(values)) {
    await trx
      .insertInto('fleet_node_properties')
      .values({ node, name, value, run_id: step.run_id, step_id: stepId, updated_at: now })
      .onConflict((oc) => oc.columns(['node', 'name']).doUpdateSet({ value, run_id: step.run_id, step_id: stepId, updated_at: now }))
      .execute();
  }
}

/** A step about to run. `rerun`: a previous orchestrator left this step `started` (it died while the step ran). */
export interface StepStart {
  readonly pairId: string;
  readonly phase: Phase;
  readonly attempt: number;
  readonly key: string;
  readonly action: string;
  readonly node: string;
  readonly version?: string | undefined;
  readonly rerun?: boolean;
}

/**
 * Records that a step starts (and, in the same transaction, how the pair's previous step ended,
 * and for a phase's first step that the pair is now running). Returns the step's id.
 */
export async function writeStepStart(
  trx: Transaction<Database>,
  lease: RunLease,
  step: StepStart,
  also: { previousEnd?: StepEnd | undefined; markRunning?: boolean },
): Promise<number> {
  await writeStepEnd(trx, also.previousEnd);
  if (also.markRunning) {
    await trx
      .updateTable('fleet_run_pairs')
      .set({ state: 'running', updated_at: nowTimestamp() })
      .where('run_id', '=', lease.runId)
      .where('pair_id', '=', step.pairId)
      .where('state', 'in', ['waiting', 'running'])
      .execute();
  }
  // A step left `started` by a dead orchestrator is closed as interrupted: it is being run again.
  if (step.rerun) {
    await trx
      .updateTable('fleet_steps')
      .set({ state: 'interrupted', finished_at: nowTimestamp() })
      .where('run_id', '=', lease.runId)
      .where('pair_id', '=', step.pairId)
      .where('phase', '=', step.phase)
      .where('attempt', '=', step.attempt)
      .where('step', '=', step.key)
      .where('state', '=', 'started')
      .execute();
  }
  const row = await trx
    .insertInto('fleet_steps')
    .values({
      run_id: lease.runId,
      pair_id: step.pairId,
      phase: step.phase,
      attempt: step.attempt,
      step: step.key,
      action: step.action,
      node: step.node,
      version: step.version ?? null,
      state: 'started',
      output: null,
      started_at: nowTimestamp(),
      finished_at: null,
      orchestrator: lease.owner,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
