import type { Migration } from './migration.js';

/**
 * Which orchestrators may drive a run (fleet/store/lease.ts, docs/decisions/fleet-upgrades.md,
 * "Orchestrators of different releases"): `orchestrator_level`, the level of the release that
 * created it (0 for runs created before this step), and `lease_until`, the real end of the lease of
 * a run above level 0. Such a run keeps `lease_expires_at` in the far future and `lease_owner` set,
 * so an orchestrator of a release before this step — which takes a run whose owner is null or whose
 * `lease_expires_at` passed — never takes it and never drives it without its phase range, hold or
 * custom steps. Additive: a defaulted and a nullable column.
 */
export const fleetRunOrchestratorLevel: Migration = {
  version: 17,
  name: 'fleet-run-orchestrator-level',
  compatibility: 'expand',
  sqlite: [`ALTER TABLE fleet_runs ADD COLUMN orchestrator_level INTEGER NOT NULL DEFAULT 0`, `ALTER TABLE fleet_runs ADD COLUMN lease_until TEXT`],
  postgres: [`ALTER TABLE fleet_runs ADD COLUMN orchestrator_level integer NOT NULL DEFAULT 0`, `ALTER TABLE fleet_runs ADD COLUMN lease_until timestamptz(6)`],
};
