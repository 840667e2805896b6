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
