import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { badRequest, conflict, notFound } from '../errors.js';
import { batches } from '../store/batches.js';
import { nowTimestamp, timestampIn } from '../store/clock.js';
import type { Database } from '../store/schema.js';
import { parseJson, type Store } from '../store/store.js';
import type { DriverConfig } from './drivers/driver-config.js';
import type { EnvironmentDeclaration, FleetDeclaration } from './fleet-file.js';
import type { GateExpression } from './gate-expression.js';
import type { NodeRole } from './node-names.js';
import { afterPhase, phaseGate, statusChange, type PairView, type Phase } from './phases.js';

/**
 * Every statement the fleet needs, one named function each. Fleet bookkeeping is maintenance work:
 * it stays writable in read-only mode (an operator upgrades the fleet while the platform is
 * frozen), so these transactions take the gate's shared side like any write but ignore the switches.
 */

/**
 * A run's lifecycle:
 * - `running`: the orchestrator starts pair phases as limits allow;
 * - `paused`: an operator paused it; pairs in the middle of a phase finish that phase, no new one starts;
 * - `halted`: the failure budget was exceeded or a gate closed; like paused, with the reason; `resume` continues;
 * - `completed`: every pair reached phase 4 or failed (`reason` names the failed ones); `retry` reopens it;
 * - `failed`: no pair got through a phase, nothing more can happen without a retry.
 */
export type RunState = 'running' | 'paused' | 'halted' | 'completed' | 'failed';
/** Run states an orchestrator owns (it may have pair phases in flight). */
export const OPEN_RUN_STATES: readonly RunState[] = ['running', 'paused', 'halted'];

/**
 * A pair's lifecycle in a run: `waiting` for its next phase, `running` a phase, `done` (phase 4
 * completed), `failed` (a step failed or a phase check refused; `retry` puts it back to waiting).
 */
export type RunPairState = 'waiting' | 'running' | 'done' | 'failed';

/** An environment as stored. */
export type EnvironmentRecord = EnvironmentDeclaration;

/** A node as it is now. */
export interface NodeRecord {
  readonly name: string;
  readonly role: NodeRole;
  readonly installedVersion: string;
  readonly secondaryVersionLevel: string | null;
  readonly primaryVersionLevel: string | null;
  readonly properties: Readonly<Record<string, string>>;
}

/** A pair as it is now. */
export interface PairRecord {
  readonly id: string;
  readonly environment: string;
  readonly envId: string;
  readonly active: NodeRole;
  readonly properties: Readonly<Record<string, string>>;
  readonly primary: NodeRecord;
  readonly secondary: NodeRecord;
}

/** The failure budget: stop starting pairs when more than `count`, or more than `percent` % of the pairs, failed. */
export interface FailureBudget {
  readonly count?: number;
  readonly percent?: number;
}

