import { z } from 'zod';
import { notFound } from '../../errors.js';
import { parseNodeName } from '../../fleet/node-names.js';
import { MESSAGES } from '../../i18n/server-messages.js';
import { tenantIdSchema, usernameSchema } from '../../tenancy/ids.js';
import { SESSION_COOKIE, endSession, startSession } from '../../tenancy/sessions.js';
import { TOKEN_SCOPES } from '../../tenancy/roles.js';
import { issueToken, listTokens, revokeToken } from '../../tenancy/tokens.js';
import type { Role } from '../../tenancy/roles.js';
import { findUserById } from '../../tenancy/users.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { issuedTokenSchema, signedInSchema, tokenSchema, whoamiSchema } from '../wire/auth.js';
import { nothingSchema } from '../wire/common.js';

const SIGN_IN_IS_ALLOWED = 'sign-in, sign-out and tokens keep working in read-only mode (docs/decisions/maintenance-gate.md)';

const loginSchema = z
  .object({
    /** Empty or absent for system administrators. */
    organization_id: tenantIdSchema.or(z.literal('')).optional(),
    username: usernameSchema,
    password: z.string().min(1).max(1024),
  })
  .strict();

/** Sign-in/out for the console, the caller's identity, and personal access tokens. */
export const authRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    url: '/api/auth/login',
    summary: 'Sign in: sets the session cookie and returns the CSRF token to send in X-CSRF-Token',
    tag: 'auth',
    access: 'public',
    writes: { exempt: SIGN_IN_IS_ALLOWED },
    body: loginSchema,
    response: signedInSchema,
    handler: async ({ body, deps, request, reply }) => {
      const org = body.organization_id || undefined;
      const user = await deps.authenticator.checkPassword(org, body.username, body.password, request.ip);
      const session = await startSession(deps.store, user.id, deps.options.sessionTtlMs);
      void reply.setCookie(SESSION_COOKIE, session.sessionId, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        expires: new Date(session.expiresAt),
      });
      return {
        csrf_token: session.csrfToken,
        expires_at: session.expiresAt,
        user: { id: user.id, username: user.username, role: user.role as Role, organization_id: user.organization_id },
      };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/auth/logout',
    summary: 'Sign out: ends the session',
    tag: 'auth',
    access: 'authenticated',
    writes: { exempt: SIGN_IN_IS_ALLOWED },
    response: nothingSchema,
    handler: async ({ principal, deps, reply }) => {
      if (principal.sessionIdHash) await endSession(deps.store, principal.sessionIdHash);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return null;
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/auth/whoami',
    summary: 'The caller, its role, and (for sessions) the CSRF token',
    tag: 'auth',
    access: 'authenticated',
    writes: 'read',
    response: whoamiSchema,
    handler: async ({ principal, db }) => {
      const user = await findUserById(db, principal.userId);
      if (!user) throw notFound(MESSAGES.notFound.ownUserGone);
      return {
        id: user.id,
        username: user.username,
        role: user.role as Role,
        organization_id: user.organization_id,
        via: principal.via,
        ...(principal.csrfToken !== undefined && { csrf_token: principal.csrfToken }),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/auth/tokens',
    summary: 'Your personal access tokens (never their secrets)',
    tag: 'auth',
    access: 'authenticated',
    writes: 'read',
    response: z.array(tokenSchema),
    handler: async ({ principal, db }) => listTokens(db, principal.userId),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/auth/tokens',
    summary: 'Issue a personal access token; the secret is shown once. Use it as "Authorization: Bearer …"',
    tag: 'auth',
    access: 'authenticated',
    writes: { exempt: SIGN_IN_IS_ALLOWED },
    body: z
      .object({
        name: z.string().min(1).max(255),
        expires_in_days: z.number().int().min(1).max(3650).optional(),
        scope: z.enum(TOKEN_SCOPES, 'must be fleet-node (a token that may only announce one fleet node), or left out for a full token').optional(),
        node: z
          .string()
          .max(200)
          .refine((n) => !('error' in parseNodeName(n)), 'must be a node name <ENV_TYPE>_<P|S>_<ENV_ID>, e.g. PROD_P_017')
          .optional(),
      })
      .strict()
      // A node token is bound to its node, so a token taken from one node cannot re-point another.
      .refine((b) => b.scope === undefined || b.node !== undefined, {
        path: ['node'],
        message: 'name the node this fleet-node token may announce, e.g. "node": "PROD_P_017" (issue one token per node)',
      })
      .refine((b) => b.node === undefined || b.scope !== undefined, {
        path: ['node'],
        message: 'only a token with "scope": "fleet-node" is bound to a node; leave node out for a full token',
      }),
    response: issuedTokenSchema,
    handler: async ({ principal, deps, body }) =>
      issueToken(deps.store, principal.userId, body.name, body.expires_in_days, body.scope && body.node ? { scope: body.scope, node: body.node } : null),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/auth/tokens/:token_id',
    summary: 'Revoke one of your tokens',
    tag: 'auth',
    access: 'authenticated',
    writes: { exempt: SIGN_IN_IS_ALLOWED },
    params: z.object({ token_id: z.uuid() }),
    response: nothingSchema,
    handler: async ({ principal, deps, params }) => revokeToken(deps.store, principal.userId, params.token_id).then(() => null),
  }),
];
