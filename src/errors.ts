import { inEachLanguage, joinTexts, textIn, type Language, type Texts } from './i18n/language.js';
import { MESSAGES } from './i18n/server-messages.js';
import { WRITE_FUNCTIONS, refusalMessage, type WriteFunction } from './maintenance/write-functions.js';

/**
 * The errors drydock's domain throws, as one family: a `DomainError` carries the Exastro result code
 * — whose first three digits are the HTTP status, as in Exastro — and a message that tells the
 * caller what to fix, always in Japanese and English (`Texts`): every DomainError, and every helper
 * below, takes texts, not a string, so none can be thrown in English only. The texts come from the
 * catalogue `i18n/server-messages.ts` (`MESSAGES`, grouped by result code); read-only mode's from
 * the write-function table. `err.message` is the English text, for logs and for code that reads it.
 * `http/error-handler.ts` is the one place that turns one into an answer, in the request's
 * language; everything else just throws. The HTTP layer's own refusals (a body that is not JSON, a
 * method override) are DomainErrors too, so every answer drydock words itself leaves through the
 * same door.
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

/**
 * Result codes, in Exastro's shape `<HTTP status>-<5 digits>`. As in Exastro, an answer's HTTP
 * status is its result code's first three digits (500 for anything from 500 up): `statusOfResult`.
 * The ITA API's refusals use Exastro IT Automation's own codes (499 for a request the function
 * cannot carry out, 498 for maintenance mode); the platform API's use the standard statuses.
 */
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
  /** The request did not arrive in time (answered by the HTTP parser's handler). */
  requestTimeout: '408-00001',
  conflict: '409-00001',
  payloadTooLarge: '413-00001',
  uriTooLong: '414-00001',
  unsupportedMediaType: '415-00001',
  tooManyRequests: '429-00001',
  /** The request line and headers are larger than Node reads (answered by the HTTP parser's handler). */
  headersTooLarge: '431-00001',
  unavailable: '503-00001',
  /** Exastro IT Automation's "system error": every unexpected failure (HTTP 500). */
  internal: '999-99999',
  // Exastro IT Automation's codes for what the ITA API cannot carry out (HTTP 499).
  /** The menu named in the path is not one this function works on (a driver call on a menu that runs no driver). */
  menuNotForThis: '499-00001',
  /** The menu named in the path does not exist in the workspace. */
  menuNotFound: '499-00002',
  /** The column named in the path does not exist in the menu. */
  columnNotFound: '499-00006',
  /** The records or values of a request have problems, listed per row and column (`RecordProblems`). */
  recordProblems: '499-00201',
  /** The named target (an export's menu, a filter target) does not exist. */
  invalidTarget: '499-00008',
  /** A driver execution: the movement / operation named does not exist. */
  movementNotFound: '499-00901',
  operationNotFound: '499-00902',
  /** A driver execution number that does not exist (or is not this driver's). */
  executionNotFound: '499-00903',
  /** A driver execution in a status that does not allow an emergency stop / a cancel. */
  cannotScram: '499-00904',
  cannotCancel: '499-00910',
  /** A conductor class: its editor JSON cannot be registered / no class has the id. */
  conductorClassInvalid: '499-00801',
  conductorClassNotFound: '499-00802',
  /** A conductor: its instance cannot be read / cancelled / stopped / released, or cannot run as asked. */
  conductorNotFound: '499-00806',
  conductorCannotCancel: '499-00808',
  conductorCannotScram: '499-00809',
  conductorCannotRun: '499-00814',
  /** A conductor's node release: the node is no pause / was released already / is not on hold; no input or result data yet. */
  conductorNodeNotPause: '499-00811',
  conductorNodeReleased: '499-00812',
  conductorNodeNotOnHold: '499-00813',
  conductorNoData: '499-00815',
  /** Menu creation: a definition that cannot be created as sent / an unknown creation type. */
  menuCreateRefused: '499-00701',
  menuCreateType: '499-00703',
  /** Log levels: a service name or a level that cannot be set. */
  invalidLogLevel: '499-01401',
} as const;

/** The HTTP status of an answer with `result`: its first three digits, 500 for anything from 500 up (Exastro's rule). */
export function statusOfResult(result: string): number {
  const status = Number(result.slice(0, 3));
  if (!Number.isInteger(status) || status < 100) return 500;
  return status >= 500 ? 500 : status;
}

/**
 * A refusal: the Exastro result code (which decides the HTTP status) and a message that tells the
 * caller what to fix, in every language drydock speaks; the answer carries the one the request
 * asked for, and `message` is the English one.
 */
export class DomainError extends Error {
  constructor(
    readonly result: string,
    readonly texts: Texts,
    options?: ErrorOptions,
  ) {
    super(texts.en, options);
    this.name = 'DomainError';
  }

  /** The message in `language`. */
  messageIn(language: Language): string {
    return textIn(this.texts, language);
  }
}

