import type { StepRecord } from './fleet-store.js';

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
      if (s.state === 'succeeded') checks.set(s.node, s.version);
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