/** A run as stored. */
export interface RunRecord {
  readonly id: string;
  readonly environment: string;
  readonly version: string;
  readonly state: RunState;
  readonly phase: Phase;
  readonly statusesApplied: number;
  readonly concurrency: number;
  readonly failureBudget: FailureBudget;
  readonly reason: string | null;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

/** A pair's progress in a run. */
export interface RunPairRecord {
  readonly pairId: string;
  readonly state: RunPairState;
  readonly completedPhase: number;
  readonly attempt: number;
  readonly error: string | null;
  readonly updatedAt: string;
}

/** One recorded step. */
export interface StepRecord {
  readonly id: number;
  readonly pairId: string;
  readonly phase: number;
  readonly attempt: number;
  readonly step: string;
  readonly action: string;
  readonly node: string;
  readonly version: string | null;
  readonly state: 'started' | 'succeeded' | 'failed' | 'interrupted';
  readonly output: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly orchestrator: string;
}

type Db = Kysely<Database> | Transaction<Database>;

// ---------------------------------------------------------------------------------------------
// The fleet declaration

interface EnvironmentSpec {
  gate: GateExpression | null;
  driver: DriverConfig;
  concurrency: number;
  failureBudget: FailureBudget;
  actionTimeoutMs: number;
  healthTimeoutMs: number;
}

/**
 * Stores a validated fleet. Environments and topology follow the file (pairs no longer in it are
 * removed); what the store learned by running (installed versions, version levels, the active
 * node) is kept for nodes it already knows: the file's `version` and `active` only seed new ones.
 * Refused while an environment has an unfinished run, whose pairs must not change under it.
 */
export async function declareFleet(store: Store, fleet: FleetDeclaration): Promise<{ environments: number; pairs: number; added: string[]; removed: string[] }> {
  return store.transaction('shared', async (trx) => {
    const now = nowTimestamp();
    const open = await trx.selectFrom('fleet_runs').select(['id', 'environment', 'state']).where('state', 'in', OPEN_RUN_STATES).execute();
    const declared = new Set(fleet.environments.map((e) => e.name));
    const existingPairs = await trx.selectFrom('fleet_pairs').select(['id', 'environment']).execute();
    const touched = new Set([...declared, ...existingPairs.map((p) => p.environment)]);
    const blocking = open.filter((r) => touched.has(r.environment));
    if (blocking.length > 0) {
      throw conflict(
        `the fleet cannot change while a run is under way: ${blocking.map((r) => `${r.id} (${r.environment}, ${r.state})`).join(', ')}; wait for it to complete, or let it finish after \`drydock fleet resume\``,
      );
    }
    for (const e of fleet.environments) {
      const spec: EnvironmentSpec = {
        gate: e.gate,
        driver: e.driver,
        concurrency: e.concurrency,
        failureBudget: e.failureBudget,
        actionTimeoutMs: e.actionTimeoutMs,
        healthTimeoutMs: e.healthTimeoutMs,
      };
      await trx
        .insertInto('fleet_environments')
        .values({ name: e.name, spec: JSON.stringify(spec), updated_at: now })
        .onConflict((oc) => oc.column('name').doUpdateSet({ spec: JSON.stringify(spec), updated_at: now }))
        .execute();
    }
    const wanted = new Set(fleet.pairs.map((p) => p.id));
    const removed = existingPairs.filter((p) => !wanted.has(p.id)).map((p) => p.id);
    if (removed.length > 0) await trx.deleteFrom('fleet_pairs').where('id', 'in', removed).execute();
    const known = new Set(existingPairs.map((p) => p.id));
    const added: string[] = [];
    for (const p of fleet.pairs) {
      if (known.has(p.id)) {
        await trx.updateTable('fleet_pairs').set({ properties: JSON.stringify(p.properties), updated_at: now }).where('id', '=', p.id).execute();
      } else {
        added.push(p.id);
        await trx
          .insertInto('fleet_pairs')
          .values({ id: p.id, environment: p.environment, env_id: p.envId, active_role: p.active, properties: JSON.stringify(p.properties), updated_at: now })
          .execute();
      }
      for (const n of [p.primary, p.secondary]) {
        await trx
          .insertInto('fleet_nodes')
          .values({
            name: n.name,
            pair_id: p.id,
            role: n.role,
            installed_version: n.version,
            secondary_version_level: null,
            primary_version_level: null,
            properties: JSON.stringify(n.properties),
            updated_at: now,
          })
          .onConflict((oc) => oc.column('name').doUpdateSet({ properties: JSON.stringify(n.properties), updated_at: now }))
          .execute();
      }
    }
    const stale = await trx.selectFrom('fleet_environments').select('name').execute();
    const used = new Set((await trx.selectFrom('fleet_pairs').select('environment').distinct().execute()).map((r) => r.environment));
    const drop = stale.map((s) => s.name).filter((n) => !declared.has(n) && !used.has(n));
    if (drop.length > 0) await trx.deleteFrom('fleet_environments').where('name', 'in', drop).execute();
    return { environments: fleet.environments.length, pairs: fleet.pairs.length, added, removed };
  });
}

/** Every environment, by name. */
export async function readEnvironments(db: Db): Promise<Map<string, EnvironmentRecord>> {
  const rows = await db.selectFrom('fleet_environments').selectAll().orderBy('name').execute();
  return new Map(rows.map((r) => [r.name, { name: r.name, ...parseJson<EnvironmentSpec>(r.spec) }]));
}

/** One environment, or a 404 that lists the known ones. */
export async function readEnvironment(db: Db, name: string): Promise<EnvironmentRecord> {
  const all = await readEnvironments(db);
  const env = all.get(name);
  if (!env) throw notFound(`no fleet environment ${name} (known: ${[...all.keys()].join(', ') || 'none; declare a fleet first with `drydock fleet apply FILE`'})`);
  return env;
}

/** The pairs of one environment (or all), sorted by id, with their nodes. */
export async function readPairs(db: Db, environment?: string): Promise<PairRecord[]> {
  let pq = db.selectFrom('fleet_pairs').selectAll().orderBy('id');
  if (environment !== undefined) pq = pq.where('environment', '=', environment);
  const pairs = await pq.execute();
  let nq = db.selectFrom('fleet_nodes').innerJoin('fleet_pairs', 'fleet_pairs.id', 'fleet_nodes.pair_id').selectAll('fleet_nodes');
  if (environment !== undefined) nq = nq.where('fleet_pairs.environment', '=', environment);
  const nodes = await nq.execute();
  const byPair = new Map<string, { P?: NodeRecord; S?: NodeRecord }>();
  for (const n of nodes) {
    const entry = byPair.get(n.pair_id) ?? {};
    entry[n.role] = {
      name: n.name,
      role: n.role,
      installedVersion: n.installed_version,
      secondaryVersionLevel: n.secondary_version_level,
      primaryVersionLevel: n.primary_version_level,
      properties: parseJson(n.properties),
    };
    byPair.set(n.pair_id, entry);
  }
  return pairs.flatMap((p) => {
    const n = byPair.get(p.id);
    if (!n?.P || !n.S) return [];
    return [{ id: p.id, environment: p.environment, envId: p.env_id, active: p.active_role, properties: parseJson(p.properties), primary: n.P, secondary: n.S }];
  });
}

/** The view the phase checks take of a pair. */
export function pairView(p: PairRecord): PairView {
  return {
    id: p.id,
    active: p.active,
    primary: { name: p.primary.name, version: p.primary.installedVersion, secondaryVersionLevel: p.primary.secondaryVersionLevel },
    secondary: { name: p.secondary.name, version: p.secondary.installedVersion, primaryVersionLevel: p.secondary.primaryVersionLevel },
  };
}

// ---------------------------------------------------------------------------------------------
// Version statuses

/** The statuses a version carries. */
export async function readStatuses(db: Db, version: string): Promise<Set<string>> {
  const rows = await db.selectFrom('fleet_version_statuses').select('status').where('version', '=', version).execute();
  return new Set(rows.map((r) => r.status));
}

/** Every version with its statuses, newest change first. */
export async function listVersionStatuses(db: Db): Promise<Array<{ version: string; statuses: Array<{ status: string; addedAt: string; addedBy: string }> }>> {
  const rows = await db.selectFrom('fleet_version_statuses').selectAll().orderBy('version').orderBy('status').execute();
  const out = new Map<string, Array<{ status: string; addedAt: string; addedBy: string }>>();
  for (const r of rows) out.set(r.version, [...(out.get(r.version) ?? []), { status: r.status, addedAt: r.added_at, addedBy: r.added_by }]);
  return [...out].map(([version, statuses]) => ({ version, statuses }));
}

/** Adds and removes statuses of a version (e.g. `Staging_OK` after a staging sign-off). */
export async function changeStatuses(store: Store, version: string, change: { add?: readonly string[]; remove?: readonly string[] }, user: string): Promise<Set<string>> {
  return store.transaction('shared', async (trx) => {
    const now = nowTimestamp();
    if (change.remove?.length) await trx.deleteFrom('fleet_version_statuses').where('version', '=', version).where('status', 'in', [...change.remove]).execute();
    for (const status of change.add ?? []) {
      await trx
        .insertInto('fleet_version_statuses')
        .values({ version, status, added_at: now, added_by: user })
        .onConflict((oc) => oc.columns(['version', 'status']).doNothing())
        .execute();
    }
    return readStatuses(trx, version);
  });
}

// ---------------------------------------------------------------------------------------------
// Runs

function toRun(r: Database['fleet_runs']): RunRecord {
  return {
    id: r.id,
    environment: r.environment,
    version: r.version,
    state: r.state as RunState,
    phase: r.phase as Phase,
    statusesApplied: r.statuses_applied,
    concurrency: r.concurrency,
    failureBudget: parseJson(r.failure_budget),
    reason: r.reason,
    leaseOwner: r.lease_owner,
    leaseExpiresAt: r.lease_expires_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

function toStep(r: Selectable<Database['fleet_steps']>): StepRecord {
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
  };
}

function toRunPair(r: Database['fleet_run_pairs']): RunPairRecord {
  return { pairId: r.pair_id, state: r.state as RunPairState, completedPhase: r.completed_phase, attempt: r.attempt, error: r.error, updatedAt: r.updated_at };
}

/** What a new run needs. */
export interface NewRun {
  readonly environment: string;
  readonly version: string;
  readonly concurrency?: number;
  readonly failureBudget?: FailureBudget;
  readonly user: string;
}

/**
 * Starts a run: one row per pair of the environment, all waiting for phase 1. Refused when the
 * environment's gate is closed for the version, or when the environment already has an open run.
 */
export async function createRun(store: Store, input: NewRun): Promise<RunRecord> {
  return store.transaction('shared', async (trx) => {
    const env = await readEnvironment(trx, input.environment);
    const open = await trx.selectFrom('fleet_runs').select(['id', 'state']).where('environment', '=', env.name).where('state', 'in', OPEN_RUN_STATES).executeTakeFirst();
    if (open) throw conflict(`environment ${env.name} already has an open run: ${open.id} (${open.state}); resume or finish it first`);
    const statuses = await readStatuses(trx, input.version);
    const closed = phaseGate(env.name, 1, env.gate, statuses);
    if (closed) throw conflict(`version ${input.version} may not be deployed to ${env.name}: ${closed}`);
    const pairs = await trx.selectFrom('fleet_pairs').select('id').where('environment', '=', env.name).orderBy('id').execute();
    if (pairs.length === 0) throw badRequest(`environment ${env.name} has no pairs: declare its nodes in the fleet file`);
    const now = nowTimestamp();
    const row = {
      id: `run-${now.slice(0, 10).replaceAll('-', '')}-${randomUUID().slice(0, 8)}`,
      environment: env.name,
      version: input.version,
      state: 'running' as const,
      phase: 1,
      statuses_applied: 0,
      concurrency: input.concurrency ?? env.concurrency,
      failure_budget: JSON.stringify(input.failureBudget ?? env.failureBudget),
      reason: null,
      lease_owner: null,
      lease_expires_at: null,
      created_at: now,
      created_by: input.user,
      updated_at: now,
      finished_at: null,
    };
    await trx.insertInto('fleet_runs').values(row).execute();
    for (const chunk of batches(pairs)) {
      await trx
        .insertInto('fleet_run_pairs')
        .values(chunk.map((p) => ({ run_id: row.id, pair_id: p.id, state: 'waiting', completed_phase: 0, attempt: 1, error: null, updated_at: now })))
        .execute();
    }
    return toRun(row);
  });
}

/** One run, or 404. */
export async function readRun(db: Db, id: string): Promise<RunRecord> {
  const row = await db.selectFrom('fleet_runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`no fleet run ${id}: \`drydock fleet status\` lists the runs`);
  return toRun(row);
}

/** Runs, newest first. */
export async function listRuns(db: Db, limit = 50): Promise<RunRecord[]> {
  const rows = await db.selectFrom('fleet_runs').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
  return rows.map(toRun);
}

/** A run's pairs, by pair id. */
export async function readRunPairs(db: Db, runId: string): Promise<RunPairRecord[]> {
  const rows = await db.selectFrom('fleet_run_pairs').selectAll().where('run_id', '=', runId).orderBy('pair_id').execute();
  return rows.map(toRunPair);
}

/** A run's step log in order (optionally one pair's). */
export async function readSteps(db: Db, runId: string, pairId?: string): Promise<StepRecord[]> {
  let q = db.selectFrom('fleet_steps').selectAll().where('run_id', '=', runId);
  if (pairId !== undefined) q = q.where('pair_id', '=', pairId);
  const rows = await q.orderBy('id').execute();
  return rows.map(toStep);
}

/** Pauses a running (or halted) run: pairs in the middle of a phase finish it, no new phase starts. */
export async function pauseRun(store: Store, id: string): Promise<RunRecord> {
  return setState(store, id, ['running', 'halted'], 'paused', 'paused by an operator');
}

/** Resumes a paused or halted run. */
export async function resumeRun(store: Store, id: string): Promise<RunRecord> {
  return setState(store, id, ['paused', 'halted'], 'running', null);
}

async function setState(store: Store, id: string, from: readonly RunState[], to: RunState, reason: string | null): Promise<RunRecord> {
  return store.transaction('shared', async (trx) => {
    const run = await readRun(trx, id);
    if (run.state === to) return run;
    if (!from.includes(run.state)) throw conflict(`run ${id} is ${run.state}: only a ${from.join(' or ')} run can become ${to}`);
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
    if (!pair) throw notFound(`pair ${pairId} is not part of run ${runId}`);
    if (pair.state !== 'failed') throw conflict(`pair ${pairId} is ${pair.state} in run ${runId}: only a failed pair can be retried`);
    const now = nowTimestamp();
    const row = await trx
      .updateTable('fleet_run_pairs')
      .set({ state: 'waiting', attempt: pair.attempt + 1, error: null, updated_at: now })
      .where('run_id', '=', runId)
      .where('pair_id', '=', pairId)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (run.state === 'completed' || run.state === 'failed') {
      await trx.updateTable('fleet_runs').set({ state: 'running', reason: null, finished_at: null, updated_at: now }).where('id', '=', runId).execute();
    }
    return toRunPair(row);
  });
}

// ---------------------------------------------------------------------------------------------
// The orchestrator's records. Each runs in one transaction that first checks that this
// orchestrator still holds the run's lease: one that lost it (it stalled past the lease and another
// took over) cannot record anything more. The check is a plain read, not an UPDATE of the run row:
// writing that one row from every step serialised the whole run on its row lock (PostgreSQL, 50
// pairs at once: 16 of 20 connections waiting on it, 43 s for 1,000 pairs — `npm run bench --
// fleet`). The lease is extended by the orchestrator's timer alone. A takeover that commits between
// the read and this transaction's commit could let one last record through; it needs the old
// owner to have missed renewals for a whole lease, and the driver action that record describes was
// beyond any store check anyway — hence idempotent drivers (node-driver.ts).

/** Thrown when the orchestrator no longer holds the run's lease. */
export class LeaseLostError extends Error {
  constructor(runId: string, owner: string) {
    super(`orchestrator ${owner} no longer holds the lease of run ${runId}`);
    this.name = 'LeaseLostError';
  }
}

/** Identifies an orchestrator's hold on a run. */
export interface RunLease {
  readonly runId: string;
  readonly owner: string;
  readonly leaseMs: number;
}

async function holdLease(trx: Transaction<Database>, lease: RunLease): Promise<RunRecord> {
  const row = await trx.selectFrom('fleet_runs').selectAll().where('id', '=', lease.runId).where('lease_owner', '=', lease.owner).executeTakeFirst();
  if (!row) throw new LeaseLostError(lease.runId, lease.owner);
  return toRun(row);
}

/** Extends the lease if this orchestrator still holds it (the timer's job). */
async function extendLease(trx: Transaction<Database>, lease: RunLease): Promise<RunRecord> {
  const row = await trx
    .updateTable('fleet_runs')
    .set({ lease_expires_at: timestampIn(lease.leaseMs) })
    .where('id', '=', lease.runId)
    .where('lease_owner', '=', lease.owner)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new LeaseLostError(lease.runId, lease.owner);
  return toRun(row);
}

/**
 * Takes the oldest open run nobody holds (no owner, or a lease that expired: its orchestrator
 * died). One conditional UPDATE per candidate, so two orchestrators never both get a run. Owners
 * are unique per process, so a restarted orchestrator waits for its predecessor's lease to expire.
 */
export async function claimRun(store: Store, owner: string, leaseMs: number, onlyId?: string): Promise<RunRecord | undefined> {
  const now = nowTimestamp();
  let query = store.db.selectFrom('fleet_runs').select('id');
  if (onlyId !== undefined) query = query.where('id', '=', onlyId);
  const candidates = await query
    .where('state', 'in', OPEN_RUN_STATES)
    .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_expires_at', '<', now)]))
    .orderBy('created_at')
    .execute();
  for (const c of candidates) {
    const row = await store.transaction('shared', (trx) =>
      trx
        .updateTable('fleet_runs')
        .set({ lease_owner: owner, lease_expires_at: timestampIn(leaseMs) })
        .where('id', '=', c.id)
        .where('state', 'in', OPEN_RUN_STATES)
        .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_expires_at', '<', nowTimestamp())]))
        .returningAll()
        .executeTakeFirst(),
    );
    if (row) return toRun(row);
  }
  return undefined;
}

/** Extends the lease; returns the run as stored (state changes by operators show up here). */
export async function renewRunLease(store: Store, lease: RunLease): Promise<RunRecord> {
  return store.transaction('shared', (trx) => extendLease(trx, lease));
}

/** Gives the run up (an orchestrator shutting down), so another one can take it at once. */
export async function releaseRun(store: Store, lease: RunLease): Promise<void> {
  await store.transaction('shared', (trx) =>
    trx.updateTable('fleet_runs').set({ lease_owner: null, lease_expires_at: null }).where('id', '=', lease.runId).where('lease_owner', '=', lease.owner).execute(),
  );
}

/** How a step ended, recorded with the next record of its pair (see the orchestrator). */
export interface StepEnd {
  readonly id: number;
  readonly ok: boolean;
  readonly output: string;
}

async function writeStepEnd(trx: Transaction<Database>, end: StepEnd | undefined): Promise<void> {
  if (!end) return;
  await trx
    .updateTable('fleet_steps')
    .set({ state: end.ok ? 'succeeded' : 'failed', output: end.output.slice(-8_000), finished_at: nowTimestamp() })
    .where('id', '=', end.id)
    .execute();
}

/**
 * Records that a step starts (and, in the same transaction, how the pair's previous step ended,
 * and for a phase's first step that the pair is now running). Returns the step's id.
 */
export async function recordStepStart(
  store: Store,
  lease: RunLease,
  step: { pairId: string; phase: Phase; attempt: number; key: string; action: string; node: string; version?: string | undefined; rerun?: boolean },
  also: { previousEnd?: StepEnd | undefined; markRunning?: boolean } = {},
): Promise<number> {
  return store.transaction('shared', async (trx) => {
    await holdLease(trx, lease);
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
  });
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

/**
 * Records a completed phase for a pair, all at once: the node properties the phase sets
 * (installed version, version levels, the active node), the pair's progress, and — if no pair
 * completed this phase before — the version's status change, with the end of its last step.
 * Returns whether this pair applied the status change.
 */
export async function completePairPhase(store: Store, lease: RunLease, pair: PairRecord, phase: Phase, lastEnd?: StepEnd): Promise<{ appliedStatus: boolean }> {
  return store.transaction('shared', async (trx) => {
    const run = await holdLease(trx, lease);
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
      .set({ state: phase === 4 ? 'done' : 'waiting', completed_phase: phase, error: null, updated_at: now })
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
  });
}

/**
 * Records that a pair failed in a phase, with what the store must now believe about it: a
 * failed switch whose rollback did not succeed leaves `active` where the switch put it.
 */
export async function failPair(store: Store, lease: RunLease, pairId: string, error: string, active?: NodeRole, lastEnd?: StepEnd): Promise<void> {
  await store.transaction('shared', async (trx) => {
    await holdLease(trx, lease);
    await writeStepEnd(trx, lastEnd);
    const now = nowTimestamp();
    if (active) await trx.updateTable('fleet_pairs').set({ active_role: active, updated_at: now }).where('id', '=', pairId).execute();
    await trx
      .updateTable('fleet_run_pairs')
      .set({ state: 'failed', error: error.slice(0, 4_000), updated_at: now })
      .where('run_id', '=', lease.runId)
      .where('pair_id', '=', pairId)
      .execute();
  });
}

/** Changes the run's own state (halt, advance a phase, finish). */
export async function updateRun(
  store: Store,
  lease: RunLease,
  change: { state?: RunState; phase?: Phase; reason?: string | null; finished?: boolean },
): Promise<RunRecord> {
  return store.transaction('shared', async (trx) => {
    await holdLease(trx, lease);
    const now = nowTimestamp();
    const row = await trx
      .updateTable('fleet_runs')
      .set({
        ...(change.state !== undefined && { state: change.state }),
        ...(change.phase !== undefined && { phase: change.phase }),
        ...(change.reason !== undefined && { reason: change.reason }),
        ...(change.finished && { finished_at: now }),
        updated_at: now,
      })
      .where('id', '=', lease.runId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRun(row);
  });
}
