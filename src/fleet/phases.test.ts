import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGate } from './gate-expression.js';
import type { NodeRole } from './node-names.js';
import {
  afterPhase,
  formatPhaseRange,
  missingPhaseStatus,
  parsePhaseRange,
  PHASES,
  phaseGate,
  phaseStatus,
  planPhase,
  statusChange,
  versionLevel,
  type Phase,
  type PairView,
  type PhasePlan,
  type StepSpec,
} from './phases.js';

const V = '2.0.0';
const OLD = '1.0.0';

/** A pair before any phase: both nodes on OLD, primary serving, no level recorded. */
function freshPair(overrides: Partial<PairView> = {}): PairView {
  return {
    id: 'PROD_001',
    active: 'P',
    primary: { name: 'PROD_P_001', version: OLD, secondaryVersionLevel: null },
    secondary: { name: 'PROD_S_001', version: OLD, primaryVersionLevel: null },
    ...overrides,
  };
}

/** The plan's steps and rollback; fails when the phase refuses. */
function runnable(plan: PhasePlan): { steps: readonly StepSpec[]; rollback: readonly StepSpec[]; note?: string } {
  assert.ok(plan.run, `expected the phase to run, it refused: ${!plan.run ? plan.reason : ''}`);
  return plan;
}

/** The refusal reason; fails when the phase runs. */
function refusal(plan: PhasePlan): string {
  assert.ok(!plan.run, 'expected the phase to refuse');
  return plan.reason;
}

const nameOf = (pair: PairView, role: NodeRole) => (role === 'P' ? pair.primary.name : pair.secondary.name);
const passiveOf = (pair: PairView) => nameOf(pair, pair.active === 'P' ? 'S' : 'P');

/**
 * The node that carries the traffic while a phase runs: the active node while the passive one is
 * upgraded, the switch target in a switch phase.
 */
const servingNode: Record<Phase, (pair: PairView) => string> = {
  1: (pair) => pair.primary.name,
  2: (pair) => pair.secondary.name,
  3: (pair) => pair.secondary.name,
  4: (pair) => pair.primary.name,
};

/** Checks the invariants every runnable plan holds for `pair` (its state before the phase). */
function assertSafeSteps(phase: Phase, pair: PairView, steps: readonly StepSpec[]): void {
  const first = steps[0];
  assert.ok(first, `phase ${phase} has steps`);
  assert.equal(first.action, 'health', `phase ${phase} starts with a health check`);
  assert.equal(first.node, servingNode[phase](pair), `phase ${phase} first checks the node that keeps serving`);
  steps.forEach((step, i) => {
    if (step.action === 'upgrade') {
      assert.equal(step.node, passiveOf(pair), `phase ${phase} upgrades the passive node only`);
      assert.equal(step.version, V);
    }
    if (step.action === 'switch') {
      const before = steps[i - 1];
      assert.ok(before, `phase ${phase}: a switch is never the first step`);
      assert.deepEqual(
        { action: before.action, node: before.node, expectVersion: before.expectVersion },
        { action: 'health', node: step.node, expectVersion: V },
        `phase ${phase}: the switch to ${step.node} comes right after a health check of it on ${V}`,
      );
    }
  });
  assert.equal(new Set(steps.map((st) => st.key)).size, steps.length, `phase ${phase} step keys are unique`);
  for (const step of steps) assert.ok(step.purpose.length > 0, `step ${step.key} says why it is there`);
}

describe('phaseStatus and statusChange', () => {
  it('names the phase statuses of an environment', () => {
    assert.deepEqual(
      PHASES.map((p) => phaseStatus('PROD', p)),
      ['PROD_Phase1_OK', 'PROD_Phase2_OK', 'PROD_Phase3_OK', 'PROD_OK'],
    );
    assert.equal(phaseStatus('STG-2', 2), 'STG-2_Phase2_OK');
  });

  it('adds the phase’s status and removes the previous one (nothing for phase 1)', () => {
    assert.deepEqual(statusChange('PROD', 1), { remove: null, add: 'PROD_Phase1_OK' });
    assert.deepEqual(statusChange('PROD', 2), { remove: 'PROD_Phase1_OK', add: 'PROD_Phase2_OK' });
    assert.deepEqual(statusChange('PROD', 3), { remove: 'PROD_Phase2_OK', add: 'PROD_Phase3_OK' });
    assert.deepEqual(statusChange('PROD', 4), { remove: 'PROD_Phase3_OK', add: 'PROD_OK' });
  });
});

