import { RESULT } from '../errors.js';

/** Exastro's response envelope, on every JSON response. */
export interface Envelope<T> {
  readonly data: T;
  readonly message: string;
  readonly result: string;
  readonly ts: string;
}

export function success<T>(data: T): Envelope<T> {
  return { data, message: 'SUCCESS', result: RESULT.success, ts: new Date().toISOString() };
}

export function failure(result: string, message: string, data: unknown = null): Envelope<unknown> {
  return { data, message, result, ts: new Date().toISOString() };
}
