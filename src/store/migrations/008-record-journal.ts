import type { Migration } from './migration.js';

/**
 * The history of every menu record, as Exastro keeps it (`GET …/filter/journal/{uuid}/`): one row per
 * registration (`INSERT`) and per update, discard or restore (`UPDATE`), holding the record as it
 * was after that change. Written in the transaction of the change. A record's history outlives a
 * physical delete (Exastro's does too); a menu's goes with the menu. Additive: a new table.
 */
export const recordJournal: Migration = {
  version: 8,
  name: 'record-journal',
  compatibility: 'expand',
  sqlite: [
    `CREATE TABLE menu_record_journal (
       journal_id TEXT PRIMARY KEY,
       menu_id TEXT NOT NULL REFERENCES menus (id) ON DELETE CASCADE,
       record_id TEXT NOT NULL,
       action TEXT NOT NULL CHECK (action IN ('INSERT', 'UPDATE')),
       parameter TEXT NOT NULL,
       discard INTEGER NOT NULL CHECK (discard IN (0, 1)),
       journal_timestamp TEXT NOT NULL,
       last_update_user TEXT NOT NULL)`,
    `CREATE INDEX menu_record_journal_record ON menu_record_journal (record_id, journal_timestamp)`,
    `CREATE INDEX menu_record_journal_menu ON menu_record_journal (menu_id)`,
  ],
  postgres: [
    `CREATE TABLE menu_record_journal (
       journal_id text PRIMARY KEY,
       menu_id text NOT NULL REFERENCES menus (id) ON DELETE CASCADE,
       record_id text NOT NULL,
       action text NOT NULL CHECK (action IN ('INSERT', 'UPDATE')),
       parameter jsonb NOT NULL,
       discard smallint NOT NULL CHECK (discard IN (0, 1)),
       journal_timestamp timestamptz(6) NOT NULL,
       last_update_user text NOT NULL)`,
    `CREATE INDEX menu_record_journal_record ON menu_record_journal (record_id, journal_timestamp)`,
    `CREATE INDEX menu_record_journal_menu ON menu_record_journal (menu_id)`,
  ],
};
