import { InvariantViolation } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import type { StepSpec } from './phases.js';
import type { PairRecord, StepRecord } from './store/records.js';

/**
 * The two invariants of an upgrade, checked twice: before every action, from what the store says
 * (`checkStepInvariants`, the orchestrator refuses the action), and afterwards on the recorded step
 * log (`verifyStepLog`, the tests and checks).
 */

/**
 * The two invariants, checked before every action from what the store says:
 * - both nodes of a pair are never out of service at once: only the passive node is upgraded,
 *   and only after the active node passed a health check in this attempt;
 * - a pair is never switched to a node that is not upgraded and healthy: a forward switch needs
 *   the target on the run's version and a passing health check of it in this attempt; a
 *   rollback switch needs a passing health check of the node it returns to.
 * `healthy` holds the keys of the health steps that passed in this attempt. Throws `InvariantViolation`.
 */
export function checkStepInvariants(pair: PairRecord, step: StepSpec, healthy: ReadonlySet<string>, version: string): void {
  const activeName = pair.active === 'P' ? pair.primary.name : pair.secondary.name;
  if (step.action === 'upgrade') {
    if (step.node === activeName) throw new InvariantViolation(MESSAGES.conflict.upgradeActiveNode(step.node, pair.id));
    if (!healthy.has('health-active')) throw new InvariantViolation(MESSAGES.conflict.activeUnhealthy(activeName, step.node));
  }
  if (step.action === 'switch') {
    const target = step.node === pair.primary.name ? pair.primary : pair.secondary;
    if (step.key === 'switch') {
      if (target.installedVersion !== version) {
        throw new InvariantViolation(MESSAGES.conflict.targetNotUpgraded(target.name, target.installedVersion, version));
      }
      if (!healthy.has('health-target')) throw new InvariantViolation(MESSAGES.conflict.targetUnhealthyOn(target.name, version));
    } else if (!healthy.has('rollback-health')) {
      throw new InvariantViolation(MESSAGES.conflict.rollbackTargetUnhealthy(target.name));
    }
  }
}

/**
 * Replays a run's recorded step log and reports every place where an invariant of the upgrade
 * did not hold (an empty list means they all held):
 * - both nodes of a pair are never out of service at once: an upgrade never starts on the node
 *   that is active at that moment, and starts only after the active node passed a health check in
 *   the same attempt;
 * - a pair is never switched to a node that is not upgraded and healthy: a switch starts only
 *   after a passing health check of its target in the same attempt, and a forward switch's target
 *   had reported the run's version.
 * `initialActive` gives each pair's active node when the run started. Used by `fleet status
 * --verify`-style checks and by the tests, on the log exactly as the store recorded it.
 */
export function verifyStepLog(steps: readonly StepRecord[], version: string, initialActive: ReadonlyMap<string, string>): string[] {
  const violations: string[] = [];
  const active = new Map(initialActive);
  const healthy = new Map<string, Map<string, string | null>>(); // attempt key → node → version checked
  const sorted = [...steps].sort((a, b) => a.id - b.id);
  for (const s of sorted) {
    const attemptKey = `${s.pairId}/${s.phase}/${s.attempt}`;
    const checks = healthy.get(attemptKey) ?? new Map<string, string | null>();
    healthy.set(attemptKey, checks);
    const current = active.get(s.pairId);
    if (s.action === 'health') {
      // A check without a version (a custom health step) proves the node healthy; it does not
      // take back the version an earlier check of the same attempt found on it.
      if (s.state === 'succeeded') checks.set(s.node, s.version ?? checks.get(s.node) ?? null);
      continue;
    }
    if (s.state === 'interrupted') continue; // its re-run is the step that counts
    if (s.action === 'upgrade') {
      if (s.node === current) violations.push(`step ${s.id}: ${s.pairId} upgraded ${s.node} while it was the active node`);
      if (current !== undefined && !checks.has(current)) {
        violations.push(`step ${s.id}: ${s.pairId} upgraded ${s.node} without a passing health check of the active node ${current} first`);
      }
    } else if (s.action === 'switch') {
      if (!checks.has(s.node)) violations.push(`step ${s.id}: ${s.pairId} switched to ${s.node} without a passing health check of it first`);
      else if (s.step === 'switch' && checks.get(s.node) !== version) {
        violations.push(`step ${s.id}: ${s.pairId} switched to ${s.node}, whose health check expected ${checks.get(s.node) ?? 'no version'}, not ${version}`);
      }
      if (s.state === 'succeeded') active.set(s.pairId, s.node);
    }
  }
  return violations;
}
