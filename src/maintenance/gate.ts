import type { Transaction } from 'kysely';
import { MaintenanceRefusal } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { writesRefused } from './switches.js';
import type { WriteFunction } from './write-functions.js';

/**
 * The exact gate: runs `body` in a write transaction that first reads the switches inside the same
 * transaction, under the shared side of the gate lock (the store reads them right after granting
 * the lock, in the same round trip on PostgreSQL), and refuses when one that refuses writes is on.
 *
 * This, not the route guard, is what makes "once the PATCH returned, no write commits" true: the
 * guard is a cheap early refusal from a cache that may lag by milliseconds; this check is ordered
 * against the toggle by the store itself.
 */
export async function gatedWrite<T>(store: Store, fn: WriteFunction, body: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return store.transaction('shared', async (trx, switches) => {
    if (writesRefused(switches)) throw new MaintenanceRefusal(fn);
    return body(trx);
  });
}
