import type { LoadResult, LoadSample } from '../../test/support/read-write-load.js';
import { fmt, type Cell } from './report.js';

/** What users saw of an upgrade, from the read + write load that ran across it (bench/upgrade.ts, bench/kube-upgrade.ts). */
export interface LoadOutcome {
  readonly reads: number;
  readonly failedReads: number;
  readonly writes: number;
  /** Writes refused by read-only mode (503, Retry-After). */
  readonly refused: number;
  /** Writes with no answer, or a status other than 200 and 503. */
  readonly badWrites: number;
  /** First write not answered 200 sent → last one answered; null for none. */
  readonly writeWindowMs: number | null;
  /** First failed read sent → last failed read answered: the time reads found no service; null for none. */
  readonly failedReadSpanMs: number | null;
}

/** From the first sample's sending to the last one's answer; null for none. */
function span(samples: readonly LoadSample[]): number | null {
  if (samples.length === 0) return null;
  return Math.max(...samples.map((s) => s.doneAt)) - Math.min(...samples.map((s) => s.sentAt));
}

export function loadOutcome(seen: LoadResult): LoadOutcome {
  return {
    reads: seen.reads,
    failedReads: seen.failedReads.length,
    writes: seen.writes,
    refused: seen.refusedWrites.length,
    badWrites: seen.badWrites.length,
    writeWindowMs: span(seen.samples.filter((x) => x.kind === 'write' && x.status !== 200)),
    failedReadSpanMs: span(seen.failedReads),
  };
}

/** The table columns of a load outcome, and their cells. */
export const LOAD_COLUMNS = ['reads', 'failed reads', 'no service s', 'writes', '503 writes', 'failed writes', 'write-refused window s'] as const;
export function loadCells(o: LoadOutcome): Cell[] {
  return [
    o.reads,
    o.failedReads,
    fmt(o.failedReadSpanMs === null ? 0 : o.failedReadSpanMs / 1000, 2),
    o.writes,
    o.refused,
    o.badWrites,
    fmt(o.writeWindowMs === null ? null : o.writeWindowMs / 1000, 2),
  ];
}
