import type { Texts } from './language.js';
import * as access from './messages/access.js';
import * as conflicts from './messages/conflicts.js';
import * as ita from './messages/ita.js';
import * as recordProblems from './messages/record-problems.js';
import * as requests from './messages/requests.js';
import * as values from './messages/values.js';

/**
 * Every message the server answers with, in Japanese and English: the one catalogue (its groups
 * are written in `messages/`, by concern, and put together here). A refusal is thrown with one of
 * these (`badRequest(MESSAGES.invalidRequest.bodyNotJson(detail))`, …) and the answer carries it in
 * the request's language (`http/error-handler.ts`). The English text is also the error's
 * `message`, for logs and for code that reads it.
 *
 * Grouped by the result code the message is answered with: each group is named after its key in
 * `RESULT` (`src/errors.ts`). A few messages are thrown with a code chosen at run time; their group
 * says which. Each entry is a `Texts`, or a function of its parameters returning one; parameters
 * are strings and numbers (lists joined by the caller, or by `listOf` / `eitherOf`), or `Texts`
 * for a part that is worded per language (a status name, a list of problems).
 * `test/server-messages.test.ts` checks the groups against `RESULT` and every entry's two texts.
 *
 * The Japanese uses the terms of Exastro IT Automation's manual (オーガナイゼーション, ワークスペース,
 * メニュー, レコード, ユーザ, ロール, トークン, 作業, ムーブメント, オペレーション, 廃止, 復活), in the
 * polite form; identifiers, header names, paths, column names and values stay as they are.
 *
 * The one set of refusals worded elsewhere: read-only mode's (498-xxxxx), whose code and words
 * belong to each write function (`maintenance/write-functions.ts`).
 *
 * A leaf: it and its files under `messages/` import nothing but `language.ts`.
 */

/** `items` as a list in a message: `a, b, c` / `a、b、c`. */
export const listOf = (items: readonly string[]): Texts => ({ en: items.join(', '), ja: items.join('、') });

/** `items` as alternatives in a message: `a or b` / `a か b`. */
export const eitherOf = (items: readonly string[]): Texts => ({ en: items.join(' or '), ja: items.join(' か ') });

/** The catalogue, grouped by result code (each group is named after its key in `RESULT`; every export of a file under `messages/` is a group). */
export const MESSAGES = { ...requests, ...values, ...access, ...conflicts, ...ita, ...recordProblems } as const;