describe('versionLevel', () => {
  it('is 0 without a phase status of the environment', () => {
    assert.equal(versionLevel('PROD', new Set()), 0);
    assert.equal(versionLevel('PROD', new Set(['QA_Phase3_OK', 'QA_OK'])), 0, 'another environment’s statuses do not count');
  });

  it('is the phase of the status present', () => {
    assert.equal(versionLevel('PROD', new Set(['QA_OK', 'PROD_Phase1_OK'])), 1);
    assert.equal(versionLevel('PROD', new Set(['PROD_Phase2_OK'])), 2);
    assert.equal(versionLevel('PROD', new Set(['PROD_Phase3_OK'])), 3);
    assert.equal(versionLevel('PROD', new Set(['PROD_OK'])), 4);
  });

  it('is the highest one when several are present', () => {
    assert.equal(versionLevel('PROD', new Set(['PROD_Phase1_OK', 'PROD_Phase3_OK'])), 3);
    assert.equal(versionLevel('PROD', new Set(['PROD_OK', 'PROD_Phase1_OK'])), 4);
  });
});

describe('phaseGate', () => {
  const gate = parseGate('QA_OK and not Blocked');

  it('opens phase 1 on the environment gate', () => {
    assert.equal(phaseGate('PROD', 1, gate, new Set(['QA_OK'])), null);
    const reason = phaseGate('PROD', 1, gate, new Set(['QA_OK', 'Blocked']));
    assert.ok(reason);
    assert.match(reason, /the PROD gate is closed/);
    assert.match(reason, /QA_OK and not Blocked/);
    assert.match(reason, /carries Blocked, QA_OK/);
    assert.match(phaseGate('PROD', 1, gate, new Set()) ?? '', /carries no status/);
  });

  it('leaves phase 1 open when the environment has no gate', () => {
    assert.equal(phaseGate('PROD', 1, null, new Set()), null);
  });

  it('opens phase N+1 on PhaseN_OK, whatever the environment gate says', () => {
    assert.equal(phaseGate('PROD', 2, gate, new Set(['PROD_Phase1_OK'])), null);
    assert.equal(phaseGate('PROD', 3, gate, new Set(['PROD_Phase2_OK'])), null);
    assert.equal(phaseGate('PROD', 4, gate, new Set(['PROD_Phase3_OK', 'Blocked'])), null);
  });

  it('opens a phase on a later phase’s status too (a retried pair catching up)', () => {
    assert.equal(phaseGate('PROD', 2, null, new Set(['PROD_Phase3_OK'])), null);
    assert.equal(phaseGate('PROD', 3, null, new Set(['PROD_OK'])), null);
    assert.equal(phaseGate('PROD', 2, null, new Set(['PROD_OK'])), null);
  });

  it('closes phase N+1 without PhaseN_OK, naming the status needed and those carried', () => {
    const reason = phaseGate('PROD', 3, null, new Set(['PROD_Phase1_OK', 'QA_OK']));
    assert.equal(reason, 'phase 3 requires the version to carry PROD_Phase2_OK; it carries PROD_Phase1_OK, QA_OK');
    assert.equal(phaseGate('PROD', 2, gate, new Set()), 'phase 2 requires the version to carry PROD_Phase1_OK; it carries no status');
    assert.match(phaseGate('PROD', 4, null, new Set(['QA_Phase3_OK'])) ?? '', /requires the version to carry PROD_Phase3_OK/);
  });
});

