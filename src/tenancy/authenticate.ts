import { RateLimited, unauthorized } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import type { Store } from '../store/store.js';
import type { UsersTable } from '../store/schema.js';
import { unstorable } from '../store/storable-text.js';
import { LoginRateLimiter } from './login-rate-limit.js';
import { sha256 } from '../util/sha256.js';
import { verifyPassword } from './passwords.js';
import type { Principal, Role } from './roles.js';
import { resolveSession } from './sessions.js';
import { ACCESS_TOKEN_PREFIX, resolveAccessToken } from './openid-connect.js';
import { NODE_TOKEN_PREFIX, TOKEN_PREFIX, resolveToken } from './tokens.js';
import { findUserById, findUserForLogin } from './users.js';

/** What a request presents; the HTTP layer extracts it, this module decides. */
export interface Credentials {
  readonly authorization: string | undefined;
  readonly sessionCookie: string | undefined;
  /** The organization named in the path, if any: Basic auth looks the user up there first. */
  readonly organizationId: string | undefined;
  readonly address: string;
}

/**
 * Turns credentials into a Principal.
 *
 * Basic auth is checked on every call by Exastro's clients, and scrypt is deliberately slow, so a
 * successful check is remembered for a minute under a hash of (user row, password, stored hash):
 * changing the password changes the stored hash and so misses the cache.
 */
export class Authenticator {
  readonly #store: Store;
  readonly #limiter: LoginRateLimiter;
  readonly #verified = new Map<string, number>();
  readonly #verifying = new Map<string, Promise<boolean>>();
  readonly #attempts = new Map<string, Promise<UsersTable>>();
  static readonly VERIFIED_TTL_MS = 60_000;

  constructor(store: Store, limiter: LoginRateLimiter) {
    this.#store = store;
    this.#limiter = limiter;
  }

  get limiter(): LoginRateLimiter {
    return this.#limiter;
  }

