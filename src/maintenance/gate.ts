import type { Transaction } from 'kysely';
import { MaintenanceRefusal } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import type { WriteFunction } from './write-functions.js';

/**
 * The exact gate: runs `body` in a write transaction that first reads `data_update_stop` inside the
 * same transaction, under the shared side of the gate lock (the store reads it right after granting
 * the lock, in the same round trip on PostgreSQL), and refuses when it is on.
 *
 * This, not the route guard, is what makes "once the PATCH returned, no write commits" true: the
 * guard is a cheap early refusal from a cache that may lag by milliseconds; this check is ordered
 * against the toggle by the store itself.
 */
export async function gatedWrite<T>(
  store: Store,
  fn: WriteFunction,
  body: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return store.transaction('shared', async (trx, switches) => {
    if (switches.data_update_stop) throw new MaintenanceRefusal(fn);
    return body(trx);
  });
}
