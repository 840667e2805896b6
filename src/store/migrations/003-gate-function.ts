import type { Migration } from './migration.js';

/**
 * PostgreSQL: take the shared gate lock and read the switches in ONE round trip. Inside a VOLATILE
 * PL/pgSQL function each statement takes a fresh snapshot (READ COMMITTED), so the SELECT after the
 * lock sees a toggle that committed while the lock was awaited — the same guarantee as two
 * statements, one round trip cheaper on every write. SQLite needs nothing: BEGIN IMMEDIATE already
 * holds the writer lock and reading the row costs microseconds.
 *
 * Additive (expand): a release without it keeps using two statements (see postgres-store.ts).
 */
export const gateFunction: Migration = {
  version: 3,
  name: 'gate-function',
  compatibility: 'expand',
  sqlite: [],
  postgres: [
    `CREATE OR REPLACE FUNCTION drydock_gate_shared(lock_key bigint)
       RETURNS TABLE (backyard_execute_stop smallint, data_update_stop smallint)
       LANGUAGE plpgsql VOLATILE AS $$
     BEGIN
       PERFORM pg_advisory_xact_lock_shared(lock_key);
       RETURN QUERY SELECT s.backyard_execute_stop, s.data_update_stop FROM maintenance_settings s WHERE s.id = 1;
     END
     $$`,
  ],
};
