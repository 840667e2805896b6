import type { ServerResponse } from 'node:http';

/**
 * How often every event stream sends a `heartbeat` event. A stream only carries an event when
 * something changes, so without it a quiet stream and a dead one (a server that stopped answering,
 * a connection a network dropped without a word) look the same to a client: with it, a client that
 * has heard nothing for two intervals knows the stream is gone. The console takes a stream silent
 * for 8 s as lost (`web/src/components/liveness.ts`); the heartbeat also keeps proxies from
 * closing an idle stream.
 */
export const HEARTBEAT_MS = 5000;

/**
 * The heartbeat as it is sent: a named event (so an `EventSource` sees it too, which it would not
 * a comment), without an `id:` (it is not a change, so `Last-Event-ID` does not move), its data the
 * interval, so a client knows how long a silence means the stream is lost.
 */
export const heartbeatEvent = (intervalMs: number): string => `event: heartbeat\ndata: {"interval_ms":${intervalMs}}\n\n`;

/**
 * The server-sent-event streams this process has open: each gets a heartbeat (above) while it is
 * open, and a hand-over can end them all with a reconnect hint: the clients (the console, `drydock
 * drain`) reconnect — to the successor, since the predecessor no longer accepts connections by then.
 */
export class EventStreams {
  readonly #open = new Map<ServerResponse, NodeJS.Timeout>();

  constructor(private readonly heartbeatMs = HEARTBEAT_MS) {}

  /** Registers a stream and starts its heartbeat; it leaves the set when its connection closes. */
  add(res: ServerResponse): void {
    const heartbeat = setInterval(() => {
      if (!res.writableEnded) res.write(heartbeatEvent(this.heartbeatMs));
    }, this.heartbeatMs);
    heartbeat.unref();
    this.#open.set(res, heartbeat);
    res.once('close', () => {
      clearInterval(heartbeat);
      this.#open.delete(res);
    });
  }

  get size(): number {
    return this.#open.size;
  }

  /**
   * Ends every open stream after a `retry:` field telling the client how soon to reconnect, and
   * closes its connection (a keep-alive connection to a server that is going away must not be
   * reused for the reconnection).
   */
  closeAll(retryMs: number): void {
    for (const [res, heartbeat] of this.#open) {
      clearInterval(heartbeat);
      res.end(`retry: ${retryMs}\n: this server is handing over to its successor; reconnect\n\n`, () => res.socket?.destroySoon());
    }
  }
}
