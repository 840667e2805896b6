import type { Migration } from './migration.js';

/**
 * Who created a workspace and who last changed it, as Exastro's platform answers them
 * (`create_user`, `last_update_user`: user ids). Additive: two nullable columns; workspaces made
 * before them, or by a release on the schema before them, read as null.
 */
export const workspaceUsers: Migration = {
  version: 12,
  name: 'workspace-users',
  compatibility: 'expand',
  sqlite: [`ALTER TABLE workspaces ADD COLUMN create_user TEXT`, `ALTER TABLE workspaces ADD COLUMN last_update_user TEXT`],
  postgres: [`ALTER TABLE workspaces ADD COLUMN create_user text`, `ALTER TABLE workspaces ADD COLUMN last_update_user text`],
};
