import { GateSyntaxError } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import type { Texts } from '../i18n/language.js';

/**
 * Environment gates: which version statuses a version must carry before it may be deployed to an
 * environment. Written in a fleet file either as a string, `QA_OK and (Staging_OK or Hotfix_OK) and
 * not Blocked`, or as YAML structure: a status name, `{ all: [...] }`, `{ any: [...] }`, `{ not: ... }`.
 * Both parse to one tree; `and` binds tighter than `or`, `not` tighter than both.
 */

/** A parsed gate. */
export type GateExpression =
  { readonly status: string } | { readonly all: readonly GateExpression[] } | { readonly any: readonly GateExpression[] } | { readonly not: GateExpression };

/** A status name: letters, digits, `_`, `-`, `.` (e.g. `PROD_Phase1_OK`, `Staging_OK`). */
export const STATUS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Parses the string form. */
export function parseGate(text: string): GateExpression {
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i]?.toLowerCase();
  const fail = (what: Texts): never => {
    throw new GateSyntaxError(MESSAGES.invalidValue.gateSyntax(text, what));
  };
  const parseOr = (): GateExpression => {
    const parts = [parseAnd()];
    while (peek() === 'or') {
      i++;
      parts.push(parseAnd());
    }
    return parts.length === 1 ? parts[0]! : { any: parts };
  };
  const parseAnd = (): GateExpression => {
    const parts = [parseNot()];
    while (peek() === 'and') {
      i++;
      parts.push(parseNot());
    }
    return parts.length === 1 ? parts[0]! : { all: parts };
  };
  const parseNot = (): GateExpression => {
    if (peek() === 'not') {
      i++;
      return { not: parseNot() };
    }
    const token = tokens[i];
    if (token === undefined) return fail(MESSAGES.invalidValue.gateEndsEarly);
    if (token === '(') {
      i++;
      const inner = parseOr();
      if (tokens[i] !== ')') fail(MESSAGES.invalidValue.gateParenNotClosed);
      i++;
      return inner;
    }
    if (token === ')' || ['and', 'or'].includes(token.toLowerCase())) fail(MESSAGES.invalidValue.gateUnexpected(token));
    if (!STATUS_PATTERN.test(token)) fail(MESSAGES.invalidValue.gateNotStatus(token));
    i++;
    return { status: token };
  };
  if (tokens.length === 0) fail(MESSAGES.invalidValue.gateEmpty);
  const tree = parseOr();
  if (i < tokens.length) fail(MESSAGES.invalidValue.gateTrailing(String(tokens[i])));
  return tree;
}

/** Whether a version carrying `statuses` passes the gate. */
export function evaluateGate(gate: GateExpression, statuses: ReadonlySet<string>): boolean {
  if ('status' in gate) return statuses.has(gate.status);
  if ('all' in gate) return gate.all.every((g) => evaluateGate(g, statuses));
  if ('any' in gate) return gate.any.some((g) => evaluateGate(g, statuses));
  return !evaluateGate(gate.not, statuses);
}

/** The gate as text, for plans and messages (fully parenthesised where it matters). */
export function formatGate(gate: GateExpression): string {
  if ('status' in gate) return gate.status;
  if ('not' in gate) return `not ${'status' in gate.not ? formatGate(gate.not) : `(${formatGate(gate.not)})`}`;
  const op = 'all' in gate ? ' and ' : ' or ';
  const parts = 'all' in gate ? gate.all : gate.any;
  return parts.map((p) => ('status' in p || 'not' in p ? formatGate(p) : `(${formatGate(p)})`)).join(op);
}

/** Why a version fails a gate, in words: the gate and the statuses the version carries. */
export function explainGate(gate: GateExpression, statuses: ReadonlySet<string>): string {
  const have = [...statuses].sort();
  return `requires ${formatGate(gate)}; the version carries ${have.length ? have.join(', ') : 'no status'}`;
}