export const badRequest = (texts: Texts, result: string = RESULT.invalidRequest) => new DomainError(result, texts);
/** A 401; without texts, the sign-in failure (a wrong user name, password or token). */
export const unauthorized = (texts: Texts = MESSAGES.unauthorized.signInFailed) => new DomainError(RESULT.unauthorized, texts);
export const forbidden = (texts: Texts = MESSAGES.forbidden.roleDoesNotAllow) => new DomainError(RESULT.forbidden, texts);
export const notFound = (texts: Texts) => new DomainError(RESULT.notFound, texts);
export const conflict = (texts: Texts, result: string = RESULT.conflict) => new DomainError(result, texts);
/** A request the ITA API cannot carry out (HTTP 499), with Exastro's code for why. */
export const refused = (result: string, texts: Texts) => new DomainError(result, texts);

/** Too many failed attempts from one place: try again after `retryAfterSeconds` (sent as Retry-After). */
export class RateLimited extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(RESULT.tooManyRequests, MESSAGES.tooManyRequests.tooManySignIns(retryAfterSeconds));
    this.name = 'RateLimited';
  }
}

/**
 * A write refused because maintenance mode is on. Thrown by the in-transaction gate and by the
 * route guard; its code is the write function's (498-xxxxx, as Exastro's), and the HTTP layer adds
 * `Retry-After` (and answers 503 instead of 498 where the configuration asks for it).
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
    super(
      WRITE_FUNCTIONS[fn].result,
      inEachLanguage((language) => refusalMessage(fn, language)),
    );
    this.name = 'MaintenanceRefusal';
  }
}

/** The key under which a row's problem that is not about one column is listed (Exastro's "individual check"). */
export const ROW_PROBLEM_KEY: Texts = MESSAGES.recordProblems.individualCheck;

/** One problem of a request's records: its row (0-based, the item's index), its column if it is about one, and what is wrong. */
export interface RecordProblem {
  readonly row: number;
  readonly column?: string;
  readonly texts: Texts;
}

/**
 * The problems of a request's records (499-00201): the message is, as in Exastro, a JSON object
 * `{"<row>": {"<column or ROW_PROBLEM_KEY>": ["what is wrong", …]}}`, so a client can show each
 * problem beside its row and column. Nothing of the request was saved.
 */
export class RecordProblems extends DomainError {
  constructor(readonly problems: readonly RecordProblem[]) {
    super(
      RESULT.recordProblems,
      inEachLanguage((language) => renderProblems(problems, language)),
    );
    this.name = 'RecordProblems';
  }
}

function renderProblems(problems: readonly RecordProblem[], language: Language): string {
  const rows = new Map<number, Map<string, string[]>>();
  for (const p of [...problems].sort((a, b) => a.row - b.row)) {
    const columns = rows.get(p.row) ?? new Map<string, string[]>();
    rows.set(p.row, columns);
    const key = p.column ?? textIn(ROW_PROBLEM_KEY, language);
    columns.set(key, [...(columns.get(key) ?? []), textIn(p.texts, language)]);
  }
  return JSON.stringify(Object.fromEntries([...rows].map(([row, columns]) => [String(row), Object.fromEntries(columns)])));
}

/** Problems beyond this many are counted, not listed. */
const MAX_LISTED_PROBLEMS = 30;

/** A menu export document or workbook that cannot be imported; `problems` name each place and what is wrong there. */
export class DocumentError extends DomainError {
  constructor(readonly problems: readonly Texts[]) {
    const listed = joinTexts(problems.slice(0, MAX_LISTED_PROBLEMS), '; ');
    super(RESULT.invalidValue, MESSAGES.invalidValue.documentRefused(listed, problems.length - MAX_LISTED_PROBLEMS));
    this.name = 'DocumentError';
  }
}

/** A problem found while writing a workbook: a value Excel cannot hold. */
export class WorkbookLimitError extends DomainError {
  constructor(texts: Texts) {
    super(RESULT.invalidValue, texts);
    this.name = 'WorkbookLimitError';
  }
}

/** A fleet gate expression that does not parse (`fleet/gate-expression.ts`); the message points at the problem. */
export class GateSyntaxError extends DomainError {
  constructor(texts: Texts) {
    super(RESULT.invalidValue, texts);
    this.name = 'GateSyntaxError';
  }
}

/** The fleet orchestrator no longer holds a run's lease: another one took the run over. */
export class LeaseLostError extends DomainError {
  constructor(runId: string, owner: string) {
    super(RESULT.conflict, MESSAGES.conflict.leaseLost(owner, runId));
    this.name = 'LeaseLostError';
  }
}

/** An upgrade action refused because it would break an invariant of the upgrade (`fleet/invariants.ts`). */
export class InvariantViolation extends DomainError {
  constructor(problem: Texts) {
    super(RESULT.conflict, MESSAGES.conflict.invariant(problem));
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
