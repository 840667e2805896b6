import { z } from 'zod';

/*
 * The API's answers, as data: the schema of each route's `data` inside Exastro's envelope
 * `{result, message, data, ts}`, which the route's declaration in `http/routes/<file>.ts` names as
 * its `response` beside its request schemas; `http/wire/<file>.ts` holds them. They feed
 * the OpenAPI document and `http/wire-types.ts`, the types the console and the runbooks read. A
 * handler's return value must fit its route's schema (the compiler checks it), and the tests parse
 * every answer with it (`checkAnswers` in `http/app.ts`).
 *
 * Leaves: these modules import zod and other leaves only (the switches, the backyard registry, the
 * roles, the column types), because the console type-checks them (`web/tsconfig.json`). Answers are
 * plain JSON: no transforms or coercions, so a schema's output type is what is on the wire. Objects
 * are strict, so an answer with a field its schema lacks fails the tests.
 */

/** The answer of a route that does something and has nothingSchema to say: `data` is null. */
export const nothingSchema = z.null();

/** A timestampSchema as drydock writes it (store/clock.ts: ISO 8601, UTC, microseconds). */
export const timestampSchema = z.string();
