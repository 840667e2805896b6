import type { Store } from '../store/store.js';
import { toJob, type Job } from './jobs.js';
import { familyOf, type Backyard } from './kinds/registry.js';

export interface ClaimRequest {
  readonly backyard: Backyard;
  readonly workerId: string;
  readonly limit: number;
  readonly leaseMs: number;
}

/**
 * Claims up to `limit` runnable jobs of one backyard for a worker, oldest first: Unexecuted, or
 * scheduled and due. They enter the family's claimed status (Preparing for drivers, Executing
 * otherwise: kinds/status-families.ts) under a lease of `leaseMs`.
 *
 * The claim is gated (docs/decisions/maintenance-gate.md): one statement carries the maintenance predicate and runs under the
 * shared side of the gate lock, so it is ordered against a toggle of the switches: once the PATCH
 * turning either switch on has returned, no job leaves Unexecuted. How each backend runs it is the
 * store's (`Store.claimJobs`): on PostgreSQL one autocommit call of a PL/pgSQL function, one round
 * trip (migration 006); on SQLite a BEGIN IMMEDIATE transaction (store/job-claim.ts).
 *
 * Every timestamp of the claim comes from Node's clock (store/clock.ts), as the toggles' do, so the
 * drain's and the execute-check's ages and lease expiries compare like with like. `started_at` is
 * in commit order with the toggles on both paths: a claim that committed before a toggle started
 * before the toggle's `last_update_timestamp`, and one that committed after it started after it
 * (test/backyard-gate.test.ts checks the order from these timestamps). The transaction path stamps
 * it after the lock; the one-round-trip path with the time taken just before the call, raised past
 * the last toggle's timestamp read under the lock (migration 006 says why that is the same order).
 */
export async function claimJobs(store: Store, request: ClaimRequest): Promise<Job[]> {
  const family = familyOf(request.backyard);
  const rows = await store.claimJobs({
    backyard: request.backyard,
    claimedStatus: family.claimed,
    scheduledStatus: family.scheduled,
    owner: request.workerId,
    limit: request.limit,
    leaseMs: request.leaseMs,
  });
  return rows.map((r) => toJob(r));
}
