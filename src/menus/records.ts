import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { DomainError, RESULT, badRequest, conflict, notFound } from '../errors.js';
import { normalizeTimestamp, nowTimestamp, toExastroDateTime } from '../store/clock.js';
import type { Database, MenuRecordsTable } from '../store/schema.js';
import { parseJson } from '../store/store.js';
import { coerceValue, type Value } from './columns.js';
import type { Menu } from './definitions.js';
import { ownValue } from '../util/own-value.js';

/** A record as Exastro returns it: the parameter sheet row, and its files (none here yet). */
export interface RecordView {
  readonly parameter: Record<string, Value> & {
    uuid: string;
    discard: '0' | '1';
    last_update_date_time: string;
    last_updated_user: string;
  };
  readonly file: Record<string, never>;
}

/** One entry of `POST …/maintenance/all/`. */
export const maintenanceItemSchema = z
  .object({
    type: z.enum(['Register', 'Update', 'Discard', 'Restore', 'Delete']),
    parameter: z.record(z.string(), z.unknown()),
    file: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export const maintenanceBatchSchema = z.array(maintenanceItemSchema).min(1, 'send at least one item').max(10_000);
export type MaintenanceItem = z.infer<typeof maintenanceItemSchema>;

/** Counts per type (strings, as Exastro returns them) and the uuid each item touched, in order. */
export interface BatchResult {
  readonly Register: string;
  readonly Update: string;
  readonly Discard: string;
  readonly Restore: string;
  readonly Delete: string;
  readonly uuids: string[];
}

/**
 * Applies a batch all-or-nothing inside the caller's gated transaction. An error names the item
 * (by index) and what to fix; nothing of the batch is kept.
 */
export async function applyBatch(trx: Transaction<Database>, menu: Menu, items: readonly MaintenanceItem[], actor: string): Promise<BatchResult> {
  const counts = { Register: 0, Update: 0, Discard: 0, Restore: 0, Delete: 0 };
  const uuids: string[] = [];
  for (const [index, item] of items.entries()) {
    try {
      uuids.push(await applyItem(trx, menu, item, actor));
      counts[item.type] += 1;
    } catch (err) {
      // A refusal of the item, worded for the batch; a maintenance refusal is the gate's, not the item's.
      if (err instanceof DomainError && err.kind !== 'read-only') {
        throw new DomainError(err.kind, err.result, `Item ${index} (${item.type}): ${err.message} Nothing was saved.`);
      }
      throw err;
    }
  }
  return {
    Register: String(counts.Register),
    Update: String(counts.Update),
    Discard: String(counts.Discard),
    Restore: String(counts.Restore),
    Delete: String(counts.Delete),
    uuids,
  };
}

async function applyItem(trx: Transaction<Database>, menu: Menu, item: MaintenanceItem, actor: string): Promise<string> {
  const now = nowTimestamp();
  if (item.type === 'Register') {
    const values = validateValues(menu, item.parameter, undefined);
    const id = randomUUID();
    await trx
      .insertInto('menu_records')
      .values({
        id,
        menu_id: menu.id,
        parameter: JSON.stringify(values),
        discard: 0,
        created_at: now,
        last_update_timestamp: now,
        last_update_user: actor,
      })
      .execute();
    await claimUniqueValues(trx, menu, id, values);
    return id;
  }
  const current = await currentRecord(trx, menu, item.parameter);
  // Every change below is conditional on the timestamp the caller read. On PostgreSQL a concurrent
  // writer of the same row makes this UPDATE wait, then re-check its WHERE on the new version and
  // match nothing: the loser gets the stale-update conflict, never a lost update.
  const unchanged = (affected: bigint | undefined) => {
    if (Number(affected ?? 0n) !== 1) throw staleUpdate(current, String(item.parameter.last_update_date_time));
  };
  switch (item.type) {
    case 'Update': {
      const values = validateValues(menu, item.parameter, parseJson<Record<string, Value>>(current.parameter));
      const r = await trx
        .updateTable('menu_records')
        .set({ parameter: JSON.stringify(values), last_update_timestamp: now, last_update_user: actor })
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
      const discard = item.type === 'Discard' ? 1 : 0;
      if (current.discard === discard) {
        throw conflict(`Record ${current.id} is already ${discard ? 'discarded' : 'active'}.`);
      }
      const r = await trx
        .updateTable('menu_records')
        .set({ discard, last_update_timestamp: now, last_update_user: actor })
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
      break;
    }
    default: {
      const never: never = item.type;
      throw new Error(`unknown item type ${String(never)}`);
    }
  }
  return current.id;
}

/**
 * The record an Update/Discard/Restore/Delete names, checked against the `last_update_date_time`
 * the caller read (optimistic lock), so a stale change gets a message naming who changed it.
 */
async function currentRecord(trx: Transaction<Database>, menu: Menu, parameter: Record<string, unknown>): Promise<MenuRecordsTable> {
  const uuid = parameter.uuid;
  if (typeof uuid !== 'string' || uuid === '') throw badRequest('parameter.uuid: the record to change is required.');
  const sent = parameter.last_update_date_time;
  if (typeof sent !== 'string' || sent === '') {
    throw badRequest('parameter.last_update_date_time: send the value you read, for the optimistic lock.');
  }
  const sentTimestamp = normalizeTimestamp(sent);
  if (!sentTimestamp) throw badRequest(`parameter.last_update_date_time: "${sent}" is not a timestamp.`);
  const current = await trx.selectFrom('menu_records').selectAll().where('id', '=', uuid).where('menu_id', '=', menu.id).executeTakeFirst();
  if (!current) throw notFound(`Record ${uuid} does not exist in menu ${menu.menu}.`);
  if (current.last_update_timestamp !== sentTimestamp) throw staleUpdate(current, sent);
  return current;
}

function staleUpdate(current: MenuRecordsTable, sent: string): DomainError {
  return conflict(
    `Record ${current.id} was changed by ${current.last_update_user} at ${toExastroDateTime(current.last_update_timestamp)} ` +
      `after you read it (you sent ${sent}). Reload it and apply your change again.`,
    RESULT.staleUpdate,
  );
}

/** Checks every column (unknown keys refused, types coerced, required present); merges into `base` for updates. */
function validateValues(menu: Menu, parameter: Record<string, unknown>, base: Record<string, Value> | undefined): Record<string, Value> {
  const known = new Set(menu.columns.map((c) => c.name));
  const ignored = new Set(['uuid', 'discard', 'last_update_date_time', 'last_updated_user']);
  const unknown = Object.keys(parameter).filter((k) => !known.has(k) && !ignored.has(k));
  if (unknown.length) {
    throw badRequest(`Unknown column(s) ${unknown.join(', ')} in menu ${menu.menu}; its columns are ${[...known].join(', ')}.`, RESULT.unknownKey);
  }
  const out: Record<string, Value> = {};
  const problems: string[] = [];
  for (const column of menu.columns) {
    const raw = Object.hasOwn(parameter, column.name) ? ownValue(parameter, column.name) : base && ownValue(base, column.name);
    const r = coerceValue(column, raw);
    if (r.ok) out[column.name] = r.value;
    else problems.push(`${column.name} ${r.error}`);
  }
  if (problems.length) throw badRequest(`Invalid values: ${problems.join('; ')}.`, RESULT.invalidValue);
  return out;
}

/** Unique columns are enforced by a table with a primary key, so concurrent writers cannot both win. */
async function claimUniqueValues(trx: Transaction<Database>, menu: Menu, recordId: string, values: Record<string, Value>): Promise<void> {
  for (const column of menu.columns.filter((c) => c.unique)) {
    const value = ownValue(values, column.name);
    if (value === null || value === undefined) continue;
    const key = JSON.stringify(value);
    // ON CONFLICT DO NOTHING: on PostgreSQL a concurrent transaction claiming the same value makes
    // this wait for it and then insert nothing, instead of failing with a constraint error.
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
      throw conflict(`${column.name} must be unique: record ${taken?.record_id ?? '(another)'} already has ${key}.`, RESULT.duplicate);
    }
  }
}

/** Every record of a menu, oldest first. */
export async function loadRecords(db: Kysely<Database>, menu: Menu): Promise<RecordView[]> {
  const rows = await db.selectFrom('menu_records').selectAll().where('menu_id', '=', menu.id).orderBy('created_at').orderBy('id').execute();
  return rows.map(toView);
}

function toView(r: MenuRecordsTable): RecordView {
  return {
    parameter: {
      uuid: r.id,
      discard: r.discard === 1 ? '1' : '0',
      ...parseJson<Record<string, Value>>(r.parameter),
      last_update_date_time: toExastroDateTime(r.last_update_timestamp),
      last_updated_user: r.last_update_user,
    },
    file: {},
  };
}
