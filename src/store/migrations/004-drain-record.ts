import type { Migration } from './migration.js';

/**
 * What the switches were when a drain started, so `drydock resume` never turns off a mode that was
 * on before the drain (an operator's read-only window must survive someone else's drain/resume).
 * Additive: a nullable column.
 */
export const drainRecord: Migration = {
  version: 4,
  name: 'drain-record',
  compatibility: 'expand',
  sqlite: [`ALTER TABLE maintenance_settings ADD COLUMN drain_prior TEXT`],
  postgres: [`ALTER TABLE maintenance_settings ADD COLUMN drain_prior jsonb`],
};
