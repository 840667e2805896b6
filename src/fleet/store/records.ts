import type { EnvironmentDeclaration } from '../fleet-file.js';
import type { NodeRole } from '../node-names.js';
import type { PairView, Phase } from '../phases.js';

/**
 * The fleet's records as the store holds them. The statements live beside this file, one named
 * function each, by concern: `declaration.ts` (environments, pairs, nodes), `registrations.ts` (what
 * nodes announce about themselves), `statuses.ts` (version statuses), `runs.ts` (what operators do
 * to runs), and for the orchestrator `lease.ts` (who owns a run), `run-handle.ts` (the one way to
 * write while owning it), `steps.ts` (the step log), `run-progress.ts` (a pair phase completed or
 * failed, the run's own state) and `pair-records.ts` (the records of many pair phases in one
 * transaction, batched by `batcher.ts`).
 *
 * Fleet bookkeeping is maintenance work: it stays writable in read-only mode (an operator upgrades
 * the fleet while the platform is frozen), so these transactions take the gate's shared side like
 * any write but ignore the switches.
 */

/**
 * A run's lifecycle:
 * - `running`: the orchestrator starts pair phases as limits allow;
 * - `paused`: an operator paused it; pairs in the middle of a phase finish that phase, no new one starts;
 * - `halted`: the failure budget was exceeded or a gate closed; like paused, with the reason; `resume` continues;
 * - `completed`: every pair reached the run's last phase or failed (`reason` names the failed ones); `retry` reopens it;
 * - `failed`: no pair got through a phase, nothing more can happen without a retry.
 */
export type RunState = 'running' | 'paused' | 'halted' | 'completed' | 'failed';
/** Run states an orchestrator owns (it may have pair phases in flight). */
export const OPEN_RUN_STATES: readonly RunState[] = ['running', 'paused', 'halted'];

/** `lease_owner` of a run above orchestrator level 0 that nobody holds: set, so releases before levels pass it by (lease.ts). */
export const AWAITING_ORCHESTRATOR = '(awaiting an orchestrator)';

/**
 * A pair's lifecycle in a run: `waiting` for its next phase, `running` a phase, `done` (the run's
 * last phase completed), `failed` (a step failed or a phase check refused; `retry` puts it back to waiting).
 */
export type RunPairState = 'waiting' | 'running' | 'done' | 'failed';

/** An environment as stored. */
export type EnvironmentRecord = EnvironmentDeclaration;

/** A node as it is now. `properties`: the fleet file's, overridden by those custom steps set (custom-steps.ts). */
export interface NodeRecord {
  readonly name: string;
  readonly role: NodeRole;
  readonly installedVersion: string;
  readonly secondaryVersionLevel: string | null;
  readonly primaryVersionLevel: string | null;
  readonly properties: Readonly<Record<string, string>>;
}

/** A pair as it is now. */
export interface PairRecord {
  readonly id: string;
  readonly environment: string;
  readonly envId: string;
  readonly active: NodeRole;
  readonly properties: Readonly<Record<string, string>>;
  readonly primary: NodeRecord;
  readonly secondary: NodeRecord;
}

/** The failure budget: stop starting pairs when more than `count`, or more than `percent` % of the pairs, failed. */
export interface FailureBudget {
  readonly count?: number;
  readonly percent?: number;
}

/**
 * A hold after a phase: once every pair still in the run completed `afterPhase`, the run waits
 * `seconds` before the next phase. `until` is written when the hold starts (null before), once:
 * an orchestrator that takes the run over waits until the same moment. While the run is running
 * and `until` is ahead, the run is holding; an operator's resume moves `until` to now.
 */
export interface RunHold {
  readonly afterPhase: Phase;
  readonly seconds: number;
  readonly until: string | null;
}

/** A run as stored. */
export interface RunRecord {
  readonly id: string;
  readonly environment: string;
  readonly version: string;
  readonly state: RunState;
  /** The phase the run is in, between `firstPhase` and `lastPhase`. */
  readonly phase: Phase;
  /** The phases the run covers: 1-4, or part of them (1-2 now, 3-4 days later). */
  readonly firstPhase: Phase;
  readonly lastPhase: Phase;
  readonly hold: RunHold | null;
  readonly statusesApplied: number;
  readonly concurrency: number;
  readonly failureBudget: FailureBudget;
  readonly reason: string | null;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: string | null;
  /** The orchestrator level of the release that created it: only orchestrators of this level or above drive it (lease.ts). */
  readonly orchestratorLevel: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

/**
 * When the run's hold ends, if the run is holding at `now`: running, in the phase the hold comes
 * after, with the hold's end ahead. Null otherwise (no hold, not started, over, or the run paused).
 */
export function holdingUntil(run: RunRecord, now: string): string | null {
  const until = run.hold?.until ?? null;
  if (run.state !== 'running' || until === null || run.phase !== run.hold?.afterPhase) return null;
  return until > now ? until : null;
}

/** A pair's progress in a run. */
export interface RunPairRecord {
  readonly pairId: string;
  readonly state: RunPairState;
  readonly completedPhase: number;
  readonly attempt: number;
  readonly error: string | null;
  readonly updatedAt: string;
}

/** One recorded step. */
export interface StepRecord {
  readonly id: number;
  readonly pairId: string;
  readonly phase: number;
  readonly attempt: number;
  readonly step: string;
  readonly action: string;
  readonly node: string;
  readonly version: string | null;
  readonly state: 'started' | 'succeeded' | 'failed' | 'interrupted';
  readonly output: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly orchestrator: string;
  /** The node properties a custom step's output set (custom-steps.ts), or null. */
  readonly properties: Readonly<Record<string, string>> | null;
}

/** How a step ended, recorded with the next record of its pair (see pair-phase.ts). */
export interface StepEnd {
  readonly id: number;
  readonly ok: boolean;
  readonly output: string;
  /** The properties a custom command step's output set on `node`, stored on the node with the end. */
  readonly properties?: { readonly node: string; readonly values: Readonly<Record<string, string>> };
}

/** The view the phase checks take of a pair. */
export function pairView(p: PairRecord): PairView {
  return {
    id: p.id,
    active: p.active,
    primary: { name: p.primary.name, version: p.primary.installedVersion, secondaryVersionLevel: p.primary.secondaryVersionLevel },
    secondary: { name: p.secondary.name, version: p.secondary.installedVersion, primaryVersionLevel: p.secondary.primaryVersionLevel },
  };
}
