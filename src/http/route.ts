import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import type { Language } from '../i18n/language.js';
import type { BodyFormat } from './body-formats.js';
import type { WriteFunction } from '../maintenance/write-functions.js';
import type { Database } from '../store/schema.js';
import type { Access } from '../tenancy/access.js';
import type { Principal } from '../tenancy/roles.js';
import type { AppDeps } from './deps.js';

/**
 * Whether a route writes, declared by every route. The guard keys on this declaration and on
 * nothing else (never on the path or the method):
 * - `read`: the route only reads (searches sent as POST included);
 * - a WriteFunction: the route registers or updates data; read-only mode refuses it;
 * - `{ exempt }`: the route writes, but must keep working in read-only mode (sign-in, tokens, the
 *   maintenance setting itself); the reason is written down.
 */
export type WriteDeclaration = 'read' | WriteFunction | { readonly exempt: string };

/** What every drydock route declares, kept in Fastify's route config for hooks to read. */
export interface RouteDeclaration {
  readonly access: Access;
  readonly writes: WriteDeclaration;
}

/** The per-request view a handler gets. */
export interface RouteContext<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** The caller. Reading it on a public route with no caller throws. */
  readonly principal: Principal;
  readonly language: Language;
  readonly deps: AppDeps;
  /**
   * The store's reader, for a read's domain function (`getMenu(ctx.db, …)`). A route hands it on
   * and builds no query with it: the lint refuses one under `http/routes/` (eslint.config.js).
   */
  readonly db: Kysely<Database>;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  /**
   * Runs `fn` in a write transaction gated by this route's declared WriteFunction: refused inside
   * the transaction if read-only mode is on. Only routes that declare a WriteFunction may call it.
   * `fn` calls the domain's write functions with the transaction; it builds no query itself.
   */
  write<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
}

/** An answer a handler sends itself instead of the JSON envelope: a file, an event stream. */
export interface RawAnswer {
  /** The content type(s) it is sent as, for the OpenAPI document. */
  readonly contentTypes: readonly string[];
  readonly description: string;
}

/**
 * What a handler may return for a response schema's output `T`: the same shape with arrays and
 * objects read-only, since the domain's views are (a readonly array cannot be given where a mutable
 * one is expected, though it is the same JSON).
 */
export type Answer<T> = T extends readonly (infer U)[] ? readonly Answer<U>[] : T extends object ? { readonly [K in keyof T]: Answer<T[K]> } : T;

/** A route: its contract (for validation, the guard, OpenAPI and the wire types) and its handler. */
export interface RouteSpec<P = unknown, Q = unknown, B = unknown, R = unknown> extends RouteDeclaration {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify path syntax (`:param`). */
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** A body other than JSON the route also takes (http/body-formats.ts); others are refused with 415. */
  readonly accepts?: BodyFormat;
  /** Maps body validation issues to result codes; defaults to the common mapping. */
  readonly bodyErrors?: 'default' | 'maintenance-setting';
  /**
   * The answer: the zod schema of the envelope's `data` (the modules of `http/wire/`), or a
   * `RawAnswer` the handler sends itself. The handler's return value must fit the schema (the
   * compiler checks it); the schema feeds the OpenAPI document and `http/wire-types.ts`, and tests
   * parse every answer with it (`BuildOptions.checkAnswers`).
   */
  readonly response: z.ZodType<R> | RawAnswer;
  /**
   * Returns the envelope's `data`; or, for a raw answer or one with another status, sends it with
   * `ctx.reply` and returns the reply.
   */
  readonly handler: (ctx: RouteContext<P, Q, B>) => Promise<Answer<NoInfer<R>> | FastifyReply>;
}

/** Declares a route with its types inferred from its schemas (the answer's from `response` alone). */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined, R = unknown>(
  spec: RouteSpec<P, Q, B, R>,
): RouteSpec<P, Q, B, R> {
  return spec;
}

/** Whether a route's answer is one the handler sends itself. */
export function isRawAnswer(response: z.ZodType | RawAnswer): response is RawAnswer {
  return 'contentTypes' in response;
}

/** A route of any types, for lists. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any, any>;
