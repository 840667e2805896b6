import type { Migration } from './migration.js';

/**
 * The fleet: environments, pairs and nodes as declared and as they are now, version statuses, and
 * phased-upgrade runs with their per-pair progress and step log (written before and after every
 * node action, so a restarted orchestrator resumes without redoing a finished step).
 * Additive: new tables only.
 */
export const fleet: Migration = {
  version: 5,
  name: 'fleet',
  compatibility: 'expand',
  sqlite: [
    `CREATE TABLE fleet_environments (
       name TEXT PRIMARY KEY,
       spec TEXT NOT NULL,
       updated_at TEXT NOT NULL
     )`,
    `CREATE TABLE fleet_pairs (
       id TEXT PRIMARY KEY,
       environment TEXT NOT NULL REFERENCES fleet_environments (name),
       env_id TEXT NOT NULL,
       active_role TEXT NOT NULL CHECK (active_role IN ('P', 'S')),
       properties TEXT NOT NULL,
       updated_at TEXT NOT NULL
     )`,
    `CREATE TABLE fleet_nodes (
       name TEXT PRIMARY KEY,
       pair_id TEXT NOT NULL REFERENCES fleet_pairs (id) ON DELETE CASCADE,
       role TEXT NOT NULL CHECK (role IN ('P', 'S')),
       installed_version TEXT NOT NULL,
       secondary_version_level TEXT,
       primary_version_level TEXT,
       properties TEXT NOT NULL,
       updated_at TEXT NOT NULL
     )`,
    `CREATE TABLE fleet_version_statuses (
       version TEXT NOT NULL,
       status TEXT NOT NULL,
       added_at TEXT NOT NULL,
       added_by TEXT NOT NULL,
       PRIMARY KEY (version, status)
     )`,
    `CREATE TABLE fleet_runs (
       id TEXT PRIMARY KEY,
       environment TEXT NOT NULL,
       version TEXT NOT NULL,
       state TEXT NOT NULL,
       phase INTEGER NOT NULL,
       statuses_applied INTEGER NOT NULL DEFAULT 0,
       concurrency INTEGER NOT NULL,
       failure_budget TEXT NOT NULL,
       reason TEXT,
       lease_owner TEXT,
       lease_expires_at TEXT,
       created_at TEXT NOT NULL,
       created_by TEXT NOT NULL,
       updated_at TEXT NOT NULL,
       finished_at TEXT
     )`,
    `CREATE INDEX fleet_runs_state ON fleet_runs (state)`,
    `CREATE TABLE fleet_run_pairs (
       run_id TEXT NOT NULL REFERENCES fleet_runs (id) ON DELETE CASCADE,
       pair_id TEXT NOT NULL,
       state TEXT NOT NULL,
       completed_phase INTEGER NOT NULL,
       attempt INTEGER NOT NULL,
       error TEXT,
       updated_at TEXT NOT NULL,
       PRIMARY KEY (run_id, pair_id)
     )`,
    `CREATE TABLE fleet_steps (
       id INTEGER PRIMARY KEY AUTOINCREMENT,
       run_id TEXT NOT NULL REFERENCES fleet_runs (id) ON DELETE CASCADE,
       pair_id TEXT NOT NULL,
       phase INTEGER NOT NULL,
       attempt INTEGER NOT NULL,
       step TEXT NOT NULL,
       action TEXT NOT NULL,
       node TEXT NOT NULL,
       version TEXT,
       state TEXT NOT NULL,
       output TEXT,
       started_at TEXT NOT NULL,
       finished_at TEXT,
       orchestrator TEXT NOT NULL
     )`,
    `CREATE INDEX fleet_steps_pair ON fleet_steps (run_id, pair_id, phase, attempt)`,
  ],
  postgres: [
    `CREATE TABLE fleet_environments (
       name text PRIMARY KEY,
       spec jsonb NOT NULL,
       updated_at timestamptz(6) NOT NULL
     )`,
    `CREATE TABLE fleet_pairs (
       id text PRIMARY KEY,
       environment text NOT NULL REFERENCES fleet_environments (name),
       env_id text NOT NULL,
       active_role text NOT NULL CHECK (active_role IN ('P', 'S')),
       properties jsonb NOT NULL,
       updated_at timestamptz(6) NOT NULL
     )`,
    `CREATE TABLE fleet_nodes (
       name text PRIMARY KEY,
       pair_id text NOT NULL REFERENCES fleet_pairs (id) ON DELETE CASCADE,
       role text NOT NULL CHECK (role IN ('P', 'S')),
       installed_version text NOT NULL,
       secondary_version_level text,
       primary_version_level text,
       properties jsonb NOT NULL,
       updated_at timestamptz(6) NOT NULL
     )`,
    `CREATE TABLE fleet_version_statuses (
       version text NOT NULL,
       status text NOT NULL,
       added_at timestamptz(6) NOT NULL,
       added_by text NOT NULL,
       PRIMARY KEY (version, status)
     )`,
    `CREATE TABLE fleet_runs (
       id text PRIMARY KEY,
       environment text NOT NULL,
       version text NOT NULL,
       state text NOT NULL,
       phase integer NOT NULL,
       statuses_applied integer NOT NULL DEFAULT 0,
       concurrency integer NOT NULL,
       failure_budget jsonb NOT NULL,
       reason text,
       lease_owner text,
       lease_expires_at timestamptz(6),
       created_at timestamptz(6) NOT NULL,
       created_by text NOT NULL,
       updated_at timestamptz(6) NOT NULL,
       finished_at timestamptz(6)
     )`,
    `CREATE INDEX fleet_runs_state ON fleet_runs (state)`,
    `CREATE TABLE fleet_run_pairs (
       run_id text NOT NULL REFERENCES fleet_runs (id) ON DELETE CASCADE,
       pair_id text NOT NULL,
       state text NOT NULL,
       completed_phase integer NOT NULL,
       attempt integer NOT NULL,
       error text,
       updated_at timestamptz(6) NOT NULL,
       PRIMARY KEY (run_id, pair_id)
     )`,
    `CREATE TABLE fleet_steps (
       id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       run_id text NOT NULL REFERENCES fleet_runs (id) ON DELETE CASCADE,
       pair_id text NOT NULL,
       phase integer NOT NULL,
       attempt integer NOT NULL,
       step text NOT NULL,
       action text NOT NULL,
       node text NOT NULL,
       version text,
       state text NOT NULL,
       output text,
       started_at timestamptz(6) NOT NULL,
       finished_at timestamptz(6),
       orchestrator text NOT NULL
     )`,
    `CREATE INDEX fleet_steps_pair ON fleet_steps (run_id, pair_id, phase, attempt)`,
  ],
};
