import { ALL_OFF } from '../../src/maintenance/switches.js';
import type { Store } from '../../src/store/store.js';

/**
 * The store with its write transactions stripped of the gate lock (PostgreSQL's shared advisory
 * lock; on SQLite BEGIN IMMEDIATE stays, as it is the dialect's). Benchmarks only: it shows what
 * the lock costs, which `benchmarkWithoutMaintenanceGate` keeps because the store takes it.
 * Everything else is the store's own (a proxy, so members added to the port later still delegate).
 */
export function withoutGateLock(store: Store): Store {
  // No lock, no switch read: the switches are handed over as off (the variant runs with the gate off).
  const transaction: Store['transaction'] = (_lock, fn) => store.db.transaction().execute((trx) => fn(trx, ALL_OFF));
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'transaction') return transaction;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
