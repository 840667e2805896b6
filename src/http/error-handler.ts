import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, MaintenanceRefusal, RESULT } from '../errors.js';
import { WRITE_FUNCTIONS, pickLanguage, refusalMessage } from '../maintenance/write-functions.js';
import type { AppDeps } from './deps.js';
import { failure } from './envelope.js';
import { ownValue } from '../lookup.js';

/** Header naming which layer refused a write: `guard` (cached switches) or `transaction` (the gate). */
export const REFUSED_BY_HEADER = 'drydock-refused-by';

/** The one place errors become HTTP responses. Bad input is always 4xx; only our bugs are 500. */
export function installErrorHandler(app: FastifyInstance, deps: AppDeps): void {
  app.setErrorHandler((err: unknown, request, reply) => sendError(err, request, reply, deps));
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(failure(RESULT.notFound, `No route ${request.method} ${request.url}: see /api/docs for the API.`));
  });
}

function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply, deps: AppDeps): FastifyReply {
  if (err instanceof MaintenanceRefusal) {
    const language = pickLanguage(header(request, 'language'), header(request, 'accept-language'));
    return reply
      .code(503)
      .header('retry-after', String(retryAfterSeconds(deps)))
      .header(REFUSED_BY_HEADER, err.stage)
      .send(failure(WRITE_FUNCTIONS[err.fn].result, refusalMessage(err.fn, language)));
  }
  if (err instanceof ApiError) {
    for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
    return reply.code(err.status).send(failure(err.result, err.message));
  }
  const fe = err as Partial<FastifyError>;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply
        .code(413)
        .send(failure(RESULT.payloadTooLarge, `The request body is larger than ${deps.options.bodyLimitBytes} bytes.`));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return reply
        .code(415)
        .send(failure(RESULT.unsupportedMediaType, `Unsupported Content-Type "${request.headers['content-type'] ?? ''}": send application/json.`));
    default:
      break;
  }
  if (deps.store.isUnavailableError(err)) {
    request.log.warn({ err }, 'store unavailable');
    return reply
      .code(503)
      .header('retry-after', '5')
      .send(failure(RESULT.unavailable, 'The store is unavailable right now; nothing was changed. Retry shortly.'));
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return reply.code(fe.statusCode).send(failure(`${fe.statusCode}-00001`, fe.message ?? 'Bad request.'));
  }
  request.log.error({ err }, 'unhandled error');
  return reply.code(500).send(failure(RESULT.internal, 'Internal error: the server log has the details.'));
}

/** Seconds to the announced end of maintenance, else the configured default. */
function retryAfterSeconds(deps: AppDeps): number {
  const end = deps.maintenance.state.announced_end;
  if (end) {
    const seconds = Math.ceil((Date.parse(end) - Date.now()) / 1000);
    if (seconds > 0) return seconds;
  }
  return deps.options.retryAfterSeconds;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = ownValue(request.headers, name);
  return Array.isArray(v) ? v[0] : v;
}
