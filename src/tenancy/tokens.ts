import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { notFound } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { formatMicros, nowTimestamp } from '../store/clock.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { sha256 } from '../util/sha256.js';
import { randomSecret } from './passwords.js';
import { TOKEN_SCOPES, type TokenScope } from './roles.js';

/** Personal access tokens start with this, so a leaked one is recognisable in logs and scanners. */
export const TOKEN_PREFIX = 'ddt_';
/**
 * Scoped tokens (a fleet node's) start with this instead. A release from before scopes knows only
 * `ddt_` and refuses any other kind of bearer token, so while an older release still serves beside
 * this one (a hand-over, a rolling upgrade) it can never take a node's token for its user's full
 * token — it does not know the `scope` column that limits it.
 */
export const NODE_TOKEN_PREFIX = 'ddn_';

export interface TokenView {
  readonly id: string;
  readonly name: string;
  readonly created_at: string;
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
  /** A scope this release does not know (issued by a newer one) is listed as stored; the token is refused. */
  readonly scope: string | null;
  /** A `fleet-node` token's node: the one node it may announce. */
  readonly node: string | null;
}

/** What a token may do beyond acting as its user: nothing but announce this one fleet node. */
export interface TokenBinding {
  readonly scope: TokenScope;
  readonly node: string;
}

/**
 * Issues a token; the secret is returned once and only its hash is stored. Token issue is allowed
 * in read-only mode (docs/decisions/maintenance-gate.md), so it runs outside the data gate.
 */
export async function issueToken(
  store: Store,
  userId: string,
  name: string,
  expiresInDays: number | undefined,
  binding: TokenBinding | null = null,
): Promise<TokenView & { token: string }> {
  const token = (binding === null ? TOKEN_PREFIX : NODE_TOKEN_PREFIX) + randomSecret(30);
  const now = nowTimestamp();
  const view: TokenView = {
    id: randomUUID(),
    name,
    created_at: now,
    expires_at: expiresInDays === undefined ? null : formatMicros(BigInt(Date.now() + expiresInDays * 86_400_000) * 1000n),
    revoked_at: null,
    scope: binding?.scope ?? null,
    node: binding?.node ?? null,
  };
  await store.transaction('shared', (trx) =>
    trx
      .insertInto('access_tokens')
      .values({ ...view, user_id: userId, token_hash: sha256(token) })
      .execute(),
  );
  return { ...view, token };
}

export async function listTokens(db: Kysely<Database>, userId: string): Promise<TokenView[]> {
  return db
    .selectFrom('access_tokens')
    .select(['id', 'name', 'created_at', 'expires_at', 'revoked_at', 'scope', 'node'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Revokes one of the user's tokens. Allowed in read-only mode: revoking is a security action. */
export async function revokeToken(store: Store, userId: string, tokenId: string): Promise<void> {
  const r = await store.transaction('shared', (trx) =>
    trx
      .updateTable('access_tokens')
      .set({ revoked_at: nowTimestamp() })
      .where('id', '=', tokenId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst(),
  );
  if (Number(r.numUpdatedRows) === 0) throw notFound(MESSAGES.notFound.token(tokenId));
}

/** The user id a presented token belongs to and what binds it (null for a full token), if it is valid now. */
export async function resolveToken(db: Kysely<Database>, token: string): Promise<{ userId: string; binding: TokenBinding | null } | undefined> {
  const row = await db
    .selectFrom('access_tokens')
    .select(['user_id', 'expires_at', 'scope', 'node'])
    .where('token_hash', '=', sha256(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.expires_at !== null && row.expires_at <= nowTimestamp()) return undefined;
  // A scope this release does not know (a newer release issued it) grants nothing here.
  if (row.scope !== null && !(TOKEN_SCOPES as readonly string[]).includes(row.scope)) return undefined;
  // The prefix says what the token is: a scoped one never passes for a full one, nor the reverse.
  if (token.startsWith(NODE_TOKEN_PREFIX) !== (row.scope !== null)) return undefined;
  if (row.scope === null) return { userId: row.user_id, binding: null };
  // A scoped token always names its node; one without would announce any name, so it grants nothing.
  if (row.node === null) return undefined;
  return { userId: row.user_id, binding: { scope: row.scope as TokenScope, node: row.node } };
}
