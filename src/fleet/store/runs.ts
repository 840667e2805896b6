import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '../../errors.js';
import { MESSAGES, eitherOf } from '../../i18n/server-messages.js';
import { batches } from '../../util/batches.js';
import { nowTimestamp } from '../../store/clock.js';
import type { Store } from '../../store/store.js';
import { carriedStatuses, formatPhaseRange, missingPhaseStatus, phaseGate, type Phase, type PhaseRange } from '../phases.js';
import { readEnvironment } from './declaration.js';
import { holdingUntil, OPEN_RUN_STATES, type FailureBudget, type RunPairRecord, type RunRecord, type RunState } from './records.js';
import { leaseColumns, ORCHESTRATOR_LEVEL } from './lease.js';
import { toRun, toRunPair, type Db } from './rows.js';
import { readStatuses } from './statuses.js';

/**
 * Runs as operators see them: start one, read and list them, pause, resume, retry a pair. The
 * orchestrator's side of a run is in `run-handle.ts`.
 */

/** What a new run needs. */
export interface NewRun {
  readonly environment: string;
  readonly version: string;
  /** The phases to run; default 1-4. */
  readonly phases?: PhaseRange;
  /** Wait this long after a phase (not the last) completed for every pair. */
  readonly hold?: { readonly afterPhase: Phase; readonly seconds: number };
  readonly concurrency?: number;
  readonly failureBudget?: FailureBudget;
  readonly user: string;
}

/**
 * Starts a run: one row per pair of the environment, each waiting for the run's first phase.
 * Refused when the version may not start that phase in the environment (phase 1: the
 * environment's gate; phase N: `<ENV>_Phase<N-1>_OK`, naming an open run that would give it), or
 * when the environment already has an open run.
 */
export async function createRun(store: Store, input: NewRun): Promise<RunRecord> {
  const phases = input.phases ?? { first: 1, last: 4 };
  const range = formatPhaseRange(phases);
  if (input.hold && (input.hold.afterPhase < phases.first || input.hold.afterPhase >= phases.last)) {
    const allowed = phases.first === phases.last ? null : formatPhaseRange({ first: phases.first, last: (phases.last - 1) as Phase }).replace('-', '–');
    throw badRequest(MESSAGES.invalidRequest.fleetHoldOutsideRun(input.hold.afterPhase, range, allowed));
  }
  return store.transaction('shared', async (trx) => {
    const env = await readEnvironment(trx, input.environment);
    const open = await trx
      .selectFrom('fleet_runs')
      .select(['id', 'state', 'version', 'first_phase', 'last_phase'])
      .where('environment', '=', env.name)
      .where('state', 'in', OPEN_RUN_STATES)
      .executeTakeFirst();
    const statuses = await readStatuses(trx, input.version);
    const needed = missingPhaseStatus(env.name, phases.first, statuses);
    if (needed) {
      const carried = carriedStatuses(statuses);
      throw conflict(
        open?.version === input.version
          ? MESSAGES.conflict.fleetPhaseGatedByRun(input.version, phases.first, needed, carried, open.id, `${open.first_phase}-${open.last_phase}`, open.state)
          : MESSAGES.conflict.fleetPhaseGated(input.version, phases.first, phases.first - 1, needed, carried),
      );
    }
    if (open) throw conflict(MESSAGES.conflict.fleetOpenRun(env.name, open.id, open.state));
    const closed = phaseGate(env.name, phases.first, env.gate, statuses);
    if (closed) throw conflict(MESSAGES.conflict.fleetVersionGated(input.version, env.name, closed));
    const pairs = await trx.selectFrom('fleet_pairs').select('id').where('environment', '=', env.name).orderBy('id').execute();
    if (pairs.length === 0) throw badRequest(MESSAGES.invalidRequest.fleetEnvironmentNoPairs(env.name));
    const now = nowTimestamp();
    const row = {
      id: `run-${now.slice(0, 10).replaceAll('-', '')}-${randomUUID().slice(0, 8)}`,
      environment: env.name,
      version: input.version,
      state: 'running' as const,
      phase: phases.first,
      // The first phase's status change is still to apply (it takes the previous phase's status away).
      statuses_applied: phases.first - 1,
      concurrency: input.concurrency ?? env.concurrency,
      failure_budget: JSON.stringify(input.failureBudget ?? env.failureBudget),
      reason: null,
      orchestrator_level: ORCHESTRATOR_LEVEL,
      ...leaseColumns(ORCHESTRATOR_LEVEL, null, null),
      created_at: now,
      created_by: input.user,
      updated_at: now,
      finished_at: null,
      first_phase: phases.first,
      last_phase: phases.last,
      hold_after: input.hold?.afterPhase ?? null,
      hold_seconds: input.hold?.seconds ?? null,
      hold_until: null,
    };
    await trx.insertInto('fleet_runs').values(row).execute();
    // Pairs start as having completed the phase before the run's first: a pair that did not (it
    // failed in the run for the earlier phases) fails the first phase's per-pair check, which says why.
    for (const chunk of batches(pairs)) {
      await trx
        .insertInto('fleet_run_pairs')
        .values(
          chunk.map((p) => ({ run_id: row.id, pair_id: p.id, state: 'waiting', completed_phase: phases.first - 1, attempt: 1, error: null, updated_at: now })),
        )
        .execute();
    }
    return toRun(row);
  });
}

