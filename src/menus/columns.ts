import { z } from 'zod';
import type { Texts } from '../i18n/language.js';
import { MESSAGES } from '../i18n/server-messages.js';

/**
 * Column types a menu can declare, and what a value of each looks like on the wire. A `file`
 * column's value is the file's name; its content travels beside the record (menus/record-files.ts).
 */
export const COLUMN_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'file'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** Names every record has; a menu cannot declare a column with one of them. */
export const RESERVED_COLUMNS = ['uuid', 'discard', 'remarks', 'last_update_date_time', 'last_updated_user'] as const;

export const columnSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower-case letters, digits or _ and start with a letter (at most 64)')
      .refine((n) => !(RESERVED_COLUMNS as readonly string[]).includes(n), 'is a reserved column name'),
    type: z.enum(COLUMN_TYPES),
    title: z.string().max(255).optional(),
    required: z.boolean().optional(),
    unique: z.boolean().optional(),
    /** For strings; defaults to 4,000. */
    max_length: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

export type Column = z.infer<typeof columnSchema>;

/** A stored value: JSON scalars only. */
export type Value = string | number | boolean | null;

/**
 * Checks and normalises one value for its column. Exastro clients send most values as strings,
 * so `"10"` is accepted for an integer and `"true"` for a boolean. Returns the normalised value, or
 * what is wrong (in English, to follow the column's name, and in Japanese), naming what to send.
 */
export function coerceValue(column: Column, raw: unknown): { ok: true; value: Value } | { ok: false; error: Texts } {
  if (raw === null || raw === undefined || raw === '') {
    return column.required ? { ok: false, error: PROBLEM.required } : { ok: true, value: null };
  }
  switch (column.type) {
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return { ok: false, error: PROBLEM.string };
      const s = String(raw);
      const max = column.max_length ?? 4000;
      return s.length > max ? { ok: false, error: PROBLEM.tooLong(max) } : { ok: true, value: s };
    }
    case 'integer':
    case 'number': {
      // Strings must be written in decimal: Number() alone would also take "0x10", "0b11" or "0o7".
      const decimal = column.type === 'integer' ? INTEGER_TEXT : NUMBER_TEXT;
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && decimal.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return { ok: false, error: column.type === 'integer' ? PROBLEM.integer : PROBLEM.number };
      if (column.type === 'integer' && !Number.isSafeInteger(n)) return { ok: false, error: PROBLEM.integer };
      return { ok: true, value: n };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (raw === 'true' || raw === '1' || raw === 1) return { ok: true, value: true };
      if (raw === 'false' || raw === '0' || raw === 0) return { ok: true, value: false };
      return { ok: false, error: PROBLEM.boolean };
    }
    case 'date': {
      const m = typeof raw === 'string' ? /^(\d{4})[-/](\d{2})[-/](\d{2})$/.exec(raw.trim()) : null;
      if (!m || !validDate(m[1]!, m[2]!, m[3]!)) return { ok: false, error: PROBLEM.date };
      return { ok: true, value: `${m[1]}/${m[2]}/${m[3]}` };
    }
    case 'datetime': {
      const m = typeof raw === 'string' ? /^(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(raw.trim()) : null;
      if (!m || !validDate(m[1]!, m[2]!, m[3]!) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) {
        return { ok: false, error: PROBLEM.datetime };
      }
      return { ok: true, value: `${m[1]}/${m[2]}/${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'}` };
    }
    case 'file': {
      if (typeof raw !== 'string') return { ok: false, error: PROBLEM.fileName };
      return FILE_NAME.test(raw) && raw !== '.' && raw !== '..' ? { ok: true, value: raw } : { ok: false, error: PROBLEM.fileName };
    }
    default: {
      const never: never = column.type;
      throw new Error(`unknown column type ${String(never)}`);
    }
  }
}

/** What is wrong with a value, worded to follow its column's name. */
const PROBLEM = MESSAGES.recordProblems;

const INTEGER_TEXT = /^[+-]?\d+$/;
// eslint-disable-next-line no-control-regex
const FILE_NAME = /^[^/\\:*?"<>|\u0000-\u001f\u007f]{1,255}$/;
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function validDate(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}
