import type { Server } from 'node:http';
import net from 'node:net';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { EventStreams } from '../http/event-streams.js';

/**
 * Closing an HTTP server without failing a single request, for a process that hands its listening
 * socket to a successor. Node's own `server.close()` also closes idle keep-alive connections at
 * once, and a client that sent its next request on one at that moment sees a reset: that is the
 * failed read this module exists to avoid. Instead:
 * - the listening handle is closed alone (the successor holds the same socket, so the port stays
 *   open and new connections go to it);
 * - every response from then on carries `Connection: close`, so a connection ends right after the
 *   answer to a request that arrived on it;
 * - idle connections are left to the client, or to the keep-alive timeout the server announced in
 *   every response (`Keep-Alive: timeout=5`): clients expect a connection to end there and do not
 *   reuse it that late;
 * - server-sent-event streams end with a `retry:` hint and reconnect to the successor;
 * - whatever is still open after `timeoutMs` is closed.
 */
export class GracefulClose {
  readonly #connections = new Set<Socket>();
  #closing = false;

  constructor(
    private readonly app: FastifyInstance,
    private readonly streams: EventStreams,
  ) {
    const server: Server = app.server;
    server.on('connection', (socket: Socket) => {
      this.#connections.add(socket);
      socket.once('close', () => this.#connections.delete(socket));
    });
    app.addHook('onSend', async (_request, reply, payload) => {
      if (this.#closing) void reply.header('connection', 'close');
      return payload;
    });
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** Open client connections. */
  get connections(): number {
    return this.#connections.size;
  }

  /**
   * Stops accepting, lets every open connection finish as described above, and resolves once none
   * is left (or `timeoutMs` passed and the rest were closed). Returns how many had to be closed.
   */
  async close(timeoutMs: number, streamRetryMs = 250): Promise<{ forced: number }> {
    this.#closing = true;
    const server: Server = this.app.server;
    // net.Server's close, not http.Server's: the latter would drop idle keep-alive connections now.
    // It closes the listening handle at once; its callback would wait for every connection.
    net.Server.prototype.close.call(server);
    this.streams.closeAll(streamRetryMs);
    const deadline = Date.now() + timeoutMs;
    while (this.#connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const forced = this.#connections.size;
    for (const socket of this.#connections) socket.destroy();
    return { forced };
  }
}
