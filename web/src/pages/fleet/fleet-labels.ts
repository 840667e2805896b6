import type { FleetPairState, FleetPhase, FleetPhaseCell, FleetRunState } from '../../../../src/http/wire-types';
import { CELL_OUTCOMES, PAIR_OUTCOMES, PAUSE_SYMBOL, runOutcome, type Outcome, type PairCounts } from '../../components/outcome';
import type { MessageKey } from '../../i18n/messages.en';

/**
 * A state as shown: a badge of its outcome family (components/status-badge.tsx) with a symbol
 * (decoration, hidden from screen readers) beside a text label, never colour alone.
 */
export interface StateLabel {
  readonly key: MessageKey;
  /** Values for the label's placeholders (besides `{state}`, the state as sent). */
  readonly params?: Readonly<Record<string, string | number>>;
  /** Its family, which decides colour and symbol; undefined for a state this console does not know. */
  readonly outcome: Outcome | undefined;
  /** Instead of the family's symbol (a pause shows ‖). */
  readonly symbol?: string;
}

/** The phases in order, with what each does. The same symbols as `drydock fleet status`. */
export const PHASES: readonly { readonly phase: FleetPhase; readonly title: MessageKey }[] = [
  { phase: '1', title: 'fleet.phase1' },
  { phase: '2', title: 'fleet.phase2' },
  { phase: '3', title: 'fleet.phase3' },
  { phase: '4', title: 'fleet.phase4' },
];

const CELL_KEYS: Readonly<Record<FleetPhaseCell, MessageKey>> = {
  done: 'fleet.cell.done',
  running: 'fleet.cell.running',
  failed: 'fleet.cell.failed',
  pending: 'fleet.cell.pending',
};

const RUN_KEYS: Readonly<Record<FleetRunState, MessageKey>> = {
  running: 'fleet.run.running',
  paused: 'fleet.run.paused',
  halted: 'fleet.run.halted',
  completed: 'fleet.run.completed',
  failed: 'fleet.run.failed',
};

const PAIR_KEYS: Readonly<Record<FleetPairState, MessageKey>> = {
  waiting: 'fleet.pair.waiting',
  running: 'fleet.pair.running',
  done: 'fleet.pair.done',
  failed: 'fleet.pair.failed',
};

// A newer server may send a state this console does not know: it is shown as sent, marked unknown.
const UNKNOWN: StateLabel = { key: 'fleet.unknownState', outcome: undefined };

export const cellLabel = (cell: FleetPhaseCell | undefined): StateLabel => {
  const key = CELL_KEYS[cell ?? 'pending'];
  return key ? { key, outcome: CELL_OUTCOMES[cell ?? 'pending'] } : UNKNOWN;
};

/**
 * A run's state. A run completed with failed pairs says so, with how many of how many — "Completed
 * with failures (1/8)" in the partial family's amber, never the green of a run whose every pair
 * reached the version. `counts` are the run's pair counts (the list's and the run view's).
 */
export const runStateLabel = (state: FleetRunState, counts?: PairCounts): StateLabel => {
  const key = RUN_KEYS[state];
  if (!key) return UNKNOWN;
  const outcome = runOutcome(state, counts);
  if (outcome === 'partial' && counts) return { key: 'outcome.completedWithFailures', params: { failed: counts.failed, total: counts.total }, outcome };
  return { key, outcome, ...(state === 'paused' && { symbol: PAUSE_SYMBOL }) };
};

export const pairStateLabel = (state: FleetPairState): StateLabel => {
  const key = PAIR_KEYS[state];
  return key ? { key, outcome: PAIR_OUTCOMES[state] } : UNKNOWN;
};

/** What an operator may do to a run in each state (the server decides again). */
export function runActions(state: FleetRunState): { readonly pause: boolean; readonly resume: boolean } {
  switch (state) {
    case 'running':
      return { pause: true, resume: false };
    case 'halted':
      return { pause: true, resume: true };
    case 'paused':
      return { pause: false, resume: true };
    case 'completed':
    case 'failed':
      return { pause: false, resume: false };
    default: {
      const never: never = state;
      void never;
      return { pause: false, resume: false };
    }
  }
}

/** P or S from a node name `<ENV>_<P|S>_<ID>` (the server enforces the convention); undefined otherwise. */
export function nodeRole(name: string): 'primary' | 'secondary' | undefined {
  const role = /^[A-Z][A-Z0-9-]*_(P|S)_[A-Za-z0-9][A-Za-z0-9-]*$/.exec(name)?.[1];
  return role === 'P' ? 'primary' : role === 'S' ? 'secondary' : undefined;
}
