/**
 * The errors only the fleet throws. Operator-facing refusals (a closed gate, an unknown run) are
 * the shared `ApiError`s of `src/errors.ts`; these are the fleet's own conditions, which callers
 * tell apart with `instanceof`.
 */

/** Thrown by `parseGate` (gate-expression.ts) with a message that points at the problem. */
export class GateSyntaxError extends Error {}

/** Thrown when the orchestrator no longer holds the run's lease (another one took the run over). */
export class LeaseLostError extends Error {
  constructor(runId: string, owner: string) {
    super(`orchestrator ${owner} no longer holds the lease of run ${runId}`);
    this.name = 'LeaseLostError';
  }
}

/** Thrown instead of performing an action that would break an invariant of the upgrade. */
export class InvariantViolation extends Error {
  constructor(message: string) {
    super(`refused, an invariant would break: ${message}`);
    this.name = 'InvariantViolation';
  }
}
