import type { Kysely } from 'kysely';
import { formatMicros, nowTimestamp } from '../store/clock.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { sha256 } from '../util/sha256.js';
import { randomSecret } from './passwords.js';

/** The console's session cookie. */
export const SESSION_COOKIE = 'drydock_session';
/** Header a cookie-authenticated request must echo the session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Starts a console session. The cookie carries a random id; the store keeps only its hash and a
 * CSRF token the console sends back in `X-CSRF-Token` on every unsafe request (synchronizer
 * token pattern). Sign-in works in read-only mode, so this runs outside the data gate.
 */
export async function startSession(store: Store, userId: string, ttlMs: number): Promise<{ sessionId: string; csrfToken: string; expiresAt: string }> {
  const sessionId = randomSecret(32);
  const csrfToken = randomSecret(24);
  const expiresAt = formatMicros(BigInt(Date.now() + ttlMs) * 1000n);
  await store.transaction('shared', async (trx) => {
    await trx.deleteFrom('sessions').where('expires_at', '<', nowTimestamp()).execute();
    await trx
      .insertInto('sessions')
      .values({ id_hash: sha256(sessionId), user_id: userId, csrf_token: csrfToken, created_at: nowTimestamp(), expires_at: expiresAt })
      .execute();
  });
  return { sessionId, csrfToken, expiresAt };
}

export async function resolveSession(db: Kysely<Database>, sessionId: string): Promise<{ userId: string; csrfToken: string; idHash: string } | undefined> {
  const idHash = sha256(sessionId);
  const row = await db.selectFrom('sessions').select(['user_id', 'csrf_token', 'expires_at']).where('id_hash', '=', idHash).executeTakeFirst();
  if (!row || row.expires_at <= nowTimestamp()) return undefined;
  return { userId: row.user_id, csrfToken: row.csrf_token, idHash };
}

export async function endSession(store: Store, idHash: string): Promise<void> {
  await store.transaction('shared', (trx) => trx.deleteFrom('sessions').where('id_hash', '=', idHash).execute());
}
