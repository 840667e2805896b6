import { customizePhase, formatRequirement } from './custom-steps.js';
import { formatGate } from './gate-expression.js';
import { pairView, type EnvironmentRecord, type PairRecord } from './store/records.js';
import { afterPhase, PHASE_TITLES, PHASES, phaseGate, planPhase, type Phase, type PhaseRange } from './phases.js';

/** What a dry run says will happen to one pair in one phase. */
export interface PlannedPhase {
  readonly phase: Phase;
  readonly title: string;
  /**
   * `run`: the steps below will run; `blocked`: the pair stops here, `reason` says why; `not-reached`:
   * an earlier phase blocked; `outside`: the run does not cover this phase (a run for phases 3-4).
   */
  readonly outcome: 'run' | 'blocked' | 'not-reached' | 'outside';
  readonly steps: readonly string[];
  /** The phase's conditions on node properties (custom-steps.ts), checked when the pair starts the phase. */
  readonly requires?: readonly string[];
  readonly reason?: string;
  readonly note?: string;
}

/** The dry-run plan of an upgrade (of the phases it covers): the gate, then every pair phase by phase, assuming each action succeeds. */
export interface UpgradePlan {
  readonly environment: string;
  readonly version: string;
  /** The phases the run would cover. */
  readonly firstPhase: Phase;
  readonly lastPhase: Phase;
  /** Whether the version may start the run's first phase: the environment's gate for phase 1, `<ENV>_Phase<N-1>_OK` for phase N. */
  readonly gate: { readonly expression: string | null; readonly open: boolean; readonly reason: string | null };
  readonly concurrency: number;
  readonly failureBudget: EnvironmentRecord['failureBudget'];
  readonly driver: string;
  readonly pairs: ReadonlyArray<{
    readonly pair: string;
    readonly active: string;
    readonly primary: { readonly name: string; readonly version: string };
    readonly secondary: { readonly name: string; readonly version: string };
    readonly phases: readonly PlannedPhase[];
  }>;
  readonly summary: { readonly pairs: number; readonly complete: number; readonly blocked: number };
}

/**
 * Works out, without touching anything, what a run for `range` would do: whether the gate lets the
 * version in, and for each pair which phases would run with which steps, or where and why it would stop.
 */
export function buildPlan(
  env: EnvironmentRecord,
  pairs: readonly PairRecord[],
  version: string,
  statuses: ReadonlySet<string>,
  range: PhaseRange = { first: 1, last: 4 },
): UpgradePlan {
  const gateReason = phaseGate(env.name, range.first, env.gate, statuses);
  let blocked = 0;
  const planned = pairs.map((pair) => {
    let view = pairView(pair);
    let stopped = false;
    const phases: PlannedPhase[] = [];
    for (const phase of PHASES) {
      const title = PHASE_TITLES[phase];
      // The pair as the store knows it is where the earlier phases (another run's) left it.
      if (phase < range.first || phase > range.last) {
        phases.push({ phase, title, outcome: 'outside', steps: [] });
        continue;
      }
      if (stopped) {
        phases.push({ phase, title, outcome: 'not-reached', steps: [] });
        continue;
      }
      const plan = customizePhase(phase, planPhase(phase, view, version), env.phases, view, version);
      if (!plan.run) {
        stopped = true;
        phases.push({ phase, title, outcome: 'blocked', steps: [], reason: plan.reason });
        continue;
      }
      phases.push({
        phase,
        title,
        outcome: 'run',
        steps: plan.steps.map(
          (s) =>
            `${s.action} ${s.node}${s.version ? ` → ${s.version}` : ''}: ${s.purpose}${s.requires ? ` (requires ${s.requires.map(formatRequirement).join(', ')})` : ''}`,
        ),
        ...(plan.requires.length > 0 && { requires: plan.requires.map(formatRequirement) }),
        ...(plan.note !== undefined && { note: plan.note }),
      });
      view = afterPhase(phase, view, version);
    }
    if (stopped) blocked++;
    return {
      pair: pair.id,
      active: pair.active === 'P' ? pair.primary.name : pair.secondary.name,
      primary: { name: pair.primary.name, version: pair.primary.installedVersion },
      secondary: { name: pair.secondary.name, version: pair.secondary.installedVersion },
      phases,
    };
  });
  return {
    environment: env.name,
    version,
    firstPhase: range.first,
    lastPhase: range.last,
    gate: { expression: env.gate ? formatGate(env.gate) : null, open: gateReason === null, reason: gateReason },
    concurrency: env.concurrency,
    failureBudget: env.failureBudget,
    driver: env.driver.type,
    pairs: planned,
    summary: { pairs: pairs.length, complete: gateReason === null ? pairs.length - blocked : 0, blocked },
  };
}