describe('phase ranges', () => {
  it('parses a contiguous range of phases 1–4, or one phase', () => {
    assert.deepEqual(parsePhaseRange('1-2'), { first: 1, last: 2 });
    assert.deepEqual(parsePhaseRange('3-4'), { first: 3, last: 4 });
    assert.deepEqual(parsePhaseRange('2'), { first: 2, last: 2 });
    assert.deepEqual(parsePhaseRange('1-4'), { first: 1, last: 4 });
    assert.equal(formatPhaseRange({ first: 3, last: 4 }), '3-4');
    assert.equal(formatPhaseRange({ first: 2, last: 2 }), '2');
  });

  it('refuses what is not one', () => {
    for (const text of ['', '0', '5', '2-1', '1-5', '1,3', '1-2-3', 'one', '1 - 2']) assert.equal(parsePhaseRange(text), null, text);
  });

  it('names the status a run starting at a later phase lacks', () => {
    assert.equal(missingPhaseStatus('PROD', 3, new Set(['PROD_Phase1_OK'])), 'PROD_Phase2_OK');
    assert.equal(missingPhaseStatus('PROD', 3, new Set(['PROD_Phase2_OK'])), null);
    assert.equal(missingPhaseStatus('PROD', 2, new Set()), 'PROD_Phase1_OK');
    assert.equal(missingPhaseStatus('PROD', 1, new Set()), null, 'phase 1 has the environment’s gate');
  });
});

describe('planPhase checks', () => {
  it('phase 1 refuses when the secondary is active, naming it', () => {
    const reason = refusal(planPhase(1, freshPair({ active: 'S' }), V));
    assert.match(reason, /the secondary PROD_S_001 is active/);
    assert.match(reason, /PROD_P_001/);
  });

  it('phase 2 runs only when secondaryVersionLevel on the primary is the version', () => {
    const notSet = refusal(planPhase(2, freshPair(), V));
    assert.match(notSet, /secondaryVersionLevel on PROD_P_001 is not set, not 2\.0\.0/);
    const other = refusal(planPhase(2, freshPair({ primary: { name: 'PROD_P_001', version: OLD, secondaryVersionLevel: '1.5.0' } }), V));
    assert.match(other, /secondaryVersionLevel on PROD_P_001 is 1\.5\.0, not 2\.0\.0/);
    runnable(planPhase(2, freshPair({ primary: { name: 'PROD_P_001', version: OLD, secondaryVersionLevel: V } }), V));
  });

  it('phase 3 runs only when the primary is passive', () => {
    const reason = refusal(planPhase(3, freshPair({ active: 'P', primary: { name: 'PROD_P_001', version: OLD, secondaryVersionLevel: V } }), V));
    assert.match(reason, /the primary PROD_P_001 is active/);
    runnable(planPhase(3, freshPair({ active: 'S', primary: { name: 'PROD_P_001', version: OLD, secondaryVersionLevel: V } }), V));
  });

  it('phase 3 runs only when secondaryVersionLevel on the primary is the version, naming both values', () => {
    const notSet = refusal(planPhase(3, freshPair({ active: 'S' }), V));
    assert.match(notSet, /secondaryVersionLevel on PROD_P_001 is not set, not 2\.0\.0: PROD_S_001 was not upgraded to 2\.0\.0/);
    // A secondary on another version (an earlier rollout, a rollback) must not carry the traffic while the primary is upgraded.
    const other = refusal(planPhase(3, freshPair({ active: 'S', primary: { name: 'PROD_P_001', version: OLD, secondaryVersionLevel: '1.5.0' } }), V));
    assert.match(other, /secondaryVersionLevel on PROD_P_001 is 1\.5\.0, not 2\.0\.0/);
    // The passive-primary check comes first: a pair serving from its primary is refused for that.
    assert.match(refusal(planPhase(3, freshPair({ active: 'P' }), V)), /the primary PROD_P_001 is active/);
  });

  it('phase 4 runs only when primaryVersionLevel on the secondary is the version', () => {
    const notSet = refusal(planPhase(4, freshPair({ active: 'S' }), V));
    assert.match(notSet, /primaryVersionLevel on PROD_S_001 is not set, not 2\.0\.0/);
    const other = refusal(planPhase(4, freshPair({ active: 'S', secondary: { name: 'PROD_S_001', version: V, primaryVersionLevel: OLD } }), V));
    assert.match(other, /primaryVersionLevel on PROD_S_001 is 1\.0\.0, not 2\.0\.0/);
    runnable(planPhase(4, freshPair({ active: 'S', secondary: { name: 'PROD_S_001', version: V, primaryVersionLevel: V } }), V));
  });
});

