/**
 * Waiting in tests: polls until a probe answers, then returns that answer. The one helper for
 * "eventually" — jobs reaching a status, a process writing its pid, a page showing a banner.
 */

export interface WaitOptions {
  /** How long to wait before failing; default 30 s. */
  readonly timeoutMs?: number;
  /** How long between probes; default 50 ms. */
  readonly everyMs?: number;
  /**
   * Whether a probe that throws means "not yet" (a page still rendering, a server still starting)
   * rather than a failure; default false, so a broken probe fails at once. The last error is
   * named if the wait times out.
   */
  readonly retryErrors?: boolean;
  /** More context for the timeout's message (a cluster's state, a job's log). */
  readonly explain?: () => string;
}

/**
 * Polls `probe` until it returns something other than `undefined` or `false`, and returns that.
 * Times out with an error naming `what` (worded to follow "waiting until …") and the last answer.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 30_000, everyMs = 50, retryErrors = false, explain }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      if (!retryErrors) throw err;
      last = err;
    }
    if (Date.now() > deadline) {
      const context = explain ? `\n${explain()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what} (last: ${last instanceof Error ? last.message : String(last)})${context}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A child process as far as waiting for it to start needs: whether it ended, and how to kill it. */
interface StartingProcess {
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  kill(signal: NodeJS.Signals): boolean;
}

/**
 * Waits until a child process is `ready()` — it answers, or wrote its start line. Fails at once,
 * with its output, if it exits first; kills it (SIGKILL) and fails with its output if it is not
 * ready within `timeoutMs` (default 30 s). `ready` answers false while the child is not ready yet.
 */
export async function waitUntilStarted(
  what: string,
  child: StartingProcess,
  output: () => string,
  ready: () => boolean | Promise<boolean>,
  { timeoutMs = 30_000, everyMs = 100 }: Pick<WaitOptions, 'timeoutMs' | 'everyMs'> = {},
): Promise<void> {
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  try {
    await waitFor(
      `${what} started`,
      async () => {
        if (ended()) throw new Error(`${what} exited early (${child.exitCode ?? child.signalCode})`);
        return ready();
      },
      { timeoutMs, everyMs },
    );
  } catch (err) {
    if (!ended()) child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}:\n${output()}`, { cause: err });
  }
}
