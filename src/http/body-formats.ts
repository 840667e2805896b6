import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';

/**
 * The bodies the API reads. JSON everywhere; and, only on the routes that declare them
 * (`RouteSpec.accepts`), the other forms Exastro's clients send there:
 * - `form`: application/x-www-form-urlencoded, the token endpoint's (OpenID Connect);
 * - `multipart-records` / `multipart-record`: Exastro's web-UI form for record maintenance, a
 *   `json_parameters` field holding the JSON body and one part per uploaded file, named
 *   `{row}.{column}` for a list of records and `{column}` for one;
 * - `multipart-files`: a form of uploaded files and fields, read as the JSON body Exastro's JSON
 *   form is — each file part's content (base64) and each field's text under its name
 *   (`excel/maintenance/`'s `excel`).
 * A route that does not declare a form refuses it with 415, so a form can never reach a handler
 * that does not expect one (the maintenance switches, say, where a form would set "1" by accident).
 */
export type BodyFormat = 'form' | 'multipart-records' | 'multipart-record' | 'multipart-files';

/** How deep a request body may nest arrays and objects. */
export const MAX_JSON_DEPTH = 100;

/**
 * JSON bodies: an empty body is "no body" (real clients send GET with Content-Type:
 * application/json and nothing else), and malformed JSON is a 400 with the envelope. Fastify's
 * default text/plain parser is removed so such a body is a 415, not a string that then fails
 * validation with a misleading 400.
 */
export function acceptJson(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  for (const type of ['application/json', /^application\/[a-z.+-]*\+json$/]) {
    app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => {
      const text = String(body);
      if (text.trim() === '') return done(null, undefined);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        return done(badRequest(MESSAGES.invalidRequest.bodyNotJson((err as Error).message)), undefined);
      }
      // JSON.parse takes any depth, but what reads a body walks it recursively (the storable-text
      // check, zod, JSON.stringify on the way to the store): 5,000 nested arrays overflowed the
      // stack into a 500 (found by test/fuzz-api.test.ts). No body drydock takes is near this deep.
      if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
        return done(badRequest(MESSAGES.invalidRequest.bodyTooDeep(MAX_JSON_DEPTH)), undefined);
      }
      done(null, value);
    });
  }
}

/** Adds the parser of `format` to a scope holding only the routes that declare it. */
export async function acceptFormat(scope: FastifyInstance, format: BodyFormat, bodyLimitBytes: number): Promise<void> {
  if (format === 'form') {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    return;
  }
  // Fields and files land in the body as values (files as Buffers), read by `bodyOf` below.
  await scope.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: bodyLimitBytes, fieldSize: bodyLimitBytes } });
}

/**
 * The body a route validates: the JSON as sent, or the JSON a multipart form stands for — its
 * `json_parameters`, with each file part's content (base64) under `file` of its record, as
 * Exastro's JSON form carries files.
 */
export function bodyOf(request: FastifyRequest, format: BodyFormat | undefined): unknown {
  if (format === undefined || format === 'form' || !request.isMultipart()) return request.body;
  const parts = (request.body ?? {}) as Record<string, unknown>;
  if (format === 'multipart-files') {
    return Object.fromEntries(Object.entries(parts).map(([name, value]) => [name, Buffer.isBuffer(value) ? value.toString('base64') : value]));
  }
  const text = parts.json_parameters;
  if (typeof text !== 'string') throw badRequest(MESSAGES.invalidRequest.multipartNoJsonParameters);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw badRequest(MESSAGES.invalidRequest.jsonParametersNotJson((err as Error).message));
  }
  if (nestsDeeperThan(json, MAX_JSON_DEPTH)) throw badRequest(MESSAGES.invalidRequest.jsonParametersTooDeep(MAX_JSON_DEPTH));
  const records = format === 'multipart-records' ? json : [json];
  if (!Array.isArray(records) || !records.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))) {
    throw badRequest(format === 'multipart-records' ? MESSAGES.invalidRequest.jsonParametersNotArray : MESSAGES.invalidRequest.jsonParametersNotObject);
  }
  for (const [name, value] of Object.entries(parts)) {
    if (!Buffer.isBuffer(value)) continue;
    const m = format === 'multipart-records' ? /^(\d+)\.(.+)$/.exec(name) : /^()(.+)$/.exec(name);
    // As in Exastro, a part for a row the list does not have is ignored.
    const record = m ? (records[Number(m[1] || 0)] as Record<string, unknown> | undefined) : undefined;
    if (!m || !record) continue;
    const files = (record.file ?? {}) as Record<string, unknown>;
    record.file = { ...files, [m[2]!]: value.toString('base64') };
  }
  return format === 'multipart-records' ? records : records[0];
}

/** Whether a parsed JSON value nests arrays and objects more than `limit` deep; iterative, so any depth is measured. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<readonly [unknown, number]> = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [v, depth] = next;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}
