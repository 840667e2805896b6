import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, MaintenanceRefusal, RESULT, RateLimited, statusOfResult } from '../errors.js';
import { textIn, type Language, type Texts } from '../i18n/language.js';
import { MESSAGES } from '../i18n/server-messages.js';
import type { AppDeps } from './deps.js';
import { requestLanguage } from './request-language.js';
import { ownValue } from '../util/own-value.js';
import { failure } from './envelope.js';

/** Header naming which layer refused a write: `guard` (cached switches) or `transaction` (the gate). */
export const REFUSED_BY_HEADER = 'drydock-refused-by';

/** Reason phrases for the statuses Exastro adds to HTTP's (a client reads the status and the result code; a person reads this). */
const EXASTRO_REASONS: Readonly<Record<string, string>> = { '498': 'Refused In Maintenance', '499': 'Request Not Carried Out' };

/** What a 401 asks for: Basic credentials (a token or a session works too, see /api/docs). */
const WWW_AUTHENTICATE = 'Basic realm="drydock", charset="UTF-8"';

/**
 * The one place errors become HTTP responses. Bad input is always 4xx; only our bugs are 500. Every
 * message is answered in the request's language (`request-language.ts`), from the catalogue
 * `i18n/server-messages.ts`.
 */
export function installErrorHandler(app: FastifyInstance, deps: AppDeps): void {
  app.setErrorHandler((err: unknown, request, reply) => sendError(err, request, reply, deps));
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(failureIn(requestLanguage(request), RESULT.notFound, MESSAGES.notFound.noRoute(request.method, request.url)));
  });
}

/** The envelope of a refusal worded by `texts`, in `language`. */
function failureIn(language: Language, result: string, texts: Texts) {
  return failure(result, textIn(texts, language));
}

function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply, deps: AppDeps): FastifyReply {
  const language = requestLanguage(request);
  if (err instanceof DomainError) {
    let status = statusOfResult(err.result);
    if (err instanceof MaintenanceRefusal) {
      status = deps.options.refusalHttpStatus;
      reply.header('retry-after', String(retryAfterSeconds(deps))).header(REFUSED_BY_HEADER, err.stage);
    }
    const reason = ownValue(EXASTRO_REASONS, String(status));
    // Node has no reason phrase for Exastro's statuses and would send "498 unknown".
    if (reason) reply.raw.statusMessage = reason;
    if (status === 401) reply.header('www-authenticate', WWW_AUTHENTICATE);
    if (err instanceof RateLimited) reply.header('retry-after', String(err.retryAfterSeconds));
    return reply.code(status).send(failure(err.result, err.messageIn(language)));
  }
  const fe = err as Partial<FastifyError>;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply.code(413).send(failureIn(language, RESULT.payloadTooLarge, MESSAGES.payloadTooLarge.bodyTooLarge(deps.options.bodyLimitBytes)));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return reply
        .code(415)
        .send(failureIn(language, RESULT.unsupportedMediaType, MESSAGES.unsupportedMediaType.contentType(request.headers['content-type'] ?? '')));
    default:
      break;
  }
  if (deps.store.isUnavailableError(err)) {
    request.log.warn({ err }, 'store unavailable');
    return reply
      .code(503)
      .header('retry-after', '5')
      .send(failureIn(language, RESULT.unavailable, MESSAGES.unavailable.storeUnavailable));
  }
  // A check-then-write raced with another request (found by concurrent requests alongside
  // test/fuzz-api.test.ts): the store's constraint refused the write, so nothing was written.
  const violation = deps.store.constraintViolation(err);
  if (violation) {
    request.log.warn({ err }, 'write refused by a store constraint (a concurrent change)');
    return reply
      .code(409)
      .send(failureIn(language, RESULT.conflict, violation === 'unique' ? MESSAGES.conflict.createdMeanwhile : MESSAGES.conflict.changedMeanwhile));
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's (and its plugins') own refusals, in their words.
    const texts = fe.message ? MESSAGES.invalidRequest.refusedByServer(fe.message) : MESSAGES.invalidRequest.badRequest;
    return reply.code(fe.statusCode).send(failureIn(language, `${fe.statusCode}-00001`, texts));
  }
  request.log.error({ err }, 'unhandled error');
  return reply.code(500).send(failureIn(language, RESULT.internal, MESSAGES.internal.internal));
}

/** The router's limit on one path segment (Fastify's default); no id drydock takes is near it. */
export const MAX_PARAM_LENGTH = 100;

/**
 * The router's own refusals, answered before any route, hook or error handler runs: a path whose
 * percent-encoding is broken (`%zz`, or `%ED%A0%80`, which is not UTF-8) and a path segment longer
 * than MAX_PARAM_LENGTH. Fastify answered them with its bare `{error, code, message, statusCode}`
 * (echoing the whole path, however long); they get the envelope like every other answer. Installed
 * as Fastify's `frameworkErrors`. (Found by test/fuzz-api.test.ts.)
 */
export function sendFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const language = requestLanguage(request);
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      void reply.code(400).send(failureIn(language, RESULT.invalidRequest, MESSAGES.invalidRequest.badUrl));
      return;
    case 'FST_ERR_MAX_PARAM_LENGTH':
      void reply.code(414).send(failureIn(language, RESULT.uriTooLong, MESSAGES.uriTooLong.pathPartTooLong(MAX_PARAM_LENGTH)));
      return;
    default:
      request.log.error({ err }, 'unhandled framework error');
      void reply.code(500).send(failureIn(language, RESULT.internal, MESSAGES.internal.internal));
  }
}

/**
 * A request the HTTP parser refused before there was a request to route (a request line and headers
 * over Node's limit, bytes that are not HTTP): Fastify's default answer with the envelope as its
 * body. Installed as Fastify's `clientErrorHandler`. In English: no header of the request was read,
 * so it has asked for no language.
 */
export function sendClientError(err: ConnectionError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, result, texts]: [number, string, Texts] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, RESULT.requestTimeout, MESSAGES.requestTimeout.requestTimeout]
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, RESULT.headersTooLarge, MESSAGES.headersTooLarge.headersTooLarge]
        : [400, RESULT.invalidRequest, MESSAGES.invalidRequest.notHttp];
  const body = JSON.stringify(failureIn('en', result, texts));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
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
