/**
 * The one way the console talks to the API: JSON in and out, the envelope unwrapped, the session's
 * CSRF token on every unsafe call, and the console's language in `Language` so the server's
 * messages (maintenance refusals above all) come back in the language on screen.
 */

/** Every API response: `{data, message, result, ts}`. */
interface Envelope<T> {
  readonly data: T;
  readonly message: string;
  readonly result: string;
  readonly ts: string;
}

/** A call the server refused (or that never reached it): the server's own message, never a guess. */
export class ApiFailure extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** drydock's result code, e.g. `498-00001` for a maintenance refusal. */
    readonly result: string,
    /** The server's message as sent (for 499-00201 the JSON of problems by row and column). */
    readonly serverMessage: string,
  ) {
    super(readableMessage(result, serverMessage));
    this.name = 'ApiFailure';
  }

  /**
   * The problems of a record request (499-00201), by column name, of the request's first row —
   * the console sends one record at a time — and those about the row itself under `''`. Empty
   * for any other refusal.
   */
  get recordProblems(): ReadonlyMap<string, readonly string[]> {
    const problems = new Map<string, string[]>();
    if (this.result !== '499-00201') return problems;
    for (const [, column, text] of problemEntries(this.serverMessage)) {
      problems.set(column, [...(problems.get(column) ?? []), text]);
    }
    return problems;
  }

  /** Refused because the system is read-only (HTTP 498, or 503 where so configured; a 498-xxxxx result). */
  get isMaintenanceRefusal(): boolean {
    return this.result.startsWith('498-');
  }
}

type Listener = (failure: ApiFailure) => void;

const state = {
  csrfToken: undefined as string | undefined,
  language: 'en' as 'ja' | 'en',
  listeners: new Set<Listener>(),
};

/** Set at sign-in (and on reload from whoami); cleared at sign-out. */
export function setCsrfToken(token: string | undefined): void {
  state.csrfToken = token;
}

/** Kept in step with the language on screen. */
export function setApiLanguage(language: 'ja' | 'en'): void {
  state.language = language;
}

/** Called on every failure: the session watches for 401, the maintenance state for 498 refusals. */
export function onApiFailure(listener: Listener): () => void {
  state.listeners.add(listener);
  return () => state.listeners.delete(listener);
}

/** The headers every call sends (also used by the event stream). */
export function apiHeaders(method = 'GET'): Record<string, string> {
  // X-Requested-With: the server then leaves WWW-Authenticate off its 401s, so the browser shows
  // no password prompt of its own over the console's sign-in page.
  const headers: Record<string, string> = {
    accept: 'application/json',
    language: state.language,
    'x-requested-with': 'XMLHttpRequest',
  };
  if (method !== 'GET' && method !== 'HEAD' && state.csrfToken) headers['x-csrf-token'] = state.csrfToken;
  return headers;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Calls the API and returns the envelope's `data`; throws ApiFailure with the server's message. */
export async function api<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const response = await send(method, path, body, signal);
  let envelope: Envelope<T> | undefined;
  try {
    envelope = (await response.json()) as Envelope<T>;
  } catch {
    envelope = undefined;
  }
  if (!response.ok || !envelope || envelope.result !== '000-00000') throw refusal(response, envelope);
  return envelope.data;
}

/** Calls an API that answers a file (a workbook with `?file=binary`); throws ApiFailure as `api` does. */
export async function apiFile(method: Method, path: string, body?: unknown): Promise<Blob> {
  const response = await send(method, path, body);
  if (response.ok) return response.blob();
  let envelope: Envelope<unknown> | undefined;
  try {
    envelope = (await response.json()) as Envelope<unknown>;
  } catch {
    envelope = undefined;
  }
  throw refusal(response, envelope);
}

function refusal(response: Response, envelope: Envelope<unknown> | undefined): ApiFailure {
  return report(new ApiFailure(response.status, envelope?.result ?? String(response.status), envelope?.message ?? response.statusText));
}

async function send(method: Method, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  const headers = apiHeaders(method);
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined && { body: JSON.stringify(body) }),
      ...(signal && { signal }),
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw report(new ApiFailure(0, 'network', (err as Error).message));
  }
}

/**
 * The message to show for a refusal. Problems of records (499-00201) come, as in Exastro, as a JSON
 * object `{"<row>": {"<column>": ["…"]}}`; they are shown one per line as "row N, column: problem"
 * (rows counted from 1, as on screen).
 */
export function readableMessage(result: string, message: string): string {
  if (result !== '499-00201') return message;
  const lines = problemEntries(message).map(([row, column, text]) => `#${row + 1} ${column}: ${text}`);
  return lines.length > 0 ? lines.join('\n') : message;
}

/** The problems in a 499-00201 message as [row, column, problem]; none when it is not that JSON. */
function problemEntries(message: string): Array<[number, string, string]> {
  let rows: unknown;
  try {
    rows = JSON.parse(message);
  } catch {
    return [];
  }
  if (typeof rows !== 'object' || rows === null) return [];
  const entries: Array<[number, string, string]> = [];
  for (const [row, columns] of Object.entries(rows as Record<string, unknown>)) {
    if (typeof columns !== 'object' || columns === null) continue;
    for (const [column, problems] of Object.entries(columns as Record<string, unknown>)) {
      for (const problem of Array.isArray(problems) ? problems : [problems]) entries.push([Number(row), column, String(problem)]);
    }
  }
  return entries;
}

function report(failure: ApiFailure): ApiFailure {
  for (const listener of state.listeners) listener(failure);
  return failure;
}

/** Encodes one path segment (ids are restricted by the server, but a URL is a URL). */
export const seg = (s: string): string => encodeURIComponent(s);

/** The workspace API prefix, as in Exastro IT Automation. */
export const itaPath = (org: string, ws: string): string => `/api/${seg(org)}/workspaces/${seg(ws)}/ita`;