/** One run, or 404. */
export async function readRun(db: Db, id: string): Promise<RunRecord> {
  const row = await db.selectFrom('fleet_runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(MESSAGES.notFound.fleetRun(id));
  return toRun(row);
}

/** Runs, newest first. */
export async function listRuns(db: Db, limit = 50): Promise<RunRecord[]> {
  const rows = await db.selectFrom('fleet_runs').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
  return rows.map(toRun);
}

/** How many pairs of each run are in each state, by run id (a run without pairs has no entry). */
export async function countRunPairs(db: Db, runIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
  const counts = new Map<string, Map<string, number>>();
  if (runIds.length === 0) return counts;
  const rows = await db
    .selectFrom('fleet_run_pairs')
    .select(['run_id', 'state', (eb) => eb.fn.countAll<number>().as('count')])
    .where('run_id', 'in', runIds)
    .groupBy(['run_id', 'state'])
    .execute();
  for (const row of rows) {
    const byState = counts.get(row.run_id) ?? new Map<string, number>();
    byState.set(row.state, Number(row.count));
    counts.set(row.run_id, byState);
  }
  return counts;
}

/** A run's pairs, by pair id. */
export async function readRunPairs(db: Db, runId: string): Promise<RunPairRecord[]> {
  const rows = await db.selectFrom('fleet_run_pairs').selectAll().where('run_id', '=', runId).orderBy('pair_id').execute();
  return rows.map(toRunPair);
}

/** Pauses a running (or halted) run: pairs in the middle of a phase finish it, no new phase starts. */
export async function pauseRun(store: Store, id: string): Promise<RunRecord> {
  return setState(store, id, ['running', 'halted'], 'paused', 'paused by an operator');
}

/**
 * Resumes a paused or halted run (a hold that has not ended goes on); a running run that holds
 * ends its hold now (its end moves to now, and the orchestrator starts the next phase).
 */
export async function resumeRun(store: Store, id: string): Promise<RunRecord> {
  const ended = await store.transaction('shared', async (trx) => {
    const now = nowTimestamp();
    if (holdingUntil(await readRun(trx, id), now) === null) return undefined;
    const row = await trx.updateTable('fleet_runs').set({ hold_until: now, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    return toRun(row);
  });
  return ended ?? setState(store, id, ['paused', 'halted'], 'running', null);
}

async function setState(store: Store, id: string, from: readonly RunState[], to: RunState, reason: string | null): Promise<RunRecord> {
  return store.transaction('shared', async (trx) => {
    const run = await readRun(trx, id);
    if (run.state === to) return run;
    if (!from.includes(run.state)) throw conflict(MESSAGES.conflict.fleetRunState(id, run.state, eitherOf(from), to));
    const row = await trx
      .updateTable('fleet_runs')
      .set({ state: to, reason, updated_at: nowTimestamp() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRun(row);
  });
}

/**
 * Puts a failed pair back in the run: it starts again at the phase it failed in (a new attempt,
 * so its steps are run afresh) and catches up with the run. A finished run is reopened.
 */
export async function retryPair(store: Store, runId: string, pairId: string): Promise<RunPairRecord> {
  return store.transaction('shared', async (trx) => {
    const run = await readRun(trx, runId);
    const pair = await trx.selectFrom('fleet_run_pairs').selectAll().where('run_id', '=', runId).where('pair_id', '=', pairId).executeTakeFirst();
    if (!pair) throw notFound(MESSAGES.notFound.fleetPairNotInRun(pairId, runId));
    if (pair.state !== 'failed') throw conflict(MESSAGES.conflict.fleetPairNotFailed(pairId, pair.state, runId));
    const now = nowTimestamp();
    const row = await trx
      .updateTable('fleet_run_pairs')
      .set({ state: 'waiting', attempt: pair.attempt + 1, error: null, updated_at: now })
      .where('run_id', '=', runId)
      .where('pair_id', '=', pairId)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (run.state === 'completed' || run.state === 'failed') {
      // One open run per environment: a 1-2 run is not reopened while its 3-4 run (or any other) is open.
      const other = await trx
        .selectFrom('fleet_runs')
        .select(['id', 'state'])
        .where('environment', '=', run.environment)
        .where('state', 'in', OPEN_RUN_STATES)
        .where('id', '!=', runId)
        .executeTakeFirst();
      if (other) throw conflict(MESSAGES.conflict.fleetOpenRun(run.environment, other.id, other.state));
      await trx.updateTable('fleet_runs').set({ state: 'running', reason: null, finished_at: null, updated_at: now }).where('id', '=', runId).execute();
    }
    return toRunPair(row);
  });
}
