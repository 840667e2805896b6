import type { FastifyInstance } from 'fastify';
import { IllegalStateError, RESULT } from '../errors.js';
import { gatedWrite } from '../maintenance/gate.js';
import type { Principal } from '../tenancy/roles.js';
import type { AppDeps } from './deps.js';
import { requestLanguage } from './request-language.js';
import { failure, success } from './envelope.js';
import { isRawAnswer, type AnyRoute, type RouteContext } from './route.js';
import { parseOrThrow } from './validation.js';

/** How routes are registered; both knobs are for benchmarks and tests (see `BuildOptions` in app.ts). */
export interface RegisterOptions {
  /** The maintenance gate around `ctx.write` (off only in the benchmark that measures it). */
  readonly maintenanceGate: boolean;
  /** Parse every answer with its route's response schema (tests only). */
  readonly checkAnswers: boolean;
}

/** Registers declared routes: validation, the handler context, and the success envelope. */
export function registerRoutes(app: FastifyInstance, deps: AppDeps, routes: readonly AnyRoute[], options: RegisterOptions): void {
  for (const spec of routes) {
    app.route({
      method: spec.method,
      url: spec.url,
      config: { drydock: { access: spec.access, writes: spec.writes } },
      handler: async (request, reply) => {
        const params: unknown = spec.params ? parseOrThrow(spec.params, request.params, 'path') : request.params;
        const query: unknown = spec.query ? parseOrThrow(spec.query, request.query, 'query') : request.query;
        const body: unknown = spec.body ? parseOrThrow(spec.body, request.body, 'body') : undefined;
        const principal = request.principal;
        const ctx: RouteContext<unknown, unknown, unknown> = {
          params,
          query,
          body,
          get principal(): Principal {
            if (!principal) throw new IllegalStateError(`${spec.method} ${spec.url} read the caller of a public route`);
            return principal;
          },
          language: requestLanguage(request),
          deps,
          db: deps.store.db,
          request,
          reply,
          write: (fn) => {
            const writes = spec.writes;
            if (typeof writes !== 'string' || writes === 'read') {
              throw new IllegalStateError(`${spec.method} ${spec.url} does not declare a write function`);
            }
            return options.maintenanceGate ? gatedWrite(deps.store, writes, fn) : deps.store.transaction('shared', fn);
          },
        };
        const data: unknown = await spec.handler(ctx);
        if (reply.sent) return reply;
        if (options.checkAnswers && !isRawAnswer(spec.response)) {
          // The answer as a client reads it: JSON, so an undefined field is absent, as on the wire.
          const checked = spec.response.safeParse(JSON.parse(JSON.stringify(data ?? null)));
          if (!checked.success) {
            // Tests only: the details are the point, so they go in the answer, not just the log.
            const problems = checked.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ');
            return reply.code(500).send(failure(RESULT.internal, `${spec.method} ${spec.url} answered data its response schema refuses: ${problems}`));
          }
        }
        return success(data ?? null);
      },
    });
  }
}