describe('planPhase steps', () => {
  it('phase 1: health of the primary, upgrade of the secondary, health of it on V', () => {
    const pair = freshPair();
    const { steps } = runnable(planPhase(1, pair, V));
    assert.deepEqual(
      steps.map((st) => [st.key, st.action, st.node, st.version, st.expectVersion]),
      [
        ['health-active', 'health', 'PROD_P_001', undefined, undefined],
        ['upgrade', 'upgrade', 'PROD_S_001', V, undefined],
        ['health-upgraded', 'health', 'PROD_S_001', undefined, V],
      ],
    );
    assertSafeSteps(1, pair, steps);
  });

  it('phase 2: health of the secondary on V, switch to it, health again', () => {
    const pair = afterPhase(1, freshPair(), V);
    const { steps } = runnable(planPhase(2, pair, V));
    assert.deepEqual(
      steps.map((st) => [st.action, st.node, st.expectVersion]),
      [
        ['health', 'PROD_S_001', V],
        ['switch', 'PROD_S_001', undefined],
        ['health', 'PROD_S_001', V],
      ],
    );
    assertSafeSteps(2, pair, steps);
  });

  it('phase 3: health of the serving secondary on V, upgrade of the primary, health of it on V', () => {
    const pair = afterPhase(2, afterPhase(1, freshPair(), V), V);
    const { steps } = runnable(planPhase(3, pair, V));
    assert.deepEqual(
      steps.map((st) => [st.action, st.node, st.version, st.expectVersion]),
      [
        ['health', 'PROD_S_001', undefined, V],
        ['upgrade', 'PROD_P_001', V, undefined],
        ['health', 'PROD_P_001', undefined, V],
      ],
    );
    assertSafeSteps(3, pair, steps);
  });

  it('phase 4: health of the primary on V, switch back to it, health again', () => {
    const pair = afterPhase(3, afterPhase(2, afterPhase(1, freshPair(), V), V), V);
    const { steps } = runnable(planPhase(4, pair, V));
    assert.deepEqual(
      steps.map((st) => [st.action, st.node, st.expectVersion]),
      [
        ['health', 'PROD_P_001', V],
        ['switch', 'PROD_P_001', undefined],
        ['health', 'PROD_P_001', V],
      ],
    );
    assertSafeSteps(4, pair, steps);
  });

  it('notes a switch to the node that is already active, and still plans it (idempotent retry)', () => {
    const phase2 = runnable(planPhase(2, freshPair({ active: 'S', primary: { name: 'PROD_P_001', version: OLD, secondaryVersionLevel: V } }), V));
    assert.match(phase2.note ?? '', /PROD_S_001 is already active/);
    assert.ok(phase2.steps.some((st) => st.action === 'switch' && st.node === 'PROD_S_001'));
    const phase4 = runnable(planPhase(4, freshPair({ active: 'P', secondary: { name: 'PROD_S_001', version: V, primaryVersionLevel: V } }), V));
    assert.match(phase4.note ?? '', /PROD_P_001 is already active/);
    assert.equal(runnable(planPhase(2, afterPhase(1, freshPair(), V), V)).note, undefined);
  });
});

describe('planPhase rollback', () => {
  it('phase 1 puts the secondary’s previous version back and checks it', () => {
    const { rollback, note } = runnable(planPhase(1, freshPair(), V));
    assert.equal(note, undefined);
    assert.deepEqual(
      rollback.map((st) => [st.action, st.node, st.version, st.expectVersion]),
      [
        ['upgrade', 'PROD_S_001', OLD, undefined],
        ['health', 'PROD_S_001', undefined, OLD],
      ],
    );
  });

  it('phase 3 puts the primary’s previous version back and checks it', () => {
    const pair = freshPair({ active: 'S', primary: { name: 'PROD_P_001', version: '1.9.0', secondaryVersionLevel: V } });
    const { rollback } = runnable(planPhase(3, pair, V));
    assert.deepEqual(
      rollback.map((st) => [st.action, st.node, st.version, st.expectVersion]),
      [
        ['upgrade', 'PROD_P_001', '1.9.0', undefined],
        ['health', 'PROD_P_001', undefined, '1.9.0'],
      ],
    );
  });

  it('has no rollback for an upgrade when the node already ran the version, and says so', () => {
    const phase1 = runnable(planPhase(1, freshPair({ secondary: { name: 'PROD_S_001', version: V, primaryVersionLevel: null } }), V));
    assert.deepEqual(phase1.rollback, []);
    assert.match(phase1.note ?? '', /PROD_S_001 already runs 2\.0\.0/);
    const phase3 = runnable(planPhase(3, freshPair({ active: 'S', primary: { name: 'PROD_P_001', version: V, secondaryVersionLevel: V } }), V));
    assert.deepEqual(phase3.rollback, []);
    assert.match(phase3.note ?? '', /PROD_P_001 already runs 2\.0\.0/);
  });

  it('switch phases switch back to the node that served before, after a health check of it', () => {
    const afterOne = afterPhase(1, freshPair(), V);
    assert.deepEqual(
      runnable(planPhase(2, afterOne, V)).rollback.map((st) => [st.action, st.node]),
      [
        ['health', 'PROD_P_001'],
        ['switch', 'PROD_P_001'],
      ],
    );
    const afterThree = afterPhase(3, afterPhase(2, afterOne, V), V);
    assert.deepEqual(
      runnable(planPhase(4, afterThree, V)).rollback.map((st) => [st.action, st.node]),
      [
        ['health', 'PROD_S_001'],
        ['switch', 'PROD_S_001'],
      ],
    );
  });
});

