import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { formatMicros, nowTimestamp } from '../store/clock.js';
import type { Database, UsersTable } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { sha256 } from '../util/sha256.js';
import { randomSecret } from './passwords.js';

/**
 * The subset of Exastro's token endpoint (`POST /auth/realms/{realm}/protocol/openid-connect/token`,
 * OpenID Connect as Keycloak answers it) that Exastro's clients use:
 * - `grant_type=password` with `client_id=_{organization}-api` (`_platform-api` in the `master`
 *   realm, the system administrators'): a refresh token — an offline one, that does not expire,
 *   when `scope` asks for `offline_access` — and an access token;
 * - `grant_type=refresh_token`: a new access token for a refresh token.
 * The access token is sent as `Authorization: Bearer …` on every API path.
 *
 * A refresh token is stored like a personal access token (its hash, in `access_tokens`), so the
 * user sees and revokes it with the others. An access token is not stored: it names its refresh
 * token and its expiry and is signed (HMAC-SHA256) with the refresh token's stored hash, which only
 * the server and the holder of the refresh token can compute. A refresh call therefore writes
 * nothing (it works in read-only mode like every read), and revoking the refresh token ends its
 * access tokens at once. The access token is opaque, not a JWT: no Exastro client reads inside it.
 */

/** Refresh tokens start with this (personal access tokens with `ddt_`, access tokens with `dda_`). */
export const REFRESH_TOKEN_PREFIX = 'ddr_';
export const ACCESS_TOKEN_PREFIX = 'dda_';
/** Keycloak's defaults: access tokens live five minutes, a non-offline refresh token thirty. */
export const ACCESS_TOKEN_SECONDS = 300;
export const REFRESH_TOKEN_SECONDS = 1800;
/** The realm of the system administrators, as in Exastro's Keycloak. */
export const MASTER_REALM = 'master';

/** The form a token request carries (application/x-www-form-urlencoded), every field a string. */
export const tokenRequestSchema = z.discriminatedUnion('grant_type', [
  z.object({
    grant_type: z.literal('password'),
    client_id: z.string(),
    username: z.string().min(1),
    password: z.string().min(1),
    scope: z.string().optional(),
  }),
  z.object({ grant_type: z.literal('refresh_token'), client_id: z.string(), refresh_token: z.string().min(1), scope: z.string().optional() }),
]);
export type TokenRequest = z.infer<typeof tokenRequestSchema>;

/** Keycloak's token answer (the fields Exastro's clients read, and the ones it always sends). */
export interface TokenAnswer {
  readonly access_token: string;
  readonly expires_in: number;
  readonly refresh_expires_in: number;
  readonly refresh_token: string;
  readonly token_type: 'Bearer';
  readonly 'not-before-policy': 0;
  readonly session_state: string;
  readonly scope: string;
}

/** An OpenID Connect error (RFC 6749 §5.2): answered as it is, not in Exastro's envelope. */
export class OidcError extends Error {
  constructor(
    readonly status: number,
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type',
    readonly description: string,
  ) {
    super(description);
    this.name = 'OidcError';
  }
}

/** The client id a realm's API clients use: `_{organization}-api`, `_platform-api` in `master`. */
export function apiClientOf(realm: string): string {
  return realm === MASTER_REALM ? '_platform-api' : `_${realm}-api`;
}

/** The organization a realm holds users of (undefined for `master`, the system administrators). */
export function organizationOfRealm(realm: string): string | undefined {
  return realm === MASTER_REALM ? undefined : realm;
}

const SCOPE = 'openid profile email';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Issues a refresh token for a user who has just proved its password, and an access token with it.
 * `offline` (the scope asked for `offline_access`): the refresh token does not expire.
 */
