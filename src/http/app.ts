import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { VERSION } from '../version.js';
import { acceptJson } from './body-formats.js';
import { consoleRoutes } from './console.js';
import type { AppDeps } from './deps.js';
import { installErrorHandler, MAX_PARAM_LENGTH, REFUSED_BY_HEADER, sendClientError, sendFrameworkError } from './error-handler.js';
import { installGuard } from './guard.js';
import { buildOpenApi } from './openapi.js';
import { registerRoutes } from './register-routes.js';
import type { AnyRoute } from './route.js';
import { authRoutes } from './routes/auth.js';
import { backyardRoutes } from './routes/backyard.js';
import { conductorClassRoutes } from './routes/conductor-classes.js';
import { executeCheckRoutes } from './routes/execute-check.js';
import { fleetRoutes } from './routes/fleet.js';
import { itaRoutes } from './routes/ita.js';
import { jobHistoryRoutes } from './routes/job-history.js';
import { maintenanceRoutes } from './routes/maintenance.js';
import { menuJobRoutes } from './routes/menu-jobs.js';
import { menuExcelRoutes } from './routes/menu-excel.js';
import { menuRoutes } from './routes/menus.js';
import { openIdConnectRoutes } from './routes/openid-connect.js';
import { platformRoutes } from './routes/platform.js';
import { systemRoutes } from './routes/system.js';

/** Every declared route of the API, in the order the OpenAPI document lists them. */
export const API_ROUTES: readonly AnyRoute[] = [
  ...systemRoutes,
  ...authRoutes,
  ...openIdConnectRoutes,
  ...maintenanceRoutes,
  ...platformRoutes,
  ...itaRoutes,
  ...menuRoutes,
  ...menuExcelRoutes,
  ...backyardRoutes,
  ...conductorClassRoutes,
  ...menuJobRoutes,
  ...executeCheckRoutes,
  ...jobHistoryRoutes,
  ...fleetRoutes,
];

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

  acceptJson(app);

  await app.register(cookie);
  installErrorHandler(app, deps);
  installGuard(app, deps, gate);
  await registerRoutes(app, deps, API_ROUTES, { maintenanceGate: gate, checkAnswers: build.checkAnswers ?? false });

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
