import type { ExpressionBuilder, Transaction } from 'kysely';
import { formatMicros, nowTimestamp, timestampIn } from '../../store/clock.js';
import type { Database } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { LeaseLostError } from '../../errors.js';
import { AWAITING_ORCHESTRATOR, OPEN_RUN_STATES, type RunRecord } from './records.js';
import { toRun } from './rows.js';

/**
 * Who owns a run: the lease columns of `fleet_runs` (`lease_owner`, and when the lease ends). One
 * orchestrator at a time holds a run; one that dies stops renewing, and the run is taken over when
 * the lease ends. Orchestrators use these statements through `RunHandle` (run-handle.ts).
 *
 * Orchestrators of different releases (docs/decisions/fleet-upgrades.md): while drydock itself is
 * upgraded, an orchestrator of the release before may still be running beside one of this release.
 * It would drive a run of this release wrongly — all four phases, without the run's phase range,
 * hold or custom steps — so a run records the orchestrator level of the release that created it
 * (`orchestrator_level`), and only an orchestrator of that level or above takes it. Releases before
 * levels existed take any open run whose `lease_owner` is null or whose `lease_expires_at` passed,
 * and cannot be changed; a run above level 0 therefore keeps `lease_owner` set (to
 * `AWAITING_ORCHESTRATOR` when nobody holds it) and `lease_expires_at` in the far future, and keeps
 * the lease's real end in `lease_until`. A run of level 0 (created by such a release) keeps the
 * columns those releases read, so either release may drive it and take it over from the other.
 */

/**
 * What an orchestrator of this release can drive. 1: phase ranges, holds, custom steps. Raise it
 * (and say what the level adds) when an orchestrator of the release before would drive a run of
 * this release wrongly; a run of a higher level than an orchestrator knows is never taken by it.
 */
export const ORCHESTRATOR_LEVEL = 1;

/** `lease_expires_at` of a run above level 0: never, for releases before levels. */
const NEVER = formatMicros(BigInt(Date.UTC(9999, 11, 31)) * 1000n);

/** Identifies an orchestrator's hold on a run. */
export interface RunLease {
  readonly runId: string;
  readonly owner: string;
  readonly leaseMs: number;
  /** The run's orchestrator level: which lease columns it keeps. */
  readonly level: number;
}

/** The lease columns of a run of `level`, held by `owner` until `until`, or by nobody (both null). */
export function leaseColumns(level: number, owner: string | null, until: string | null) {
  return level === 0
    ? { lease_owner: owner, lease_expires_at: until, lease_until: null }
    : { lease_owner: owner ?? AWAITING_ORCHESTRATOR, lease_expires_at: NEVER, lease_until: until };
}

/** An open run of a level this release drives, that nobody holds or whose lease ended at `now`. */
function takeable(eb: ExpressionBuilder<Database, 'fleet_runs'>, now: string) {
  return eb.and([
    eb('state', 'in', OPEN_RUN_STATES),
    eb('orchestrator_level', '<=', ORCHESTRATOR_LEVEL),
    eb.or([
      eb('lease_owner', 'is', null),
      eb('lease_owner', '=', AWAITING_ORCHESTRATOR),
      eb.and([eb('orchestrator_level', '=', 0), eb('lease_expires_at', '<', now)]),
      eb.and([eb('orchestrator_level', '>', 0), eb('lease_until', '<', now)]),
    ]),
  ]);
}

/** Reads the run if this orchestrator still holds its lease; else `LeaseLostError`. A plain read: see run-handle.ts for why. */
export async function holdLease(trx: Transaction<Database>, lease: RunLease): Promise<RunRecord> {
  const row = await trx.selectFrom('fleet_runs').selectAll().where('id', '=', lease.runId).where('lease_owner', '=', lease.owner).executeTakeFirst();
  if (!row) throw new LeaseLostError(lease.runId, lease.owner);
  return toRun(row);
}

/** Extends the lease if this orchestrator still holds it (the timer's job). */
export async function extendLease(trx: Transaction<Database>, lease: RunLease): Promise<RunRecord> {
  const row = await trx
    .updateTable('fleet_runs')
    .set(leaseColumns(lease.level, lease.owner, timestampIn(lease.leaseMs)))
    .where('id', '=', lease.runId)
    .where('lease_owner', '=', lease.owner)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new LeaseLostError(lease.runId, lease.owner);
  return toRun(row);
}

/**
 * Takes the oldest open run this orchestrator may take (see `takeable`: nobody holds it, or its
 * orchestrator died and the lease ended). One conditional UPDATE per candidate, so two
 * orchestrators never both get a run. Owners are unique per process, so a restarted orchestrator
 * waits for its predecessor's lease to end.
 */
export async function takeLease(store: Store, owner: string, leaseMs: number, onlyId?: string): Promise<RunRecord | undefined> {
  let query = store.db.selectFrom('fleet_runs').select(['id', 'orchestrator_level']);
  if (onlyId !== undefined) query = query.where('id', '=', onlyId);
  const candidates = await query
    .where((eb) => takeable(eb, nowTimestamp()))
    .orderBy('created_at')
    .execute();
  for (const c of candidates) {
    const row = await store.transaction('shared', (trx) =>
      trx
        .updateTable('fleet_runs')
        .set(leaseColumns(c.orchestrator_level, owner, timestampIn(leaseMs)))
        .where('id', '=', c.id)
        .where((eb) => takeable(eb, nowTimestamp()))
        .returningAll()
        .executeTakeFirst(),
    );
    if (row) return toRun(row);
  }
  return undefined;
}

/** Gives the run up (an orchestrator shutting down), so another one can take it at once. */
export async function releaseLease(store: Store, lease: RunLease): Promise<void> {
  await store.transaction('shared', (trx) =>
    trx
      .updateTable('fleet_runs')
      .set(leaseColumns(lease.level, null, null))
      .where('id', '=', lease.runId)
      .where('lease_owner', '=', lease.owner)
      .execute(),
  );
}
