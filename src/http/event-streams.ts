import type { ServerResponse } from 'node:http';

/**
 * The server-sent-event streams this process has open, so a hand-over can end them all with a
 * reconnect hint: the clients (the console, `drydock drain`) reconnect — to the successor, since
 * the predecessor no longer accepts connections by then.
 */
export class EventStreams {
  readonly #open = new Set<ServerResponse>();

  /** Registers a stream; it leaves the set when its connection closes. */
  add(res: ServerResponse): void {
    this.#open.add(res);
    res.once('close', () => this.#open.delete(res));
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
    for (const res of this.#open) {
      res.end(`retry: ${retryMs}\n: this server is handing over to its successor; reconnect\n\n`, () => res.socket?.destroySoon());
    }
  }
}
