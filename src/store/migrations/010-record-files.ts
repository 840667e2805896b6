import type { Migration } from './migration.js';

/**
 * File columns (Exastro's FileUploadColumn): a record holds the file's name among its values and,
 * in `files`, which content each file column has (`{"column": "<sha-256>"}`); the contents live in
 * `menu_files`, once per menu and content, so a record's history keeps pointing at the content it
 * had (`GET …/{uuid}/{column}/file/journal/{journal_id}/`) without a copy per change. A menu's files
 * go with the menu. Additive: a table and two nullable columns.
 */
export const recordFiles: Migration = {
  version: 10,
  name: 'record-files',
  compatibility: 'expand',
  sqlite: [
    `CREATE TABLE menu_files (
       menu_id TEXT NOT NULL REFERENCES menus (id) ON DELETE CASCADE,
       digest TEXT NOT NULL,
       content BLOB NOT NULL,
       PRIMARY KEY (menu_id, digest))`,
    `ALTER TABLE menu_records ADD COLUMN files TEXT`,
    `ALTER TABLE menu_record_journal ADD COLUMN files TEXT`,
  ],
  postgres: [
    `CREATE TABLE menu_files (
       menu_id text NOT NULL REFERENCES menus (id) ON DELETE CASCADE,
       digest text NOT NULL,
       content bytea NOT NULL,
       PRIMARY KEY (menu_id, digest))`,
    `ALTER TABLE menu_records ADD COLUMN files jsonb`,
    `ALTER TABLE menu_record_journal ADD COLUMN files jsonb`,
  ],
};
