import type { Migration } from './migration.js';

/**
 * Each applied step records whether the release before it runs on the schema with it (`expand`) or
 * not (`contract`), so a release that does not know a newer step can still decide whether it may
 * start (migrator.ts, `checkAhead`). Every step up to this one only added things: `expand`.
 */
export const schemaCompatibility: Migration = {
  version: 7,
  name: 'schema-compatibility',
  compatibility: 'expand',
  sqlite: [
    `ALTER TABLE schema_migrations ADD COLUMN compatibility TEXT NOT NULL DEFAULT 'expand'
       CHECK (compatibility IN ('expand', 'contract'))`,
  ],
  postgres: [
    `ALTER TABLE schema_migrations ADD COLUMN compatibility text NOT NULL DEFAULT 'expand'
       CHECK (compatibility IN ('expand', 'contract'))`,
  ],
};
