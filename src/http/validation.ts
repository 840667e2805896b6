import type { z } from 'zod';
import { ApiError, RESULT } from '../errors.js';
import { requireStorable } from '../store/storable-text.js';

/** Marks a refinement failure that means "the body named nothing to do" (→ 400-00002). */
export const EMPTY_BODY = 'empty-body';

/**
 * Parses `value` against `schema`, or throws a 400 whose message lists every problem with its
 * path, so the caller can fix them all at once. Result codes follow Exastro: unknown keys
 * 400-00026, invalid values 400-00027, an empty body 400-00002.
 */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query' | 'path'): T {
  requireStorable(value, where);
  if (where === 'body' && value === undefined) {
    const empty = schema.safeParse({});
    if (!empty.success) {
      throw new ApiError(400, RESULT.emptyBody, 'The request body is empty: send a JSON object (see /api/docs).');
    }
    return empty.data;
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  // Unknown keys first: a body of only unknown keys also fails an "is it empty?" refinement (the
  // parsed object has no known key), but the caller's mistake is the unknown key, not an empty body.
  const unknown = issues.flatMap((i) =>
    i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path, k].join('.')) : [],
  );
  if (unknown.length > 0) {
    throw new ApiError(400, RESULT.unknownKey, `Unknown key(s) in the ${where}: ${unknown.join(', ')}. Remove them (see /api/docs).`);
  }
  const empty = issues.find((i) => i.code === 'custom' && i.params?.[EMPTY_BODY]);
  if (where === 'body' && empty) {
    throw new ApiError(400, RESULT.emptyBody, `The request body is empty: ${empty.message}.`);
  }
  const described = issues.map((i) => `${i.path.length ? i.path.join('.') : `(${where})`}: ${i.message}`);
  throw new ApiError(400, RESULT.invalidValue, `Invalid ${where}: ${described.join('; ')}.`);
}
