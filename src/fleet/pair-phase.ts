import type { Logger } from 'pino';
import type { ActionOutcome, NodeDriver, NodeTarget, PairTarget } from './drivers/node-driver.js';
import { customizePhase, runCommandStep, unmetRequirement } from './custom-steps.js';
import { InvariantViolation } from '../errors.js';
import { checkStepInvariants } from './invariants.js';
import type { NodeRole } from './node-names.js';
import { afterPhase, planPhase, type PairView, type Phase, type StepSpec } from './phases.js';
import { pairView, type EnvironmentRecord, type PairRecord, type StepEnd } from './store/records.js';
import type { RunHandle } from './store/run-handle.js';
import { deadlineSignal } from '../util/deadline.js';

/** What one pair's phase needs from the run it is part of. */
export interface PairPhaseContext {
  /** The orchestrator's hold on the run: every record goes through it. */
  readonly handle: RunHandle;
  readonly env: EnvironmentRecord;
  /** The run's version. */
  readonly version: string;
  readonly driver: NodeDriver;
  readonly logger: Logger;
  /** Aborted when the lease is lost or the orchestrator is stopped with force. */
  readonly abort: AbortSignal;
  /** Where custom command steps run (the orchestrator's `baseDir`; default: the working directory). */
  readonly baseDir?: string;
}

/** How a pair's phase ended, as the store now records it: the pair after the phase, or why it failed and where traffic goes. */
export type PairPhaseResult = { readonly ok: true; readonly pair: PairRecord } | { readonly ok: false; readonly error: string; readonly active?: NodeRole };

/**
 * One phase of one pair: its steps in order, skipping those a previous orchestrator finished.
 *
 * Records are written with as few transactions as durability allows: a step's start is
 * committed before its action runs, and its end is committed together with the next step's start
 * (or with the phase's completion or failure) — still before anything else happens to the pair.
 * A crash in between leaves the step `started`, and it is run again (drivers are idempotent).
 * The records of the pair phases in flight are committed together (see `RunHandle`).
 */
export async function runPairPhase(ctx: PairPhaseContext, pair: PairRecord, attempt: number, phase: Phase): Promise<PairPhaseResult> {
  const { handle } = ctx;
  const log = ctx.logger.child({ pair: pair.id, phase, attempt });
  const plan = customizePhase(phase, planPhase(phase, pairView(pair), ctx.version), ctx.env.phases, pairView(pair), ctx.version);
  if (!plan.run) return fail(ctx, pair, `phase ${phase}: ${plan.reason}`);
  const unmet = unmetRequirement(plan.requires, [pair.primary, pair.secondary]);
  if (unmet !== null) return fail(ctx, pair, `phase ${phase}: ${unmet}`);
  // The pair with the properties custom steps of this phase set so far (later steps read them).
  let current = pair;
  const recorded = await handle.readPhaseSteps(pair.id, phase, attempt);
  const healthy = new Set<string>();
  for (const [key, s] of recorded) if (s.state === 'succeeded' && s.action === 'health') healthy.add(key);
  const done = new Set([...recorded.values()].filter((s) => s.state === 'succeeded').map((s) => s.step));
  const succeeded = (key: string) => done.has(key);
  let pending: StepEnd | undefined;
  let first = true;
  const run = async (step: StepSpec): Promise<ActionOutcome> => {
    const result = await executeStep(ctx, current, phase, attempt, step, healthy, recorded.get(step.key)?.state === 'started', pending, first);
    pending = result.end;
    if (result.end?.properties) current = withProperties(current, result.end.properties.node, result.end.properties.values);
    first = false;
    if (result.outcome.ok) {
      if (step.action === 'health') healthy.add(step.key);
      done.add(step.key);
    }
    return result.outcome;
  };

  let failure: string | undefined;
  let mutated = false;
  for (const step of plan.steps) {
    const before = recorded.get(step.key);
    if (mutates(step) && before) mutated = true;
    if (before?.state === 'succeeded') continue;
    if (before?.state === 'failed') {
      failure = `${step.key} failed: ${before.output ?? ''}`;
      break;
    }
    if (mutates(step)) mutated = true;
    const outcome = await run(step);
    if (!outcome.ok) {
      failure = `${step.key} (${step.action} ${step.node}) failed: ${outcome.output}`;
      break;
    }
  }
  if (failure === undefined) {
    await handle.completePairPhase(pair, phase, pending);
    log.debug('fleet: pair phase completed');
    return { ok: true, pair: withView(current, afterPhase(phase, pairView(current), ctx.version)) };
  }
  // Undo what can be undone, so the pair keeps a standby on the old version (upgrade phases) or
  // serves from the node that served before (switch phases). Only if something was changed.
  let rolledBack = true;
  if (mutated) {
    for (const step of plan.rollback) {
      if (succeeded(step.key)) {
        if (step.action === 'health') healthy.add(step.key);
        continue;
      }
      const outcome = await run(step);
      if (!outcome.ok) {
        rolledBack = false;
        failure += `; rollback ${step.key} failed: ${outcome.output}`;
        break;
      }
    }
  }
  // Where traffic goes now: a switch that went through and was not switched back stays.
  let active: NodeRole | undefined;
  if ((phase === 2 || phase === 4) && mutated && !rolledBack && succeeded('switch')) active = phase === 2 ? 'S' : 'P';
  const result = await fail(ctx, pair, `phase ${phase}: ${failure}`, active, pending);
  log.warn({ failure }, 'fleet: pair failed');
  return result;
}