export async function issueRefreshToken(store: Store, user: UsersTable, clientId: string, offline: boolean): Promise<TokenAnswer> {
  const token = REFRESH_TOKEN_PREFIX + randomSecret(30);
  const id = randomUUID();
  const tokenHash = sha256(token);
  await store.transaction('shared', (trx) =>
    trx
      .insertInto('access_tokens')
      .values({
        id,
        user_id: user.id,
        name: `${offline ? 'offline ' : ''}refresh token for ${clientId} (openid-connect)`,
        token_hash: tokenHash,
        created_at: nowTimestamp(),
        expires_at: offline ? null : formatMicros(BigInt(Date.now() + REFRESH_TOKEN_SECONDS * 1000) * 1000n),
        revoked_at: null,
      })
      .execute(),
  );
  return answer(id, tokenHash, token, offline);
}

/** A new access token for a refresh token of the realm's users; `invalid_grant` when it is unknown, expired, revoked or another realm's. */
export async function refreshAccessToken(db: Kysely<Database>, realm: string, refreshToken: string): Promise<TokenAnswer> {
  const row = refreshToken.startsWith(REFRESH_TOKEN_PREFIX) ? await liveToken(db, { hash: sha256(refreshToken) }) : undefined;
  if (!row) throw new OidcError(400, 'invalid_grant', 'Invalid refresh token: it is unknown, expired or revoked. Sign in again with grant_type=password.');
  const user = await db.selectFrom('users').select(['organization_id', 'enabled']).where('id', '=', row.user_id).executeTakeFirst();
  if (!user || user.enabled !== 1) throw new OidcError(400, 'invalid_grant', 'Invalid refresh token: its user is disabled or deleted.');
  if ((user.organization_id ?? MASTER_REALM) !== realm) {
    throw new OidcError(400, 'invalid_grant', `Invalid refresh token: it was issued in realm ${user.organization_id ?? MASTER_REALM}, not ${realm}.`);
  }
  return answer(row.id, row.token_hash, refreshToken, row.expires_at === null);
}

/** The user id an access token (`dda_…`) speaks for, if it is well signed, unexpired and its refresh token still live. */
export async function resolveAccessToken(db: Kysely<Database>, accessToken: string): Promise<string | undefined> {
  const [id, expiry, signature] = accessToken.slice(ACCESS_TOKEN_PREFIX.length).split('.');
  if (id === undefined || expiry === undefined || signature === undefined || !UUID.test(id) || !/^\d{1,12}$/.test(expiry)) return undefined;
  if (Number(expiry) * 1000 <= Date.now()) return undefined;
  const row = await liveToken(db, { id });
  if (!row) return undefined;
  const expected = Buffer.from(sign(row.token_hash, id, expiry));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? row.user_id : undefined;
}

async function liveToken(db: Kysely<Database>, by: { hash: string } | { id: string }) {
  let q = db.selectFrom('access_tokens').select(['id', 'user_id', 'token_hash', 'expires_at']).where('revoked_at', 'is', null);
  q = 'hash' in by ? q.where('token_hash', '=', by.hash) : q.where('id', '=', by.id);
  const row = await q.executeTakeFirst();
  if (!row || (row.expires_at !== null && row.expires_at <= nowTimestamp())) return undefined;
  return row;
}

function sign(key: string, id: string, expiry: string): string {
  return createHmac('sha256', key).update(`${id}.${expiry}`).digest('base64url');
}

function answer(id: string, tokenHash: string, refreshToken: string, offline: boolean): TokenAnswer {
  const expiry = String(Math.floor(Date.now() / 1000) + ACCESS_TOKEN_SECONDS);
  return {
    access_token: `${ACCESS_TOKEN_PREFIX}${id}.${expiry}.${sign(tokenHash, id, expiry)}`,
    expires_in: ACCESS_TOKEN_SECONDS,
    refresh_expires_in: offline ? 0 : REFRESH_TOKEN_SECONDS,
    refresh_token: refreshToken,
    token_type: 'Bearer',
    'not-before-policy': 0,
    session_state: id,
    scope: offline ? `${SCOPE} offline_access` : SCOPE,
  };
}
