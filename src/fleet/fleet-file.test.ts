import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIssues, validateFleet, validateFleetText, type FleetDeclaration, type FleetIssue } from './fleet-file.js';
import { parseGate } from './gate-expression.js';
import { nodeName, pairId, parseNodeName, partnerRole } from './node-names.js';

const VALID = `
environments:
  - name: PROD
    gate: QA_OK and not Blocked
    concurrency: 2
    failureBudget: { count: 1, percent: 10 }
    actionTimeoutSeconds: 90
    healthTimeoutSeconds: 2.5
    driver: { type: noop }
  - name: QA
    driver: { type: noop }
nodes:
  - { name: PROD_S_002, version: 1.0.0 }
  - { name: PROD_P_002, version: 1.0.0 }
  - { name: QA_P_tokyo-1, version: 2.0.0-rc.1 }
  - { name: PROD_P_001, version: 1.0.0, properties: { host: 10.0.0.1, port: 8443, tls: true } }
  - { name: PROD_S_001, version: 0.9.9, properties: { host: 10.0.0.2 } }
  - { name: QA_S_tokyo-1, version: 2.0.0-rc.1 }
pairs:
  PROD_002: { active: S, properties: { rack: 7 } }
`;

/** A minimal valid fleet as a plain object, to break one piece at a time. */
function fleet(): { environments: Record<string, unknown>[]; nodes: Record<string, unknown>[]; pairs?: Record<string, unknown> } {
  return {
    environments: [{ name: 'PROD', driver: { type: 'noop' } }],
    nodes: [
      { name: 'PROD_P_001', version: '1.0.0' },
      { name: 'PROD_S_001', version: '1.0.0' },
    ],
  };
}

function valid(result: ReturnType<typeof validateFleet>): FleetDeclaration {
  assert.ok(result.ok, `expected a valid fleet, got:\n${!result.ok ? formatIssues(result.issues) : ''}`);
  return result.fleet;
}

function issuesOf(result: ReturnType<typeof validateFleet>): FleetIssue[] {
  assert.ok(!result.ok, 'expected the fleet to be rejected');
  assert.ok(result.issues.length > 0);
  return result.issues;
}

/** The single issue of a rejected fleet, checked against an exact path and a message pattern. */
function onlyIssue(raw: unknown, path: string, message: RegExp): void {
  const issues = issuesOf(validateFleet(raw));
  assert.equal(issues.length, 1, `expected one issue, got:\n${formatIssues(issues)}`);
  assert.equal(issues[0]!.path, path);
  assert.match(issues[0]!.message, message);
}

describe('node names', () => {
  it('parses <ENV_TYPE>_<P|S>_<ENV_ID>', () => {
    assert.deepEqual(parseNodeName('PROD_P_001'), { environment: 'PROD', role: 'P', envId: '001' });
    assert.deepEqual(parseNodeName('STG-2_S_tokyo-1'), { environment: 'STG-2', role: 'S', envId: 'tokyo-1' });
  });

  it('explains what is wrong with a malformed name', () => {
    for (const name of [
      'prod_P_001',
      'PROD_X_001',
      'PROD_P_',
      'PROD_001',
      'PROD__P_001',
      'PROD_P_001_2',
      'PROD_P_-1',
      '_P_001',
      '2PROD_P_001',
      'PROD_p_001',
      '',
    ]) {
      const parsed = parseNodeName(name);
      assert.ok('error' in parsed, `${JSON.stringify(name)} should not parse`);
      assert.match(parsed.error, new RegExp(`^"${name}" is not a node name: use <ENV_TYPE>_<P\\|S>_<ENV_ID>, e\\.g\\. PROD_P_001`));
    }
  });

  it('builds node names and pair ids that parse back', () => {
    assert.equal(nodeName('PROD', 'S', '001'), 'PROD_S_001');
    assert.equal(pairId('PROD', '001'), 'PROD_001');
    assert.deepEqual(parseNodeName(nodeName('STG-2', 'P', 'eu-west-3')), { environment: 'STG-2', role: 'P', envId: 'eu-west-3' });
    assert.equal(partnerRole('P'), 'S');
    assert.equal(partnerRole('S'), 'P');
  });
});

