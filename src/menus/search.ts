import { z } from 'zod';
import { RESULT, badRequest } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { RESERVED_COLUMNS, type Value } from './columns.js';
import type { Menu } from './definitions.js';
import type { RecordView } from './record-view.js';
import { ownValue } from '../util/own-value.js';

/**
 * A search body as Exastro sends it: per column, one of
 * `{"NORMAL": "x"}` (contains, case-insensitive), `{"LIST": ["a","b"]}` (equals one of), or
 * `{"RANGE": {"START": a, "END": b}}` (inclusive; either end may be omitted).
 */
export const filterSchema = z.record(
  z.string(),
  z.union([
    z.object({ NORMAL: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
    z.object({ LIST: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1) }).strict(),
    z
      .object({
        RANGE: z.object({ START: z.union([z.string(), z.number()]).optional(), END: z.union([z.string(), z.number()]).optional() }).strict(),
      })
      .strict(),
  ]),
);
export type Filter = z.infer<typeof filterSchema>;

/**
 * The query of a record list or search: paging, the order (`?sort=column` ascending,
 * `?sort=-column` descending; a drydock addition Exastro's clients never send, so they keep the
 * oldest-first order they know), and Exastro's `?file=no` (leave the files' contents out).
 */
export const recordQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
    offset: z.coerce.number().int().min(0).optional(),
    sort: z
      .string()
      .regex(/^-?[A-Za-z0-9_]{1,64}$/, 'must be a column name, with a leading - for descending order')
      .optional(),
    file: z.enum(['yes', 'no']).optional(),
  })
  .strict();

/** The query parameters of a record list that are not filters. */
const QUERY_OPTIONS = new Set(Object.keys(recordQuerySchema.shape));

const SYSTEM_COLUMNS: readonly string[] = RESERVED_COLUMNS;

/**
 * Applies a filter to a menu's records. Filtering happens in the process, over the records of one
 * menu: a parameter sheet holds thousands of rows, not millions, and this keeps the semantics
 * identical on both backends without two dialects of JSON SQL (docs/decisions/menu-search.md).
 */
export function applyFilter(menu: Menu, records: readonly RecordView[], filter: Filter): RecordView[] {
  requireColumns(menu, Object.keys(filter), 'filter');
  const numeric = numericColumns(menu);
  return records.filter((r) =>
    Object.entries(filter).every(([name, cond]) => {
      const value = valueOf(menu, r, name);
      if ('NORMAL' in cond) {
        return value !== null && String(value).toLowerCase().includes(String(cond.NORMAL).toLowerCase());
      }
      if ('LIST' in cond) return value !== null && cond.LIST.some((v) => String(v) === String(value));
      if (value === null) return false;
      const { START, END } = cond.RANGE;
      const cmp = (a: Value, b: string | number) => (numeric.has(name) ? Number(a) - Number(b) : String(a).localeCompare(String(b), 'en'));
      return (START === undefined || cmp(value, START) >= 0) && (END === undefined || cmp(value, END) <= 0);
    }),
  );
}

/**
 * Orders records by `sort` (`column` ascending, `-column` descending); empty values last either
 * way, ties in the stored (oldest-first) order. Without `sort`, the stored order.
 */
export function sortRecords(menu: Menu, records: readonly RecordView[], sort: string | undefined): RecordView[] {
  if (sort === undefined) return [...records];
  const descending = sort.startsWith('-');
  const name = descending ? sort.slice(1) : sort;
  requireColumns(menu, [name], 'sort');
  const numeric = numericColumns(menu).has(name);
  const compare = (a: Value, b: Value) => (numeric ? Number(a) - Number(b) : String(a).localeCompare(String(b), 'en', { numeric: true, sensitivity: 'base' }));
  return records
    .map((record, index) => ({ record, index, value: valueOf(menu, record, name) }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) return a.value === b.value ? a.index - b.index : a.value === null ? 1 : -1;
      return (descending ? -compare(a.value, b.value) : compare(a.value, b.value)) || a.index - b.index;
    })
    .map((x) => x.record);
}

/** A record's value in `name`; its id is its `uuid` here, whatever the menu calls it (Menu.key). */
function valueOf(menu: Menu, record: RecordView, name: string): Value {
  return ownValue(record.parameter as Record<string, Value>, name === menu.key ? 'uuid' : name) ?? null;
}

const numericColumns = (menu: Menu): Set<string> => new Set(menu.columns.filter((c) => c.type === 'integer' || c.type === 'number').map((c) => c.name));

/** Refuses names that are not columns of the menu, listing the ones it has. */
function requireColumns(menu: Menu, names: readonly string[], where: 'filter' | 'sort'): void {
  const columns = new Set(menu.columns.map((c) => c.name));
  const unknown = names.filter((k) => !columns.has(k) && !SYSTEM_COLUMNS.includes(k) && k !== menu.key);
  if (unknown.length) {
    const refusal = where === 'filter' ? MESSAGES.unknownKey.unknownFilterColumns : MESSAGES.unknownKey.unknownSortColumn;
    const has = [menu.key, ...columns, ...SYSTEM_COLUMNS.filter((c) => c !== 'uuid')].join(', ');
    throw badRequest(refusal(unknown.join(', '), menu.menu, has), RESULT.unknownKey);
  }
}

/** Exact-match filter from GET query parameters (`?column=value`). */
export function queryFilter(query: Record<string, unknown>): Filter {
  const filter: Filter = {};
  for (const [k, v] of Object.entries(query)) {
    if (QUERY_OPTIONS.has(k)) continue;
    if (typeof v === 'string') filter[k] = { LIST: [v] };
    else if (Array.isArray(v)) filter[k] = { LIST: v.map(String) };
  }
  return filter;
}

export function page<T>(items: readonly T[], paging: { limit?: number | undefined; offset?: number | undefined }): T[] {
  const offset = paging.offset ?? 0;
  return items.slice(offset, paging.limit === undefined ? undefined : offset + paging.limit);
}
