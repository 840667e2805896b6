/**
 * A fleet run's progress per phase, for the fleet run page's chart: how many pairs are done,
 * running, failed and waiting in each phase (the run view's matrix), and when each pair completed
 * each phase (from the run's step log: the end of its last succeeded step of that phase).
 */
import type { FleetPhase, FleetRunView, FleetStep } from '../../../../src/http/wire-types.js';

export interface PhaseProgress {
  readonly phase: FleetPhase;
  readonly total: number;
  readonly done: number;
  readonly running: number;
  readonly failed: number;
  readonly pending: number;
  /** When each pair completed the phase (ms), in time order: one per done pair. */
  readonly doneAt: readonly number[];
}

const PHASE_IDS: readonly FleetPhase[] = ['1', '2', '3', '4'];

/**
 * Each phase's counts and completion times. A done pair whose steps the log does not show yet (the
 * log was read before the matrix) is placed at the run's last update.
 */
export function phaseProgress(view: FleetRunView, steps: readonly FleetStep[]): PhaseProgress[] {
  // The end of the last succeeded step of each pair and phase.
  const ended = new Map<string, number>();
  for (const s of steps) {
    if (s.state !== 'succeeded' || s.finishedAt === null) continue;
    const key = `${s.pairId}\u0000${s.phase}`;
    const at = Date.parse(s.finishedAt);
    if (at > (ended.get(key) ?? -Infinity)) ended.set(key, at);
  }
  const fallback = Date.parse(view.run.updatedAt);
  return PHASE_IDS.map((phase) => {
    const cells = view.pairs.map((p) => p.phases[phase] ?? 'pending');
    const count = (cell: string) => cells.filter((c) => c === cell).length;
    const doneAt = view.pairs
      .filter((p) => p.phases[phase] === 'done')
      .map((p) => ended.get(`${p.pair}\u0000${phase}`) ?? fallback)
      .sort((a, b) => a - b);
    return {
      phase,
      total: view.pairs.length,
      done: count('done'),
      running: count('running'),
      failed: count('failed'),
      pending: count('pending'),
      doneAt,
    };
  });
}
