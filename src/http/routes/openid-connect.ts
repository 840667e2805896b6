import { z } from 'zod';
import { DomainError, RESULT, RateLimited } from '../../errors.js';
import { tenantIdSchema } from '../../tenancy/ids.js';
import {
  MASTER_REALM,
  OidcError,
  apiClientOf,
  issueRefreshToken,
  organizationOfRealm,
  refreshAccessToken,
  tokenRequestSchema,
} from '../../tenancy/openid-connect.js';
import { defineRoute, type AnyRoute } from '../route.js';

/**
 * Exastro's token endpoint (tenancy/openid-connect.ts). It answers as an OpenID Connect server
 * does — the token JSON, or `{error, error_description}` — not in Exastro's envelope, since the
 * clients that call it read Keycloak's answers.
 */
export const openIdConnectRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    url: '/auth/realms/:realm/protocol/openid-connect/token',
    summary:
      'Token endpoint (form: grant_type=password with username, password and client_id=_{organization}-api, or grant_type=refresh_token with refresh_token): send the access_token as "Authorization: Bearer …"',
    tag: 'auth',
    access: 'public',
    accepts: 'form',
    writes: { exempt: 'signing in keeps working in read-only mode (docs/decisions/maintenance-gate.md)' },
    params: z.object({ realm: tenantIdSchema.or(z.literal(MASTER_REALM)) }),
    response: {
      contentTypes: ['application/json'],
      description: "The token answer as Keycloak's (access_token, expires_in, refresh_token, …), or an OpenID Connect error",
    },
    handler: async ({ params, request, reply, deps, db }) => {
      void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      try {
        const parsed = tokenRequestSchema.safeParse(request.body);
        if (!parsed.success) {
          const grant = (request.body as Record<string, unknown> | undefined)?.grant_type;
          if (typeof grant === 'string' && grant !== 'password' && grant !== 'refresh_token') {
            throw new OidcError(400, 'unsupported_grant_type', `grant_type ${grant} is not supported: use password or refresh_token.`);
          }
          throw new OidcError(
            400,
            'invalid_request',
            'Send a form (application/x-www-form-urlencoded) with grant_type=password, client_id, username and password, or grant_type=refresh_token, client_id and refresh_token.',
          );
        }
        const form = parsed.data;
        const client = apiClientOf(params.realm);
        if (form.client_id !== client) {
          throw new OidcError(401, 'invalid_client', `Unknown client ${form.client_id} in realm ${params.realm}: use client_id=${client}.`);
        }
        if (form.grant_type === 'refresh_token') return reply.send(await refreshAccessToken(db, params.realm, form.refresh_token));
        const user = await deps.authenticator.checkPassword(organizationOfRealm(params.realm), form.username, form.password, request.ip);
        const offline = (form.scope ?? '').split(/\s+/).includes('offline_access');
        return reply.send(await issueRefreshToken(deps.store, user, client, offline));
      } catch (err) {
        if (err instanceof OidcError) return reply.code(err.status).send({ error: err.error, error_description: err.message });
        if (err instanceof RateLimited) {
          return reply.code(429).header('retry-after', String(err.retryAfterSeconds)).send({ error: 'invalid_grant', error_description: err.message });
        }
        if (err instanceof DomainError && err.result === RESULT.unauthorized) {
          return reply.code(401).send({ error: 'invalid_grant', error_description: 'Invalid user credentials' });
        }
        throw err;
      }
    },
  }),
];
