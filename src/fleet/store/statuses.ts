import { nowTimestamp } from '../../store/clock.js';
import type { Store } from '../../store/store.js';
import type { Db } from './rows.js';

/** Version statuses: what a version has passed (`QA_OK`, `PROD_Phase1_OK` …); the gates read them. */

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
export async function changeStatuses(
  store: Store,
  version: string,
  change: { add?: readonly string[]; remove?: readonly string[] },
  user: string,
): Promise<Set<string>> {
  return store.transaction('shared', async (trx) => {
    const now = nowTimestamp();
    if (change.remove?.length)
      await trx
        .deleteFrom('fleet_version_statuses')
        .where('version', '=', version)
        .where('status', 'in', [...change.remove])
        .execute();
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
