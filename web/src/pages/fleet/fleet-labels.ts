import type { FleetPairState, FleetPhase, FleetPhaseCell, FleetRunState } from '../../../../src/http/wire-types';
import type { MessageKey } from '../../i18n/messages.en';

/** A state as shown: a symbol (decoration, hidden from screen readers) beside a text label, never colour alone. */
export interface StateLabel {
  readonly symbol: string;
  readonly key: MessageKey;
  /** The colour, which only repeats what the symbol and the text say. */
  readonly tone: 'ok' | 'active' | 'bad' | 'idle' | 'held';
}

/** The phases in order, with what each does. The same symbols as `drydock fleet status`. */
export const PHASES: readonly { readonly phase: FleetPhase; readonly title: MessageKey }[] = [
  { phase: '1', title: 'fleet.phase1' },
  { phase: '2', title: 'fleet.phase2' },
  { phase: '3', title: 'fleet.phase3' },
  { phase: '4', title: 'fleet.phase4' },
];

const CELLS: Readonly<Record<FleetPhaseCell, StateLabel>> = {
  done: { symbol: '✓', key: 'fleet.cell.done', tone: 'ok' },
  running: { symbol: '▶', key: 'fleet.cell.running', tone: 'active' },
  failed: { symbol: '✗', key: 'fleet.cell.failed', tone: 'bad' },
  pending: { symbol: '○', key: 'fleet.cell.pending', tone: 'idle' },
};

const RUN_STATES: Readonly<Record<FleetRunState, StateLabel>> = {
  running: { symbol: '▶', key: 'fleet.run.running', tone: 'active' },
  paused: { symbol: '‖', key: 'fleet.run.paused', tone: 'held' },
  halted: { symbol: '■', key: 'fleet.run.halted', tone: 'held' },
  completed: { symbol: '✓', key: 'fleet.run.completed', tone: 'ok' },
  failed: { symbol: '✗', key: 'fleet.run.failed', tone: 'bad' },
};

const PAIR_STATES: Readonly<Record<FleetPairState, StateLabel>> = {
  waiting: { symbol: '○', key: 'fleet.pair.waiting', tone: 'idle' },
  running: { symbol: '▶', key: 'fleet.pair.running', tone: 'active' },
  done: { symbol: '✓', key: 'fleet.pair.done', tone: 'ok' },
  failed: { symbol: '✗', key: 'fleet.pair.failed', tone: 'bad' },
};

// A newer server may send a state this console does not know: it is shown as sent, marked unknown.
const UNKNOWN: StateLabel = { symbol: '?', key: 'fleet.unknownState', tone: 'idle' };

export const cellLabel = (cell: FleetPhaseCell | undefined): StateLabel => CELLS[cell ?? 'pending'] ?? UNKNOWN;
export const runStateLabel = (state: FleetRunState): StateLabel => RUN_STATES[state] ?? UNKNOWN;
export const pairStateLabel = (state: FleetPairState): StateLabel => PAIR_STATES[state] ?? UNKNOWN;

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
