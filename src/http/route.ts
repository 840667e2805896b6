import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { Language } from '../i18n/language.js';
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
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  /**
   * Runs `fn` in a write transaction gated by this route's declared WriteFunction: refused inside
   * the transaction if read-only mode is on. Only routes that declare a WriteFunction may call it.
   */
  write<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
}

/** A route: its contract (for validation, the guard and OpenAPI) and its handler. */
export interface RouteSpec<P = unknown, Q = unknown, B = unknown> extends RouteDeclaration {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify path syntax (`:param`). */
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** Maps body validation issues to result codes; defaults to the common mapping. */
  readonly bodyErrors?: 'default' | 'maintenance-setting';
  /** Returns the envelope's `data`. */
  readonly handler: (ctx: RouteContext<P, Q, B>) => Promise<unknown>;
}

/** Declares a route with its types inferred from its schemas. */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec<P, Q, B> {
  return spec;
}

/** A route of any types, for lists. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any>;
