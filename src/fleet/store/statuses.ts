import { badRequest } from '../../errors.js';
import { MESSAGES } from '../../i18n/server-messages.js';
import { nowTimestamp } from '../../store/clock.js';
import type { Store } from '../../store/store.js';
import { buildCatalogue, closestStatus, type StatusDefinition } from '../status-catalogue.js';
import { readEnvironments } from './declaration.js';
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

/** The status catalogue (status-catalogue.ts): the declared statuses, the phase statuses, the statuses gates name. */
export async function readStatusCatalogue(db: Db): Promise<StatusDefinition[]> {
  const declared = await db.selectFrom('fleet_statuses').select(['name', 'description']).orderBy('name').execute();
  return buildCatalogue(declared, [...(await readEnvironments(db)).values()]);
}

/**
 * Adds and removes statuses of a version (e.g. `Staging_OK` after a staging sign-off). Only a status
 * of the catalogue may be added (a 400 names the closest one); any may be removed, so a status that
 * left the catalogue can still be taken off.
 */
export async function changeStatuses(
  store: Store,
  version: string,
  change: { add?: readonly string[]; remove?: readonly string[] },
  user: string,
): Promise<Set<string>> {
  return store.transaction('shared', async (trx) => {
    if (change.add?.length) {
      const defined = (await readStatusCatalogue(trx)).map((s) => s.name);
      const undefinedStatus = change.add.find((s) => !defined.includes(s));
      if (undefinedStatus !== undefined) {
        const close = closestStatus(undefinedStatus, defined);
        throw badRequest(
          close === undefined
            ? MESSAGES.invalidRequest.fleetStatusUndefined(undefinedStatus, defined.join(', ') || '-')
            : MESSAGES.invalidRequest.fleetStatusUndefinedClose(undefinedStatus, close),
        );
      }
    }
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
