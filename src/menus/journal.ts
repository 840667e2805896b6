import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { toExastroDateTime } from '../store/clock.js';
import type { Database, MenuRecordJournalTable } from '../store/schema.js';
import type { Store } from '../store/store.js';
import type { Menu } from './definitions.js';
import { asShown, shows } from './menu-views.js';
import { digestsIn, withFileContents } from './record-files.js';
import { toView, type RecordView } from './record-view.js';

/**
 * A record's history, as Exastro keeps it (`GET …/filter/journal/{uuid}/`): the record after each
 * registration (`INSERT`) and each update, discard or restore (`UPDATE`), written in the change's
 * transaction (migration 8). A physical delete adds nothing and removes nothing.
 */

/** The schema step that added the history (migration 8). */
export const RECORD_JOURNAL_SCHEMA = 8;

/**
 * Whether this store keeps records' history: not yet while this release runs on its predecessor's
 * schema during an upgrade (the changes made then have no history, as they would not have had
 * under the previous release). Routes ask it once per request and hand the answer to the writes.
 */
export async function keepsHistory(store: Store): Promise<boolean> {
  return store.hasSchema(RECORD_JOURNAL_SCHEMA);
}

/** Adds a record's state after a change to its history, in the change's transaction. */
export async function journal(trx: Transaction<Database>, entry: Omit<MenuRecordJournalTable, 'journal_id'>): Promise<void> {
  await trx
    .insertInto('menu_record_journal')
    .values({ journal_id: randomUUID(), ...entry })
    .execute();
}

/** A record's history as Exastro shows it: newest first, each entry the record after that change with its journal id, time and action. */
export interface JournalView {
  readonly parameter: RecordView['parameter'] & { journal_id: string; journal_datetime: string; journal_action: 'INSERT' | 'UPDATE' };
  readonly file: Record<string, string | null>;
}

/**
 * The history of one record of a menu (or, without `recordId`, of all its records), newest first;
 * empty for a uuid the menu never had (and on a store that keeps none yet). Each entry has the
 * record's files then, unless `withFiles` is false.
 */
export async function loadJournal(db: Kysely<Database>, menu: Menu, recordId: string | undefined, kept: boolean, withFiles: boolean): Promise<JournalView[]> {
  if (!kept) return [];
  let query = db.selectFrom('menu_record_journal').selectAll().where('menu_id', '=', menu.id);
  if (recordId !== undefined) query = query.where('record_id', '=', recordId);
  const rows = await query.orderBy('journal_timestamp', 'desc').orderBy('journal_id').execute();
  const digests = new Map(rows.map((r) => [r.journal_id, digestsIn(r.files)]));
  const entries = rows.map((r): JournalView => {
    const view = toView({
      id: r.record_id,
      menu_id: r.menu_id,
      parameter: r.parameter,
      discard: r.discard,
      created_at: r.journal_timestamp,
      last_update_timestamp: r.journal_timestamp,
      last_update_user: r.last_update_user,
    });
    return {
      parameter: { ...view.parameter, journal_id: r.journal_id, journal_datetime: toExastroDateTime(r.journal_timestamp), journal_action: r.action },
      file: {},
    };
  });
  // A view's history is that of the records it shows (a driver's movements among all movements).
  const shown = entries.filter((e) => shows(menu, e.parameter)).map((e) => asShown(menu, e));
  return withFileContents(db, menu, shown, (e) => digests.get(e.parameter.journal_id) ?? {}, withFiles);
}