  /** The principal, or undefined when nothing was presented. Throws 401 / 429 on bad credentials. */
  async authenticate(credentials: Credentials): Promise<Principal | undefined> {
    const auth = credentials.authorization?.trim();
    if (auth) {
      const space = auth.indexOf(' ');
      const scheme = (space < 0 ? auth : auth.slice(0, space)).toLowerCase();
      const value = space < 0 ? '' : auth.slice(space + 1).trim();
      if (scheme === 'basic') return this.#basic(value, credentials);
      if (scheme === 'bearer') return this.#bearer(value);
      throw unauthorized(MESSAGES.unauthorized.unsupportedScheme(scheme));
    }
    if (credentials.sessionCookie) {
      const session = await resolveSession(this.#store.db, credentials.sessionCookie);
      if (!session) throw unauthorized(MESSAGES.unauthorized.sessionExpired);
      const user = await findUserById(this.#store.db, session.userId);
      if (!user) throw unauthorized(MESSAGES.unauthorized.sessionExpired);
      return { ...principalOf(user, 'session'), csrfToken: session.csrfToken, sessionIdHash: session.idHash };
    }
    return undefined;
  }

  /**
   * Checks a user name and password for sign-in or Basic auth: in `organizationId` when given and
   * it has such a user, else among the system administrators. Throttled per (account, address)
   * (login-rate-limit.ts).
   */
  async checkPassword(organizationId: string | undefined, username: string, password: string, address: string): Promise<UsersTable> {
    // A name no store can hold names nobody (and must not reach a lookup: PostgreSQL refuses U+0000).
    if (unstorable(username) !== undefined || (organizationId !== undefined && unstorable(organizationId) !== undefined)) throw unauthorized();
    // Concurrent attempts with the same credentials from the same address (a client's burst of
    // Basic-auth calls) are one attempt: checked once, counted once. From another address it is
    // another attempt, throttled on its own.
    const flight = sha256(`${organizationId ?? ''}\0${username}\0${password}\0${address}`);
    let pending = this.#attempts.get(flight);
    if (!pending) {
      pending = this.#checkPassword(organizationId, username, password, address).finally(() => this.#attempts.delete(flight));
      this.#attempts.set(flight, pending);
    }
    return pending;
  }

  async #checkPassword(organizationId: string | undefined, username: string, password: string, address: string): Promise<UsersTable> {
    // The account this attempt checks: the organization's user when the path (or body) names an
    // organization that has one of that name; otherwise the system administrator of that name
    // (administrators act on organization paths too). One account, and only it is charged with a
    // failure: an organization user's wrong password never slows the administrator of the same name.
    const orgUser = organizationId === undefined ? undefined : await findUserForLogin(this.#store.db, organizationId, username);
    const account = orgUser ? `${organizationId}/${username}` : `/${username}`;
    const user = orgUser ?? (await findUserForLogin(this.#store.db, null, username));
    // Checked and counted as failed before the slow check, in one synchronous step: concurrent
    // guesses see each other, so a burst cannot check more passwords than the limit allows. A
    // success takes it back.
    const wait = this.#limiter.retryAfterSeconds(account, address);
    if (wait > 0) {
      throw new RateLimited(wait);
    }
    if (user && this.#recentlyVerified(user, password)) {
      this.#limiter.recordSuccess(account, address);
      return user;
    }
    const takeBack = this.#limiter.reserve(account, address);
    if (user && (await this.#passwordMatches(user, password))) {
      takeBack();
      this.#limiter.recordSuccess(account, address);
      return user;
    }
    throw unauthorized();
  }

  async #basic(value: string, credentials: Credentials): Promise<Principal> {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw unauthorized(MESSAGES.unauthorized.malformedBasic);
    // `organization/user` names the organization explicitly (user names cannot contain "/"): how an
    // organization user authenticates on paths without an organization (/api/auth/tokens), and how
    // a call to another organization's path is recognised as a known user (403), not an unknown one (401).
    // `/user` (nothing before the slash) names the system administrator explicitly: on an
    // organization's path a bare name means that organization's user when it has one, so an
    // organization user called `admin` would otherwise stand in front of the administrator there.
    const login = decoded.slice(0, colon);
    const slash = login.indexOf('/');
    const [organizationId, username] =
      slash > 0 ? [login.slice(0, slash), login.slice(slash + 1)] : slash === 0 ? [undefined, login.slice(1)] : [credentials.organizationId, login];
    const user = await this.checkPassword(organizationId, username, decoded.slice(colon + 1), credentials.address);
    return principalOf(user, 'basic');
  }

  async #bearer(token: string): Promise<Principal> {
    const resolved =
      token.startsWith(TOKEN_PREFIX) || token.startsWith(NODE_TOKEN_PREFIX)
        ? await resolveToken(this.#store.db, token)
        : token.startsWith(ACCESS_TOKEN_PREFIX)
          ? await resolveAccessToken(this.#store.db, token).then((userId) => (userId === undefined ? undefined : { userId, binding: null }))
          : unauthorizedKind();
    if (resolved === 'unbound') throw unauthorized(MESSAGES.unauthorized.nodeTokenUnbound);
    const user = resolved === undefined ? undefined : await findUserById(this.#store.db, resolved.userId);
    if (!user) throw unauthorized(MESSAGES.unauthorized.tokenInvalid);
    const principal = principalOf(user, 'token');
    return resolved?.binding ? { ...principal, scope: resolved.binding.scope, node: resolved.binding.node } : principal;
  }

  /** Whether these credentials were verified within the last minute (no scrypt needed). */
  #recentlyVerified(user: UsersTable, password: string): boolean {
    const until = this.#verified.get(sha256(`${user.id}\0${user.password_hash}\0${password}`));
    return until !== undefined && until > Date.now();
  }

  async #passwordMatches(user: UsersTable, password: string): Promise<boolean> {
    const key = sha256(`${user.id}\0${user.password_hash}\0${password}`);
    if (this.#recentlyVerified(user, password)) return true;
    // Single flight: a burst of requests with the same credentials runs scrypt once.
    let pending = this.#verifying.get(key);
    if (!pending) {
      pending = verifyPassword(password, user.password_hash).finally(() => this.#verifying.delete(key));
      this.#verifying.set(key, pending);
    }
    if (!(await pending)) return false;
    if (this.#verified.size > 10_000) this.#verified.clear();
    this.#verified.set(key, Date.now() + Authenticator.VERIFIED_TTL_MS);
    return true;
  }
}

function unauthorizedKind(): never {
  throw unauthorized(MESSAGES.unauthorized.unknownTokenKind);
}

function principalOf(user: UsersTable, via: Principal['via']): Principal {
  return {
    userId: user.id,
    username: user.username,
    role: user.role as Role,
    organizationId: user.organization_id,
    via,
  };
}
