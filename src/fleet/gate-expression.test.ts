import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GateSyntaxError } from '../errors.js';
import { validateFleet } from './fleet-file.js';
import { evaluateGate, explainGate, formatGate, parseGate, type GateExpression } from './gate-expression.js';

const s = (status: string): GateExpression => ({ status });

/** The GateSyntaxError `parseGate(text)` throws; fails when it parses or throws something else. */
function syntaxError(text: string): GateSyntaxError {
  try {
    const tree = parseGate(text);
    assert.fail(`expected a GateSyntaxError for ${JSON.stringify(text)}, parsed ${JSON.stringify(tree)}`);
  } catch (err) {
    assert.ok(err instanceof GateSyntaxError, `expected a GateSyntaxError, got ${String(err)}`);
    return err;
  }
}

/** Every combination of the given statuses being carried or not. */
function everyStatusSet(names: readonly string[]): Set<string>[] {
  return Array.from({ length: 2 ** names.length }, (_, bits) => new Set(names.filter((_, i) => bits & (1 << i))));
}

/** The gate a fleet file's `gate:` value (string or structure) validates to. */
function gateFromFile(gate: unknown): GateExpression | null {
  const result = validateFleet({
    environments: [{ name: 'PROD', gate, driver: { type: 'noop' } }],
    nodes: [
      { name: 'PROD_P_001', version: '1.0.0' },
      { name: 'PROD_S_001', version: '1.0.0' },
    ],
  });
  assert.ok(result.ok, `fleet rejected: ${JSON.stringify(!result.ok && result.issues)}`);
  return result.fleet.environments[0]!.gate;
}

describe('parseGate', () => {
  it('parses a single status name', () => {
    assert.deepEqual(parseGate('QA_OK'), s('QA_OK'));
    assert.deepEqual(parseGate('  PROD_Phase1_OK  '), s('PROD_Phase1_OK'));
    assert.deepEqual(parseGate('Staging-2.ok'), s('Staging-2.ok'));
  });

  it('binds and tighter than or, and flattens chains of one operator', () => {
    assert.deepEqual(parseGate('a or b and c'), { any: [s('a'), { all: [s('b'), s('c')] }] });
    assert.deepEqual(parseGate('a and b or c'), { any: [{ all: [s('a'), s('b')] }, s('c')] });
    assert.deepEqual(parseGate('a and b and c'), { all: [s('a'), s('b'), s('c')] });
    assert.deepEqual(parseGate('a or b or c'), { any: [s('a'), s('b'), s('c')] });
  });

  it('binds not tighter than and', () => {
    assert.deepEqual(parseGate('not a and b'), { all: [{ not: s('a') }, s('b')] });
    assert.deepEqual(parseGate('a or not b'), { any: [s('a'), { not: s('b') }] });
  });

  it('lets parentheses override precedence', () => {
    assert.deepEqual(parseGate('(a or b) and c'), { all: [{ any: [s('a'), s('b')] }, s('c')] });
    assert.deepEqual(parseGate('not (a or b)'), { not: { any: [s('a'), s('b')] } });
    assert.deepEqual(parseGate('((a))'), s('a'));
    assert.deepEqual(parseGate('(a)and(b)'), { all: [s('a'), s('b')] }, 'parentheses need no surrounding spaces');
  });

  it('nests not not', () => {
    assert.deepEqual(parseGate('not not a'), { not: { not: s('a') } });
    assert.deepEqual(parseGate('not not not a'), { not: { not: { not: s('a') } } });
  });

  it('reads keywords in any case, and keeps status names as written', () => {
    assert.deepEqual(parseGate('QA_OK AND NOT Blocked Or Hotfix'), parseGate('QA_OK and not Blocked or Hotfix'));
    assert.deepEqual(parseGate('a aNd b'), { all: [s('a'), s('b')] });
    assert.deepEqual(parseGate('NOT_READY'), s('NOT_READY'), 'a status that merely starts with a keyword is a status');
    assert.deepEqual(parseGate('Android or Oracle'), { any: [s('Android'), s('Oracle')] });
  });

  it('parses the documented example', () => {
    assert.deepEqual(parseGate('QA_OK and (Staging_OK or Hotfix_OK) and not Blocked'), {
      all: [s('QA_OK'), { any: [s('Staging_OK'), s('Hotfix_OK')] }, { not: s('Blocked') }],
    });
  });
});

describe('parseGate syntax errors', () => {
  const cases: { name: string; text: string; message: RegExp }[] = [
    { name: 'empty', text: '', message: /is empty/ },
    { name: 'blank', text: '   \t ', message: /is empty/ },
    { name: 'unclosed paren', text: '(a and b', message: /"\(" is not closed/ },
    { name: 'unclosed nested paren', text: '(a and (b or c)', message: /"\(" is not closed/ },
    { name: 'empty parentheses', text: '()', message: /unexpected "\)": expected a status name/ },
    { name: 'dangling and', text: 'a and', message: /ends too early/ },
    { name: 'dangling or', text: 'a or', message: /ends too early/ },
    { name: 'dangling not', text: 'a and not', message: /ends too early/ },
    { name: 'leading and', text: 'and a', message: /unexpected "and": expected a status name/ },
    { name: 'leading OR, any case', text: 'OR a', message: /unexpected "OR": expected a status name/ },
    { name: 'doubled operator', text: 'a and or b', message: /unexpected "or": expected a status name/ },
    { name: 'two statuses without an operator', text: 'a b', message: /unexpected "b" after a complete expression/ },
    { name: 'stray closing paren', text: 'a)', message: /unexpected "\)" after a complete expression/ },
    { name: 'bad character in a status', text: 'QA_OK and Blocked!', message: /"Blocked!" is not a status name/ },
    { name: 'status starting with a dash', text: '-a', message: /"-a" is not a status name/ },
  ];
  for (const c of cases) {
    it(`${c.name}: ${JSON.stringify(c.text)}`, () => {
      const err = syntaxError(c.text);
      assert.match(err.message, c.message);
      assert.ok(err.message.startsWith(`gate "${c.text}":`), `the message quotes the gate: ${err.message}`);
    });
  }
});

