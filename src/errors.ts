import type { WriteFunction } from './maintenance/write-functions.js';

/**
 * The few error types drydock throws. `http/error-handler.ts` is the one place that turns them
 * into HTTP responses; everything else just throws.
 */

/** Result codes that appear in more than one place. Exastro's shape: `<status>-<5 digits>`. */
export const RESULT = {
  success: '000-00000',
  invalidRequest: '400-00001',
  emptyBody: '400-00002',
  unknownKey: '400-00026',
  invalidValue: '400-00027',
  unauthorized: '401-00002',
  forbidden: '403-00001',
  notFound: '404-00001',
  methodNotAllowed: '405-00001',
  conflict: '409-00001',
  staleUpdate: '409-00002',
  duplicate: '409-00003',
  payloadTooLarge: '413-00001',
  uriTooLong: '414-00001',
  unsupportedMediaType: '415-00001',
  tooManyRequests: '429-00001',
  internal: '500-00001',
  unavailable: '503-00001',
} as const;

/** An error with an HTTP status, an Exastro result code and a message that tells the caller what to fix. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly result: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, result: string = RESULT.invalidRequest) =>
  new ApiError(400, result, message);
export const unauthorized = (message = 'Authentication failed: check the user name and password, or the token.') =>
  new ApiError(401, RESULT.unauthorized, message, { 'www-authenticate': 'Basic realm="drydock", charset="UTF-8"' });
export const forbidden = (message = 'Your role does not allow this call.') =>
  new ApiError(403, RESULT.forbidden, message);
export const notFound = (message: string) => new ApiError(404, RESULT.notFound, message);
export const conflict = (message: string, result: string = RESULT.conflict) => new ApiError(409, result, message);

/**
 * A write refused because maintenance mode is on. Thrown by the in-transaction gate and by the
 * route guard; the HTTP layer localises the message and adds `Retry-After`.
 */
export class MaintenanceRefusal extends Error {
  /**
   * @param stage `guard` when the process's cached switches refused it before any work,
   *   `transaction` when the in-transaction gate did (the cache had not caught up yet).
   */
  constructor(
    readonly fn: WriteFunction,
    readonly stage: 'guard' | 'transaction' = 'transaction',
  ) {
    super(`refused by maintenance mode: ${fn}`);
    this.name = 'MaintenanceRefusal';
  }
}

/** A configuration that cannot be used; the message names the setting. */
export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/**
 * A restore that would replace data (a non-empty target without --force) or mix backends: refused
 * before anything was changed. The CLI ends it with the "refused" exit code, not the usage one.
 */
export class RestoreRefusedError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

/** A state machine was asked for a transition it does not have. A bug, not bad input. */
export class IllegalStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IllegalStateError';
  }
}

/**
 * A job status move its family's table does not allow (backyard/kinds/status-families.ts), or a
 * move given for a family the job does not follow. Nothing was written. A bug, not bad input: a
 * route checks the status a user's request needs first (409), so only code can ask for this.
 */
export class IllegalTransitionError extends IllegalStateError {
  constructor(
    readonly backyard: string,
    readonly from: string,
    readonly to: string,
    reason: string,
  ) {
    super(`a job of ${backyard} cannot move from status ${from} to ${to}: ${reason}`);
    this.name = 'IllegalTransitionError';
  }
}
