import type { GateExpression } from './gate-expression.js';
import { PHASES, phaseStatus } from './phases.js';

/**
 * The status catalogue: the version statuses a fleet knows, defined once (the fleet file's
 * `statuses:` list), plus the ones drydock gives itself (`<ENV>_Phase1_OK` … `<ENV>_Phase3_OK`,
 * `<ENV>_OK` for every environment). Gates may name only statuses of the catalogue, and a version
 * may be given only those. A fleet without a `statuses:` list (every fleet declared before the
 * list existed) has the statuses its gates name taken as defined, so nothing it used breaks.
 */

/** A status of the catalogue. `source`: the fleet file's list, drydock's own phase status, or named by a gate of a fleet without a list. */
export interface StatusDefinition {
  readonly name: string;
  readonly description: string | null;
  readonly source: 'declared' | 'phase' | 'gate';
}

/** Every status name a gate names, in order of appearance. */
export function gateStatuses(gate: GateExpression): string[] {
  if ('status' in gate) return [gate.status];
  if ('not' in gate) return gateStatuses(gate.not);
  return ('all' in gate ? gate.all : gate.any).flatMap(gateStatuses);
}

/** The statuses drydock gives a version in `environment`, in phase order. */
export function phaseStatuses(environment: string): string[] {
  return PHASES.map((phase) => phaseStatus(environment, phase));
}

/**
 * The whole catalogue: the declared statuses, the phase statuses of every environment, then (only
 * for statuses not already there) every status a gate names — which, once a fleet has a list, the
 * validation guarantees adds nothing.
 */
export function buildCatalogue(
  declared: ReadonlyArray<{ readonly name: string; readonly description: string | null }>,
  environments: ReadonlyArray<{ readonly name: string; readonly gate: GateExpression | null }>,
): StatusDefinition[] {
  const out = new Map<string, StatusDefinition>();
  for (const d of declared) out.set(d.name, { name: d.name, description: d.description, source: 'declared' });
  for (const e of environments) {
    for (const s of phaseStatuses(e.name)) if (!out.has(s)) out.set(s, { name: s, description: `drydock: ${phaseDescription(e.name, s)}`, source: 'phase' });
  }
  for (const e of environments) {
    for (const s of e.gate ? gateStatuses(e.gate) : []) if (!out.has(s)) out.set(s, { name: s, description: null, source: 'gate' });
  }
  return [...out.values()];
}

function phaseDescription(environment: string, status: string): string {
  const phase = phaseStatuses(environment).indexOf(status) + 1;
  return phase === 4 ? `every phase completed in ${environment}` : `phase ${phase} completed in ${environment}`;
}

/**
 * The optimal-string-alignment distance (Levenshtein with transpositions of neighbours): how many
 * insertions, deletions, substitutions and swaps turn `a` into `b`. Case counts (statuses do).
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The defined name closest to `name`, when it is close enough to be a likely typo: at most 2 edits,
 * and fewer than a third of the name's length (so `QA_0K` suggests `QA_OK`, but `X` suggests nothing).
 * A name that differs only in case is always suggested.
 */
export function closestStatus(name: string, defined: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of defined) {
    const distance = candidate.toLowerCase() === name.toLowerCase() ? 0.5 : editDistance(name, candidate);
    if (distance < (best?.distance ?? Infinity)) best = { name: candidate, distance };
  }
  if (!best) return undefined;
  return best.distance <= 2 && best.distance * 3 < Math.max(name.length, best.name.length) ? best.name : undefined;
}

/** "; did you mean X?" when a defined status is close to `name`, else "". */
export function didYouMean(name: string, defined: Iterable<string>): string {
  const close = closestStatus(name, defined);
  return close === undefined ? '' : `; did you mean ${close}?`;
}
