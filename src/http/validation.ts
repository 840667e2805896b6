import type { z } from 'zod';
import { RESULT, badRequest } from '../errors.js';
import { requireStorable } from '../store/storable-text.js';

/** Marks a refinement failure that means "the body named nothing to do" (→ 400-00002). */
export const EMPTY_BODY = 'empty-body';

/**
 * A body of one of several shapes (drydock's or Exastro's, `z.union`) that fits none is described
 * by the shape it came closest to — the one with the fewest problems — not as "Invalid input".
 */
function closestBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
  return best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })).flatMap(closestBranch);
}

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
      throw badRequest('The request body is empty: send a JSON object (see /api/docs).', RESULT.emptyBody);
    }
    return empty.data;
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.flatMap(closestBranch);
  // Unknown keys first: a body of only unknown keys also fails an "is it empty?" refinement (the
  // parsed object has no known key), but the caller's mistake is the unknown key, not an empty body.
  const unknown = issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path, k].join('.')) : []));
  if (unknown.length > 0) {
    throw badRequest(`Unknown key(s) in the ${where}: ${unknown.join(', ')}. Remove them (see /api/docs).`, RESULT.unknownKey);
  }
  const empty = issues.find((i) => i.code === 'custom' && i.params?.[EMPTY_BODY]);
  if (where === 'body' && empty) {
    throw badRequest(`The request body is empty: ${empty.message}.`, RESULT.emptyBody);
  }
  const described = issues.map((i) => `${i.path.length ? i.path.join('.') : `(${where})`}: ${i.message}`);
  throw badRequest(`Invalid ${where}: ${described.join('; ')}.`, RESULT.invalidValue);
}
