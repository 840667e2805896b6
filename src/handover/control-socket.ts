import { renameSync, rmSync } from 'node:fs';
import net from 'node:net';
import { z } from 'zod';
import type { HandoverEvent, HandoverRequest } from './protocol.js';

const requestSchema = z.strictObject({
  op: z.literal('handover'),
  command: z.string().min(1).optional(),
  readyTimeoutMs: z.number().int().positive().max(3_600_000).optional(),
});

/**
 * The server side of the control socket: a Unix socket only this process's user can open (mode
 * 0600), one JSON request per connection, answered with a JSON event per line. It is created under
 * a temporary name and renamed into place, so a successor replaces its predecessor's socket
 * atomically: a client finds exactly one of them, and the predecessor's own client stays connected
 * to it until the end of the hand-over.
 */
export class ControlSocket {
  #server: net.Server | undefined;

  constructor(
    private readonly path: string,
    private readonly onRequest: (request: HandoverRequest, send: (event: HandoverEvent) => void) => Promise<void>,
  ) {}

  async open(): Promise<void> {
    const temporary = `${this.path}.${process.pid}`;
    rmSync(temporary, { force: true });
    const server = net.createServer((socket) => this.#serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ path: temporary, readableAll: false, writableAll: false }, () => resolve());
    });
    renameSync(temporary, this.path);
    server.unref();
    this.#server = server;
  }

  /** Stops answering; removes the socket file unless a successor has put its own in its place. */
  close(removeFile: boolean): void {
    this.#server?.close();
    if (removeFile) rmSync(this.path, { force: true });
  }

  #serve(socket: net.Socket): void {
    let buffer = '';
    const send = (event: HandoverEvent | { event: 'error'; reason: string }) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(event)}\n`);
    };
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      socket.removeAllListeners('data');
      let parsed: HandoverRequest;
      try {
        const result = requestSchema.safeParse(JSON.parse(buffer.slice(0, end)));
        if (!result.success) throw new Error(result.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '));
        parsed = result.data;
      } catch (err) {
        send({ event: 'error', reason: `bad control request: ${(err as Error).message}` });
        socket.end();
        return;
      }
      void this.onRequest(parsed, send).finally(() => socket.end());
    });
  }
}

/**
 * The client side: sends one request and calls `onEvent` for every event until the server closes
 * the connection. Rejects when the socket cannot be reached (no server, or one without a control
 * socket).
 */
export function requestHandover(
  path: string,
  request: HandoverRequest,
  onEvent: (event: HandoverEvent | { event: 'error'; reason: string }) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ path });
    let buffer = '';
    let connected = false;
    socket.setEncoding('utf8');
    socket.once('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (line.trim() !== '') onEvent(JSON.parse(line) as HandoverEvent);
      }
    });
    socket.once('error', (err) => {
      if (!connected) reject(err);
    });
    socket.once('close', () => resolve());
  });
}
