import type pg from 'pg';
import { nowTimestamp } from '../clock.js';
import type { AppliedStep, Migration } from '../migrations/migration.js';
import type { MigrationRunner } from '../migrations/migrator.js';
import { ADVISORY_LOCK } from './postgres-locks.js';

/**
 * PostgreSQL migration runner: one connection holds a session advisory lock for the whole run,
 * so a second process starting at the same time waits, then finds every step applied.
 * Each step runs in its own transaction (DDL is transactional here).
 */
export function postgresMigrationRunner(pool: pg.Pool): MigrationRunner {
  let client: pg.PoolClient | undefined;
  const conn = () => {
    if (!client) throw new Error('migration runner used outside withLock');
    return client;
  };
  const ensureTable = (c: pg.PoolClient) =>
    c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz(6) NOT NULL)`);
  const readVersion = async (c: pg.PoolClient) =>
    Number((await c.query<{ v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')).rows[0]?.v ?? 0);

  return {
    withLock: async (fn) => {
      client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK.migration.toString()]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK.migration.toString()]);
        }
      } finally {
        client.release();
        client = undefined;
      }
    },
    appliedVersion: async () => {
      const c = conn();
      await ensureTable(c);
      return readVersion(c);
    },
    appliedSteps: async (aboveVersion) => postgresAppliedSteps(conn(), aboveVersion),
    apply: async (migration: Migration) => {
      const c = conn();
      await c.query('BEGIN');
      try {
        for (const statement of migration.postgres) await c.query(statement);
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, nowTimestamp()]);
        // The column's default is 'expand' (migration 7); a contract step says so.
        if (migration.compatibility === 'contract') {
          await c.query(`UPDATE schema_migrations SET compatibility = 'contract' WHERE version = $1`, [migration.version]);
        }
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK');
        throw err;
      }
    },
  };
}

/** Reads the applied version without taking the migration lock. */
export async function postgresSchemaVersion(pool: pg.Pool): Promise<number> {
  const exists = await pool.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  if (!exists.rows[0]?.t) return 0;
  const r = await pool.query<{ v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
  return Number(r.rows[0]?.v ?? 0);
}

/** The recorded steps above `aboveVersion`; every step applied before migration 7 recorded its column is an expand step. */
export async function postgresAppliedSteps(c: pg.Pool | pg.PoolClient, aboveVersion: number): Promise<AppliedStep[]> {
  const columns = await c.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = to_regclass('schema_migrations') AND attnum > 0 AND NOT attisdropped`,
  );
  if (columns.rows.length === 0) return [];
  const compatibility = columns.rows.some((x) => x.name === 'compatibility') ? 'compatibility' : `'expand' AS compatibility`;
  const r = await c.query<{ version: number; name: string; compatibility: AppliedStep['compatibility'] }>(
    `SELECT version, name, ${compatibility} FROM schema_migrations WHERE version > $1 ORDER BY version`,
    [aboveVersion],
  );
  return r.rows.map((x) => ({ version: Number(x.version), name: x.name, compatibility: x.compatibility }));
}
