import { z } from 'zod';
import { inEachLanguage, joinTexts, textIn, type Language, type Texts } from './language.js';

/**
 * zod's problems in every language drydock speaks. zod words its own problems (a wrong type, a
 * value out of range) by its locales; `safeParseInEachLanguage` parses once per language with that
 * language's locale, so each problem has its Japanese and its English wording. A schema's own
 * messages (`.regex(…, 'must be …')`, `{ error: … }`) win over the locale and stay as written.
 */

/** zod's wording of its problems in each language. */
const LOCALES: { readonly [L in Language]: z.core.$ZodErrorMap } = { ja: z.locales.ja().localeError, en: z.locales.en().localeError };

/** The same problems, worded in each language (in the same order: the parses are the same). */
export type IssuesInEachLanguage = { readonly [L in Language]: readonly z.core.$ZodIssue[] };

export type ParsedInEachLanguage<T> = { readonly success: true; readonly data: T } | { readonly success: false; readonly issues: IssuesInEachLanguage };

/** Parses `value` against `schema`; when it fails, with its problems worded in each language. */
export function safeParseInEachLanguage<T>(schema: z.ZodType<T>, value: unknown): ParsedInEachLanguage<T> {
  const en = schema.safeParse(value, { error: LOCALES.en });
  if (en.success) return { success: true, data: en.data };
  const ja = schema.safeParse(value, { error: LOCALES.ja });
  // The same schema on the same value fails the same way; a schema that would not (a refinement
  // with side effects) still has its problems worded, in English.
  return { success: false, issues: { en: en.error.issues, ja: ja.success ? en.error.issues : ja.error.issues } };
}

/** Maps the problems of each language alike (`map` sees them in one language at a time). */
export function mapIssues(issues: IssuesInEachLanguage, map: (issues: readonly z.core.$ZodIssue[]) => z.core.$ZodIssue[]): IssuesInEachLanguage {
  return { ja: map(issues.ja), en: map(issues.en) };
}

/** Each problem on its own, in each language (to list them one by one). */
export function eachIssue(issues: IssuesInEachLanguage): IssuesInEachLanguage[] {
  const count = Math.min(issues.ja.length, issues.en.length);
  return Array.from({ length: count }, (_, i) => ({ ja: issues.ja.slice(i, i + 1), en: issues.en.slice(i, i + 1) }));
}

/**
 * Each problem as `path: what is wrong`, in each language, joined with `separator`; the path is
 * `prefix` and the issue's path joined with dots, or `root` when both are empty.
 */
export function describeIssues(issues: IssuesInEachLanguage, root: Texts, separator: string, prefix: readonly PropertyKey[] = []): Texts {
  const count = Math.min(issues.ja.length, issues.en.length);
  const one = (index: number): Texts =>
    inEachLanguage((language) => {
      const issue = issues[language][index]!;
      const path = [...prefix, ...issue.path].map(String).join('.');
      return `${path || textIn(root, language)}: ${issue.message}`;
    });
  return joinTexts(
    Array.from({ length: count }, (_, i) => one(i)),
    separator,
  );
}
