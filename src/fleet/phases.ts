import type { Requirement } from './custom-steps.js';
import { evaluateGate, explainGate, type GateExpression } from './gate-expression.js';
import type { NodeRole } from './node-names.js';

/**
 * The four phases of an upgrade to version V (docs/decisions/fleet-upgrades.md), each only after the previous one
 * completed for every pair still in the run:
 * 1. upgrade the (passive) secondary; record `secondaryVersionLevel = V` on the primary;
 * 2. switch primary → secondary, only where `secondaryVersionLevel` is V;
 * 3. upgrade the (now passive) primary, only where `secondaryVersionLevel` is V; record `primaryVersionLevel = V` on the secondary;
 * 4. switch back secondary → primary, only where `primaryVersionLevel` is V.
 */
export type Phase = 1 | 2 | 3 | 4;
export const PHASES: readonly Phase[] = [1, 2, 3, 4];

/** What a phase does, for plans and the status matrix. */
export const PHASE_TITLES: Readonly<Record<Phase, string>> = {
  1: 'upgrade secondary',
  2: 'switch to secondary',
  3: 'upgrade primary',
  4: 'switch back to primary',
};

/** The status a version gets in `environment` when a phase completes: `<ENV>_Phase1_OK` … `<ENV>_Phase3_OK`, then `<ENV>_OK`. */
export function phaseStatus(environment: string, phase: Phase): string {
  return phase === 4 ? `${environment}_OK` : `${environment}_Phase${phase}_OK`;
}

/**
 * The status change when a phase completes: the previous phase's status goes, this one's comes.
 * It runs once per run, on the first pair that completes the phase.
 */
export function statusChange(environment: string, phase: Phase): { remove: string | null; add: string } {
  return { remove: phase === 1 ? null : phaseStatus(environment, (phase - 1) as Phase), add: phaseStatus(environment, phase) };
}

/**
 * How far a version has got in an environment, from its statuses: 4 with `<ENV>_OK`, N with
 * `<ENV>_PhaseN_OK`, else 0. A completed phase removes the previous status, so the level is the
 * highest one present.
 */
export function versionLevel(environment: string, statuses: ReadonlySet<string>): number {
  for (const phase of [4, 3, 2, 1] as const) if (statuses.has(phaseStatus(environment, phase))) return phase;
  return 0;
}

/**
 * The gate a pair passes before starting `phase`: phase 1 needs the environment's gate (the
 * statuses the fleet file requires, e.g. `QA_OK`); phase N+1 needs `<ENV>_PhaseN_OK` (or a later
 * phase's status, for a retried pair catching up). `null` when the gate is open, else why not.
 */
export function phaseGate(environment: string, phase: Phase, environmentGate: GateExpression | null, statuses: ReadonlySet<string>): string | null {
  if (phase === 1) {
    if (environmentGate === null || evaluateGate(environmentGate, statuses)) return null;
    return `the ${environment} gate is closed: it ${explainGate(environmentGate, statuses)}`;
  }
  const needed = missingPhaseStatus(environment, phase, statuses);
  if (needed === null) return null;
  return `phase ${phase} requires the version to carry ${needed}; it carries ${carriedStatuses(statuses)}`;
}

/**
 * The status a version lacks to start `phase` (2–4) in `environment`: `<ENV>_Phase<N-1>_OK`, or null
 * when it carries it or a later phase's status. Phase 1's gate is the environment's (`phaseGate`).
 */
export function missingPhaseStatus(environment: string, phase: Phase, statuses: ReadonlySet<string>): string | null {
  if (phase === 1 || versionLevel(environment, statuses) >= phase - 1) return null;
  return phaseStatus(environment, (phase - 1) as Phase);
}

/** A version's statuses as a message lists them. */
export function carriedStatuses(statuses: ReadonlySet<string>): string {
  return [...statuses].sort().join(', ') || 'no status';
}

/** The phases a run covers: `first`–`last`, 1 ≤ first ≤ last ≤ 4. */
export interface PhaseRange {
  readonly first: Phase;
  readonly last: Phase;
}

