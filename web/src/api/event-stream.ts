import { apiHeaders } from './client';
import { reconnectDelayMs, SILENCE_LIMIT_MS } from '../components/liveness';

/** What a followed stream tells its page. */
export interface StreamHandlers {
  /** An event (the server's heartbeats, `heartbeat`, included). */
  readonly onEvent: (event: string, data: string) => void;
  /** Something arrived — the stream opened, an event, a heartbeat: the server is there. */
  readonly onHeard: () => void;
  /** The stream dropped, went silent, or could not be opened; it is being opened again. */
  readonly onLost: () => void;
}

export interface FollowedStream {
  /** Opens the stream again now instead of at the next attempt (the server was seen back). */
  retryNow(): void;
}

/**
 * Reads a server-sent event stream with fetch rather than EventSource, so it can send the console's
 * `Language` header (status names come back in the language on screen), until `signal` aborts.
 *
 * The server sends a heartbeat every 5 s, so a stream silent for `SILENCE_LIMIT_MS` — a server
 * that stopped answering, a connection dropped without a word — is taken as lost and opened again,
 * as is one that ended or could not be opened: after the server's `retry:` hint if it sent one (a
 * restart's hand-over), else after 1 s, 2 s, 4 s … at most 15 s, with jitter (`reconnectDelayMs`).
 */
export function followEventStream(path: string, handlers: StreamHandlers, signal: AbortSignal): FollowedStream {
  let wake: (() => void) | undefined;
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
      wake = done;
    });

  void (async () => {
    let attempt = 0;
    while (!signal.aborted) {
      const thisAttempt = new AbortController();
      const abortAttempt = () => thisAttempt.abort();
      signal.addEventListener('abort', abortAttempt);
      // Silent too long (no answer, no heartbeat): this attempt is over.
      let watchdog = setTimeout(abortAttempt, SILENCE_LIMIT_MS);
      const heard = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(abortAttempt, SILENCE_LIMIT_MS);
        handlers.onHeard();
      };
      let retryMs: number | undefined;
      try {
        const response = await fetch(path, { headers: { ...apiHeaders(), accept: 'text/event-stream' }, signal: thisAttempt.signal });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        attempt = 0;
        heard();
        // A server handing over to its successor ends the stream with a `retry:` hint: reconnect that soon.
        retryMs = await readEvents(response.body, handlers.onEvent, heard);
      } catch {
        // Dropped, silent, refused or unreachable: opened again below.
      } finally {
        clearTimeout(watchdog);
        signal.removeEventListener('abort', abortAttempt);
      }
      if (signal.aborted) return;
      handlers.onLost();
      await wait(retryMs ?? reconnectDelayMs(attempt++));
    }
  })();
  return { retryNow: () => wake?.() };
}

/**
 * Parses `event:`/`data:` lines into events (the subset of the SSE format the server sends) until
 * the stream ends, calling `onHeard` for every chunk (comments included); returns the last `retry:`
 * the server sent, if any.
 */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: string, data: string) => void, onHeard: () => void): Promise<number | undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  let retryMs: number | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return retryMs;
    onHeard();
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line === '') {
        if (data.length > 0) onEvent(event, data.join('\n'));
        event = 'message';
        data = [];
      } else if (line.startsWith('event:')) {
        event = line.slice(6).trim();
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      } else if (line.startsWith('retry:')) {
        const ms = Number(line.slice(6).trim());
        if (Number.isInteger(ms) && ms >= 0) retryMs = ms;
      }
    }
  }
}
