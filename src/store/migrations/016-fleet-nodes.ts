import type { Migration } from './migration.js';

/**
 * Node registration (docs/decisions/fleet-upgrades.md, "Registered nodes"): what each node last
 * announced about itself — its address, the version it reports, its health, when it was last seen —
 * in a table of its own, since a node may announce before its partner (no pair yet) and a node of a
 * fleet file may announce too. And a token's scope (`access_tokens.scope`, null for a full token):
 * `fleet-node` tokens may only announce nodes. Additive: a new table and a nullable column; a release
 * that does not know them issues full tokens and never reads registrations.
 */
export const fleetNodes: Migration = {
  version: 16,
  name: 'fleet-nodes',
  compatibility: 'expand',
  sqlite: [
    `CREATE TABLE fleet_node_registrations (
       name TEXT PRIMARY KEY,
       environment TEXT NOT NULL,
       env_id TEXT NOT NULL,
       role TEXT NOT NULL CHECK (role IN ('P', 'S')),
       address TEXT NOT NULL,
       reported_version TEXT NOT NULL,
       health TEXT CHECK (health IN ('healthy', 'unhealthy')),
       health_detail TEXT,
       registered_at TEXT NOT NULL,
       last_seen_at TEXT NOT NULL
     )`,
    `CREATE INDEX fleet_node_registrations_environment ON fleet_node_registrations (environment, env_id)`,
    `ALTER TABLE access_tokens ADD COLUMN scope TEXT`,
  ],
  postgres: [
    `CREATE TABLE fleet_node_registrations (
       name text PRIMARY KEY,
       environment text NOT NULL,
       env_id text NOT NULL,
       role text NOT NULL CHECK (role IN ('P', 'S')),
       address text NOT NULL,
       reported_version text NOT NULL,
       health text CHECK (health IN ('healthy', 'unhealthy')),
       health_detail text,
       registered_at timestamptz(6) NOT NULL,
       last_seen_at timestamptz(6) NOT NULL
     )`,
    `CREATE INDEX fleet_node_registrations_environment ON fleet_node_registrations (environment, env_id)`,
    `ALTER TABLE access_tokens ADD COLUMN scope text`,
  ],
};
