import { z } from 'zod';
import { ROLES } from '../../tenancy/roles.js';
import { timestampSchema } from './common.js';

export const roleSchema = z.enum(ROLES);

/** A user as sign-in shows it. */
export const signedInUserSchema = z.strictObject({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  /** Null for system administrators. */
  organization_id: z.string().nullable(),
});

/** `POST /api/auth/login`: send `csrf_token` as X-CSRF-Token with every unsafe call of the session. */
export const signedInSchema = z.strictObject({
  csrf_token: z.string(),
  expires_at: timestampSchema,
  user: signedInUserSchema,
});

/** `GET /api/auth/whoami`: the caller, how it proved who it is, and (sessions) its CSRF token. */
export const whoamiSchema = signedInUserSchema.extend({
  via: z.enum(['basic', 'token', 'session']),
  csrf_token: z.string().optional(),
});

/** A personal access token, never its secret. */
export const tokenSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  created_at: timestampSchema,
  expires_at: timestampSchema.nullable(),
  revoked_at: timestampSchema.nullable(),
  /** Null: the token acts as its user. `fleet-node`: it may only announce fleet nodes. */
  scope: z.string().nullable(),
  /** A `fleet-node` token's node: the one node it may announce. Null for a full token. */
  node: z.string().nullable(),
});

/** `POST /api/auth/tokens`: the token with its secret, shown this once. */
export const issuedTokenSchema = tokenSchema.extend({ token: z.string() });
