import { authHeaders, type CallOptions, type CallResult } from './app.js';

/** Calls a listening drydock over real HTTP, with the same options as the in-process `call`. */
export async function httpCall(baseUrl: string, o: CallOptions): Promise<CallResult> {
  const headers: Record<string, string> = { ...authHeaders(o.auth), ...o.headers };
  let body: string | Uint8Array | undefined = typeof o.payload === 'string' || o.payload === undefined ? o.payload : new Uint8Array(o.payload);
  if (body === undefined && o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(baseUrl + o.url, {
    method: o.method ?? 'GET',
    headers,
    ...(body !== undefined && { body: body as BodyInit }),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, headers: Object.fromEntries(res.headers.entries()), text };
}
