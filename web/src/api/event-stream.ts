import { apiHeaders } from './client';

/**
 * Reads a server-sent event stream with fetch rather than EventSource, so it can send the console's
 * `Language` header (status names come back in the language on screen). Reconnects after a drop,
 * waiting a little longer each time, until `signal` aborts.
 */
export async function followEventStream(
  path: string,
  onEvent: (event: string, data: string) => void,
  onConnection: (connected: boolean) => void,
  signal: AbortSignal,
): Promise<void> {
  let delayMs = 500;
  while (!signal.aborted) {
    try {
      const response = await fetch(path, { headers: { ...apiHeaders(), accept: 'text/event-stream' }, signal });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      onConnection(true);
      delayMs = 500;
      // A server handing over to its successor ends the stream with a `retry:` hint: reconnect that soon.
      delayMs = (await readEvents(response.body, onEvent)) ?? delayMs;
    } catch {
      if (signal.aborted) return;
    }
    onConnection(false);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 5000);
  }
}

/**
 * Parses `event:`/`data:` lines into events (the subset of the SSE format the server sends) until
 * the stream ends; returns the last `retry:` the server sent, if any.
 */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: string, data: string) => void): Promise<number | undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  let retryMs: number | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return retryMs;
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
