import { nowTimestamp, timestampIn } from '../store/clock.js';
import type { Store } from '../store/store.js';
import { BACKYARDS, FAMILY_OF, type Backyard, type StatusFamily } from './job-status.js';

/** The status a job whose worker vanished ends in, per family. */
export const LOST_STATUS: Record<StatusFamily, string> = { driver: '7', conductor: '11', menu: '4' };

/**
 * Extends the leases of a worker's in-flight jobs. Returns the ids it still holds (a job that is
 * not returned was reaped or finished elsewhere: stop running it) and those asked to stop.
 */
export async function renewLeases(
  store: Store,
  workerId: string,
  leaseMs: number,
): Promise<{ held: Set<string>; stopRequested: Set<string> }> {
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
 * in the family's error status, with a line in its log. Any process may run it; running it twice is
 * harmless. This is what guarantees that a drain never waits forever on a dead process.
 */
export async function reapExpiredLeases(store: Store): Promise<string[]> {
  const now = nowTimestamp();
  const reaped: string[] = [];
  const families = new Map<StatusFamily, Backyard[]>();
  for (const b of BACKYARDS) families.set(FAMILY_OF[b], [...(families.get(FAMILY_OF[b]) ?? []), b]);
  for (const [family, backyards] of families) {
    const rows = await store.transaction('shared', async (trx) => {
      const expired = await trx
        .updateTable('backyard_jobs')
        .set({ status_id: LOST_STATUS[family], in_flight: 0, finished_at: now, last_update_timestamp: now })
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
