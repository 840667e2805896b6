import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { RecordProblems, type RecordProblem } from '../errors.js';
import type { Texts } from '../i18n/language.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { normalizeTimestamp, nowTimestamp, toExastroDateTime } from '../store/clock.js';
import type { Database, MenuRecordsTable } from '../store/schema.js';
import { parseJson } from '../store/store.js';
import { ownValue } from '../util/own-value.js';
import { RESERVED_COLUMNS, coerceValue, type Value } from './columns.js';
import type { Menu } from './definitions.js';
import { journal } from './journal.js';
import { asShown, registeredBy, shows } from './menu-views.js';
import { changeFiles, digestsIn, fileColumns, keepContents, type FileDigests } from './record-files.js';
import { remarksIn, toView, type RecordView } from './record-view.js';

/**
 * A menu's records as Exastro's API handles them: every record has its columns' values and the
 * system columns `uuid`, `discard` ("0"/"1"), `remarks`, `last_update_date_time` (the optimistic
 * lock, `YYYY/MM/DD hh:mm:ss.ffffff`) and `last_updated_user`; `POST …/maintenance/all/` applies a
 * list of Register / Update / Discard / Restore / Delete items all or nothing, and refuses the
 * whole list with every problem listed per row and column (499-00201) when any item has one.
 */

export const MAINTENANCE_TYPES = ['Register', 'Update', 'Discard', 'Restore', 'Delete'] as const;
export type MaintenanceType = (typeof MAINTENANCE_TYPES)[number];

