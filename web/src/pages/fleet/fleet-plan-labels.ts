import type { FleetStep, UpgradePlan } from '../../../../src/http/wire-types';
import type { Outcome } from '../../components/outcome';
import type { MessageKey } from '../../i18n/messages.en';

/** What the plan says of a pair's phase. */
export type PlanOutcome = UpgradePlan['pairs'][number]['phases'][number]['outcome'];

/** A plan's phase as a badge: it will run (▶), the pair stops there (■), an earlier stop keeps it from it (○), or the run does not cover it. */
export const PLAN_OUTCOMES: Readonly<Record<PlanOutcome, { readonly key: MessageKey; readonly outcome: Outcome }>> = {
  run: { key: 'fleetPlan.outcome.run', outcome: 'running' },
  blocked: { key: 'fleetPlan.outcome.blocked', outcome: 'stopped' },
  'not-reached': { key: 'fleetPlan.outcome.not-reached', outcome: 'waiting' },
  outside: { key: 'fleetPlan.outcome.outside', outcome: 'waiting' },
};

/** What each phase does, in a sentence (the plan's step lines are the server's). */
export const PHASE_EXPLAINED: Readonly<Record<1 | 2 | 3 | 4, MessageKey>> = {
  1: 'fleetPlan.phaseExplain1',
  2: 'fleetPlan.phaseExplain2',
  3: 'fleetPlan.phaseExplain3',
  4: 'fleetPlan.phaseExplain4',
};

/** A recorded step's state as a badge. */
export const STEP_STATES: Readonly<Record<FleetStep['state'], { readonly key: MessageKey; readonly outcome: Outcome }>> = {
  started: { key: 'fleetPlan.stepState.started', outcome: 'running' },
  succeeded: { key: 'fleetPlan.stepState.succeeded', outcome: 'succeeded' },
  failed: { key: 'fleetPlan.stepState.failed', outcome: 'failed' },
  interrupted: { key: 'fleetPlan.stepState.interrupted', outcome: 'stopped' },
};

/** A node action's name; an action this console does not know is shown as sent. */
export const ACTIONS: Readonly<Record<string, MessageKey>> = {
  health: 'fleetPlan.action.health',
  upgrade: 'fleetPlan.action.upgrade',
  switch: 'fleetPlan.action.switch',
};

/** Where a pair's step log in a run is. */
export const pairStepsPath = (runId: string, pair: string): string => `/system/fleet/runs/${encodeURIComponent(runId)}/pairs/${encodeURIComponent(pair)}`;
