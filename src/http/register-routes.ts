import type { FastifyInstance } from 'fastify';
import { IllegalStateError, RESULT } from '../errors.js';
import { gatedWrite } from '../maintenance/gate.js';
import type { Principal } from '../tenancy/roles.js';
import { acceptFormat, bodyOf } from './body-formats.js';
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

/**
 * Registers declared routes: validation, the handler context, and the success envelope. A route
 * that takes a form as well as JSON is registered in a scope of its own holding that form's parser
 * (http/body-formats.ts), so no other route ever receives a form.
 */
export async function registerRoutes(app: FastifyInstance, deps: AppDeps, routes: readonly AnyRoute[], options: RegisterOptions): Promise<void> {
  register(
    app,
    deps,
    routes.filter((r) => r.accepts === undefined),
    options,
  );
  for (const format of new Set(routes.flatMap((r) => (r.accepts === undefined ? [] : [r.accepts])))) {
    await app.register(async (scope) => {
      await acceptFormat(scope, format, deps.options.bodyLimitBytes);
      register(
        scope,
        deps,
        routes.filter((r) => r.accepts === format),
        options,
      );
    });
  }
}

function register(app: FastifyInstance, deps: AppDeps, routes: readonly AnyRoute[], options: RegisterOptions): void {
  for (const spec of routes) {
    app.route({
      method: spec.method,
      url: spec.url,
      config: { drydock: { access: spec.access, writes: spec.writes } },
      handler: async (request, reply) => {
        const params: unknown = spec.params ? parseOrThrow(spec.params, request.params, 'path') : request.params;
        const query: unknown = spec.query ? parseOrThrow(spec.query, request.query, 'query') : request.query;
        const body: unknown = spec.body ? parseOrThrow(spec.body, bodyOf(request, spec.accepts), 'body') : undefined;
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
