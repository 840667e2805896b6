import { RESULT, badRequest } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { untranslated, type Texts } from '../i18n/language.js';

/**
 * The one rule for every string that reaches the store: no U+0000 (PostgreSQL's text cannot hold
 * it — it answered 500 — and SQLite would keep it, so a SQLite backup would not restore into
 * PostgreSQL) and no unpaired UTF-16 surrogate (not a character: it cannot be encoded as UTF-8).
 * Applied to path parameters and the query before the guard looks anything up, to every body before
 * its schema (src/http/validation.ts), and to an imported file's contents, so the 400 names the field.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this refuses.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` cannot be stored, or undefined. */
export function unstorable(text: string): Texts | undefined {
  const m = UNSTORABLE.exec(text);
  if (!m) return undefined;
  return m[0] === '\u0000' ? MESSAGES.invalidValue.containsNul : MESSAGES.invalidValue.containsLoneSurrogate;
}

/** The path (`a.b.0.c`) and reason of the first string in `value` (keys included) that cannot be stored. */
export function findUnstorable(value: unknown, path: readonly (string | number)[] = []): { path: string; reason: Texts } | undefined {
  const here = (reason: Texts, at: readonly (string | number)[] = path) => ({ path: at.join('.'), reason });
  if (typeof value === 'string') {
    const reason = unstorable(value);
    return reason === undefined ? undefined : here(reason);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const keyReason = unstorable(k);
      if (keyReason) return here(MESSAGES.invalidValue.inKey(keyReason), [...path, JSON.stringify(k)]);
      const found = findUnstorable(v, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

/** Throws the 400 naming the field when `value` holds a string that cannot be stored. */
export function requireStorable(value: unknown, where: 'body' | 'query' | 'path' | 'file'): void {
  const found = findUnstorable(value);
  if (!found) return;
  const at = found.path ? untranslated(found.path) : MESSAGES.invalidValue.wholePart(where);
  throw badRequest(MESSAGES.invalidValue.invalidPart(where, MESSAGES.invalidValue.located(at, found.reason)), RESULT.invalidValue);
}
