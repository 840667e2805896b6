import type { Transaction } from 'kysely';
import { nowTimestamp, timestampIn } from '../../store/clock.js';
import type { Database } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { LeaseLostError } from '../../errors.js';
import { OPEN_RUN_STATES, type RunRecord } from './records.js';
import { toRun } from './rows.js';

/**
 * Who owns a run: the lease columns of `fleet_runs` (`lease_owner`, `lease_expires_at`). One
 * orchestrator at a time holds a run; one that dies stops renewing, and the run is taken over when
 * the lease expires. Orchestrators use these statements through `RunHandle` (run-handle.ts).
 */

/** Identifies an orchestrator's hold on a run. */
export interface RunLease {
  readonly runId: string;
  readonly owner: string;
  readonly leaseMs: number;
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
export async function takeLease(store: Store, owner: string, leaseMs: number, onlyId?: string): Promise<RunRecord | undefined> {
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

/** Gives the run up (an orchestrator shutting down), so another one can take it at once. */
export async function releaseLease(store: Store, lease: RunLease): Promise<void> {
  await store.transaction('shared', (trx) =>
    trx
      .updateTable('fleet_runs')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('id', '=', lease.runId)
      .where('lease_owner', '=', lease.owner)
      .execute(),
  );
}
