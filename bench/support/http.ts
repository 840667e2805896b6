import http from 'node:http';

/** One keep-alive agent for every timed call: a new TCP connection per request would dominate. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  // Benchmarks read arbitrary fields of responses.
  readonly body: any;
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** A plain HTTP/1.1 call over a kept-alive connection; resolves once the whole body arrived. */
export function request(
  baseUrl: string,
  options: { method?: string; path: string; authorization?: string; body?: unknown; headers?: Record<string, string> },
): Promise<HttpResult> {
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = { ...options.headers };
  if (options.authorization) headers.authorization = options.authorization;
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(options.path, baseUrl), { method: options.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Closes the kept-alive sockets so the process can exit. */
export function closeHttpAgent(): void {
  agent.destroy();
}
