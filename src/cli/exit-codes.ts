import { ApiCallError, UnreachableError } from '../api-client/api-errors.js';
import { ConfigError } from '../errors.js';
import { RefusedError, UsageError } from '../runbook/runbook-errors.js';

/**
 * The CLI's exit codes, documented in the README; scripts branch on them.
 */
export const EXIT = {
  ok: 0,
  /** The API refused the call or answered an error (the message says why). */
  failed: 1,
  /** Bad flags or configuration. */
  usage: 2,
  /** A wait (drain) timed out; the state was left as it was. */
  timeout: 3,
  /** The API could not be reached. */
  unreachable: 4,
  /** A safety check refused to go on (backup without read-only, restore of a newer schema …). */
  refused: 5,
  /** Interrupted by Ctrl-C / SIGINT. */
  interrupted: 130,
} as const;

/** An error that ends a CLI command with a given exit code and message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * The exit code an error ends a command with, when it is one the operator reads as a message (the
 * CLI's own, the API client's, a runbook's, a configuration problem); undefined for anything else,
 * which is unexpected. The one place these errors become exit codes: `main.ts` asks it.
 */
export function exitCodeOf(err: unknown): number | undefined {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof ApiCallError) return EXIT.failed;
  if (err instanceof UnreachableError) return EXIT.unreachable;
  if (err instanceof RefusedError) return EXIT.refused;
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof ConfigError) return EXIT.usage;
  return undefined;
}
