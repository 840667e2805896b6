import type { Migration } from './migration.js';

/**
 * A run covers a range of the four phases (`first_phase`–`last_phase`, so phases 1-2 and 3-4 can
 * be separate runs days apart) and may hold after a phase (`hold_after`, `hold_seconds`), the
 * hold's end written once when it starts (`hold_until`) so an orchestrator that takes the run over
 * waits until the same moment. Additive: columns with defaults that describe the runs before them
 * (phases 1-4, no hold); a release that does not know them inserts runs that get those defaults,
 * and its orchestrator, should it claim a run of this release, drives it through phase 4 without
 * holding (as it always did).
 */
export const fleetRunPhases: Migration = {
  version: 15,
  name: 'fleet-run-phases',
  compatibility: 'expand',
  sqlite: [
    `ALTER TABLE fleet_runs ADD COLUMN first_phase INTEGER NOT NULL DEFAULT 1`,
    `ALTER TABLE fleet_runs ADD COLUMN last_phase INTEGER NOT NULL DEFAULT 4`,
    `ALTER TABLE fleet_runs ADD COLUMN hold_after INTEGER`,
    `ALTER TABLE fleet_runs ADD COLUMN hold_seconds INTEGER`,
    `ALTER TABLE fleet_runs ADD COLUMN hold_until TEXT`,
  ],
  postgres: [
    `ALTER TABLE fleet_runs ADD COLUMN first_phase integer NOT NULL DEFAULT 1`,
    `ALTER TABLE fleet_runs ADD COLUMN last_phase integer NOT NULL DEFAULT 4`,
    `ALTER TABLE fleet_runs ADD COLUMN hold_after integer`,
    `ALTER TABLE fleet_runs ADD COLUMN hold_seconds integer`,
    `ALTER TABLE fleet_runs ADD COLUMN hold_until timestamptz(6)`,
  ],
};
