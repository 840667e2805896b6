import type { Migration } from './migration.js';

/**
 * The profile fields of Exastro's platform users (`POST`/`PUT …/platform/users`): `affiliation` and
 * `description`, free text. Additive: two nullable columns.
 */
export const userProfile: Migration = {
  version: 9,
  name: 'user-profile',
  compatibility: 'expand',
  sqlite: [`ALTER TABLE users ADD COLUMN affiliation TEXT`, `ALTER TABLE users ADD COLUMN description TEXT`],
  postgres: [`ALTER TABLE users ADD COLUMN affiliation text`, `ALTER TABLE users ADD COLUMN description text`],
};
