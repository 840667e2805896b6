import type { ClientOptions } from '../config/client-options.js';
import { ApiCallError, UnreachableError } from './api-errors.js';

/** A drydock API response envelope. */
export interface Envelope<T = unknown> {
  readonly data: T;
  readonly message: string;
  readonly result: string;
  readonly ts: string;
}

/**
 * Talks to the drydock HTTP API as one user: the CLI's commands and the runbooks (drain, resume,
 * the upgrades) go through it. Failures are `ApiCallError` (the API answered with an error) and
 * `UnreachableError` (it could not be reached); an aborted call rejects with the AbortError.
 */
export class ApiClient {
  constructor(readonly options: ClientOptions) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const auth = this.options.auth;
    const h: Record<string, string> = { accept: 'application/json', ...extra };
    if (auth && 'token' in auth) h.authorization = `Bearer ${auth.token}`;
    else if (auth) h.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
    return h;
  }

  /** Calls the API; resolves with `data` on HTTP 200, throws ApiCallError with the server's message otherwise. */
  async call<T = unknown>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.options.baseUrl + path, {
        method,
        headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(body !== undefined && { body: JSON.stringify(body) }),
        ...(signal && { signal }),
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      // fetch's own error says only "fetch failed"; its cause names the socket error.
      const cause = (err as Error).cause;
      const reason = cause instanceof Error ? cause.toString() : (err as Error).message;
      throw new UnreachableError(`Cannot reach drydock at ${this.options.baseUrl}: ${reason}`, { cause: err });
    }
    const text = await res.text();
    let envelope: Envelope<T> | undefined;
    try {
      envelope = JSON.parse(text) as Envelope<T>;
    } catch {
      envelope = undefined;
    }
    if (res.status !== 200 || !envelope) {
      const message = envelope?.message ?? (text.slice(0, 200) || res.statusText);
      throw new ApiCallError(`${method} ${path}: HTTP ${res.status}${envelope ? ` ${envelope.result}` : ''}: ${message}`, {
        status: res.status,
        result: envelope?.result,
        serverMessage: message,
      });
    }
    return envelope.data;
  }

  /**
   * Follows a server-sent-events endpoint, calling `onEvent` with each event's parsed data, until
   * `signal` aborts or the server closes the stream (then it rejects, so callers can reconnect).
   */
  async follow(path: string, onEvent: (event: string, data: unknown) => void, signal: AbortSignal): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.options.baseUrl + path, { headers: this.headers({ accept: 'text/event-stream' }), signal });
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      throw new UnreachableError(`Cannot reach drydock at ${this.options.baseUrl}: ${(err as Error).message}`, { cause: err });
    }
    if (res.status !== 200 || !res.body) {
      const text = await res.text();
      let envelope: Envelope | undefined;
      try {
        envelope = JSON.parse(text) as Envelope;
      } catch {
        envelope = undefined;
      }
      const message = envelope?.message ?? text;
      throw new ApiCallError(`GET ${path}: HTTP ${res.status}: ${message}`, { status: res.status, result: envelope?.result, serverMessage: message });
    }
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (data.length > 0) onEvent(event, JSON.parse(data.join('\n')));
        }
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError' || signal.aborted) return;
      throw err;
    }
    if (!signal.aborted) throw new UnreachableError(`The server closed the stream ${path}.`);
  }
}
