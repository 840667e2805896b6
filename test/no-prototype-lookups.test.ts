/**
 * A lookup by a key that comes from outside — a path parameter, a body field, a column name, another
 * service's answer — must never find a property of Object.prototype: `DRIVER_MENUS['constructor']`
 * is a function, not "no such menu", and it answered 500. This test reads drydock's source with the
 * TypeScript type checker and finds every indexed read `table[key]` where `table` is a string-keyed
 * record (an index signature, `Record<string, …>`) and `key` is any string: each must go through
 * `ownValue` (src/util/own-value.ts) or a Map instead. Tables indexed by a closed union of keys (a `Backyard`,
 * a `WriteFunction`) are not flagged: the compiler already guarantees the key is one of theirs.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');

function findings(): string[] {
  const configFile = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (file) => ts.sys.readFile(file));
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const files = parsed.fileNames.filter((f) => f.startsWith(path.join(ROOT, 'src') + path.sep) && !f.endsWith('.test.ts'));
  const program = ts.createProgram(files, parsed.options);
  const checker = program.getTypeChecker();
  const out: string[] = [];
  for (const source of program.getSourceFiles()) {
    if (!files.includes(source.fileName)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isElementAccessExpression(node) && !isAssignmentTarget(node)) {
        const table = checker.getTypeAtLocation(node.expression);
        const key = checker.getTypeAtLocation(node.argumentExpression);
        const stringIndexed =
          checker.getIndexInfoOfType(table, ts.IndexKind.String) !== undefined && !checker.isArrayType(table) && !checker.isTupleType(table);
        const openKey = (key.flags & ts.TypeFlags.String) !== 0 || (key.isUnion() && key.types.some((t) => (t.flags & ts.TypeFlags.String) !== 0));
        if (stringIndexed && openKey) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          out.push(`${path.relative(ROOT, source.fileName)}:${line + 1}: ${node.getText(source).slice(0, 100)}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

/** `table[key] = value` (and `+=` …) and `delete table[key]`: only reads can find an inherited property. */
function isAssignmentTarget(node: ts.ElementAccessExpression): boolean {
  const parent = node.parent;
  if (ts.isDeleteExpression(parent)) return true;
  return (
    ts.isBinaryExpression(parent) &&
    parent.left === node &&
    parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment
  );
}

describe('no lookup by an outside key can find a prototype property', () => {
  it('every read of a string-keyed record by a string key goes through ownValue or a Map', () => {
    assert.deepEqual(findings(), [], 'use ownValue(table, key) from src/util/own-value.ts, or a Map');
  });
});
