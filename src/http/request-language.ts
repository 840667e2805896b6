import type { FastifyRequest } from 'fastify';
import { pickLanguage, type Language } from '../i18n/language.js';
import { ownValue } from '../util/own-value.js';

/** The language a request asks for (Exastro's `Language` header, else `Accept-Language`): the one place the HTTP layer reads it. */
export function requestLanguage(request: FastifyRequest): Language {
  return pickLanguage(firstHeader(request, 'language'), firstHeader(request, 'accept-language'));
}

/** A request header's value; the first, when a client sent it more than once. */
function firstHeader(request: FastifyRequest, name: string): string | undefined {
  const v = ownValue(request.headers, name);
  return Array.isArray(v) ? v[0] : v;
}
