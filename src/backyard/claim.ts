import type { Store } from '../store/store.js';
import { nowTimestamp, timestampIn } from '../store/clock.js';
import { FAMILY_OF, type Backyard } from './job-status.js';
import { SCHEDULED_STATUS, toJob, type Job } from './jobs.js';

/** The status a claimed job enters, per family: Preparing for drivers, Executing otherwise. */
const CLAIMED_STATUS = { driver: '2', conductor: '3', menu: '2' } as const;

export interface ClaimRequest {
  readonly backyard: Backyard;
  readonly workerId: string;
  readonly limit: number;
  readonly leaseMs: number;
}

/**
 * Claims up to `limit` runnable jobs of one backyard for a worker, oldest first, in ONE statement
 * that carries the maintenance predicate:
 *
 *   UPDATE backyard_jobs SET status = claimed, lease = …
 *   WHERE id IN (SELECT id … runnable … ORDER BY created_at LIMIT n [FOR UPDATE SKIP LOCKED])
 *     AND NOT EXISTS (SELECT 1 FROM maintenance_settings WHERE backyard_execute_stop = 1 OR data_update_stop = 1)
 *   RETURNING *
 *
 * It runs in a transaction holding the shared gate lock (see store.ts), so it is ordered against a
 * toggle of the switches: once the PATCH turning either switch on has returned, no job leaves
 * Unexecuted. Runnable means Unexecuted, or scheduled and due. On PostgreSQL, SKIP LOCKED lets
 * concurrent workers pass over each other's rows; SQLite's writer lock serialises claims instead.
 */
export async function claimJobs(store: Store, request: ClaimRequest): Promise<Job[]> {
  const family = FAMILY_OF[request.backyard];
  const scheduled = SCHEDULED_STATUS[family];
  return store.transaction('shared', async (trx, switches) => {
    // The switches read under the lock already say no: skip the statement (idle workers during a
    // maintenance cost one read per poll). The predicate in the statement stays the authority.
    if (switches.backyard_execute_stop || switches.data_update_stop) return [];
    // Taken once the gate lock is held, so `started_at` is in commit order with a toggle of the
    // switches (stamped under the exclusive side): a claim that committed before the toggle started
    // before it, and one that began after it claims nothing.
    const now = nowTimestamp();
    const rows = await trx
      .updateTable('backyard_jobs')
      .set({
        status_id: CLAIMED_STATUS[family],
        in_flight: 1,
        started_at: now,
        last_update_timestamp: now,
        lease_owner: request.workerId,
        lease_expires_at: timestampIn(request.leaseMs),
      })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('backyard_jobs')
          .select('id')
          .where('backyard', '=', request.backyard)
          .where((w) =>
            scheduled === null
              ? w('status_id', '=', '1')
              : w.or([w('status_id', '=', '1'), w.and([w('status_id', '=', scheduled), w('scheduled_at', '<=', now)])]),
          )
          .orderBy('created_at')
          .limit(request.limit)
          .$if(store.capabilities.skipLocked, (q) => q.forUpdate().skipLocked()),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('maintenance_settings')
              .select('id')
              .where('id', '=', 1)
              .where((m) => m.or([m('backyard_execute_stop', '=', 1), m('data_update_stop', '=', 1)])),
          ),
        ),
      )
      .returningAll()
      .execute();
    return rows.map((r) => toJob(r));
  });
}
