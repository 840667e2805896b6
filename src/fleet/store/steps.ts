import { sql, type Transaction } from 'kysely';
import { batches } from '../../util/batches.js';
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

/** Which attempt at which phase of a pair. */
export interface PairPhaseKey {
  readonly pairId: string;
  readonly phase: Phase;
  readonly attempt: number;
}

/**
 * The steps of one attempt at one phase of each of several pairs (at most one each), by key (the
 * latest row per key), in the order of `wanted`: one SELECT per BATCH_ROWS pairs.
 */
export async function readPhaseSteps(db: Db, runId: string, wanted: readonly PairPhaseKey[]): Promise<Array<Map<string, StepRecord>>> {
  const found = new Map<string, Map<string, StepRecord>>(wanted.map((w) => [w.pairId, new Map()]));
  for (const chunk of batches(wanted)) {
    const rows = await db
      .selectFrom('fleet_steps')
      .selectAll()
      .where('run_id', '=', runId)
      .where(
        'pair_id',
        'in',
        chunk.map((w) => w.pairId),
      )
      .where('phase', 'in', [...new Set(chunk.map((w) => w.phase))])
      .orderBy('id')
      .execute();
    const wantedOf = new Map(chunk.map((w) => [w.pairId, w]));
    // Ordered by id, so the latest row of a key (a re-run after an interruption) wins.
    for (const r of rows) {
      const w = wantedOf.get(r.pair_id);
      if (w && r.phase === w.phase && r.attempt === w.attempt) found.get(r.pair_id)!.set(r.step, toStep(r));
    }
  }
  return wanted.map((w) => found.get(w.pairId)!);
}

/**
 * Records how steps ended: one UPDATE per BATCH_ROWS steps, each row's state and output picked by
 * its id (steps of many pairs end together when their records are written in one transaction).
 */
export async function writeStepEnds(trx: Transaction<Database>, runId: string, ends: readonly StepEnd[]): Promise<void> {
  const now = nowTimestamp();
  for (const chunk of batches(ends)) {
    const byId = (value: (e: StepEnd) => string) =>
      sql<string>`case ${sql.ref('id')} ${sql.join(
        chunk.map((e) => sql`when ${e.id} then ${value(e)}`),
        sql` `,
      )} end`;
    await trx
      .updateTable('fleet_steps')
      .set({ state: byId((e) => (e.ok ? 'succeeded' : 'failed')), output: byId((e) => e.output.slice(-8_000)), finished_at: now })
      .where(
        'id',
        'in',
        chunk.map((e) => e.id),
      )
      .execute();
  }
  // What custom steps' output set (few: only their steps print properties), row by row.
  for (const end of ends) {
    const values = end.properties && Object.keys(end.properties.values).length > 0 ? end.properties.values : undefined;
    if (!values) continue;
    await trx
      .updateTable('fleet_steps')
      .set({ properties: JSON.stringify(values) })
      .where('id', '=', end.id)
      .execute();
    await writeNodeProperties(trx, runId, end.properties!.node, values, end.id);
  }
}

/** Stores what a step's output set on a node (kept across runs and re-declarations; the latest value of a name wins). */
async function writeNodeProperties(
  trx: Transaction<Database>,
  runId: string,
  node: string,
  values: Readonly<Record<string, string>>,
  stepId: number,
): Promise<void> {
  const now = nowTimestamp();
  for (const [name, value] of Object.entries(values)) {
    await trx
      .insertInto('fleet_node_properties')
      .values({ node, name, value, run_id: runId, step_id: stepId, updated_at: now })
      .onConflict((oc) => oc.columns(['node', 'name']).doUpdateSet({ value, run_id: runId, step_id: stepId, updated_at: now }))
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
 * Records that steps start, at most one per pair (one multi-row INSERT per BATCH_ROWS steps).
 * Returns their ids, in the order of `starts`.
 */
export async function writeStepStarts(trx: Transaction<Database>, lease: RunLease, starts: readonly StepStart[]): Promise<number[]> {
  if (new Set(starts.map((s) => s.pairId)).size !== starts.length) throw new Error('fleet: two step starts of one pair in one write');
  // A step left `started` by a dead orchestrator is closed as interrupted: it is being run again.
  for (const step of starts.filter((s) => s.rerun)) {
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
  const now = nowTimestamp();
  const ids = new Map<string, number>();
  for (const chunk of batches(starts)) {
    const rows = await trx
      .insertInto('fleet_steps')
      .values(
        chunk.map((step) => ({
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
          started_at: now,
          finished_at: null,
          orchestrator: lease.owner,
        })),
      )
      .returning(['id', 'pair_id'])
      .execute();
    // By pair: the order of RETURNING rows is not promised, and each pair has one step here.
    for (const r of rows) ids.set(r.pair_id, Number(r.id));
  }
  return starts.map((s) => {
    const id = ids.get(s.pairId);
    if (id === undefined) throw new Error(`fleet: no id came back for the step ${s.key} of ${s.pairId}`);
    return id;
  });
}