describe('validateFleetText: a valid file', () => {
  const declared = valid(validateFleetText(VALID));

  it('pairs the nodes, sorted by pair id, with primary, secondary, active and properties', () => {
    assert.deepEqual(
      declared.pairs.map((p) => [p.id, p.environment, p.envId, p.active, p.primary.name, p.secondary.name]),
      [
        ['PROD_001', 'PROD', '001', 'P', 'PROD_P_001', 'PROD_S_001'],
        ['PROD_002', 'PROD', '002', 'S', 'PROD_P_002', 'PROD_S_002'],
        ['QA_tokyo-1', 'QA', 'tokyo-1', 'P', 'QA_P_tokyo-1', 'QA_S_tokyo-1'],
      ],
    );
    const first = declared.pairs[0]!;
    assert.deepEqual(first.primary, { name: 'PROD_P_001', role: 'P', version: '1.0.0', properties: { host: '10.0.0.1', port: '8443', tls: 'true' } });
    assert.deepEqual(first.secondary, { name: 'PROD_S_001', role: 'S', version: '0.9.9', properties: { host: '10.0.0.2' } });
    assert.deepEqual(first.properties, {});
    assert.deepEqual(declared.pairs[1]!.properties, { rack: '7' }, 'pair properties are strings too');
    assert.equal(declared.pairs[2]!.primary.version, '2.0.0-rc.1');
  });

  it('compiles the environments: gate parsed, limits kept, timeouts in ms', () => {
    assert.deepEqual(declared.environments[0], {
      name: 'PROD',
      gate: parseGate('QA_OK and not Blocked'),
      driver: { type: 'noop' },
      concurrency: 2,
      failureBudget: { count: 1, percent: 10 },
      actionTimeoutMs: 90_000,
      healthTimeoutMs: 2_500,
    });
  });

  it('defaults: no gate, concurrency 4, no failure budget, 600 s per action, 30 s per health check', () => {
    assert.deepEqual(declared.environments[1], {
      name: 'QA',
      gate: null,
      driver: { type: 'noop' },
      concurrency: 4,
      failureBudget: {},
      actionTimeoutMs: 600_000,
      healthTimeoutMs: 30_000,
    });
  });

  it('reads JSON as well', () => {
    assert.deepEqual(
      valid(validateFleetText(JSON.stringify(fleet()))).pairs.map((p) => p.id),
      ['PROD_001'],
    );
  });

  it('accepts a structured gate', () => {
    const raw = fleet();
    raw.environments[0]!.gate = { all: ['QA_OK', { not: 'Blocked' }] };
    assert.deepEqual(valid(validateFleet(raw)).environments[0]!.gate, parseGate('QA_OK and not Blocked'));
  });
});

