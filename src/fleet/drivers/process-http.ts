import http from 'node:http';
import https from 'node:https';

/** The `process` driver's HTTP side: a node's health URL and the pair switch's URL. */

/** A status and a (clipped) body. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * One HTTP call on a fresh connection. No pooling on purpose: a pooled connection to a node that is
 * being stopped fails the next check for a reason that has nothing to do with the node's health,
 * and nothing stays open between actions.
 */
export function httpCall(method: string, url: string, body: string | undefined, timeoutMs: number, signal: AbortSignal): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new Error(`not a URL: ${url}`));
      return;
    }
    const lib = target.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { connection: 'close', accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = lib.request(target, { method, headers, agent: false, signal });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        // A health body is small; anything huge is not worth keeping.
        if (size < 64 * 1024) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(signal.aborted ? new Error('aborted') : err);
    });
    req.end(body);
  });
}

/** The `version` a health answer reports, if it is JSON with one. */
export function versionOf(body: string): string | undefined {
  try {
    const v = (JSON.parse(body) as { version?: unknown }).version;
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  } catch {
    return undefined;
  }
}

/** An answer body short enough for a step's output. */
export function clip(text: string, max = 300): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}
