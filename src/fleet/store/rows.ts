import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import { parseJson } from '../../store/store.js';
import type { Phase } from '../phases.js';
import { AWAITING_ORCHESTRATOR, type RunPairRecord, type RunPairState, type RunRecord, type RunState, type StepRecord } from './records.js';

/** Where a read runs: the store's connection, or the transaction of a write. */
export type Db = Kysely<Database> | Transaction<Database>;

/** A `fleet_runs` row as a record. */
export function toRun(r: Database['fleet_runs']): RunRecord {
  return {
    id: r.id,
    environment: r.environment,
    version: r.version,
    state: r.state as RunState,
    phase: r.phase as Phase,
    firstPhase: r.first_phase as Phase,
    lastPhase: r.last_phase as Phase,
    hold: r.hold_after === null ? null : { afterPhase: r.hold_after as Phase, seconds: r.hold_seconds ?? 0, until: r.hold_until },
    statusesApplied: r.statuses_applied,
    concurrency: r.concurrency,
    failureBudget: parseJson(r.failure_budget),
    reason: r.reason,
    // A run above level 0 keeps placeholders where releases before levels look (fleet/store/lease.ts).
    leaseOwner: r.lease_owner === AWAITING_ORCHESTRATOR ? null : r.lease_owner,
    leaseExpiresAt: r.orchestrator_level === 0 ? r.lease_expires_at : r.lease_until,
    orchestratorLevel: r.orchestrator_level,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

/** A `fleet_steps` row as a record. */
export function toStep(r: Selectable<Database['fleet_steps']>): StepRecord {
  return {
    id: Number(r.id),
    pairId: r.pair_id,
    phase: r.phase,
    attempt: r.attempt,
    step: r.step,
    action: r.action,
    node: r.node,
    version: r.version,
    state: r.state as StepRecord['state'],
    output: r.output,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    orchestrator: r.orchestrator,
    properties: r.properties === null || r.properties === undefined ? null : parseJson(r.properties),
  };
}

/** A `fleet_run_pairs` row as a record. */
export function toRunPair(r: Database['fleet_run_pairs']): RunPairRecord {
  return { pairId: r.pair_id, state: r.state as RunPairState, completedPhase: r.completed_phase, attempt: r.attempt, error: r.error, updatedAt: r.updated_at };
}
