import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * A load generator for the phased-upgrade tests: a few request loops per pair, each sending GET
 * requests back to back through the pair's switch for as long as the test runs, recording every
 * failure and which node and version answered. "Zero failed requests" is asserted on its report.
 */

/** Where one pair's traffic goes (the switch's front port of the pair). */
export interface LoadTarget {
  readonly pair: string;
  readonly url: string;
}

/** Tuning; the defaults suit a 2-core machine running a fleet next to the test. */
export interface LoadOptions {
  /** Request loops per pair, each with at most one request in flight. Default 2. */
  readonly concurrency?: number;
  /** Pause between a loop's answer and its next request. Default 5 ms (16 loops of 8 pairs stay around 1–2k req/s). */
  readonly pauseMs?: number;
  /** A request without a complete answer after this long is a failure. Default 10 000 ms. */
  readonly timeoutMs?: number;
}

/** One failed request. */
export interface LoadFailure {
  /** Wall-clock time the request was sent (ISO 8601). */
  readonly at: string;
  /** Milliseconds since the load started, when the request was sent. */
  readonly sinceStartMs: number;
  readonly loop: number;
  /** The network error, `status 502: <body>`, or what was wrong with the body. */
  readonly error: string;
}

/** What one pair's traffic saw. */
export interface PairLoadReport {
  readonly pair: string;
  readonly requests: number;
  readonly failures: readonly LoadFailure[];
  /**
   * The versions that answered, in the order they took over: a new entry only for an answer to a
   * request sent after an answer with the current value was complete. Loops run concurrently, so a
   * slow request routed before a switch can complete after one routed after it; without this rule
   * it would show as a switch back. With continuous load the sequence is exact: v1 → v2 is
   * `['1.0.0', '2.0.0']`.
   */
  readonly versions: readonly string[];
  /** The nodes that answered, by the same rule: a switch and a switch back read `[P, S, P]`. */
  readonly nodes: readonly string[];
  readonly maxLatencyMs: number;
}

/** The whole run. */
export interface LoadReport {
  readonly durationMs: number;
  readonly requests: number;
  readonly failures: number;
  readonly pairs: Readonly<Record<string, PairLoadReport>>;
}

/** A running load. */
export interface LoadGenerator {
  /** The report so far (the load keeps running). */
  snapshot(): LoadReport;
  /** Resolves once every pair has answered `count` more requests than when called (successes or failures); rejects after `timeoutMs`. */
  progress(count?: number, timeoutMs?: number): Promise<void>;
  /** Stops every loop, waits for requests in flight, closes the connections, and returns the final report. */
  stop(): Promise<LoadReport>;
}

/** A change sequence that only accepts a change from a request causally after the current value's answer (see PairLoadReport.versions). */
class ChangeSequence {
  readonly values: string[] = [];
  #completedAt = -Infinity;

  see(value: string, sentAt: number, completedAt: number): void {
    const current = this.values[this.values.length - 1];
    if (current === value) return;
    if (current !== undefined && sentAt < this.#completedAt) return;
    this.values.push(value);
    this.#completedAt = completedAt;
  }
}

interface PairState {
  readonly target: LoadTarget;
  requests: number;
  readonly failures: LoadFailure[];
  readonly versions: ChangeSequence;
  readonly nodes: ChangeSequence;
  maxLatencyMs: number;
}

/** Starts `concurrency` request loops per target at once. */
export function startLoad(targets: readonly LoadTarget[], options: LoadOptions = {}): LoadGenerator {
  const concurrency = options.concurrency ?? 2;
  const pauseMs = options.pauseMs ?? 5;
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Keep-alive like a real client. Idle sockets close after 4 s, before the switch's 30 s
  // keep-alive timeout, so it is never the server that closes a socket this client may be reusing.
  const agent = new http.Agent({ keepAlive: true, timeout: 4_000 });
  const t0 = performance.now();
  const startedWall = Date.now();
  let running = true;
  const pairs = targets.map((target): PairState => ({
    target,
    requests: 0,
    failures: [],
    versions: new ChangeSequence(),
    nodes: new ChangeSequence(),
    maxLatencyMs: 0,
  }));

  async function loop(state: PairState, loopIndex: number): Promise<void> {
    while (running) {
      const sentAt = performance.now();
      const result = await get(agent, state.target.url, timeoutMs);
      const completedAt = performance.now();
      state.requests++;
      state.maxLatencyMs = Math.max(state.maxLatencyMs, completedAt - sentAt);
      if ('error' in result) {
        state.failures.push({
          at: new Date(startedWall + (sentAt - t0)).toISOString(),
          sinceStartMs: Math.round(sentAt - t0),
          loop: loopIndex,
          error: result.error,
        });
      } else {
        state.versions.see(result.version, sentAt, completedAt);
        state.nodes.see(result.node, sentAt, completedAt);
      }
      if (pauseMs > 0 && running) await new Promise((r) => setTimeout(r, pauseMs));
    }
  }

  const loops = pairs.flatMap((state) => Array.from({ length: concurrency }, (_, i) => loop(state, i)));

  const report = (): LoadReport => {
    const byPair: Record<string, PairLoadReport> = {};
    for (const s of pairs) {
      byPair[s.target.pair] = {
        pair: s.target.pair,
        requests: s.requests,
        failures: [...s.failures],
        versions: [...s.versions.values],
        nodes: [...s.nodes.values],
        maxLatencyMs: Math.round(s.maxLatencyMs),
      };
    }
    return {
      durationMs: Math.round(performance.now() - t0),
      requests: pairs.reduce((n, s) => n + s.requests, 0),
      failures: pairs.reduce((n, s) => n + s.failures.length, 0),
      pairs: byPair,
    };
  };

  return {
    snapshot: report,
    async progress(count = 5, waitMs = 10_000) {
      const goal = pairs.map((s) => s.requests + count);
      const deadline = Date.now() + waitMs;
      while (pairs.some((s, i) => s.requests < goal[i]!)) {
        if (!running) throw new Error('the load was stopped');
        if (Date.now() > deadline) {
          const behind = pairs.filter((s, i) => s.requests < goal[i]!).map((s) => `${s.target.pair} (${s.requests} requests)`);
          throw new Error(`load made no progress of ${count} requests in ${waitMs} ms on: ${behind.join(', ')}`);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return report();
    },
  };
}

type GetResult = { readonly node: string; readonly version: string } | { readonly error: string };

/** One GET; never rejects: every way it can go wrong is a failure description. */
function get(agent: http.Agent, url: string, timeoutMs: number): Promise<GetResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: GetResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = http.get(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => finish({ error: `response: ${err.message}` }));
      // 'end' never comes for a response cut off half-way; 'close' does.
      res.on('close', () => {
        if (!res.complete) finish({ error: 'connection closed before the response was complete' });
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return finish({ error: `status ${res.statusCode}: ${body.slice(0, 200)}` });
        try {
          const parsed = JSON.parse(body) as { node?: unknown; version?: unknown };
          if (typeof parsed.node !== 'string' || typeof parsed.version !== 'string') {
            return finish({ error: `bad body (no node/version): ${body.slice(0, 200)}` });
          }
          finish({ node: parsed.node, version: parsed.version });
        } catch {
          finish({ error: `bad body (not JSON): ${body.slice(0, 200)}` });
        }
      });
    });
    const timer = setTimeout(() => {
      finish({ error: `no complete answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish({ error: `${err.code ?? 'error'}: ${err.message}` }));
  });
}
