import type { Kysely, Transaction } from 'kysely';
import type { ClaimRequest } from '../../src/backyard/claim.js';
import { timestampIn } from '../../src/store/clock.js';
import { toJob, type Job } from '../../src/backyard/jobs.js';
import { familyOf } from '../../src/backyard/kinds/registry.js';
import { nowTimestamp } from '../../src/store/clock.js';
import type { Database } from '../../src/store/schema.js';

/**
 * The claim statement of `claimJobs` (src/store/job-claim.ts, and in SQL migration 006's
 * `drydock_claim`, which PostgreSQL runs) without the gate: no maintenance
 * predicate (`NOT EXISTS (… switches on …)`), and run on whatever it is given — the store's Kysely
 * (one autocommit statement, no transaction, so no gate lock either) or a transaction. Benchmarks
 * only: it is what the gate is measured against.
 */
export async function claimJobsUngated(db: Kysely<Database> | Transaction<Database>, skipLocked: boolean, request: ClaimRequest): Promise<Job[]> {
  const family = familyOf(request.backyard);
  const scheduled = family.scheduled;
  const now = nowTimestamp();
  const rows = await db
    .updateTable('backyard_jobs')
    .set({
      status_id: family.claimed,
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
            ? w('status_id', '=', family.unexecuted)
            : w.or([w('status_id', '=', family.unexecuted), w.and([w('status_id', '=', scheduled), w('scheduled_at', '<=', now)])]),
        )
        .orderBy('created_at')
        .limit(request.limit)
        .$if(skipLocked, (q) => q.forUpdate().skipLocked()),
    )
    .returningAll()
    .execute();
  return rows.map((r) => toJob(r));
}
