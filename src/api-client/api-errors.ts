/**
 * What a call to the drydock API can fail with, as the API client (`api-client.ts`) throws it. The
 * client's callers — the CLI and the runbooks — branch on these; the CLI turns them into its exit
 * codes in one place (`cli/exit-codes.ts`, `exitCodeOf`).
 */

/** The API answered, but not with success: an HTTP status other than 200, or a body that is no envelope. */
export class ApiCallError extends Error {
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The envelope's Exastro result code (`409-00001` …); undefined when the body was no envelope. */
  readonly result: string | undefined;
  /** What the server said (the envelope's message, else the start of the body, else the status text). */
  readonly serverMessage: string;

  constructor(message: string, answer: { status: number; result: string | undefined; serverMessage: string }) {
    super(message);
    this.name = 'ApiCallError';
    this.status = answer.status;
    this.result = answer.result;
    this.serverMessage = answer.serverMessage;
  }
}

/** The API could not be reached (a refused connection, an unknown host …), or it closed a stream it was following. */
export class UnreachableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnreachableError';
  }
}
