import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyStepLog } from './invariants.js';
import type { StepRecord } from './store/records.js';

/** Phase 2 of pair PROD_001 (P active, S upgraded in phase 1), as its steps are recorded. */
function step(id: number, step: string, action: string, node: string, version: string | null, state: StepRecord['state'] = 'succeeded'): StepRecord {
  return {
    id,
    pairId: 'PROD_001',
    phase: 2,
    attempt: 1,
    step,
    action,
    node,
    version,
    state,
    output: null,
    startedAt: '2026-12-05T00:00:00.000000Z',
    finishedAt: '2026-12-05T00:00:01.000000Z',
    orchestrator: 'test',
    properties: null,
  };
}

const ACTIVE = new Map([['PROD_001', 'PROD_P_001']]);

describe('verifyStepLog', () => {
  it('a switch after a health check of its target on the version holds', () => {
    const log = [step(1, 'health-target', 'health', 'PROD_S_001', '2.0.0'), step(2, 'switch', 'switch', 'PROD_S_001', '2.0.0')];
    assert.deepEqual(verifyStepLog(log, '2.0.0', ACTIVE), []);
  });

  it('a custom health check (no version) between the target check and the switch does not take the version back', () => {
    const log = [
      step(1, 'health-target', 'health', 'PROD_S_001', '2.0.0'),
      step(2, 'smoke', 'health', 'PROD_S_001', null),
      step(3, 'switch', 'switch', 'PROD_S_001', '2.0.0'),
    ];
    assert.deepEqual(verifyStepLog(log, '2.0.0', ACTIVE), []);
  });

  it('a switch whose target was only checked without a version is reported', () => {
    const log = [step(1, 'smoke', 'health', 'PROD_S_001', null), step(2, 'switch', 'switch', 'PROD_S_001', '2.0.0')];
    assert.deepEqual(verifyStepLog(log, '2.0.0', ACTIVE), ['step 2: PROD_001 switched to PROD_S_001, whose health check expected no version, not 2.0.0']);
  });

  it('a switch without any check of its target, and an upgrade of the active node, are reported', () => {
    const log = [step(1, 'upgrade', 'upgrade', 'PROD_P_001', '2.0.0'), step(2, 'switch', 'switch', 'PROD_S_001', '2.0.0')];
    assert.deepEqual(verifyStepLog(log, '2.0.0', ACTIVE), [
      'step 1: PROD_001 upgraded PROD_P_001 while it was the active node',
      'step 1: PROD_001 upgraded PROD_P_001 without a passing health check of the active node PROD_P_001 first',
      'step 2: PROD_001 switched to PROD_S_001 without a passing health check of it first',
    ]);
  });
});
