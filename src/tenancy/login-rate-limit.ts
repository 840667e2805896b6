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

  /** Seconds until the caller may try again, or 0 when it may try now. */
  retryAfterSeconds(user: string, address: string): number {
    const now = this.#now();
    const waits = [
      this.#wait(`u:${user}`, this.#limits.maxFailuresPerUser, now),
      this.#wait(`a:${address}`, this.#limits.maxFailuresPerAddress, now),
    ];
    return Math.max(...waits);
  }

  recordFailure(user: string, address: string): void {
    this.#add([`u:${user}`, `a:${address}`], this.#now());
  }

  /**
   * Counts an attempt as failed before its password is checked (scrypt takes ~100 ms), so that
   * concurrent attempts see each other and a burst cannot check more passwords than the limit
   * allows. Returns the function that takes the attempt back when it succeeds. `address` is
   * omitted when the same attempt already counted against it (a fallback account).
   */
  reserve(user: string, address: string | undefined): () => void {
    const now = this.#now();
    const keys = [`u:${user}`, ...(address === undefined ? [] : [`a:${address}`])];
    this.#add(keys, now);
    return () => {
      for (const key of keys) {
        const list = this.#failures.get(key);
        const index = list?.indexOf(now) ?? -1;
        if (index >= 0) list!.splice(index, 1);
      }
    };
  }

  #add(keys: readonly string[], now: number): void {
    for (const key of keys) {
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
