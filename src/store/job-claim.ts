import { CLAIM_STOPPING_SWITCHES, claimsStopped } from '../maintenance/switches.js';
import { nowTimestamp, timestampIn } from './clock.js';
import type { BackyardJobsTable } from './schema.js';
import type { JobClaim, Store } from './store.js';

/**
 * The job claim as a transaction holding the shared gate lock (`Store.claimJobs` on SQLite, and on
 * PostgreSQL when the schema predates migration 006's one-round-trip function), with the
 * maintenance predicate in ONE statement:
 *
 *   UPDATE backyard_jobs SET status = claimed, lease = …
 *   WHERE id IN (SELECT id … runnable … ORDER BY created_at LIMIT n [FOR UPDATE SKIP LOCKED])
 *     AND NOT EXISTS (SELECT 1 FROM maintenance_settings WHERE <a switch that stops claims> = 1 OR …)
 *   RETURNING *
 *
 * The switches named are `CLAIM_STOPPING_SWITCHES` (maintenance/switches.ts). The same statement as
 * `drydock_claim` (migration 006): change them together — a switch that stops claims replaces that
 * function in its own migration (test/maintenance-switches.test.ts checks). On PostgreSQL, SKIP
 * LOCKED lets concurrent workers pass over each other's rows; SQLite's writer lock serialises claims
 * instead.
 */
export async function claimInGateTransaction(store: Store, claim: JobClaim): Promise<BackyardJobsTable[]> {
  return store.transaction('shared', async (trx, switches) => {
    // The switches read under the lock already say no: skip the statement (idle workers during a
    // maintenance cost one read per poll). The predicate in the statement stays the authority.
    if (claimsStopped(switches)) return [];
    // Taken once the gate lock is held, so `started_at` is in commit order with a toggle of the
    // switches (stamped under the exclusive side): a claim that committed before the toggle started
    // before it, and one that began after it claims nothing.
    const now = nowTimestamp();
    const scheduled = claim.scheduledStatus;
    return trx
      .updateTable('backyard_jobs')
      .set({
        status_id: claim.claimedStatus,
        in_flight: 1,
        started_at: now,
        last_update_timestamp: now,
        lease_owner: claim.owner,
        lease_expires_at: timestampIn(claim.leaseMs),
      })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('backyard_jobs')
          .select('id')
          .where('backyard', '=', claim.backyard)
          .where((w) =>
            scheduled === null
              ? w('status_id', '=', '1')
              : w.or([w('status_id', '=', '1'), w.and([w('status_id', '=', scheduled), w('scheduled_at', '<=', now)])]),
          )
          .orderBy('created_at')
          .limit(claim.limit)
          .$if(store.capabilities.skipLocked, (q) => q.forUpdate().skipLocked()),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('maintenance_settings')
              .select('id')
              .where('id', '=', 1)
              .where((m) => m.or(CLAIM_STOPPING_SWITCHES.map((id) => m(id, '=', 1)))),
          ),
        ),
      )
      .returningAll()
      .execute();
  });
}
