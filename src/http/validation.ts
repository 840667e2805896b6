import type { z } from 'zod';
import { RESULT, badRequest } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { describeIssues, mapIssues, safeParseInEachLanguage } from '../i18n/zod-issues.js';
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
 * path, so the caller can fix them all at once — in the request's language: zod words its own
 * problems in each (`i18n/zod-issues.ts`). Result codes follow Exastro: unknown keys 400-00026,
 * invalid values 400-00027, an empty body 400-00002.
 */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query' | 'path'): T {
  requireStorable(value, where);
  if (where === 'body' && value === undefined) {
    const empty = schema.safeParse({});
    if (!empty.success) throw badRequest(MESSAGES.emptyBody.bodyEmpty, RESULT.emptyBody);
    return empty.data;
  }
  const parsed = safeParseInEachLanguage(schema, value);
  if (parsed.success) return parsed.data;
  const issues = mapIssues(parsed.issues, (list) => list.flatMap(closestBranch));
  // Unknown keys first: a body of only unknown keys also fails an "is it empty?" refinement (the
  // parsed object has no known key), but the caller's mistake is the unknown key, not an empty body.
  const unknown = issues.en.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path, k].join('.')) : []));
  if (unknown.length > 0) throw badRequest(MESSAGES.unknownKey.unknownKeys(where, unknown.join(', ')), RESULT.unknownKey);
  const empty = issues.en.find((i) => i.code === 'custom' && i.params?.[EMPTY_BODY]);
  if (where === 'body' && empty) throw badRequest(MESSAGES.emptyBody.bodyNamesNothing(empty.message), RESULT.emptyBody);
  const described = describeIssues(issues, MESSAGES.invalidValue.wholePart(where), '; ');
  throw badRequest(MESSAGES.invalidValue.invalidPart(where, described), RESULT.invalidValue);
}
