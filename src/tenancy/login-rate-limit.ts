/**
 * Counts failed sign-ins per user name and per client address in a sliding window; once either
 * passes its limit, further attempts are refused without checking the password until the window
 * has moved on. Per process: a cluster of N replicas allows at most N times the limit, which still
 * makes guessing impractical and needs no shared state.
 */
export class LoginRateLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #limits: { maxFailuresPerUser: number; maxFailuresPerAddress: number; windowMs: number };
  readonly #now: () => number;

  constructor(
    limits: { maxFailuresPerUser: number; maxFailuresPerAddress: number; windowMs: number },
    now: () => number = Date.now,
  ) {
    this.#limits = limits;
    this.#now = now;
  }

  /**
   * Seconds until the caller may try again, or 0 when it may try now. `users` names every account
   * whose password the attempt would check: it is refused when any of them is locked.
   */
  retryAfterSeconds(users: string | readonly string[], address: string): number {
    const now = this.#now();
    const waits = [
      ...userKeys(users).map((key) => this.#wait(key, this.#limits.maxFailuresPerUser, now)),
      this.#wait(`a:${address}`, this.#limits.maxFailuresPerAddress, now),
    ];
    return Math.max(...waits);
  }

  /** Counts one failure against each account in `users` and once against the address. */
  recordFailure(users: string | readonly string[], address: string): void {
    const now = this.#now();
    for (const key of [...userKeys(users), `a:${address}`]) {
      const list = this.#recent(key, now);
      list.push(now);
      this.#failures.set(key, list);
    }
    if (this.#failures.size > 100_000) this.#prune(now);
  }

  /** A success clears the user's count, not the address's. */
  recordSuccess(user: string): void {
    this.#failures.delete(`u:${user}`);
  }

  #wait(key: string, max: number, now: number): number {
    const list = this.#recent(key, now);
    if (list.length < max) return 0;
    const oldestThatCounts = list[list.length - max]!;
    return Math.max(1, Math.ceil((oldestThatCounts + this.#limits.windowMs - now) / 1000));
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

function userKeys(users: string | readonly string[]): string[] {
  return [...new Set(typeof users === 'string' ? [users] : users)].map((u) => `u:${u}`);
}
