import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customizePhase, DEFAULT_STEP_KEYS, parsePropertyLines, unmetRequirement, type CustomPhases } from './custom-steps.js';
import { formatIssues, validateFleet } from './fleet-file.js';
import { afterPhase, PHASES, planPhase, type PairView } from './phases.js';

const V = '2.0.0';
const pair: PairView = {
  id: 'PROD_001',
  active: 'P',
  primary: { name: 'PROD_P_001', version: '1.0.0', secondaryVersionLevel: null },
  secondary: { name: 'PROD_S_001', version: '1.0.0', primaryVersionLevel: null },
};

/** A fleet with one PROD pair whose environment has `phases`. */
function withPhases(phases: unknown) {
  return validateFleet({
    environments: [{ name: 'PROD', driver: { type: 'noop' }, phases }],
    nodes: [
      { name: 'PROD_P_001', version: '1.0.0' },
      { name: 'PROD_S_001', version: '1.0.0' },
    ],
  });
}

function phasesOf(phases: unknown): CustomPhases {
  const result = withPhases(phases);
  assert.ok(result.ok, result.ok ? '' : formatIssues(result.issues));
  return result.fleet.environments[0]!.phases!;
}

describe('custom steps', () => {
  it('DEFAULT_STEP_KEYS are the keys planPhase gives each phase', () => {
    let view = pair;
    for (const phase of PHASES) {
      const plan = planPhase(phase, view, V);
      assert.ok(plan.run, `phase ${phase} runs`);
      assert.deepEqual(
        plan.steps.map((s) => s.key),
        DEFAULT_STEP_KEYS[phase],
      );
      view = afterPhase(phase, view, V);
    }
  });

  it('a phase lists its driver steps with its own around them; commands run on the phase node unless told; conditions get their node and value', () => {
    const phases = phasesOf({
      1: {
        steps: [
          'health-active',
          { name: 'drain', run: 'drain.sh {node}', node: 'primary', timeoutSeconds: 5 },
          'upgrade',
          'health-upgraded',
          { name: 'smoke', run: './smoke.sh {node} {version}' },
          { name: 'recheck', action: 'health', requires: [{ property: 'smokeTest', equals: 'passed' }] },
        ],
      },
      2: {
        requires: [
          { property: 'smokeTest', equals: 'passed' },
          { property: 'secondaryVersionLevel', equals: '{version}', node: 'primary' },
        ],
      },
    });
    const one = customizePhase(1, planPhase(1, pair, V), phases, pair, V);
    assert.ok(one.run);
    assert.deepEqual(
      one.steps.map((s) => [s.key, s.action, s.node]),
      [
        ['health-active', 'health', 'PROD_P_001'],
        ['drain', 'command', 'PROD_P_001'],
        ['upgrade', 'upgrade', 'PROD_S_001'],
        ['health-upgraded', 'health', 'PROD_S_001'],
        ['smoke', 'command', 'PROD_S_001'],
        ['recheck', 'health', 'PROD_S_001'],
      ],
    );
    assert.equal(one.steps[1]!.timeoutMs, 5_000);
    assert.equal(one.steps[4]!.command, './smoke.sh {node} {version}');
    assert.deepEqual(one.steps[5]!.requires, [{ property: 'smokeTest', equals: 'passed', node: 'PROD_S_001' }]);
    assert.equal(one.rollback.length, 2, 'the rollback is the phase’s own');
    const after1 = afterPhase(1, pair, V);
    const two = customizePhase(2, planPhase(2, after1, V), phases, after1, V);
    assert.ok(two.run);
    assert.deepEqual(
      two.steps.map((s) => s.key),
      DEFAULT_STEP_KEYS[2],
      'no steps listed: the default ones',
    );
    assert.deepEqual(two.requires, [
      { property: 'smokeTest', equals: 'passed', node: 'PROD_S_001' },
      { property: 'secondaryVersionLevel', equals: V, node: 'PROD_P_001' },
    ]);
    const three = customizePhase(3, planPhase(3, afterPhase(2, after1, V), V), phases, pair, V);
    assert.ok(three.run);
    assert.deepEqual(three.requires, []);
  });

  it('refuses a phase that leaves out or reorders a driver step, reuses a driver step’s name, or uses an unknown variable', () => {
    const result = withPhases({
      1: { steps: ['upgrade', 'health-active', { name: 'smoke', run: 'true' }, { name: 'smoke', run: 'true' }] },
      3: { steps: ['health-active', 'upgrade', 'health-upgraded', { name: 'switch', run: 'true' }] },
      4: { requires: [{ property: 'x', equals: '{versoin}' }] },
      5: {},
    });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(formatIssues(result.issues), /Unrecognized key: "5"/);
    const fixed = withPhases({
      1: { steps: ['upgrade', 'health-active', { name: 'smoke', run: 'true' }, { name: 'smoke', run: 'true' }] },
      3: { steps: ['health-active', 'upgrade', 'health-upgraded', { name: 'switch', run: 'true' }] },
      4: { requires: [{ property: 'x', equals: '{versoin}' }] },
    });
    assert.equal(fixed.ok, false);
    if (fixed.ok) return;
    assert.deepEqual(
      fixed.issues.map((i) => `${i.path}: ${i.message}`),
      [
        'environments[0].phases.1.steps: phase 1 must list its driver steps health-active, upgrade, health-upgraded, each once and in this order (it lists upgrade, health-active); add your own steps around them',
        'environments[0].phases.1.steps[3].name: step smoke is named twice in phase 1',
        'environments[0].phases.3.steps[3].name: switch is the name of a driver step; give your step another name',
        'environments[0].phases.4.requires[0].equals: unknown template variable {versoin} (known: env, envId, node, pair, primary, role, secondary, version)',
      ],
    );
  });

  it('reads name=value lines of a command’s output; the last value of a name wins', () => {
    // What drydock records itself cannot be set by a script's output (phase 3 checks secondaryVersionLevel).
    assert.deepEqual(parsePropertyLines('secondaryVersionLevel=9.9.9\naddress=http://evil\ninstalledVersion=1\nprimaryVersionLevel=2\nok=1\n'), { ok: '1' });
    assert.deepEqual(parsePropertyLines('starting\nsmokeTest=failed\n  smokeTest=passed  \nurl=http://x/?a=b\nnot a line = x\n'), {
      smokeTest: 'passed',
      url: 'http://x/?a=b',
    });
  });

  it('a requirement that does not hold says which property, on which node, and what it has', () => {
    const node = { name: 'PROD_S_001', installedVersion: V, secondaryVersionLevel: null, primaryVersionLevel: null, properties: { smokeTest: 'failed' } };
    const primary = { name: 'PROD_P_001', installedVersion: '1.0.0', secondaryVersionLevel: V, primaryVersionLevel: null, properties: {} };
    const req = (property: string, equals: string, on = 'PROD_S_001') => [{ property, equals, node: on }];
    assert.equal(unmetRequirement(req('smokeTest', 'passed'), [primary, node]), 'requires smokeTest = passed on PROD_S_001, which has smokeTest = failed');
    assert.equal(unmetRequirement(req('latency', 'ok'), [primary, node]), 'requires latency = ok on PROD_S_001, which has no latency');
    assert.equal(unmetRequirement(req('secondaryVersionLevel', V, 'PROD_P_001'), [primary, node]), null);
    assert.equal(unmetRequirement(req('installedVersion', V), [primary, node]), null);
    assert.equal(unmetRequirement(undefined, [primary, node]), null);
  });
});
