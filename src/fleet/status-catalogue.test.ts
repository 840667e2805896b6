import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIssues, validateFleetText } from './fleet-file.js';
import { parseGate } from './gate-expression.js';
import { buildCatalogue, closestStatus, editDistance } from './status-catalogue.js';

const fleetText = (head: string, gate: string) => `
${head}
environments:
  - { name: QA, driver: { type: noop } }
  - { name: PROD, gate: "${gate}", driver: { type: noop } }
nodes:
  - { name: PROD_P_001, version: 1.0.0 }
  - { name: PROD_S_001, version: 1.0.0 }
`;

describe('the status catalogue', () => {
  it('edit distance counts insertions, deletions, substitutions and swaps of neighbours', () => {
    assert.equal(editDistance('QA_OK', 'QA_OK'), 0);
    assert.equal(editDistance('QA_0K', 'QA_OK'), 1);
    assert.equal(editDistance('QA_KO', 'QA_OK'), 1, 'a swap is one edit');
    assert.equal(editDistance('QA_OK', 'QA_OKAY'), 2);
    assert.equal(editDistance('', 'abc'), 3);
  });

  it('suggests only a close name: a typo, a case slip; never something merely short', () => {
    const defined = ['QA_OK', 'Staging_OK', 'Blocked', 'PROD_Phase1_OK'];
    assert.equal(closestStatus('QA_0K', defined), 'QA_OK');
    assert.equal(closestStatus('blocked', defined), 'Blocked');
    assert.equal(closestStatus('Stagin_OK', defined), 'Staging_OK');
    assert.equal(closestStatus('PROD_Phase2_OK', defined), 'PROD_Phase1_OK');
    assert.equal(closestStatus('X', defined), undefined);
    assert.equal(closestStatus('Hotfix', defined), undefined);
    assert.equal(closestStatus('QA_OK', []), undefined);
  });

  it('is the declared list, the phase statuses of every environment, then what gates of a fleet without a list name', () => {
    const catalogue = buildCatalogue(
      [{ name: 'Blocked', description: 'must not be deployed' }],
      [
        { name: 'QA', gate: null },
        { name: 'PROD', gate: parseGate('QA_OK and not Blocked and not Hold') },
      ],
    );
    assert.deepEqual(
      catalogue.map((s) => [s.name, s.source]),
      [
        ['Blocked', 'declared'],
        ['QA_Phase1_OK', 'phase'],
        ['QA_Phase2_OK', 'phase'],
        ['QA_Phase3_OK', 'phase'],
        ['QA_OK', 'phase'],
        ['PROD_Phase1_OK', 'phase'],
        ['PROD_Phase2_OK', 'phase'],
        ['PROD_Phase3_OK', 'phase'],
        ['PROD_OK', 'phase'],
        ['Hold', 'gate'],
      ],
    );
    assert.equal(catalogue[0]!.description, 'must not be deployed');
    assert.match(catalogue.find((s) => s.name === 'QA_OK')!.description!, /every phase completed in QA/);
  });
});

describe('fleet validate: gates name only defined statuses', () => {
  it('a gate naming an undefined status fails, with the closest defined status as a suggestion', () => {
    const result = validateFleetText(fleetText('statuses: [Blocked]', 'QA_0K and not Blocked'));
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(
      formatIssues(result.issues),
      'environments[1].gate: gate of PROD names QA_0K, which is not a defined status; did you mean QA_OK? (define it under statuses:)',
    );
  });

  it('no suggestion when nothing is close; every undefined status of every gate is listed', () => {
    const result = validateFleetText(fleetText('statuses: [{ name: Blocked, description: do not deploy }]', 'Hotfix and not Blockd'));
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(
      result.issues.map((i) => i.message),
      [
        'gate of PROD names Hotfix, which is not a defined status (define it under statuses:)',
        'gate of PROD names Blockd, which is not a defined status; did you mean Blocked? (define it under statuses:)',
      ],
    );
  });

  it('declared and phase statuses pass, with their descriptions kept; a status declared twice or malformed is a problem', () => {
    const ok = validateFleetText(fleetText('statuses:\n  - { name: Blocked, description: do not deploy }\n  - Staging_OK', 'QA_OK and not Blocked'));
    assert.ok(ok.ok, ok.ok ? '' : formatIssues(ok.issues));
    assert.deepEqual(ok.fleet.statuses, [
      { name: 'Blocked', description: 'do not deploy' },
      { name: 'Staging_OK', description: null },
    ]);
    const bad = validateFleetText(fleetText('statuses: [Blocked, Blocked, "no spaces"]', 'QA_OK'));
    assert.equal(bad.ok, false);
    if (bad.ok) return;
    assert.deepEqual(
      bad.issues.map((i) => i.path),
      ['statuses[1].name', 'statuses[2].name'],
    );
  });

  it('a fleet file without a statuses: list (as every one before it) keeps working: its gates define what they name', () => {
    const result = validateFleetText(fleetText('', 'Anything_OK and not Blocked'));
    assert.ok(result.ok, result.ok ? '' : formatIssues(result.issues));
    assert.equal(result.fleet.statuses, null);
  });
});