/** One entry of `POST …/maintenance/all/`. */
export const maintenanceItemSchema = z
  .object({
    type: z.enum(MAINTENANCE_TYPES),
    parameter: z.record(z.string(), z.unknown()),
    file: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** The most items one request may carry; more is refused before any is looked at. */
export const MAX_BATCH_ITEMS = 10_000;
export const maintenanceBatchSchema = z.array(maintenanceItemSchema).min(1, 'send at least one item').max(MAX_BATCH_ITEMS);
export type MaintenanceItem = z.infer<typeof maintenanceItemSchema>;

/** The body of the one-record `POST …/maintenance/` (a Register unless `type` says otherwise) and `PATCH …/maintenance/{uuid}/` (an Update). */
export const singleItemSchema = z
  .object({
    type: z.enum(MAINTENANCE_TYPES).optional(),
    parameter: z.record(z.string(), z.unknown()),
    file: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type SingleItem = z.infer<typeof singleItemSchema>;

/** What the one-record calls did: the counts of `maintenance/all`, without the id list (as Exastro answers them). */
export type RecordCounts = Omit<BatchResult, 'IdList'>;

/**
 * Applies one item, as `maintenance/all` would apply a list of it (its problems are row 0's). The
 * PATCH form names the record in the path: that uuid wins over one in the parameter.
 */
export async function applyOne(
  trx: Transaction<Database>,
  menu: Menu,
  item: SingleItem,
  actor: string,
  keepHistory: boolean,
  recordId?: string,
): Promise<RecordCounts> {
  const type = item.type ?? (recordId === undefined ? 'Register' : 'Update');
  const parameter = recordId === undefined ? item.parameter : { ...item.parameter, [menu.key]: recordId };
  const { IdList: _ids, ...counts } = await applyBatch(trx, menu, [{ type, parameter, ...(item.file && { file: item.file }) }], actor, keepHistory);
  return counts;
}

/** What `maintenance/all` did: how many items of each type (after `discard` turned an Update into a Discard or Restore), and the uuid of each item, in order. */
export interface BatchResult {
  readonly Register: number;
  readonly Update: number;
  readonly Restore: number;
  readonly Discard: number;
  readonly Delete: number;
  readonly IdList: string[];
}

/** System columns a request may send but never sets directly (`remarks` is set, `discard` only through the type). */
const SYSTEM_KEYS = new Set<string>(RESERVED_COLUMNS);

/** Why an item cannot be applied; each names the row's column or, without one, the row. */
const PROBLEM = MESSAGES.recordProblems;

/** The record changed after the caller read it: by whom and when. */
const stale = (current: MenuRecordsTable): Texts => PROBLEM.stale(current.last_update_user, toExastroDateTime(current.last_update_timestamp), current.id);

/** An item that cannot be applied: its problems, without a row (the batch adds it). */
class ItemRefused extends Error {
  constructor(readonly problems: ReadonlyArray<Omit<RecordProblem, 'row'>>) {
    super('item refused');
  }
}

const refuse = (texts: Texts, column?: string): never => {
  throw new ItemRefused([{ texts, ...(column !== undefined && { column }) }]);
};

/**
 * Applies a batch all or nothing inside the caller's gated transaction. Every item is tried, so
 * the refusal lists every problem of every row (`RecordProblems`); nothing of the batch is kept
 * then, as the caller's transaction rolls back.
 */
export async function applyBatch(
  trx: Transaction<Database>,
  menu: Menu,
  items: readonly MaintenanceItem[],
  actor: string,
  keepHistory: boolean,
): Promise<BatchResult> {
  const counts = { Register: 0, Update: 0, Restore: 0, Discard: 0, Delete: 0 };
  const ids: string[] = [];
  const problems: RecordProblem[] = [];
  for (const [row, item] of items.entries()) {
    try {
      const done = await applyItem(trx, menu, item, actor, keepHistory);
      counts[done.type] += 1;
      ids.push(done.id);
    } catch (err) {
      if (!(err instanceof ItemRefused)) throw err;
      problems.push(...err.problems.map((p) => ({ row, ...p })));
    }
  }
  if (problems.length > 0) throw new RecordProblems(problems);
  return { ...counts, IdList: ids };
}

async function applyItem(
  trx: Transaction<Database>,
  menu: Menu,
  item: MaintenanceItem,
  actor: string,
  keepHistory: boolean,
): Promise<{ type: MaintenanceType; id: string }> {
  const now = nowTimestamp();
  const unknown = Object.keys(item.parameter).filter((k) => !SYSTEM_KEYS.has(k) && k !== menu.key && !menu.columns.some((c) => c.name === k));
  if (unknown.length > 0) refuse(PROBLEM.unknownKeys(unknown.join(', ')));
  const remarks = remarksOf(item.parameter);
  if (item.type === 'Register') {
    const values = validateValues(menu, item.parameter, undefined);
    const files = storedFiles(menu, await takeFiles(trx, menu, values, item.file, undefined));
    const id = randomUUID();
    const parameter = JSON.stringify(withRemarks({ ...values, ...registeredBy(menu) }, remarks ?? null));
    await trx
      .insertInto('menu_records')
      .values({
        id,
        menu_id: menu.id,
        parameter,
        discard: 0,
        created_at: now,
        last_update_timestamp: now,
        last_update_user: actor,
        ...files,
      })
      .execute();
    await claimUniqueValues(trx, menu, id, values);
    if (keepHistory)
      await journal(trx, {
        menu_id: menu.id,
        record_id: id,
        action: 'INSERT',
        parameter,
        discard: 0,
        journal_timestamp: now,
        last_update_user: actor,
        ...files,
      });
    return { type: 'Register', id };
  }
  const current = await currentRecord(trx, menu, item.parameter);
  const type = effectiveType(item.type, item.parameter, current);
  const stored = parseJson<Record<string, Value>>(current.parameter);
  // Every change below is conditional on the timestamp the caller read. On PostgreSQL a concurrent
  // writer of the same row makes this UPDATE wait, then re-check its WHERE on the new version and
  // match nothing: the loser gets the stale-update problem, never a lost update.
  const unchanged = (affected: bigint | undefined) => {
    if (Number(affected ?? 0n) !== 1) refuse(stale(current));
  };
  /** What the record holds after the change, for its history. */
  let written: { parameter: string; discard: number; files?: string | null };
  switch (type) {
    case 'Update': {
      const values = validateValues(menu, item.parameter, stored);
      const files = storedFiles(menu, await takeFiles(trx, menu, values, item.file, digestsIn(current.files)));
      // A view changes the columns it shows; the others stay as they were.
      const all = menu.view ? { ...stored, ...values } : values;
      written = { parameter: JSON.stringify(withRemarks(all, remarks === undefined ? remarksIn(stored) : remarks)), discard: current.discard, ...files };
      const r = await trx
        .updateTable('menu_records')
        .set({ parameter: written.parameter, ...files, last_update_timestamp: now, last_update_user: actor })
        .where('id', '=', current.id)
        .where('last_update_timestamp', '=', current.last_update_timestamp)
        .executeTakeFirst();
      unchanged(r.numUpdatedRows);
      await trx.deleteFrom('menu_record_unique_values').where('record_id', '=', current.id).execute();
      await claimUniqueValues(trx, menu, current.id, values);
      break;
    }
    case 'Discard':
    case 'Restore': {
      // As in Exastro, discarding or restoring changes nothing but the flag and the remarks.
      const discard = type === 'Discard' ? 1 : 0;
      if (current.discard === discard) refuse(discard ? PROBLEM.alreadyDiscarded(current.id) : PROBLEM.notDiscarded(current.id));
      written = { parameter: remarks === undefined ? current.parameter : JSON.stringify(withRemarks(stored, remarks)), discard };
      const r = await trx
        .updateTable('menu_records')
        .set({ ...written, last_update_timestamp: now, last_update_user: actor })
        .where('id', '=', current.id)
        .where('last_update_timestamp', '=', current.last_update_timestamp)
        .executeTakeFirst();
      unchanged(r.numUpdatedRows);
      break;
    }
    case 'Delete': {
      const r = await trx
        .deleteFrom('menu_records')
        .where('id', '=', current.id)
        .where('last_update_timestamp', '=', current.last_update_timestamp)
        .executeTakeFirst();
      unchanged(r.numDeletedRows);
      // As in Exastro, a physical delete adds nothing to the history; what was there stays.
      return { type, id: current.id };
    }
    default: {
      const never: never = type;
      throw new Error(`unknown item type ${String(never)}`);
    }
  }
  // A discard or restore leaves the files as they were; the history entry names them too.
  const files = written.files === undefined ? storedFiles(menu, digestsIn(current.files)) : {};
  if (keepHistory)
    await journal(trx, { menu_id: menu.id, record_id: current.id, action: 'UPDATE', ...written, ...files, journal_timestamp: now, last_update_user: actor });
  return { type, id: current.id };
}

/** The files a Register or Update leaves the record with (menus/record-files.ts), their new contents kept; refused per column. */
async function takeFiles(
  trx: Transaction<Database>,
  menu: Menu,
  values: Record<string, Value>,
  sent: Record<string, unknown> | undefined,
  before: FileDigests | undefined,
): Promise<FileDigests> {
  const change = changeFiles(menu, values, sent, before);
  if (change.problems.length > 0) throw new ItemRefused(change.problems);
  await keepContents(trx, menu, change.contents);
  return change.digests;
}

/**
 * The `files` value to store: only for a menu with file columns, so a menu without them writes
 * what a store before migration 10 has columns for (an upgrade's window).
 */
function storedFiles(menu: Menu, digests: FileDigests): { files?: string } {
  return fileColumns(menu).length === 0 ? {} : { files: JSON.stringify(digests) };
}

/**
 * The type an item really has, as Exastro decides it: a `discard` in the parameter wins over the
 * type (other than Delete) — "1" discards, "0" restores a discarded record and otherwise updates —
 * so a client that edits the discard column of a row sends an Update and gets what it meant.
 */
function effectiveType(
  sent: Exclude<MaintenanceType, 'Register'>,
  parameter: Record<string, unknown>,
  current: MenuRecordsTable,
): Exclude<MaintenanceType, 'Register'> {
  if (sent === 'Delete' || !Object.hasOwn(parameter, 'discard')) return sent;
  const discard = parameter.discard;
  if (discard === '1' || discard === 1) return 'Discard';
  if ((discard === '0' || discard === 0) && current.discard === 1) return 'Restore';
  return 'Update';
}

/**
 * The record an Update/Discard/Restore/Delete names, checked against the `last_update_date_time`
 * the caller read (optimistic lock), so a stale change gets a problem naming who changed it.
 */
async function currentRecord(trx: Transaction<Database>, menu: Menu, parameter: Record<string, unknown>): Promise<MenuRecordsTable> {
  // The menu's own key (Exastro's `operation_id` in operation_list); `uuid` is taken everywhere too.
  const uuid = ownValue(parameter, menu.key) ?? parameter.uuid;
  if (typeof uuid !== 'string' || uuid === '') return refuse(PROBLEM.keyMissing(menu.key));
  const current = await trx.selectFrom('menu_records').selectAll().where('id', '=', uuid).where('menu_id', '=', menu.id).executeTakeFirst();
  if (!current || !shows(menu, parseJson<Record<string, Value>>(current.parameter))) return refuse(PROBLEM.notFound(uuid));
  const sent = parameter.last_update_date_time;
  const sentTimestamp = typeof sent === 'string' ? normalizeTimestamp(sent) : undefined;
  if (!sentTimestamp) return refuse(PROBLEM.lockMissing);
  if (current.last_update_timestamp !== sentTimestamp) refuse(stale(current));
  return current;
}

/** The remarks an item sets: a string, null to clear them, or undefined when it does not send them. */
function remarksOf(parameter: Record<string, unknown>): string | null | undefined {
  if (!Object.hasOwn(parameter, 'remarks')) return undefined;
  const remarks = parameter.remarks;
  if (remarks === null || remarks === '') return null;
  if (typeof remarks === 'string') return remarks;
  return refuse(PROBLEM.remarks, 'remarks');
}

function withRemarks(values: Record<string, Value>, remarks: string | null): Record<string, Value> {
  return { ...values, remarks };
}

/** Checks every column (types coerced, required present); merges into `base` for updates. Every problem is listed by its column. */
function validateValues(menu: Menu, parameter: Record<string, unknown>, base: Record<string, Value> | undefined): Record<string, Value> {
  const out: Record<string, Value> = {};
  const problems: Array<Omit<RecordProblem, 'row'>> = [];
  for (const column of menu.columns) {
    const raw = Object.hasOwn(parameter, column.name) ? ownValue(parameter, column.name) : base && ownValue(base, column.name);
    const r = coerceValue(column, raw);
    if (r.ok) out[column.name] = r.value;
    else problems.push({ column: column.name, texts: r.error });
  }
  if (problems.length > 0) throw new ItemRefused(problems);
  return out;
}

/** Unique columns are enforced by a table with a primary key, so concurrent writers cannot both win. */
async function claimUniqueValues(trx: Transaction<Database>, menu: Menu, recordId: string, values: Record<string, Value>): Promise<void> {
  const problems: Array<Omit<RecordProblem, 'row'>> = [];
  for (const column of menu.columns.filter((c) => c.unique)) {
    const value = ownValue(values, column.name);
    if (value === null || value === undefined) continue;
    const key = JSON.stringify(value);
    // ON CONFLICT DO NOTHING: on PostgreSQL a concurrent transaction claiming the same value makes
    // this wait for it and then insert nothing, instead of failing with a constraint error (which
    // would abort the transaction, and with it the other items' checks).
    const r = await trx
      .insertInto('menu_record_unique_values')
      .values({ menu_id: menu.id, column_name: column.name, value: key, record_id: recordId })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 0) {
      const taken = await trx
        .selectFrom('menu_record_unique_values')
        .select('record_id')
        .where('menu_id', '=', menu.id)
        .where('column_name', '=', column.name)
        .where('value', '=', key)
        .executeTakeFirst();
      problems.push({ column: column.name, texts: PROBLEM.duplicate(taken?.record_id ?? '(another)', key) });
    }
  }
  if (problems.length > 0) throw new ItemRefused(problems);
}

/** Every record of a menu (of a view: those it shows, as it shows them), oldest first. */
export async function loadRecords(db: Kysely<Database>, menu: Menu): Promise<RecordView[]> {
  const rows = await db.selectFrom('menu_records').selectAll().where('menu_id', '=', menu.id).orderBy('created_at').orderBy('id').execute();
  const records = rows.map(toView);
  return menu.view ? records.filter((r) => shows(menu, r.parameter)).map((r) => asShown(menu, r)) : records;
}
