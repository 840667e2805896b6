interface Waiting<Q, R> {
  readonly request: Q;
  resolve(result: R): void;
  reject(err: unknown): void;
}

/**
 * Serves many pairs' requests to the store with one statement set: requests made while a batch is
 * under way, or in the same turn of the event loop, are served together by the next batch, and each
 * caller resumes when its batch is done. At most one request per key (a pair) goes in a batch; a
 * second one waits for the next. One batch at a time.
 *
 * A batch that fails is served again one request at a time when `alone` says so of its error (a
 * request that cannot be served then fails its own caller only); otherwise every caller gets the error.
 */
export class Batcher<Q, R> {
  private waiting: Array<Waiting<Q, R>> = [];
  private running = false;

  constructor(
    /** Serves a batch: one result per request, in order. */
    private readonly serve: (requests: readonly Q[]) => Promise<R[]>,
    /** What a request is about (a pair id): a batch holds at most one request per key. */
    private readonly keyOf: (request: Q) => string,
    /** Whether a batch that failed with `err` is served again one request at a time. */
    private readonly alone: (err: unknown) => boolean,
  ) {}

  /** Queues a request; resolves with its result once its batch is done. */
  add(request: Q): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (!this.running) {
        this.running = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      // One turn of the event loop first: the callers whose previous request was just served (and
      // whose next step needs no I/O) make their next request before the batch is taken.
      await new Promise((resolve) => setImmediate(resolve));
      const batch = this.take();
      if (batch.length === 0) {
        this.running = false;
        return;
      }
      await this.run(batch);
    }
  }

  private take(): Array<Waiting<Q, R>> {
    const keys = new Set<string>();
    const batch: Array<Waiting<Q, R>> = [];
    const later: Array<Waiting<Q, R>> = [];
    for (const w of this.waiting) {
      const key = this.keyOf(w.request);
      if (keys.has(key)) later.push(w);
      else {
        keys.add(key);
        batch.push(w);
      }
    }
    this.waiting = later;
    return batch;
  }

  private async run(batch: ReadonlyArray<Waiting<Q, R>>): Promise<void> {
    try {
      const results = await this.serve(batch.map((w) => w.request));
      batch.forEach((w, i) => w.resolve(results[i]!));
      return;
    } catch (err) {
      if (batch.length === 1 || !this.alone(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
    }
    for (const w of batch) {
      try {
        const [result] = await this.serve([w.request]);
        w.resolve(result!);
      } catch (err) {
        w.reject(err);
      }
    }
  }
}
