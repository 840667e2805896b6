import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { badRequest } from '../errors.js';
import { VERSION } from '../version.js';
import { consoleRoutes } from './console.js';
import type { AppDeps } from './deps.js';
import { installErrorHandler, MAX_PARAM_LENGTH, REFUSED_BY_HEADER, sendClientError, sendFrameworkError } from './error-handler.js';
import { installGuard } from './guard.js';
import { buildOpenApi } from './openapi.js';
import { registerRoutes } from './register-routes.js';
import type { AnyRoute } from './route.js';
import { authRoutes } from './routes/auth.js';
import { backyardRoutes } from './routes/backyard.js';
import { executeCheckRoutes } from './routes/execute-check.js';
import { fleetRoutes } from './routes/fleet.js';
import { itaRoutes } from './routes/ita.js';
import { maintenanceRoutes } from './routes/maintenance.js';
import { menuJobRoutes } from './routes/menu-jobs.js';
import { menuRoutes } from './routes/menus.js';
import { platformRoutes } from './routes/platform.js';
import { systemRoutes } from './routes/system.js';

/** Every declared route of the API, in the order the OpenAPI document lists them. */
export const API_ROUTES: readonly AnyRoute[] = [
  ...systemRoutes,
  ...authRoutes,
  ...maintenanceRoutes,
  ...platformRoutes,
  ...itaRoutes,
  ...menuRoutes,
  ...backyardRoutes,
  ...menuJobRoutes,
  ...executeCheckRoutes,
  ...fleetRoutes,
];

/** How deep a request body may nest arrays and objects. */
export const MAX_JSON_DEPTH = 100;

/** Whether a parsed JSON value nests arrays and objects more than `limit` deep; iterative, so any depth is measured. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<readonly [unknown, number]> = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [v, depth] = next;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Knobs for benchmarks and tests only; no configuration, flag or variable reaches them. */
export interface BuildOptions {
  /**
   * Turns the maintenance guard and the in-transaction gate off, so `npm run bench` can measure
   * what they cost side by side. Never set in a running system: writes would ignore read-only mode.
   */
  readonly benchmarkWithoutMaintenanceGate?: boolean;
  /**
   * Parses every JSON answer with its route's response schema (`http/wire/`) and answers 500 naming
   * the route and the problem when it does not fit: the tests' apps set it (test/support/app.ts), so
   * every answer a test reads is checked against what the OpenAPI document and the console's types
   * say. Off in a running system: the compiler already holds handlers to their schemas, and a parse
   * per answer would cost every request for a check the tests make. (Fastify's own response schemas
   * would not check for free either: its serializer coerces values and drops unknown fields instead
   * of refusing them, which would change answers whose schema is loose, such as a record's columns.)
   */
  readonly checkAnswers?: boolean;
}

/**
 * Builds the HTTP application without listening, so tests drive it with `inject` and `serve`
 * binds it to a port.
 */
export async function buildApp(deps: AppDeps, build: BuildOptions = {}): Promise<FastifyInstance> {
  const gate = !build.benchmarkWithoutMaintenanceGate;
  const app: FastifyInstance = Fastify({
    // pino 10's types are a superset of what Fastify declares; the instance is the same pino.
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    bodyLimit: deps.options.bodyLimitBytes,
    // request.ip: the connection's address unless DRYDOCK_TRUST_PROXY names the proxy in front.
    // (Fastify takes a hop count too; its type declarations omit the number.)
    trustProxy: deps.options.trustProxy as boolean | string,
    // Exastro clients use both `/path/` and `/path`; `//` and trailing slashes route like the
    // canonical path, so they reach the same declaration and the same guard.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, caseSensitive: true, maxParamLength: MAX_PARAM_LENGTH },
    return503OnClosing: true,
    // What the router and the HTTP parser refuse themselves answers with the envelope too.
    frameworkErrors: sendFrameworkError,
    clientErrorHandler: sendClientError,
  });

  // JSON bodies: an empty body is "no body" (real clients send GET with Content-Type: application/json
  // and nothing else), and malformed JSON is a 400 with the envelope. JSON is the only body the API
  // takes: Fastify's default text/plain parser is removed so such a body is a 415, not a string
  // that then fails validation with a misleading 400.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  for (const type of ['application/json', /^application\/[a-z.+-]*\+json$/]) {
    app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => {
      const text = String(body);
      if (text.trim() === '') return done(null, undefined);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        return done(badRequest(`The request body is not valid JSON: ${(err as Error).message}.`), undefined);
      }
      // JSON.parse takes any depth, but what reads a body walks it recursively (the storable-text
      // check, zod, JSON.stringify on the way to the store): 5,000 nested arrays overflowed the
      // stack into a 500 (found by test/fuzz-api.test.ts). No body drydock takes is near this deep.
      if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
        return done(badRequest(`The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep: flatten it.`), undefined);
      }
      done(null, value);
    });
  }

  await app.register(cookie);
  installErrorHandler(app, deps);
  installGuard(app, deps, gate);
  registerRoutes(app, deps, API_ROUTES, { maintenanceGate: gate, checkAnswers: build.checkAnswers ?? false });

  const document = buildOpenApi(API_ROUTES, VERSION);
  app.get('/api/openapi.json', { config: { drydock: { access: 'public', writes: 'read' } } }, async () => document);
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.get('/metrics', { config: { drydock: { access: 'public', writes: 'read' } } }, async (_req, reply) => {
    void reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const outcome =
      status < 400 ? 'success' : reply.getHeader(REFUSED_BY_HEADER) !== undefined ? 'maintenance_refused' : status < 500 ? 'client_error' : 'server_error';
    deps.metrics.countRequest(request.method, outcome);
  });

  await app.register(consoleRoutes);
  return app;
}