/** The form `--phases` and the API take: `1-2`, `3-4`, `2`, `1-4`. */
export const PHASE_RANGE_PATTERN = /^([1-4])(?:-([1-4]))?$/;

/** `1-2` → { first: 1, last: 2 }; `3` → { first: 3, last: 3 }; null when it is not a range of phases 1–4 with first ≤ last. */
export function parsePhaseRange(text: string): PhaseRange | null {
  const m = PHASE_RANGE_PATTERN.exec(text.trim());
  if (!m) return null;
  const first = Number(m[1]) as Phase;
  const last = Number(m[2] ?? m[1]) as Phase;
  return first <= last ? { first, last } : null;
}

/** `{ first: 1, last: 2 }` → `1-2`; a single phase → `3`. */
export function formatPhaseRange(range: PhaseRange): string {
  return range.first === range.last ? String(range.first) : `${range.first}-${range.last}`;
}

/** A pair as the phase checks see it. */
export interface PairView {
  readonly id: string;
  readonly active: NodeRole;
  readonly primary: { readonly name: string; readonly version: string; readonly secondaryVersionLevel: string | null };
  readonly secondary: { readonly name: string; readonly version: string; readonly primaryVersionLevel: string | null };
}

/** A node action (`health` checks, `upgrade`s, `switch`es the pair to `node`), or a custom step's shell `command` (custom-steps.ts). */
export type StepAction = 'health' | 'upgrade' | 'switch' | 'command';

/**
 * One step of a phase. `key` names it within the phase (a restarted orchestrator skips keys that
 * already succeeded); `expectVersion` makes a health check fail when the node reports another version.
 */
export interface StepSpec {
  readonly key: string;
  readonly action: StepAction;
  readonly node: string;
  readonly version?: string;
  readonly expectVersion?: string;
  /** Why the step is there, for the plan and the log. */
  readonly purpose: string;
  /** A custom `command` step: the shell command template, and its time limit (default: the environment's action timeout). */
  readonly command?: string;
  readonly timeoutMs?: number;
  /** A custom step's conditions, checked before it runs. */
  readonly requires?: readonly Requirement[];
}

/** What a phase will do to a pair: its steps and the steps that undo a failure, or why it will not run. */
export type PhasePlan =
  | { readonly run: true; readonly steps: readonly StepSpec[]; readonly rollback: readonly StepSpec[]; readonly note?: string }
  | { readonly run: false; readonly reason: string };

/**
 * The per-pair check and steps of a phase. Every step list starts with a health check of the node
 * that must carry the traffic while the other one is touched, and a switch always comes after a
 * health check of its target on version V: that is how "both nodes are never out of service" and
 * "never switch to a node that is not upgraded and healthy" hold by construction; the orchestrator
 * checks them again before each action.
 */
