import '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, MaintenanceRefusal, RESULT, badRequest, forbidden, unauthorized } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { authorize } from '../tenancy/access.js';
import type { Principal } from '../tenancy/roles.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../tenancy/sessions.js';
import type { AppDeps } from './deps.js';
import type { RouteDeclaration } from './route.js';
import { requireStorable } from '../store/storable-text.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every drydock route declares this; see route.ts. */
    drydock?: RouteDeclaration;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

/** Headers and parameters some frameworks honour to change the method; drydock refuses them outright. */
const METHOD_OVERRIDES = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * The request pipeline before a handler: refuse method overrides, authenticate, check CSRF for
 * cookie sessions, authorize by the route's declared access, and refuse declared writes while the
 * cached switches say read-only. Runs in `onRequest`, after routing and before the body is read, so
 * a refused write costs no body parsing.
 *
 * The guard keys only on the matched route's declaration. A request that matches no route never
 * reaches a handler (404); a request with an undeclared route is a programming error and is refused.
 */
export function installGuard(app: FastifyInstance, deps: AppDeps, maintenanceGuard = true): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    for (const h of METHOD_OVERRIDES) {
      if (request.headers[h] !== undefined) {
        throw badRequest(MESSAGES.invalidRequest.methodOverrideHeader(h));
      }
    }
    if (/[?&]_method=/i.test(request.url)) {
      throw badRequest(MESSAGES.invalidRequest.methodParameter);
    }
    if (request.is404) return;
    // Before anything is looked up by them (the organization of the path, first).
    requireStorable(request.params, 'path');
    requireStorable(request.query, 'query');
    const declaration = request.routeOptions.config.drydock;
    if (!declaration) {
      // Routes added by plugins (the API browser's static files) are GET-only.
      if (!SAFE_METHODS.has(request.method)) throw new DomainError(RESULT.methodNotAllowed, MESSAGES.methodNotAllowed.methodNotAllowed);
      return;
    }
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    // A public route needs nobody: credentials sent to it (a script probing a path drydock lacks,
    // answered by the console's catch-all with a 404) are not checked, so they cannot fail.
    const principal =
      declaration.access === 'public'
        ? undefined
        : await deps.authenticator.authenticate({
            authorization: request.headers.authorization,
            sessionCookie: request.cookies[SESSION_COOKIE],
            // The realm a Basic-auth user is looked up in, as Exastro's gateway decides it: the
            // organization of an organization's path (`/api/{organization_id}/…`); on the system's
            // paths (`/api/platform/organizations/{organization_id}`, …) the organization is what is
            // acted on, and the caller is a system administrator — found by Exastro's
            // delete-organization.sh, whose sample organization has a manager named like the administrator.
            organizationId: request.routeOptions.url?.startsWith('/api/:organization_id/') ? params.organization_id : undefined,
            address: request.ip,
          });
    request.principal = principal;
    if (declaration.access !== 'public') {
      if (!principal) throw unauthorized(MESSAGES.unauthorized.authenticationRequired);
      if (principal.via === 'session' && !SAFE_METHODS.has(request.method)) checkCsrf(request, principal);
      await authorize(deps.store.db, principal, declaration.access, {
        organizationId: params.organization_id,
        workspaceId: params.workspace_id,
      });
    }
    const writes = declaration.writes;
    if (maintenanceGuard && typeof writes === 'string' && writes !== 'read' && deps.maintenance.refusesWrites()) {
      throw new MaintenanceRefusal(writes, 'guard');
    }
  });
}

function checkCsrf(request: FastifyRequest, principal: Principal): void {
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || sent !== principal.csrfToken) {
    throw forbidden(MESSAGES.forbidden.csrf(CSRF_HEADER));
  }
}