describe('afterPhase', () => {
  it('records each phase’s effect and nothing else', () => {
    const start = freshPair();
    const one = afterPhase(1, start, V);
    assert.deepEqual(one, { ...start, secondary: { ...start.secondary, version: V }, primary: { ...start.primary, secondaryVersionLevel: V } });
    const two = afterPhase(2, one, V);
    assert.deepEqual(two, { ...one, active: 'S' });
    const three = afterPhase(3, two, V);
    assert.deepEqual(three, { ...two, primary: { ...two.primary, version: V }, secondary: { ...two.secondary, primaryVersionLevel: V } });
    const four = afterPhase(4, three, V);
    assert.deepEqual(four, { ...three, active: 'P' });
  });

  it('does not modify the pair it is given', () => {
    const start = freshPair();
    const copy = structuredClone(start);
    for (const phase of PHASES) afterPhase(phase, start, V);
    assert.deepEqual(start, copy);
  });
});

describe('a whole upgrade, phase by phase', () => {
  it('takes a pair from OLD to V through phases 1→4, every gate and check open on the way', () => {
    const environmentGate = parseGate('QA_OK and not Blocked');
    const statuses = new Set(['QA_OK']);
    let pair = freshPair();
    for (const phase of PHASES) {
      // A later phase is refused by its gate and, where the pair says so, by its per-pair check.
      for (const later of PHASES.filter((p) => p > phase)) {
        assert.ok(phaseGate('PROD', later, environmentGate, statuses), `phase ${later} is closed before phase ${phase} ran`);
      }
      if (phase === 1) {
        assert.equal(planPhase(2, pair, V).run, false, 'phase 2 refuses before the secondary is upgraded');
        assert.equal(planPhase(3, pair, V).run, false, 'phase 3 refuses while the primary serves');
        assert.equal(planPhase(4, pair, V).run, false, 'phase 4 refuses before the primary is upgraded');
      }

      assert.equal(phaseGate('PROD', phase, environmentGate, statuses), null, `phase ${phase} gate`);
      const { steps } = runnable(planPhase(phase, pair, V));
      assertSafeSteps(phase, pair, steps);

      // Never both out of service: the node not touched by an upgrade is the active one.
      for (const step of steps.filter((st) => st.action === 'upgrade')) assert.notEqual(step.node, nameOf(pair, pair.active));

      const change = statusChange('PROD', phase);
      if (change.remove !== null) statuses.delete(change.remove);
      statuses.add(change.add);
      assert.equal(versionLevel('PROD', statuses), phase);
      pair = afterPhase(phase, pair, V);
    }

    assert.deepEqual(pair, {
      id: 'PROD_001',
      active: 'P',
      primary: { name: 'PROD_P_001', version: V, secondaryVersionLevel: V },
      secondary: { name: 'PROD_S_001', version: V, primaryVersionLevel: V },
    });
    assert.deepEqual([...statuses].sort(), ['PROD_OK', 'QA_OK']);
    assert.equal(runnable(planPhase(1, pair, V)).rollback.length, 0, 'running again upgrades nothing that needs undoing');
  });
});
