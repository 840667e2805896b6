import { z } from 'zod';
import { WRITE_FUNCTIONS } from '../maintenance/write-functions.js';
import type { BodyFormat } from './body-formats.js';
import { isRawAnswer, type AnyRoute } from './route.js';

/** The other body a route takes, as OpenAPI describes it (http/body-formats.ts). */
function formContent(format: BodyFormat): Record<string, unknown> {
  if (format === 'form') {
    return {
      'application/x-www-form-urlencoded': {
        schema: {
          type: 'object',
          required: ['grant_type', 'client_id'],
          properties: Object.fromEntries(['grant_type', 'client_id', 'username', 'password', 'scope', 'refresh_token'].map((k) => [k, { type: 'string' }])),
        },
      },
    };
  }
  if (format === 'multipart-files') {
    return {
      'multipart/form-data': {
        schema: { type: 'object', additionalProperties: { type: 'string', format: 'binary', description: 'A file, in the part the JSON body names' } },
      },
    };
  }
  const parts = format === 'multipart-records' ? '`{row}.{column}` (row from 0)' : '`{column}`';
  return {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['json_parameters'],
        properties: { json_parameters: { type: 'string', description: 'The JSON body, as a string' } },
        additionalProperties: { type: 'string', format: 'binary', description: `A file column's content, in a part named ${parts}` },
      },
    },
  };
}

/** Exastro's envelope around every JSON answer; `data` is the route's answer (null on a failure). */
function envelope(data: unknown = {}): Record<string, unknown> {
  return {
    type: 'object',
    required: ['data', 'message', 'result', 'ts'],
    properties: {
      data,
      message: { type: 'string', examples: ['SUCCESS'] },
      result: { type: 'string', examples: ['000-00000'] },
      ts: { type: 'string', format: 'date-time' },
    },
  };
}

/** The success answer: the envelope with the route's response schema as `data`, or the raw answer's content types. */
function successResponse(r: AnyRoute): Record<string, unknown> {
  if (isRawAnswer(r.response)) {
    return {
      description: r.response.description,
      content: Object.fromEntries(r.response.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
    };
  }
  return { description: 'Success', content: { 'application/json': { schema: envelope(toJsonSchema(r.response, 'output')) } } };
}

/**
 * The OpenAPI 3.1 document, generated from the same route declarations and zod schemas that
 * validate requests and describe answers, so it cannot drift from what the server accepts and says. Each operation carries
 * `x-drydock-writes`: the write function read-only mode refuses, or `read` / `exempt`.
 */
export function buildOpenApi(routes: readonly AnyRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters = [...schemaParameters(r.params, 'path'), ...schemaParameters(r.query, 'query')];
    const writes = typeof r.writes === 'string' ? r.writes : 'exempt';
    const responses: Record<string, unknown> = {
      '200': successResponse(r),
      '400': { description: 'Invalid input; the message says what to fix', content: { 'application/json': { schema: envelope() } } },
    };
    if (r.url.includes('/ita/')) {
      responses['499'] = {
        description:
          "Exastro IT Automation's refusal of what the function cannot carry out (499-xxxxx): no such menu (499-00002), problems of the records listed per row and column (499-00201) …",
        content: { 'application/json': { schema: envelope() } },
      };
    }
    if (r.access !== 'public') {
      responses['401'] = { description: 'No or bad credentials (401-00002)' };
      responses['403'] = { description: 'Role does not allow the call (403-00001)' };
    }
    if (writes in WRITE_FUNCTIONS) {
      const code = WRITE_FUNCTIONS[writes as keyof typeof WRITE_FUNCTIONS].result;
      responses['498'] = {
        description: `Refused in read-only mode (${code}), with Retry-After (503 where DRYDOCK_REFUSAL_HTTP_STATUS=503)`,
        content: { 'application/json': { schema: envelope() } },
      };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      'x-drydock-access': r.access,
      'x-drydock-writes': writes,
      ...(parameters.length > 0 && { parameters }),
      ...(r.body && {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: toJsonSchema(r.body, 'input') }, ...(r.accepts && formContent(r.accepts)) },
        },
      }),
      // The token endpoint reads its form itself (its errors are OpenID Connect's, not the envelope).
      ...(!r.body &&
        r.accepts === 'form' && {
          requestBody: { required: true, content: formContent('form') },
        }),
      responses,
      ...(r.access !== 'public' && { security: [{ basic: [] }, { bearer: [] }, { session: [] }] }),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'drydock API',
      version,
      description:
        'Exastro-compatible platform API with maintenance mode. Every response is the envelope ' +
        '{data, message, result, ts}; its HTTP status is the first three digits of `result`, as in Exastro. ' +
        'Writes refused by read-only mode answer 498 with a 498-xxxxx result and Retry-After.',
    },
    components: {
      securitySchemes: {
        basic: { type: 'http', scheme: 'basic' },
        bearer: { type: 'http', scheme: 'bearer', description: 'A personal access token from POST /api/auth/tokens' },
        session: { type: 'apiKey', in: 'cookie', name: 'drydock_session', description: 'Console session; unsafe calls also need X-CSRF-Token' },
      },
    },
    paths,
  };
}

/** A zod schema as JSON Schema: what a request may send (`input`), or what an answer holds (`output`). */
function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function schemaParameters(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const json = toJsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}
