import { z } from 'zod';
import { RESULT, badRequest } from '../errors.js';
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

/** The query of a record list or search: paging, and Exastro's `?file=no` (leave the files' contents out). */
export const recordQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
    offset: z.coerce.number().int().min(0).optional(),
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
  const columns = new Map(menu.columns.map((c) => [c.name, c.type]));
  const unknown = Object.keys(filter).filter((k) => !columns.has(k) && !SYSTEM_COLUMNS.includes(k) && k !== menu.key);
  if (unknown.length) {
    throw badRequest(
      `Unknown column(s) ${unknown.join(', ')} in the filter; menu ${menu.menu} has ${[menu.key, ...columns.keys(), ...SYSTEM_COLUMNS.filter((c) => c !== 'uuid')].join(', ')}.`,
      RESULT.unknownKey,
    );
  }
  const numeric = (name: string) => columns.get(name) === 'integer' || columns.get(name) === 'number';
  return records.filter((r) =>
    Object.entries(filter).every(([name, cond]) => {
      // A record's id is its `uuid` here, whatever the menu calls it (Menu.key).
      const value = ownValue(r.parameter as Record<string, Value>, name === menu.key ? 'uuid' : name) ?? null;
      if ('NORMAL' in cond) {
        return value !== null && String(value).toLowerCase().includes(String(cond.NORMAL).toLowerCase());
      }
      if ('LIST' in cond) return value !== null && cond.LIST.some((v) => String(v) === String(value));
      if (value === null) return false;
      const { START, END } = cond.RANGE;
      const cmp = (a: Value, b: string | number) => (numeric(name) ? Number(a) - Number(b) : String(a).localeCompare(String(b), 'en'));
      return (START === undefined || cmp(value, START) >= 0) && (END === undefined || cmp(value, END) <= 0);
    }),
  );
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