describe('validateFleet: what to fix', () => {
  it('a node without its partner: names the missing node', () => {
    const raw = fleet();
    raw.nodes.push({ name: 'PROD_P_002', version: '1.0.0' });
    onlyIssue(raw, 'nodes[2].name', /node PROD_P_002 has no partner: declare PROD_S_002/);

    const secondaryOnly = fleet();
    secondaryOnly.nodes.push({ name: 'PROD_S_003', version: '1.0.0' });
    onlyIssue(secondaryOnly, 'nodes[2].name', /node PROD_S_003 has no partner: declare PROD_P_003/);
  });

  it('a malformed node name', () => {
    const raw = fleet();
    raw.nodes.push({ name: 'prod-p-002', version: '1.0.0' });
    onlyIssue(raw, 'nodes[2].name', /"prod-p-002" is not a node name: use <ENV_TYPE>_<P\|S>_<ENV_ID>/);
  });

  it('a duplicate node: points at the second one and at the first', () => {
    const raw = fleet();
    raw.nodes.push({ name: 'PROD_P_001', version: '2.0.0' });
    onlyIssue(raw, 'nodes[2].name', /node PROD_P_001 is declared twice \(first at nodes\[0\]\)/);
  });

  it('a node of an environment that is not declared', () => {
    const raw = fleet();
    raw.nodes.push({ name: 'STG_P_001', version: '1.0.0' }, { name: 'STG_S_001', version: '1.0.0' });
    const issues = issuesOf(validateFleet(raw));
    assert.deepEqual(
      issues.map((i) => i.path),
      ['nodes[2].name', 'nodes[3].name'],
    );
    assert.match(issues[0]!.message, /node STG_P_001 belongs to environment STG, which is not declared \(declared: PROD\)/);
  });

  it('a duplicate environment', () => {
    const raw = fleet();
    raw.environments.push({ name: 'PROD', driver: { type: 'noop' }, concurrency: 8 });
    onlyIssue(raw, 'environments[1].name', /environment PROD is declared twice/);
  });

  it('a pairs: key with no nodes', () => {
    const raw = fleet();
    raw.pairs = { PROD_001: { active: 'S' }, PROD_01: { active: 'S' } };
    onlyIssue(raw, 'pairs.PROD_01', /pair PROD_01 has no nodes: .*e\.g\. PROD_001 for PROD_P_001 and PROD_S_001/);
  });

  it('a bad pair setting', () => {
    const raw = fleet();
    raw.pairs = { PROD_001: { active: 'primary' } };
    onlyIssue(raw, 'pairs.PROD_001.active', /must be P \(the primary serves\) or S \(the secondary serves\)/);
  });

  it('a bad version', () => {
    const raw = fleet();
    raw.nodes[1]!.version = '1.0 final';
    onlyIssue(raw, 'nodes[1].version', /must be a version such as 2\.5\.1/);
    raw.nodes[1]!.version = '-1';
    onlyIssue(raw, 'nodes[1].version', /must be a version/);
  });

  it('a bad environment name and limits', () => {
    const raw = fleet();
    raw.environments[0] = { name: 'prod', driver: { type: 'noop' }, concurrency: 0, failureBudget: { percent: 150 } };
    const issues = issuesOf(validateFleet(raw));
    assert.deepEqual(issues.map((i) => i.path).sort(), ['environments[0].concurrency', 'environments[0].failureBudget.percent', 'environments[0].name']);
    assert.match(issues.find((i) => i.path === 'environments[0].name')!.message, /upper-case letters/);
    assert.match(issues.find((i) => i.path === 'environments[0].concurrency')!.message, /at least 1/);
    assert.match(issues.find((i) => i.path === 'environments[0].failureBudget.percent')!.message, /between 0 and 100/);
  });

  describe('an unknown key anywhere', () => {
    const where: { name: string; edit: (raw: ReturnType<typeof fleet>) => void; path: string }[] = [
      { name: 'top level', edit: (raw) => Object.assign(raw, { node: [] }), path: '' },
      { name: 'environment', edit: (raw) => Object.assign(raw.environments[0]!, { timeout: 5 }), path: 'environments[0]' },
      { name: 'driver', edit: (raw) => Object.assign(raw.environments[0]!, { driver: { type: 'noop', upgrade: 'x' } }), path: 'environments[0].driver' },
      { name: 'failure budget', edit: (raw) => Object.assign(raw.environments[0]!, { failureBudget: { max: 1 } }), path: 'environments[0].failureBudget' },
      { name: 'gate structure', edit: (raw) => Object.assign(raw.environments[0]!, { gate: { all: ['QA_OK'], anyOf: ['x'] } }), path: 'environments[0].gate' },
      { name: 'node', edit: (raw) => Object.assign(raw.nodes[0]!, { role: 'P' }), path: 'nodes[0]' },
      { name: 'pair settings', edit: (raw) => Object.assign(raw, { pairs: { PROD_001: { activ: 'S' } } }), path: 'pairs.PROD_001' },
    ];
    for (const w of where) {
      it(w.name, () => {
        const raw = fleet();
        w.edit(raw);
        const issues = issuesOf(validateFleet(raw));
        const issue = issues.find((i) => i.path === w.path);
        assert.ok(issue, `no issue at ${JSON.stringify(w.path)}:\n${formatIssues(issues)}`);
        assert.match(issue.message, /Unrecognized key/);
      });
    }
  });

  it('a bad gate string: the parser’s message, at the gate', () => {
    const raw = fleet();
    raw.environments[0]!.gate = 'QA_OK and (Staging_OK or';
    onlyIssue(raw, 'environments[0].gate', /^gate "QA_OK and \(Staging_OK or": ends too early/);
    raw.environments[0]!.gate = '';
    onlyIssue(raw, 'environments[0].gate', /is empty/);
  });

  it('a bad gate string inside a structured gate: points at the leaf', () => {
    const raw = fleet();
    raw.environments[0]!.gate = { all: ['QA_OK', { not: 'Blocked!' }] };
    onlyIssue(raw, 'environments[0].gate.all[1].not', /"Blocked!" is not a status name/);
  });

  it('a gate that is neither a string nor all/any/not', () => {
    const raw = fleet();
    raw.environments[0]!.gate = 42;
    onlyIssue(raw, 'environments[0].gate', /must be a gate: .*\{ all: \[\.\.\.\] \}/);
    raw.environments[0]!.gate = { all: [] };
    onlyIssue(raw, 'environments[0].gate.all', /.+/);
  });

  it('a bad driver type', () => {
    const raw = fleet();
    raw.environments[0]!.driver = { type: 'ssh' };
    onlyIssue(raw, 'environments[0].driver.type', /driver\.type must be one of: noop, command, process, kubernetes/);
    delete raw.environments[0]!.driver;
    onlyIssue(raw, 'environments[0].driver', /driver\.type must be one of/);
  });

  it('invalid YAML', () => {
    const issues = issuesOf(validateFleetText('environments:\n  - name: PROD\n    driver: { type: noop\nnodes: ['));
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, '');
    assert.match(issues[0]!.message, /^not valid YAML: /);
  });

  it('an empty file or one that is not a mapping', () => {
    for (const text of ['', '- a\n- b', 'just text']) {
      const issues = issuesOf(validateFleetText(text));
      assert.deepEqual(
        issues.map((i) => i.path),
        [''],
        JSON.stringify(text),
      );
    }
  });

  it('missing environments; no nodes is an environment whose nodes register themselves', () => {
    const issues = issuesOf(validateFleet({ environments: [], nodes: [] }));
    assert.deepEqual(
      issues.map((i) => [i.path, i.message]),
      [['environments', 'declare at least one environment']],
    );
    const empty = validateFleet({ environments: [{ name: 'PROD', driver: { type: 'noop' } }] });
    assert.ok(empty.ok, JSON.stringify(empty));
    assert.deepEqual(empty.fleet.pairs, []);
  });
});