describe('evaluateGate', () => {
  it('checks a status against the version’s statuses', () => {
    assert.equal(evaluateGate(parseGate('QA_OK'), new Set(['QA_OK'])), true);
    assert.equal(evaluateGate(parseGate('QA_OK'), new Set(['qa_ok'])), false, 'status names are case-sensitive');
    assert.equal(evaluateGate(parseGate('QA_OK'), new Set()), false);
  });

  it('follows and/or/not precedence', () => {
    const gate = parseGate('a or b and c');
    assert.equal(evaluateGate(gate, new Set(['a'])), true, 'a alone passes: a or (b and c)');
    assert.equal(evaluateGate(gate, new Set(['b'])), false);
    assert.equal(evaluateGate(gate, new Set(['b', 'c'])), true);
    const grouped = parseGate('(a or b) and c');
    assert.equal(evaluateGate(grouped, new Set(['a'])), false, 'a alone fails: (a or b) and c');
    assert.equal(evaluateGate(grouped, new Set(['a', 'c'])), true);
  });

  it('negates, twice too', () => {
    assert.equal(evaluateGate(parseGate('not Blocked'), new Set()), true);
    assert.equal(evaluateGate(parseGate('not Blocked'), new Set(['Blocked'])), false);
    assert.equal(evaluateGate(parseGate('not not Blocked'), new Set(['Blocked'])), true);
    assert.equal(evaluateGate(parseGate('not not Blocked'), new Set()), false);
  });

  it('matches the documented example on every combination of statuses', () => {
    const gate = parseGate('QA_OK and (Staging_OK or Hotfix_OK) and not Blocked');
    for (const statuses of everyStatusSet(['QA_OK', 'Staging_OK', 'Hotfix_OK', 'Blocked'])) {
      const expected = statuses.has('QA_OK') && (statuses.has('Staging_OK') || statuses.has('Hotfix_OK')) && !statuses.has('Blocked');
      assert.equal(evaluateGate(gate, statuses), expected, [...statuses].join(','));
    }
  });
});

describe('the structured (YAML) form', () => {
  const pairs: { text: string; structure: unknown }[] = [
    { text: 'QA_OK', structure: 'QA_OK' },
    { text: 'a and b and c', structure: { all: ['a', 'b', 'c'] } },
    { text: 'a or b and c', structure: { any: ['a', { all: ['b', 'c'] }] } },
    { text: '(a or b) and c', structure: { all: [{ any: ['a', 'b'] }, 'c'] } },
    { text: 'not not a', structure: { not: { not: 'a' } } },
    { text: 'a and not (b or c)', structure: { all: ['a', { not: { any: ['b', 'c'] } }] } },
  ];
  for (const { text, structure } of pairs) {
    it(`${JSON.stringify(structure)} is ${text}`, () => {
      const fromStructure = gateFromFile(structure);
      assert.ok(fromStructure);
      assert.deepEqual(fromStructure, parseGate(text));
      const fromString = gateFromFile(text);
      assert.ok(fromString);
      for (const statuses of everyStatusSet(['a', 'b', 'c', 'QA_OK'])) {
        assert.equal(evaluateGate(fromStructure, statuses), evaluateGate(fromString, statuses), [...statuses].join(','));
      }
    });
  }

  it('accepts expression strings as leaves', () => {
    assert.deepEqual(gateFromFile({ all: ['QA_OK', 'Staging_OK or Hotfix_OK'] }), parseGate('QA_OK and (Staging_OK or Hotfix_OK)'));
  });

  it('is open (null) when the environment has no gate', () => {
    assert.equal(gateFromFile(undefined), null);
  });
});

describe('formatGate', () => {
  const expressions = [
    'QA_OK',
    'a and b',
    'a or b and c',
    '(a or b) and c',
    'a and (b or c) and not d',
    'not not a',
    'not (a and b)',
    'not (not a or b)',
    '(a and b) and c',
    '(a or b) or (c or d)',
    '((a or b) and c) or not (d and not e)',
  ];
  for (const text of expressions) {
    it(`round-trips ${text}`, () => {
      const gate = parseGate(text);
      assert.deepEqual(parseGate(formatGate(gate)), gate);
    });
  }

  it('writes minimal parentheses', () => {
    assert.equal(formatGate(parseGate('a or b and c')), 'a or (b and c)');
    assert.equal(formatGate(parseGate('A AND NOT B')), 'A and not B');
    assert.equal(formatGate(parseGate('not not a')), 'not (not a)');
    assert.equal(formatGate(parseGate('(QA_OK)')), 'QA_OK');
  });

  it('round-trips trees that parseGate would not build (nested all of all)', () => {
    const gate: GateExpression = { all: [{ all: [s('a'), s('b')] }, { any: [s('c'), { any: [s('d'), s('e')] }] }] };
    assert.deepEqual(parseGate(formatGate(gate)), gate);
  });
});

describe('explainGate', () => {
  it('names the gate and the statuses the version carries, sorted', () => {
    const text = explainGate(parseGate('QA_OK and not Blocked'), new Set(['Blocked', 'QA_OK']));
    assert.equal(text, 'requires QA_OK and not Blocked; the version carries Blocked, QA_OK');
  });

  it('says when the version carries no status', () => {
    assert.equal(explainGate(parseGate('QA_OK'), new Set()), 'requires QA_OK; the version carries no status');
  });
});
