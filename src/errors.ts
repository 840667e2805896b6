import { WRITE_FUNCTIONS, type WriteFunction } from './maintenance/write-functions.js';

/**
 * The errors drydock's domain throws, as one family: a `DomainError` says what kind of refusal it
 * is and carries the Exastro result code and a message that tells the caller what to fix.
 * `http/error-handler.ts` is the one place that turns a kind into an HTTP status; everything else
 * just throws. The HTTP layer's own refusals (a body that is not JSON, a method override) are
 * DomainErrors too, so every answer drydock words itself leaves through the same door.
 *
 * Outside the family, on purpose:
 * - `IllegalStateError` (and `IllegalTransitionError`) below: a bug, not a refusal; it answers 500
 *   like any unexpected error.
 * - `ConfigError` (and `RestoreRefusedError`) below: a setting or an operator's command that cannot
 *   be used; the CLI ends with it (its exit code), no HTTP answer ever carries it.
 * - Errors that stay inside one room's control flow and never reach an answer: `CliError`
 *   (`cli/exit-codes.ts`, carries the exit code), `ProcessStartError` (backyard executors),
 *   `ClusterError` (`kubernetes/`), `SuccessorFailed` (`handover/`), `HandoverUnavailable` and
 *   `StepFailed` (`runbook/`), the Kubernetes driver's private `ActionFailure`. Each is thrown and
 *   caught by the module that defines it, or ends a command.
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

/**
 * What a refusal says about the request. Each kind has one HTTP status (`http/error-handler.ts`,
 * `STATUS_OF_KIND`): `invalid` 400 (bad input), `unauthenticated` 401, `forbidden` 403 (the role
 * or the rule does not allow it), `not-found` 404, `method-not-allowed` 405, `conflict` 409 (the
 * state does not allow it now), `rate-limited` 429, `read-only` 503 (maintenance mode).
 */
export type DomainErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not-found' | 'method-not-allowed' | 'conflict' | 'rate-limited' | 'read-only';

/** A refusal: its kind, the Exastro result code, and a message that tells the caller what to fix. */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly result: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

export const badRequest = (message: string, result: string = RESULT.invalidRequest) => new DomainError('invalid', result, message);
export const unauthorized = (message = 'Authentication failed: check the user name and password, or the token.') =>
  new DomainError('unauthenticated', RESULT.unauthorized, message);
export const forbidden = (message = 'Your role does not allow this call.') => new DomainError('forbidden', RESULT.forbidden, message);
export const notFound = (message: string) => new DomainError('not-found', RESULT.notFound, message);
export const conflict = (message: string, result: string = RESULT.conflict) => new DomainError('conflict', result, message);

/** Too many failed attempts from one place: try again after `retryAfterSeconds` (sent as Retry-After). */
export class RateLimited extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate-limited', RESULT.tooManyRequests, message);
    this.name = 'RateLimited';
  }
}

/**
 * A write refused because maintenance mode is on. Thrown by the in-transaction gate and by the
 * route guard; the HTTP layer localises the message and adds `Retry-After`.
 */
export class MaintenanceRefusal extends DomainError {
  /**
   * @param stage `guard` when the process's cached switches refused it before any work,
   *   `transaction` when the in-transaction gate did (the cache had not caught up yet).
   */
  constructor(
    readonly fn: WriteFunction,
    readonly stage: 'guard' | 'transaction' = 'transaction',
  ) {
    super('read-only', WRITE_FUNCTIONS[fn].result, `refused by maintenance mode: ${fn}`);
    this.name = 'MaintenanceRefusal';
  }
}

/** Problems beyond this many are counted, not listed. */
const MAX_LISTED_PROBLEMS = 30;

/** A menu export document or workbook that cannot be imported; `problems` name each place and what is wrong there. */
export class DocumentError extends DomainError {
  constructor(readonly problems: readonly string[]) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
    const more = problems.length - MAX_LISTED_PROBLEMS;
    super('invalid', RESULT.invalidValue, `The document cannot be imported: ${listed}${more > 0 ? `; and ${more} more problem(s)` : ''}.`);
    this.name = 'DocumentError';
  }
}

/** A problem found while writing a workbook: a value Excel cannot hold. */
export class WorkbookLimitError extends DomainError {
  constructor(message: string) {
    super('invalid', RESULT.invalidValue, message);
    this.name = 'WorkbookLimitError';
  }
}

/** A fleet gate expression that does not parse (`fleet/gate-expression.ts`); the message points at the problem. */
export class GateSyntaxError extends DomainError {
  constructor(message: string) {
    super('invalid', RESULT.invalidValue, message);
    this.name = 'GateSyntaxError';
  }
}

/** The fleet orchestrator no longer holds a run's lease: another one took the run over. */
export class LeaseLostError extends DomainError {
  constructor(runId: string, owner: string) {
    super('conflict', RESULT.conflict, `orchestrator ${owner} no longer holds the lease of run ${runId}`);
    this.name = 'LeaseLostError';
  }
}

/** An upgrade action refused because it would break an invariant of the upgrade (`fleet/invariants.ts`). */
export class InvariantViolation extends DomainError {
  constructor(message: string) {
    super('conflict', RESULT.conflict, `refused, an invariant would break: ${message}`);
    this.name = 'InvariantViolation';
  }
}

/** A configuration that cannot be used; the message names the setting. Not a DomainError: see above. */
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

/** A state machine was asked for a transition it does not have. A bug, not bad input (answers 500). */
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
