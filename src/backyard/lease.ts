import { nowTimestamp, timestampIn } from '../store/clock.js';
import type { Store } from '../store/store.js';
import { backyardNames, familyOf, type Backyard } from './kinds/registry.js';
import { statusFamily, type FamilyName } from './kinds/status-families.js';

/**
 * Extends the leases of a worker's in-flight jobs. Returns the ids it still holds (a job that is
 * not returned was reaped or finished elsewhere: stop running it) and those asked to stop.
 */
export async function renewLeases(store: Store, workerId: string, leaseMs: number): Promise<{ held: Set<string>; stopRequested: Set<string> }> {
  const rows = await store.transaction('shared', (trx) =>
    trx
      .updateTable('backyard_jobs')
      .set({ lease_expires_at: timestampIn(leaseMs) })
      .where('lease_owner', '=', workerId)
      .where('in_flight', '=', 1)
      .returning(['id', 'stop_requested'])
      .execute(),
  );
  return {
    held: new Set(rows.map((r) => r.id)),
    stopRequested: new Set(rows.filter((r) => r.stop_requested === 1).map((r) => r.id)),
  };
}

/**
 * Ends every in-flight job whose lease has expired — its worker died (SIGKILL, a lost machine) —
 * in the family's `lost` status (Unexpected error; Completed (error) for menu jobs), with a line in
 * its log. Any process may run it; running it twice is harmless. This is what guarantees that a
 * drain never waits forever on a dead process.
 */
export async function reapExpiredLeases(store: Store): Promise<string[]> {
  const now = nowTimestamp();
  const reaped: string[] = [];
  const families = new Map<FamilyName, Backyard[]>();
  for (const b of backyardNames()) {
    const family = familyOf(b).name;
    families.set(family, [...(families.get(family) ?? []), b]);
  }
  for (const [family, backyards] of families) {
    const rows = await store.transaction('shared', async (trx) => {
      const expired = await trx
        .updateTable('backyard_jobs')
        .set({ status_id: statusFamily(family).lost, in_flight: 0, finished_at: now, last_update_timestamp: now })
        .where('in_flight', '=', 1)
        .where('backyard', 'in', backyards)
        .where('lease_expires_at', '<', now)
        .returning(['id', 'lease_owner'])
        .execute();
      for (const r of expired) {
        await trx
          .insertInto('backyard_job_logs')
          .values({
            job_id: r.id,
            at: now,
            stream: 'system',
            text: `The worker ${r.lease_owner ?? '(unknown)'} stopped renewing its lease: the job ended as an unexpected error.\n`,
          })
          .execute();
      }
      if (expired.length > 0) await store.notifyOnCommit(trx, 'jobs');
      return expired;
    });
    reaped.push(...rows.map((r) => r.id));
  }
  return reaped;
}