describe('validateFleet: several problems at once', () => {
  it('reports every schema problem in one go', () => {
    const raw = fleet();
    raw.environments[0]!.gate = 'and';
    raw.environments[0]!.driver = { type: 'ftp' };
    raw.nodes[0]!.version = 'v 1';
    raw.nodes[1]!.colour = 'blue';
    const issues = issuesOf(validateFleet(raw));
    assert.deepEqual(issues.map((i) => i.path).sort(), ['environments[0].driver.type', 'environments[0].gate', 'nodes[0].version', 'nodes[1]']);
  });

  it('reports every cross-check problem in one go', () => {
    const raw = fleet();
    raw.environments.push({ name: 'PROD', driver: { type: 'noop' } });
    raw.nodes.push(
      { name: 'PROD_P_001', version: '1.0.0' },
      { name: 'PROD-P-9', version: '1.0.0' },
      { name: 'UAT_P_001', version: '1.0.0' },
      { name: 'PROD_S_004', version: '1.0.0' },
    );
    raw.pairs = { PROD_999: {} };
    const issues = issuesOf(validateFleet(raw));
    assert.deepEqual(
      issues.map((i) => i.path),
      ['environments[1].name', 'nodes[2].name', 'nodes[3].name', 'nodes[4].name', 'nodes[5].name', 'pairs.PROD_999'],
    );
    assert.match(issues[4]!.message, /declare PROD_P_004/);
  });
});

describe('formatIssues', () => {
  it('puts every issue on its own line, prefixed by its path when it has one', () => {
    assert.equal(
      formatIssues([
        { path: 'nodes[0].name', message: 'fix it' },
        { path: '', message: 'not valid YAML: x' },
      ]),
      'nodes[0].name: fix it\nnot valid YAML: x',
    );
    assert.equal(formatIssues([]), '');
  });
});
