import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { DatabaseLocation } from '../config/options.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';
import { defaults } from '../config/defaults.js';
import { ConfigError, RestoreRefusedError } from '../errors.js';
import { restorePostgres } from './postgres/postgres-snapshot.js';
import { restoreSqlite } from './sqlite/sqlite-snapshot.js';

/** The one place that picks an adapter: from the configured location. */
export async function openStore(location: DatabaseLocation, options: { logger: Logger; sqlitePollMs?: number }): Promise<Store> {
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
 * Opens a store that must already exist — for the commands that read or change one (backup, the
 * break-glass switches) and must never create one by mistake: a SQLite path with no file, or a
 * database without drydock's schema, is a ConfigError that names the location and what to check,
 * and nothing is created. An unreachable PostgreSQL server is one too, with the driver's reason.
 */
export async function openExistingStore(location: DatabaseLocation, options: { logger: Logger; sqlitePollMs?: number }): Promise<Store> {
  const where = location.kind === 'sqlite' ? location.path : redactUrl(location.url);
  if (location.kind === 'sqlite' && !existsSync(location.path)) {
    throw new ConfigError(`There is no store at ${where}: check --database-url (or DRYDOCK_DATABASE_URL).`);
  }
  const store = await openStore(location, options);
  let version: number;
  try {
    version = await store.schemaVersion();
  } catch (err) {
    await store.close().catch(() => {});
    throw new ConfigError(
      `Cannot read the store at ${where}: ${(err as Error).message}. Check --database-url (or DRYDOCK_DATABASE_URL) and that the database server is up.`,
    );
  }
  if (version === 0) {
    await store.close();
    throw new ConfigError(`${where} holds no drydock store (it has no schema): check --database-url (or DRYDOCK_DATABASE_URL).`);
  }
  return store;
}

/** A PostgreSQL URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/**
 * Restores a snapshot (made by `Store.snapshot`) into the configured location, which must not be in
 * use. The snapshot's format must match the location's backend.
 */
export async function restoreSnapshot(location: DatabaseLocation, snapshot: { file: string; format: 'sqlite' | 'pg_dump' }, force: boolean): Promise<void> {
  const expected = location.kind === 'sqlite' ? 'sqlite' : 'pg_dump';
  if (snapshot.format !== expected) {
    throw new RestoreRefusedError(`This backup is a ${snapshot.format} snapshot and the target is ${location.kind}: restore it into the same kind of store.`);
  }
  if (location.kind === 'sqlite') await restoreSqlite(snapshot.file, location.path, force);
  else await restorePostgres(snapshot.file, location.url, force);
}
