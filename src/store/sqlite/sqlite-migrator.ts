import type BetterSqlite3 from 'better-sqlite3';
import { nowTimestamp } from '../clock.js';
import type { AppliedStep, Migration } from '../migrations/migration.js';
import type { MigrationRunner } from '../migrations/migrator.js';

/**
 * SQLite migration runner. The migration lock is the writer lock: each step runs in BEGIN
 * IMMEDIATE and re-reads the applied version, so a second process that waited for the lock finds
 * the step done and skips it. `withLock` itself needs nothing more.
 */
export function sqliteMigrationRunner(db: BetterSqlite3.Database): MigrationRunner {
  const ensureTable = () =>
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const readVersion = (): number => (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;

  return {
    withLock: (fn) => fn(),
    appliedVersion: async () => {
      ensureTable();
      return readVersion();
    },
    appliedSteps: async (aboveVersion) => sqliteAppliedSteps(db, aboveVersion),
    apply: async (migration: Migration) => {
      db.exec('BEGIN IMMEDIATE');
      try {
        ensureTable();
        if (readVersion() < migration.version) {
          for (const statement of migration.sqlite) db.exec(statement);
          db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, nowTimestamp());
          // The column's default is 'expand' (migration 7); a contract step says so.
          if (migration.compatibility === 'contract') {
            db.prepare(`UPDATE schema_migrations SET compatibility = 'contract' WHERE version = ?`).run(migration.version);
          }
        }
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    },
  };
}

/** The recorded steps above `aboveVersion`; every step applied before migration 7 recorded its column is an expand step. */
export function sqliteAppliedSteps(db: BetterSqlite3.Database, aboveVersion: number): AppliedStep[] {
  const columns = db.prepare(`SELECT name FROM pragma_table_info('schema_migrations')`).all() as Array<{ name: string }>;
  if (columns.length === 0) return [];
  const compatibility = columns.some((c) => c.name === 'compatibility') ? 'compatibility' : `'expand' AS compatibility`;
  return db.prepare(`SELECT version, name, ${compatibility} FROM schema_migrations WHERE version > ? ORDER BY version`).all(aboveVersion) as AppliedStep[];
}