/** Whether a step changes the pair (an upgrade or a switch): only then is a failed phase rolled back. */
function mutates(step: StepSpec): boolean {
  return step.action === 'upgrade' || step.action === 'switch';
}

async function fail(ctx: PairPhaseContext, pair: PairRecord, error: string, active?: NodeRole, pending?: StepEnd): Promise<PairPhaseResult> {
  await ctx.handle.failPair(pair.id, error, active, pending);
  return active ? { ok: false, error, active } : { ok: false, error };
}

/**
 * Runs one step: checks the invariants (a step that would break one is a failed step, never
 * performed), records the start (with the previous step's end), calls the driver. Returns the
 * outcome and the end to record. A driver that throws is a failed step, not a crash.
 */
async function executeStep(
  ctx: PairPhaseContext,
  pair: PairRecord,
  phase: Phase,
  attempt: number,
  step: StepSpec,
  healthy: ReadonlySet<string>,
  rerun: boolean,
  previousEnd: StepEnd | undefined,
  firstOfPhase: boolean,
): Promise<{ outcome: ActionOutcome; end: StepEnd | undefined }> {
  const { handle, driver, env, logger, abort } = ctx;
  const unmet = unmetRequirement(step.requires, [pair.primary, pair.secondary]);
  if (unmet !== null) return { outcome: { ok: false, output: unmet }, end: previousEnd };
  try {
    checkStepInvariants(pair, step, healthy, ctx.version);
  } catch (err) {
    if (!(err instanceof InvariantViolation)) throw err;
    logger.error({ pair: pair.id, phase, step: step.key }, err.message);
    return { outcome: { ok: false, output: err.message }, end: previousEnd };
  }
  const id = await handle.recordStepStart(
    { pairId: pair.id, phase, attempt, key: step.key, action: step.action, node: step.node, version: step.version ?? step.expectVersion, rerun },
    { previousEnd, markRunning: firstOfPhase },
  );
  const timeoutMs = step.timeoutMs ?? (step.action === 'health' ? env.healthTimeoutMs : env.actionTimeoutMs);
  const deadline = deadlineSignal(abort, timeoutMs);
  const actionCtx = { signal: deadline.signal, timeoutMs, logger };
  const node = targetOf(pair, step.node);
  let outcome: ActionOutcome;
  let properties: Record<string, string> | undefined;
  try {
    switch (step.action) {
      case 'health':
        outcome = await driver.health(node, actionCtx);
        break;
      case 'upgrade':
        outcome = await driver.upgrade(node, step.version!, actionCtx);
        break;
      case 'switch':
        outcome = await driver.switchActive(pairTargetOf(pair), node, actionCtx);
        break;
      case 'command': {
        const { installedVersion } = nodeOf(pair, step.node);
        const r = await runCommandStep(step.command!, { ...node, installedVersion }, pairTargetOf(pair), ctx.version, ctx.baseDir ?? process.cwd(), actionCtx);
        outcome = r.outcome;
        properties = r.properties;
        break;
      }
      default: {
        const never: never = step.action;
        throw new Error(`unknown action ${String(never)}`);
      }
    }
  } catch (err) {
    outcome = { ok: false, output: `the ${driver.type} driver failed: ${(err as Error).message}` };
  } finally {
    deadline.clear();
  }
  if (outcome.ok && step.expectVersion !== undefined && outcome.version !== undefined && outcome.version !== step.expectVersion) {
    outcome = { ...outcome, ok: false, output: `${step.node} is healthy but runs ${outcome.version}, not ${step.expectVersion}. ${outcome.output}` };
  }
  if (abort.aborted) throw abort.reason instanceof Error ? abort.reason : handle.lost();
  const set = properties && Object.keys(properties).length > 0 ? { properties: { node: step.node, values: properties } } : {};
  return { outcome, end: { id, ok: outcome.ok, output: outcome.output, ...set } };
}

/** `p` with what the store records after a phase (its view `v`, from afterPhase). */
function withView(p: PairRecord, v: PairView): PairRecord {
  return {
    ...p,
    active: v.active,
    primary: { ...p.primary, installedVersion: v.primary.version, secondaryVersionLevel: v.primary.secondaryVersionLevel },
    secondary: { ...p.secondary, installedVersion: v.secondary.version, primaryVersionLevel: v.secondary.primaryVersionLevel },
  };
}

/** `p` with `values` set on its node `node`. */
function withProperties(p: PairRecord, node: string, values: Readonly<Record<string, string>>): PairRecord {
  const role = node === p.primary.name ? 'primary' : 'secondary';
  return { ...p, [role]: { ...p[role], properties: { ...p[role].properties, ...values } } };
}

/** The node of `pair` called `name`. */
function nodeOf(pair: PairRecord, name: string): PairRecord['primary'] {
  return name === pair.primary.name ? pair.primary : pair.secondary;
}

function targetOf(pair: PairRecord, name: string): NodeTarget {
  const n = nodeOf(pair, name);
  return { name: n.name, role: n.role, environment: pair.environment, envId: pair.envId, pairId: pair.id, properties: n.properties };
}

function pairTargetOf(pair: PairRecord): PairTarget {
  return {
    id: pair.id,
    environment: pair.environment,
    envId: pair.envId,
    primary: targetOf(pair, pair.primary.name),
    secondary: targetOf(pair, pair.secondary.name),
    properties: pair.properties,
  };
}