export function planPhase(phase: Phase, pair: PairView, version: string): PhasePlan {
  const { primary: p, secondary: s } = pair;
  switch (phase) {
    case 1: {
      if (pair.active === 'S') {
        return {
          run: false,
          reason: `the secondary ${s.name} is active: upgrading it would take the serving node down (switch the pair back to ${p.name} first)`,
        };
      }
      return {
        run: true,
        steps: [
          { key: 'health-active', action: 'health', node: p.name, purpose: `${p.name} serves while ${s.name} is upgraded` },
          { key: 'upgrade', action: 'upgrade', node: s.name, version, purpose: `install ${version} on the passive secondary` },
          { key: 'health-upgraded', action: 'health', node: s.name, expectVersion: version, purpose: `${s.name} is healthy on ${version}` },
        ],
        rollback: rollbackUpgrade(s.name, s.version, version),
        ...(s.version === version && { note: `${s.name} already runs ${version}: the upgrade is a no-op` }),
      };
    }
    case 2: {
      if (p.secondaryVersionLevel !== version) {
        return {
          run: false,
          reason: `secondaryVersionLevel on ${p.name} is ${p.secondaryVersionLevel ?? 'not set'}, not ${version}: the secondary was not upgraded`,
        };
      }
      return {
        run: true,
        steps: switchSteps(s.name, version),
        rollback: rollbackSwitch(p.name, `${p.name} still runs the old version`),
        ...(pair.active === 'S' && { note: `${s.name} is already active` }),
      };
    }
    case 3: {
      if (pair.active !== 'S') {
        return { run: false, reason: `the primary ${p.name} is active: it is upgraded only once the pair serves from ${s.name} (phase 2)` };
      }
      // The secondary serves alone while the primary is upgraded: it must be the one phase 1 put V on.
      if (p.secondaryVersionLevel !== version) {
        return {
          run: false,
          reason: `secondaryVersionLevel on ${p.name} is ${p.secondaryVersionLevel ?? 'not set'}, not ${version}: ${s.name} was not upgraded to ${version} (phase 1), so ${p.name} is not upgraded`,
        };
      }
      return {
        run: true,
        steps: [
          { key: 'health-active', action: 'health', node: s.name, expectVersion: version, purpose: `${s.name} serves while ${p.name} is upgraded` },
          { key: 'upgrade', action: 'upgrade', node: p.name, version, purpose: `install ${version} on the passive primary` },
          { key: 'health-upgraded', action: 'health', node: p.name, expectVersion: version, purpose: `${p.name} is healthy on ${version}` },
        ],
        rollback: rollbackUpgrade(p.name, p.version, version),
        ...(p.version === version && { note: `${p.name} already runs ${version}: the upgrade is a no-op` }),
      };
    }
    case 4: {
      if (s.primaryVersionLevel !== version) {
        return {
          run: false,
          reason: `primaryVersionLevel on ${s.name} is ${s.primaryVersionLevel ?? 'not set'}, not ${version}: the primary was not upgraded`,
        };
      }
      return {
        run: true,
        steps: switchSteps(p.name, version),
        rollback: rollbackSwitch(s.name, `${s.name} served ${version} before the switch`),
        ...(pair.active === 'P' && { note: `${p.name} is already active` }),
      };
    }
    default: {
      const never: never = phase;
      throw new Error(`unknown phase ${String(never)}`);
    }
  }
}

function switchSteps(target: string, version: string): StepSpec[] {
  return [
    { key: 'health-target', action: 'health', node: target, expectVersion: version, purpose: `${target} is healthy on ${version} before it takes the traffic` },
    { key: 'switch', action: 'switch', node: target, purpose: `make ${target} the active node` },
    { key: 'health-serving', action: 'health', node: target, expectVersion: version, purpose: `${target} serves after the switch` },
  ];
}

/** Back to the node that served before the switch, if it still passes a health check. */
function rollbackSwitch(node: string, why: string): StepSpec[] {
  return [
    { key: 'rollback-health', action: 'health', node, purpose: `${node} is still healthy (${why})` },
    { key: 'rollback-switch', action: 'switch', node, purpose: `traffic back to ${node}` },
  ];
}

function rollbackUpgrade(node: string, previous: string, version: string): StepSpec[] {
  if (previous === version) return [];
  return [
    { key: 'rollback-upgrade', action: 'upgrade', node, version: previous, purpose: `put ${previous} back on ${node} so the pair has its standby again` },
    { key: 'rollback-health', action: 'health', node, expectVersion: previous, purpose: `${node} is healthy on ${previous} again` },
  ];
}

/**
 * The pair as it is after `phase` completed: what the store records when the phase's last step
 * succeeded (and what a dry-run plan assumes).
 */
export function afterPhase(phase: Phase, pair: PairView, version: string): PairView {
  switch (phase) {
    case 1:
      return { ...pair, secondary: { ...pair.secondary, version }, primary: { ...pair.primary, secondaryVersionLevel: version } };
    case 2:
      return { ...pair, active: 'S' };
    case 3:
      return { ...pair, primary: { ...pair.primary, version }, secondary: { ...pair.secondary, primaryVersionLevel: version } };
    case 4:
      return { ...pair, active: 'P' };
    default: {
      const never: never = phase;
      throw new Error(`unknown phase ${String(never)}`);
    }
  }
}
