import type { Logger } from 'pino';
import type { DatabaseLocation } from '../config/options.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';
import { defaults } from '../config/defaults.js';
import { RestoreRefusedError } from '../errors.js';
import { restorePostgres } from './postgres/postgres-snapshot.js';
import { restoreSqlite } from './sqlite/sqlite-snapshot.js';

/** The one place that picks an adapter: from the configured location. */
export async function openStore(
  location: DatabaseLocation,
  options: { logger: Logger; sqlitePollMs?: number },
): Promise<Store> {
  switch (location.kind) {
    case 'sqlite':
      return openSqliteStore({ path: location.path, pollMs: options.sqlitePollMs ?? defaults.sqlitePollMs, logger: options.logger });
    case 'postgres':
      return openPostgresStore({ url: location.url, logger: options.logger });
    default: {
      const never: never = location;
      throw new Error(`unknown database location ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Restores a snapshot (made by `Store.snapshot`) into the configured location, which must not be in
 * use. The snapshot's format must match the location's backend.
 */
export async function restoreSnapshot(
  location: DatabaseLocation,
  snapshot: { file: string; format: 'sqlite' | 'pg_dump' },
  force: boolean,
): Promise<void> {
  const expected = location.kind === 'sqlite' ? 'sqlite' : 'pg_dump';
  if (snapshot.format !== expected) {
    throw new RestoreRefusedError(
      `This backup is a ${snapshot.format} snapshot and the target is ${location.kind}: restore it into the same kind of store.`,
    );
  }
  if (location.kind === 'sqlite') await restoreSqlite(snapshot.file, location.path, force);
  else await restorePostgres(snapshot.file, location.url, force);
}
