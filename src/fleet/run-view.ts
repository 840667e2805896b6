import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { readPairs } from './store/declaration.js';
import { nowTimestamp } from '../store/clock.js';
import { holdingUntil, type RunPairState, type RunRecord } from './store/records.js';
import { countRunPairs, listRuns, readRun, readRunPairs } from './store/runs.js';
import { readStatuses } from './store/statuses.js';
import { PHASES, type Phase } from './phases.js';

/** A cell of the pairs × phases matrix. */
export type PhaseCell = 'done' | 'running' | 'failed' | 'pending';

/** How many of a run's pairs are in each state, and in all. */
export interface RunPairCounts {
  readonly waiting: number;
  readonly running: number;
  readonly done: number;
  readonly failed: number;
  readonly total: number;
}

/** A run as operators watch it: the run, whether it holds, the version's statuses, and one row per pair. */
export interface RunView {
  readonly run: RunRecord;
  /** When the run's hold ends, while it holds after `run.hold.afterPhase` (see `holdingUntil`); else null. */
  readonly holdingUntil: string | null;
  readonly statuses: readonly string[];
  readonly counts: RunPairCounts;
  readonly pairs: ReadonlyArray<{
    readonly pair: string;
    readonly state: RunPairState;
    readonly completedPhase: number;
    readonly attempt: number;
    readonly error: string | null;
    readonly active: string | null;
    readonly primaryVersion: string | null;
    readonly secondaryVersion: string | null;
    /** Phase 1–4 → its cell. */
    readonly phases: Readonly<Record<`${Phase}`, PhaseCell>>;
  }>;
}

/**
 * A run as the list of runs shows it: the run and its pair counts, so a run that completed with
 * failed pairs can be told from one whose every pair reached the version.
 */
export interface RunSummary extends RunRecord {
  readonly counts: RunPairCounts;
  /** When the run's hold ends, while it holds (see `holdingUntil`); else null. */
  readonly holdingUntil: string | null;
}

/** Runs, newest first, each with its pair counts (one statement for the counts of all). */
export async function listRunSummaries(db: Kysely<Database>, limit?: number): Promise<RunSummary[]> {
  const runs = await listRuns(db, limit);
  const counts = await countRunPairs(
    db,
    runs.map((r) => r.id),
  );
  const now = nowTimestamp();
  return runs.map((run) => {
    const byState = counts.get(run.id);
    const n = (state: RunPairState) => byState?.get(state) ?? 0;
    const total = [...(byState?.values() ?? [])].reduce((sum, c) => sum + c, 0);
    return {
      ...run,
      counts: { waiting: n('waiting'), running: n('running'), done: n('done'), failed: n('failed'), total },
      holdingUntil: holdingUntil(run, now),
    };
  });
}

/** Builds the matrix of a run. */
export async function readRunView(db: Kysely<Database>, runId: string): Promise<RunView> {
  const run = await readRun(db, runId);
  const [progress, pairs, statuses] = await Promise.all([readRunPairs(db, runId), readPairs(db, run.environment), readStatuses(db, run.version)]);
  const byId = new Map(pairs.map((p) => [p.id, p]));
  const counts = { waiting: 0, running: 0, done: 0, failed: 0, total: progress.length };
  const rows = progress.map((p) => {
    const state = p.state as keyof typeof counts;
    if (state in counts) counts[state]++;
    const pair = byId.get(p.pairId);
    // Every phase is set below.
    const phases = {} as Record<`${Phase}`, PhaseCell>;
    for (const phase of PHASES) {
      phases[phase] =
        phase <= p.completedPhase
          ? 'done'
          : phase === p.completedPhase + 1 && p.state === 'running'
            ? 'running'
            : phase === p.completedPhase + 1 && p.state === 'failed'
              ? 'failed'
              : 'pending';
    }
    return {
      pair: p.pairId,
      state: p.state,
      completedPhase: p.completedPhase,
      attempt: p.attempt,
      error: p.error,
      active: pair ? (pair.active === 'P' ? pair.primary.name : pair.secondary.name) : null,
      primaryVersion: pair?.primary.installedVersion ?? null,
      secondaryVersion: pair?.secondary.installedVersion ?? null,
      phases,
    };
  });
  return { run, holdingUntil: holdingUntil(run, nowTimestamp()), statuses: [...statuses].sort(), counts, pairs: rows };
}
