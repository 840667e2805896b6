/**
 * Read and write traffic against one drydock address for as long as an upgrade or a restart runs,
 * recording every answer, for the "no read fails" tests. Reads are what users and scripts do all
 * day: a menu's records, the execute-check, the console's HTML and one of its scripts. Writes
 * register records. Two kinds of connection: keep-alive (fetch's pool, as scripts and browsers
 * reuse connections) and a new connection per request (node:http without an agent), which is what
 * would meet a closed port first.
 */
import http from 'node:http';
import { ADMIN, ITA1, SEED } from './app.js';

// The seeded workspace member (test/support/app.ts SEED.member1).

/** One answered (or failed) request. */
export interface LoadSample {
  readonly kind: 'read' | 'write';
  readonly what: string;
  /** Date.now() when the request was sent and when its answer (or error) was complete. */
  readonly sentAt: number;
  readonly doneAt: number;
  /** The HTTP status, or 0 when no answer came (connection refused, reset, timeout). */
  readonly status: number;
  readonly error?: string;
  readonly retryAfter?: string;
  /** The envelope's `result` code, when the body is one. */
  readonly result?: string;
  /** For a write: the host it registered. */
  readonly host?: string;
  /** For a refusal: which layer refused it (`drydock-refused-by`: `guard` or `transaction`). */
  readonly refusedBy?: string;
}

export interface LoadResult {
  readonly samples: readonly LoadSample[];
  readonly reads: number;
  readonly writes: number;
  /** Reads that did not end in 200: connection errors, resets, any other status. */
  readonly failedReads: readonly LoadSample[];
  /** Writes that ended in anything but 200, or 498 with Retry-After and a 498 code. */
  readonly badWrites: readonly LoadSample[];
  /** Writes refused by read-only mode (498, Retry-After, 498-xxxxx). */
  readonly refusedWrites: readonly LoadSample[];
  /** Hosts whose registration was answered 200: they must be in the store afterwards. */
  readonly acceptedHosts: readonly string[];
}

const basicHeader = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const MEMBER = basicHeader('member1', 'member1-password');
const ADMIN_AUTH = basicHeader(ADMIN.user, ADMIN.password);

interface Request {
  readonly kind: 'read' | 'write';
  readonly what: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly host?: string;
}

/** A request over a connection of its own (no agent: connect, send, read, close). */
function freshConnection(base: URL, r: Request, timeoutMs: number): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, path: r.path, method: r.method, headers: r.headers, agent: false, timeout: timeoutMs },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

async function pooled(base: URL, r: Request, timeoutMs: number): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const res = await fetch(new URL(r.path, base), {
    method: r.method,
    headers: r.headers,
    ...(r.body !== undefined && { body: r.body }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), text };
}

/**
 * Starts the load: `readLoops` loops of reads on pooled connections, one loop of reads on fresh
 * connections, and `writeLoops` loops registering records (`<prefix>-<n>`). Each loop has one
 * request in flight and pauses `pauseMs` between requests. `stop()` ends the loops and returns
 * everything they saw.
 */
export function startReadWriteLoad(
  url: string,
  options: {
    readLoops?: number;
    writeLoops?: number;
    pauseMs?: number;
    timeoutMs?: number;
    hostPrefix?: string;
    consoleAsset?: string;
    /** Appended to the menu filter's path, e.g. `?limit=50` on a menu of 100,000 records. */
    filterQuery?: string;
  } = {},
): { stop(): Promise<LoadResult> } {
  const base = new URL(url);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pauseMs = options.pauseMs ?? 5;
  const prefix = options.hostPrefix ?? 'load';
  const samples: LoadSample[] = [];
  let running = true;
  let writeCounter = 0;

  const reads: Request[] = [
    {
      kind: 'read',
      what: 'menu filter',
      method: 'GET',
      path: `${ITA1}/menu/${SEED.menu}/filter/${options.filterQuery ?? ''}`,
      headers: { authorization: MEMBER },
    },
    { kind: 'read', what: 'execute-check', method: 'GET', path: '/api/ita/backyard-execute-check/', headers: { authorization: ADMIN_AUTH } },
    { kind: 'read', what: 'console HTML', method: 'GET', path: '/', headers: {} },
    ...(options.consoleAsset ? [{ kind: 'read' as const, what: 'console script', method: 'GET' as const, path: options.consoleAsset, headers: {} }] : []),
  ];
  const nextWrite = (): Request => {
    const host = `${prefix}-${++writeCounter}`;
    return {
      kind: 'write',
      what: 'register record',
      method: 'POST',
      path: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
      headers: { authorization: MEMBER, 'content-type': 'application/json' },
      body: JSON.stringify([{ type: 'Register', parameter: { host, port: '22', enabled: 'true' } }]),
      host,
    };
  };

  const send = async (r: Request, transport: typeof pooled): Promise<void> => {
    const sentAt = Date.now();
    try {
      const res = await transport(base, r, timeoutMs);
      let result: string | undefined;
      try {
        result = (JSON.parse(res.text) as { result?: string }).result;
      } catch {
        // not an envelope (the console's HTML and scripts)
      }
      const retryAfter = res.headers['retry-after'];
      const refusedBy = res.headers['drydock-refused-by'];
      samples.push({
        kind: r.kind,
        what: r.what,
        sentAt,
        doneAt: Date.now(),
        status: res.status,
        ...(typeof retryAfter === 'string' && { retryAfter }),
        ...(typeof refusedBy === 'string' && { refusedBy }),
        ...(result !== undefined && { result }),
        ...(r.host !== undefined && { host: r.host }),
        ...(res.status !== 200 && { error: res.text.slice(0, 300) }),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      samples.push({
        kind: r.kind,
        what: r.what,
        sentAt,
        doneAt: Date.now(),
        status: 0,
        error: `${e.message}${e.cause ? `: ${e.cause.code ?? ''} ${e.cause.message ?? ''}` : ''}`,
        ...(r.host !== undefined && { host: r.host }),
      });
    }
  };

  const loop = async (next: (i: number) => Request, transport: typeof pooled) => {
    for (let i = 0; running; i++) {
      await send(next(i), transport);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  const loops = [
    ...Array.from({ length: options.readLoops ?? 3 }, (_, n) => loop((i) => reads[(i + n) % reads.length]!, pooled)),
    loop((i) => reads[i % reads.length]!, freshConnection),
    ...Array.from({ length: options.writeLoops ?? 1 }, () => loop(nextWrite, pooled)),
  ];

  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      const readSamples = samples.filter((s) => s.kind === 'read');
      const writeSamples = samples.filter((s) => s.kind === 'write');
      const refused = (s: LoadSample) => s.status === 498 && s.retryAfter !== undefined && /^498-\d{5}$/.test(s.result ?? '');
      return {
        samples,
        reads: readSamples.length,
        writes: writeSamples.length,
        failedReads: readSamples.filter((s) => s.status !== 200),
        badWrites: writeSamples.filter((s) => s.status !== 200 && !refused(s)),
        refusedWrites: writeSamples.filter(refused),
        acceptedHosts: writeSamples.filter((s) => s.status === 200).map((s) => s.host!),
      };
    },
  };
}

/** A readable list of failed samples for an assertion message. */
export function describeSamples(samples: readonly LoadSample[], max = 10): string {
  return samples
    .slice(0, max)
    .map((s) => `${new Date(s.sentAt).toISOString()} ${s.kind} ${s.what}: ${s.status} ${s.error ?? ''}`.trim())
    .join('\n');
}
