import type { Kysely, Transaction } from 'kysely';
import type { ClaimRequest } from '../../src/backyard/claim.js';
import { timestampIn } from '../../src/store/clock.js';
import { FAMILY_OF } from '../../src/backyard/job-status.js';
import { SCHEDULED_STATUS, toJob, type Job } from '../../src/backyard/jobs.js';
import { nowTimestamp } from '../../src/store/clock.js';
import type { Database } from '../../src/store/schema.js';

/** The status a claimed job enters, per family (as src/backyard/claim.ts has it). */
const CLAIMED_STATUS = { driver: '2', conductor: '3', menu: '2' } as const;

/**
 * The claim statement of `claimJobs` (src/store/job-claim.ts, and in SQL migration 006's
 * `drydock_claim`, which PostgreSQL runs) without the gate: no maintenance
 * predicate (`NOT EXISTS (… switches on …)`), and run on whatever it is given — the store's Kysely
 * (one autocommit statement, no transaction, so no gate lock either) or a transaction. Benchmarks
 * only: it is what the gate is measured against.
 */
export async function claimJobsUngated(
  db: Kysely<Database> | Transaction<Database>,
  skipLocked: boolean,
  request: ClaimRequest,
): Promise<Job[]> {
  const family = FAMILY_OF[request.backyard];
  const scheduled = SCHEDULED_STATUS[family];
  const now = nowTimestamp();
  const rows = await db
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
        .$if(skipLocked, (q) => q.forUpdate().skipLocked()),
    )
    .returningAll()
    .execute();
  return rows.map((r) => toJob(r));
}
