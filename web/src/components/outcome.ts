/**
 * Every status the console shows — a job's (each backyard kind's status family,
 * src/backyard/kinds/status-families.ts, Exastro's ids and names), a fleet run's, a pair's, a phase
 * cell's — belongs to one outcome family, which decides its badge's colour and symbol
 * (status-badge.tsx). The word beside the symbol is always the status's own name, so a colour or a
 * symbol never stands alone.
 *
 * Plain data and functions (no React): test/console-outcomes-mapping.test.ts walks every family's
 * statuses through them, so a status added without an outcome fails there (and, where the statuses
 * are literals, already here at compile time).
 */
import { kindOf } from '../../../src/backyard/kinds/registry.js';
import { STATUS_FAMILIES, type FamilyName } from '../../../src/backyard/kinds/status-families.js';
import type { FleetPairState, FleetPhaseCell, FleetRunState } from '../../../src/http/wire-types.js';

/**
 * - `running`: work is happening now (preparing, executing, delayed, a phase in progress);
 * - `waiting`: not running, and will go on by itself or at an operator's word (unexecuted,
 *   scheduled, a pending phase, a paused run or conductor);
 * - `succeeded`: ended, everything went well;
 * - `partial`: ended, but some of it failed (a fleet run completed with failed pairs, a conductor's
 *   Warning end) — never shown as a success;
 * - `failed`: ended in failure (Completed (error), Unexpected error, Abend, a failed pair);
 * - `stopped`: stopped before its end by a person or a safety rule (emergency stop, a cancelled
 *   schedule, a run halted by its failure budget or a closed gate).
 */
export type Outcome = 'running' | 'waiting' | 'succeeded' | 'partial' | 'failed' | 'stopped';

export const OUTCOMES: readonly Outcome[] = ['running', 'waiting', 'succeeded', 'partial', 'failed', 'stopped'];

/** Each family's symbol: decoration beside the word (hidden from screen readers), the same in every list. */
export const OUTCOME_SYMBOL: Readonly<Record<Outcome, string>> = {
  running: '▶',
  waiting: '○',
  succeeded: '✓',
  // U+FE0E: the text form, never a coloured emoji.
  partial: '⚠\uFE0E',
  failed: '✗',
  stopped: '■',
};

/** A pause is waiting too, but shown as one. */
export const PAUSE_SYMBOL = '‖';

type StatusKey<F extends FamilyName> = keyof (typeof STATUS_FAMILIES)[F]['status'];

/**
 * Every status of every family, by its key. The compiler refuses a family or a status left out, so
 * a status added to status-families.ts needs its outcome here.
 */
const JOB_OUTCOMES: { readonly [F in FamilyName]: Readonly<Record<StatusKey<F>, Outcome>> } = {
  driver: {
    unexecuted: 'waiting',
    preparing: 'running',
    executing: 'running',
    delayed: 'running',
    completed: 'succeeded',
    completedError: 'failed',
    unexpectedError: 'failed',
    emergencyStop: 'stopped',
    scheduled: 'waiting',
    scheduleCancelled: 'stopped',
  },
  conductor: {
    unexecuted: 'waiting',
    scheduled: 'waiting',
    executing: 'running',
    delayed: 'running',
    // At a pause node, until someone releases it.
    paused: 'waiting',
    normalEnd: 'succeeded',
    abend: 'failed',
    warningEnd: 'partial',
    emergencyStop: 'stopped',
    scheduleCancelled: 'stopped',
    unexpectedError: 'failed',
  },
  menu: {
    unexecuted: 'waiting',
    executing: 'running',
    completed: 'succeeded',
    completedError: 'failed',
  },
};

/** The outcome of a status of a family, by its id; undefined for an id the family does not have. */
export function familyStatusOutcome(family: FamilyName, statusId: string): Outcome | undefined {
  const statuses = STATUS_FAMILIES[family].status as Readonly<Record<string, string>>;
  const outcomes = JOB_OUTCOMES[family] as Readonly<Record<string, Outcome>>;
  const key = Object.keys(statuses).find((k) => statuses[k] === statusId);
  return key === undefined ? undefined : outcomes[key];
}

/** The outcome of a job's status; undefined for a backyard or a status this console does not know (a newer server). */
export function jobOutcome(backyard: string, statusId: string): Outcome | undefined {
  const kind = kindOf(backyard);
  return kind && familyStatusOutcome(kind.family, statusId);
}

/** Whether a job's status is a pause (its badge shows the pause symbol). */
export function isPausedStatus(backyard: string, statusId: string): boolean {
  const kind = kindOf(backyard);
  return kind?.family === 'conductor' && STATUS_FAMILIES.conductor.status.paused === statusId;
}

/** A run's pair counts as the fleet API answers them (the list and the run view). */
export interface PairCounts {
  readonly done: number;
  readonly failed: number;
  readonly total: number;
}

const RUN_OUTCOMES: Readonly<Record<FleetRunState, Outcome>> = {
  running: 'running',
  paused: 'waiting',
  halted: 'stopped',
  completed: 'succeeded',
  failed: 'failed',
};

/**
 * A fleet run's outcome. A run `completed` with failed pairs is `partial`: it finished, but not
 * every pair reached the version — never shown as a success.
 */
export function runOutcome(state: FleetRunState, counts?: PairCounts): Outcome | undefined {
  if (state === 'completed' && counts && counts.failed > 0) return 'partial';
  return RUN_OUTCOMES[state];
}

export const PAIR_OUTCOMES: Readonly<Record<FleetPairState, Outcome>> = {
  waiting: 'waiting',
  running: 'running',
  done: 'succeeded',
  failed: 'failed',
};

export const CELL_OUTCOMES: Readonly<Record<FleetPhaseCell, Outcome>> = {
  done: 'succeeded',
  running: 'running',
  failed: 'failed',
  pending: 'waiting',
};
