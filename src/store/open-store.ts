import type { Logger } from 'pino';
import type { DatabaseLocation } from '../config/options.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** The one place that picks an adapter: from the configured location. */
export async function openStore(
  location: DatabaseLocation,
  options: { logger: Logger; sqlitePollMs?: number },
): Promise<Store> {
  switch (location.kind) {
    case 'sqlite':
      return openSqliteStore({ path: location.path, pollMs: options.sqlitePollMs ?? 250, logger: options.logger });
    case 'postgres':
      return openPostgresStore({ url: location.url, logger: options.logger });
    default: {
      const never: never = location;
      throw new Error(`unknown database location ${JSON.stringify(never)}`);
    }
  }
}
