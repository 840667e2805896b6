import type { Migration } from './migration.js';

/**
 * The fleet's status catalogue and custom steps (fleet/status-catalogue.ts, fleet/custom-steps.ts):
 * `fleet_statuses`, the fleet file's `statuses:` list; `fleet_node_properties`, the properties a
 * custom step's output set on a node (kept apart from the declared ones, so re-applying the fleet
 * file does not undo them); `fleet_steps.properties`, what a step set, for its log. Additive: two
 * tables and a nullable column, which the release before ignores.
 */
export const fleetCustomSteps: Migration = {
  version: 14,
  name: 'fleet-custom-steps',
  compatibility: 'expand',
  sqlite: [
    `CREATE TABLE fleet_statuses (
       name TEXT PRIMARY KEY,
       description TEXT,
       updated_at TEXT NOT NULL
     )`,
    `CREATE TABLE fleet_node_properties (
       node TEXT NOT NULL REFERENCES fleet_nodes (name) ON DELETE CASCADE,
       name TEXT NOT NULL,
       value TEXT NOT NULL,
       run_id TEXT NOT NULL,
       step_id INTEGER NOT NULL,
       updated_at TEXT NOT NULL,
       PRIMARY KEY (node, name)
     )`,
    `ALTER TABLE fleet_steps ADD COLUMN properties TEXT`,
  ],
  postgres: [
    `CREATE TABLE fleet_statuses (
       name text PRIMARY KEY,
       description text,
       updated_at timestamptz(6) NOT NULL
     )`,
    `CREATE TABLE fleet_node_properties (
       node text NOT NULL REFERENCES fleet_nodes (name) ON DELETE CASCADE,
       name text NOT NULL,
       value text NOT NULL,
       run_id text NOT NULL,
       step_id bigint NOT NULL,
       updated_at timestamptz(6) NOT NULL,
       PRIMARY KEY (node, name)
     )`,
    `ALTER TABLE fleet_steps ADD COLUMN properties jsonb`,
  ],
};
