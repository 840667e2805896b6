import type { Server } from 'node:http';
import net from 'node:net';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sleep } from '../util/sleep.js';

/** The open server-sent-event streams (`http/event-streams.ts`): ended with a reconnect hint. */
export interface ClosableStreams {
  closeAll(retryMs: number): void;
}

/**
 * Closing an HTTP server without failing a single request, for a process that hands its listening
 * socket to a successor. Node's own `server.close()` also closes idle keep-alive connections at
 * once, and a client that sent its next request on one at that moment sees a reset: that is the
 * failed read this module exists to avoid. Instead:
 * - the listening handle is closed alone (the successor holds the same socket, so the port stays
 *   open and new connections go to it);
 * - every response from then on carries `Connection: close`, so a connection ends right after the
 *   answer to a request that arrived on it;
 * - a connection with no request in flight is closed once it has been idle for `idleCloseMs`: a
 *   client sending back to back gets its next answer (with `Connection: close`) first, and a pool's
 *   leftover connection idle that long is closed instead of holding this process for the whole
 *   keep-alive timeout;
 * - server-sent-event streams end with a `retry:` hint and reconnect to the successor;
 * - whatever is still open after `timeoutMs` is closed.
 */
export class GracefulClose {
  /** Open connections: requests in flight on each and since when it has been idle. */
  readonly #connections = new Map<Socket, { busy: number; idleSince: number }>();
  #closing = false;

  constructor(
    private readonly app: FastifyInstance,
    private readonly streams: ClosableStreams,
  ) {
    const server: Server = app.server;
    server.on('connection', (socket: Socket) => {
      this.#connections.set(socket, { busy: 0, idleSince: Date.now() });
      socket.once('close', () => this.#connections.delete(socket));
    });
    server.on('request', (req, res) => {
      const state = this.#connections.get(req.socket);
      if (!state) return;
      state.busy++;
      res.once('close', () => {
        state.busy--;
        state.idleSince = Date.now();
      });
    });
    app.addHook('onSend', async (_request, reply, payload) => {
      if (this.#closing) void reply.header('connection', 'close');
      return payload;
    });
  }

  /** Open client connections. */
  get connections(): number {
    return this.#connections.size;
  }

  /**
   * Stops accepting, lets every open connection finish as described above, and resolves once none
   * is left (or `timeoutMs` passed and the rest were closed). Returns how many had to be closed.
   */
  async close(timeoutMs: number, options: { idleCloseMs: number; streamRetryMs: number }): Promise<{ forced: number }> {
    this.#closing = true;
    const server: Server = this.app.server;
    // net.Server's close, not http.Server's: the latter would drop idle keep-alive connections now.
    // It closes the listening handle at once; its callback would wait for every connection.
    net.Server.prototype.close.call(server);
    this.streams.closeAll(options.streamRetryMs);
    const deadline = Date.now() + timeoutMs;
    while (this.#connections.size > 0 && Date.now() < deadline) {
      const now = Date.now();
      for (const [socket, state] of this.#connections) {
        if (state.busy === 0 && now - state.idleSince >= options.idleCloseMs) socket.end();
      }
      await sleep(50);
    }
    const forced = this.#connections.size;
    for (const socket of this.#connections.keys()) socket.destroy();
    return { forced };
  }
}
