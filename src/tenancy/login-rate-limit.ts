/**
 * Slows password guessing without letting anyone lock an account's owner out.
 *
 * Failures are counted per (account, client address) pair in a sliding window. After
 * `failuresBeforeDelay` failures a pair must wait before its next attempt, 1 s, then 2, 4, 8 … (at
 * most the window) after its last failure. So an attacker is slowed on every address it uses, and
 * the owner — from an address that has not failed — is never made to wait: the per-account lockout
 * this replaces let anyone keep the system administrator out (and so the system stuck in read-only
 * mode) with five wrong passwords.
 *
 * An address with `maxFailuresPerAddress` failures in the window (spraying many accounts) is refused
 * for every account that has failed from it; an account that has not (another person behind the
 * same NAT or load balancer) is still let through.
 *
 * Per process: a cluster of N replicas allows at most N times as many attempts, which still makes
 * guessing impractical and needs no shared state. Which address a request comes from is the
 * server's business (`DRYDOCK_TRUST_PROXY`: a forwarded address counts only from a trusted proxy).
 */
export interface LoginThrottleLimits {
  readonly failuresBeforeDelay: number;
  readonly maxFailuresPerAddress: number;
  readonly windowMs: number;
}

export class LoginRateLimiter {
  /** Failure times per key: `p:<account>|<address>` for a pair, `a:<address>` for an address. */
  readonly #failures = new Map<string, number[]>();
  readonly #limits: LoginThrottleLimits;
  readonly #now: () => number;

  constructor(limits: LoginThrottleLimits, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Seconds until this account may be tried again from this address, or 0 when it may be now. */
  retryAfterSeconds(account: string, address: string): number {
    const now = this.#now();
    const pair = this.#recent(pairKey(account, address), now);
    let waitMs = 0;
    const over = pair.length - this.#limits.failuresBeforeDelay;
    if (over >= 0) {
      const delay = Math.min(1000 * 2 ** over, this.#limits.windowMs);
      waitMs = Math.max(waitMs, pair.at(-1)! + delay - now);
    }
    if (pair.length > 0) {
      const fromAddress = this.#recent(addressKey(address), now);
      const max = this.#limits.maxFailuresPerAddress;
      if (fromAddress.length >= max) waitMs = Math.max(waitMs, fromAddress[fromAddress.length - max]! + this.#limits.windowMs - now);
    }
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
  }

  recordFailure(account: string, address: string): void {
    this.#add([pairKey(account, address), addressKey(address)], this.#now());
  }

  /**
   * Counts an attempt as failed before its password is checked (scrypt takes ~100 ms), so that
   * concurrent attempts see each other and a burst cannot check more passwords than the limit
   * allows. Returns the function that takes the attempt back when it succeeds.
   */
  reserve(account: string, address: string): () => void {
    const now = this.#now();
    const keys = [pairKey(account, address), addressKey(address)];
    this.#add(keys, now);
    return () => {
      for (const key of keys) {
        const list = this.#failures.get(key);
        const index = list?.indexOf(now) ?? -1;
        if (index >= 0) list!.splice(index, 1);
      }
    };
  }

  /** A success clears the pair's failures, not the address's. */
  recordSuccess(account: string, address: string): void {
    this.#failures.delete(pairKey(account, address));
  }

  #add(keys: readonly string[], now: number): void {
    for (const key of keys) {
      const list = this.#recent(key, now);
      list.push(now);
      this.#failures.set(key, list);
    }
    if (this.#failures.size > 100_000) this.#prune(now);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => t > now - this.#limits.windowMs);
  }

  #prune(now: number): void {
    for (const [key, list] of this.#failures) {
      if (!list.some((t) => t > now - this.#limits.windowMs)) this.#failures.delete(key);
    }
  }
}

const pairKey = (account: string, address: string) => `p:${account}|${address}`;
const addressKey = (address: string) => `a:${address}`;
