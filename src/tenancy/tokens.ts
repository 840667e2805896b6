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
 * How a binding is stored in `access_tokens.scope`: `fleet-node:PROD_P_017`. Every release refuses a
 * stored scope it does not know, so the release before tokens named their node — which knows a bare
 * `fleet-node` and would let such a token announce any node — refuses a bound token outright while it
 * still serves beside this one. A bare `fleet-node` (a token that release issued) names no node: this
 * release refuses it, saying to issue one per node (`'unbound'`).
 */
function storedScope(binding: TokenBinding): string {
  return `${binding.scope}:${binding.node}`;
}

function parseStoredScope(stored: string): TokenBinding | 'unbound' | undefined {
  const known = (scope: string): scope is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(scope);
  const colon = stored.indexOf(':');
  if (colon < 0) return known(stored) ? 'unbound' : undefined;
  const scope = stored.slice(0, colon);
  const node = stored.slice(colon + 1);
  return known(scope) && node !== '' ? { scope, node } : undefined;
}

/** A stored token row as listed: its scope and node apart. A scope this release does not know is listed as stored. */
function toTokenView(row: Omit<TokenView, 'node'>): TokenView {
  if (row.scope === null) return { ...row, node: null };
  const parsed = parseStoredScope(row.scope);
  if (parsed === undefined) return { ...row, node: null };
  return parsed === 'unbound' ? { ...row, node: null } : { ...row, scope: parsed.scope, node: parsed.node };
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
  const { node: _node, ...columns } = view;
  await store.transaction('shared', (trx) =>
    trx
      .insertInto('access_tokens')
      .values({ ...columns, scope: binding === null ? null : storedScope(binding), user_id: userId, token_hash: sha256(token) })
      .execute(),
  );
  return { ...view, token };
}

export async function listTokens(db: Kysely<Database>, userId: string): Promise<TokenView[]> {
  const rows = await db
    .selectFrom('access_tokens')
    .select(['id', 'name', 'created_at', 'expires_at', 'revoked_at', 'scope'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toTokenView);
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

/**
 * The user id a presented token belongs to and what binds it (null for a full token), if it is valid
 * now; `'unbound'` for a node token issued before tokens named their node (refused, with its own message).
 */
export async function resolveToken(db: Kysely<Database>, token: string): Promise<{ userId: string; binding: TokenBinding | null } | 'unbound' | undefined> {
  const row = await db
    .selectFrom('access_tokens')
    .select(['user_id', 'expires_at', 'scope'])
    .where('token_hash', '=', sha256(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.expires_at !== null && row.expires_at <= nowTimestamp()) return undefined;
  // The prefix says what the token is: a scoped one never passes for a full one, nor the reverse.
  if (token.startsWith(NODE_TOKEN_PREFIX) !== (row.scope !== null)) return undefined;
  if (row.scope === null) return { userId: row.user_id, binding: null };
  // A scope this release does not know (a newer release issued it) grants nothing here.
  const binding = parseStoredScope(row.scope);
  return binding === undefined || binding === 'unbound' ? binding : { userId: row.user_id, binding };
}
