/**
 * How a runbook ends when it does not go on: the operator's two cases that are not a failure of
 * the work itself. A runbook that ran its steps reports them instead of throwing (`StepResult`).
 * The CLI gives each its exit code (`cli/exit-codes.ts`, `exitCodeOf`).
 */

/** A safety check refused to go on, before anything was changed (a backup without read-only, a restore of a newer schema …). */
export class RefusedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RefusedError';
  }
}

/** What was asked cannot be done as given (a backup into a directory that does not exist …): the command line needs fixing. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}
