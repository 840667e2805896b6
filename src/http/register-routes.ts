import type { FastifyInstance } from 'fastify';
import { IllegalStateError } from '../errors.js';
import { gatedWrite } from '../maintenance/gate.js';
import { pickLanguage } from '../i18n/language.js';
import type { Principal } from '../tenancy/roles.js';
import type { AppDeps } from './deps.js';
import { success } from './envelope.js';
import type { AnyRoute, RouteContext } from './route.js';
import { parseOrThrow } from './validation.js';

/** Registers declared routes: validation, the handler context, and the success envelope. */
export function registerRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  routes: readonly AnyRoute[],
  maintenanceGate = true,
): void {
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
          language: pickLanguage(
            request.headers['language'] as string | undefined,
            request.headers['accept-language'],
          ),
          deps,
          request,
          reply,
          write: (fn) => {
            const writes = spec.writes;
            if (typeof writes !== 'string' || writes === 'read') {
              throw new IllegalStateError(`${spec.method} ${spec.url} does not declare a write function`);
            }
            return maintenanceGate ? gatedWrite(deps.store, writes, fn) : deps.store.transaction('shared', fn);
          },
        };
        const data = await spec.handler(ctx);
        if (reply.sent) return reply;
        return success(data ?? null);
      },
    });
  }
}
