import type { Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { NodeRole } from '../node-names.js';
import type { Phase } from '../phases.js';
import type { RunLease } from './lease.js';
import type { PairRecord, RunRecord, StepEnd } from './records.js';
import { writePairFailed, writePairsRunning, writePhasesCompleted } from './run-progress.js';
import { writeStepEnds, writeStepStarts, type StepStart } from './steps.js';

/**
 * What a pair phase asks the store to record, each with how the pair's previous step ended (see
 * pair-phase.ts): a step starts (for a phase's first step, the pair is now running), the phase is
 * completed, or the pair failed.
 */
export type PairRecordRequest =
  | { readonly kind: 'step-start'; readonly step: StepStart; readonly previousEnd?: StepEnd | undefined; readonly markRunning?: boolean }
  | { readonly kind: 'phase-completed'; readonly pair: PairRecord; readonly phase: Phase; readonly previousEnd?: StepEnd | undefined }
  | {
      readonly kind: 'pair-failed';
      readonly pairId: string;
      readonly error: string;
      readonly active?: NodeRole | undefined;
      readonly previousEnd?: StepEnd | undefined;
    };

/** The pair a request is about: a batch holds at most one request per pair. */
export function pairOf(r: PairRecordRequest): string {
  return r.kind === 'step-start' ? r.step.pairId : r.kind === 'phase-completed' ? r.pair.id : r.pairId;
}

/**
 * Writes the records of many pairs (at most one each) in the transaction of a `RunHandle` record,
 * set-wise: the steps' ends, the pairs starting a phase, the steps' starts, the completed phases,
 * the failures. Returns, in the order of `requests`, the new step's id of each `step-start`.
 */
export async function writePairRecords(
  trx: Transaction<Database>,
  lease: RunLease,
  run: RunRecord,
  requests: readonly PairRecordRequest[],
): Promise<Array<number | undefined>> {
  await writeStepEnds(
    trx,
    lease.runId,
    requests.flatMap((r) => (r.previousEnd ? [r.previousEnd] : [])),
  );
  const starts = requests.flatMap((r) => (r.kind === 'step-start' ? [r] : []));
  await writePairsRunning(
    trx,
    lease.runId,
    starts.filter((r) => r.markRunning).map((r) => r.step.pairId),
  );
  const ids = await writeStepStarts(
    trx,
    lease,
    starts.map((r) => r.step),
  );
  await writePhasesCompleted(
    trx,
    run,
    requests.flatMap((r) => (r.kind === 'phase-completed' ? [r] : [])),
  );
  for (const r of requests) if (r.kind === 'pair-failed') await writePairFailed(trx, lease.runId, r.pairId, r.error, r.active);
  const byPair = new Map(starts.map((r, i) => [r.step.pairId, ids[i]]));
  return requests.map((r) => (r.kind === 'step-start' ? byPair.get(r.step.pairId) : undefined));
}
