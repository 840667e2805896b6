import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { driverConfigSchema, type DriverConfig } from './drivers/driver-config.js';
import { GateSyntaxError } from '../errors.js';
import { checkCustomPhases, customPhasesSchema, type CustomPhases } from './custom-steps.js';
import { parseGate, STATUS_PATTERN, type GateExpression } from './gate-expression.js';
import { ENV_TYPE_PATTERN, pairId, parseNodeName, type NodeRole } from './node-names.js';
import { didYouMean, gateStatuses, phaseStatuses } from './status-catalogue.js';
import { ownValue } from '../util/own-value.js';

/**
 * The fleet file: environments (with their gate, driver and limits), the nodes of every
 * sub-environment, and optional per-pair settings. Example (README "Fleet file"):
 *
 * ```yaml
 * statuses:
 *   - { name: Blocked, description: a version that must not be deployed }
 * environments:
 *   - name: PROD
 *     gate: QA_OK and not Blocked
 *     concurrency: 4
 *     failureBudget: { count: 1, percent: 10 }
 *     driver: { type: command, upgrade: ..., switch: ..., health: ... }
 * nodes:
 *   - { name: PROD_P_001, version: 1.0.0, properties: { host: 10.0.0.1 } }
 *   - { name: PROD_S_001, version: 1.0.0, properties: { host: 10.0.0.2 } }
 * pairs:
 *   PROD_001: { active: P }
 * ```
 */

/** A version string: `2.5.1`, `ita-2.5.1+build.7`. */
export const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const versionSchema = z.string().regex(VERSION_PATTERN, 'must be a version such as 2.5.1 (letters, digits, . _ + -)');
const properties = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'property names are letters, digits, _ and -'), z.union([z.string(), z.number(), z.boolean()]))
  .default({})
  .transform((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])));

const GATE_SHAPE = 'must be a gate: a status expression such as "QA_OK and not Blocked", or { all: [...] }, { any: [...] }, { not: ... }';
const gateTreeSchema: z.ZodType<GateExpression> = z.lazy(() =>
  z.union(
    [z.object({ all: z.array(gateSchema).min(1) }).strict(), z.object({ any: z.array(gateSchema).min(1) }).strict(), z.object({ not: gateSchema }).strict()],
    { error: GATE_SHAPE },
  ),
);
/** A gate: an expression string, or all/any/not structure whose leaves are status names. */
const gateSchema: z.ZodType<GateExpression> = z.union(
  [
    z.string().transform((text, ctx): GateExpression => {
      try {
        return parseGate(text);
      } catch (err) {
        if (!(err instanceof GateSyntaxError)) throw err;
        // `continue: true` keeps this branch "not aborted", so the union reports this message instead of a bare "Invalid input".
        ctx.addIssue({ code: 'custom', message: err.message, continue: true });
        return z.NEVER;
      }
    }),
    gateTreeSchema,
  ],
  { error: GATE_SHAPE },
);

const failureBudgetSchema = z
  .object({
    count: z.number().int().min(0, 'must be 0 or more').optional(),
    percent: z.number().min(0).max(100, 'must be between 0 and 100').optional(),
  })
  .strict();

const environmentSchema = z
  .object({
    name: z.string().regex(ENV_TYPE_PATTERN, 'must be upper-case letters, digits and dashes, starting with a letter (PROD, QA, STG-2)'),
    gate: gateSchema.optional(),
    driver: driverConfigSchema,
    concurrency: z.number().int().min(1, 'must be at least 1').max(1000).default(4),
    failureBudget: failureBudgetSchema.default({}),
    actionTimeoutSeconds: z.number().positive().max(86_400).default(600),
    healthTimeoutSeconds: z.number().positive().max(3_600).default(30),
    phases: customPhasesSchema.optional(),
  })
  .strict();

const statusSchema = z.union(
  [
    z.string().transform((name) => ({ name, description: null as string | null })),
    z.object({ name: z.string(), description: z.string().max(500).nullable().default(null) }).strict(),
  ],
  { error: 'a status is a name (QA_OK) or { name: QA_OK, description: "passed QA" }' },
);

const nodeSchema = z
  .object({
    name: z.string(),
    version: versionSchema,
    properties,
  })
  .strict();

const pairSettingsSchema = z
  .object({
    active: z.enum(['P', 'S'], { error: 'must be P (the primary serves) or S (the secondary serves)' }).default('P'),
    properties,
  })
  .strict();

const fleetFileSchema = z
  .object({
    statuses: z.array(statusSchema).optional(),
    environments: z.array(environmentSchema).min(1, 'declare at least one environment'),
    // No nodes: an environment whose nodes register themselves (`drydock fleet agent`).
    nodes: z.array(nodeSchema).default([]),
    pairs: z.record(z.string(), pairSettingsSchema).default({}),
  })
  .strict();

/** An environment after validation. Timeouts in milliseconds. */
export interface EnvironmentDeclaration {
  readonly name: string;
  readonly gate: GateExpression | null;
  readonly driver: DriverConfig;
  readonly concurrency: number;
  readonly failureBudget: { readonly count?: number; readonly percent?: number };
  readonly actionTimeoutMs: number;
  readonly healthTimeoutMs: number;
  /** The environment's custom steps and conditions per phase (custom-steps.ts); none: the default steps. */
  readonly phases?: CustomPhases;
}

/** A status of the fleet file's `statuses:` list. */
export interface StatusDeclaration {
  readonly name: string;
  readonly description: string | null;
}

/** A node after validation: `version` is what the file says it runs (used for nodes the store does not know yet). */
export interface NodeDeclaration {
  readonly name: string;
  readonly role: NodeRole;
  readonly version: string;
  readonly properties: Readonly<Record<string, string>>;
}

/** A pair after validation. */
export interface PairDeclaration {
  readonly id: string;
  readonly environment: string;
  readonly envId: string;
  readonly active: NodeRole;
  readonly primary: NodeDeclaration;
  readonly secondary: NodeDeclaration;
  readonly properties: Readonly<Record<string, string>>;
}

/** A whole, valid fleet. */
export interface FleetDeclaration {
  /** The `statuses:` list; `null` when the file has none (then the statuses its gates name are taken as defined). */
  readonly statuses: readonly StatusDeclaration[] | null;
  readonly environments: readonly EnvironmentDeclaration[];
  readonly pairs: readonly PairDeclaration[];
}

/** One thing wrong with a fleet file: where (`nodes[3].name`) and what to fix. */
export interface FleetIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * The result of validating: every problem of a kind at once, so an operator fixes the file in few
 * goes. Shape problems (unknown keys, bad values) come first; the cross-checks (names, partners,
 * duplicates, environments) run once the shape is right.
 */
export type FleetValidation = { ok: true; fleet: FleetDeclaration } | { ok: false; issues: FleetIssue[] };

const pathOf = (path: readonly PropertyKey[]) =>
  path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');

/** Parses YAML (or JSON, which is YAML) text and validates it. */
export function validateFleetText(text: string): FleetValidation {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLParseError) return { ok: false, issues: [{ path: '', message: `not valid YAML: ${err.message}` }] };
    // The YAML library refuses an alias bomb (aliases expanding to millions of nodes) with a
    // ReferenceError: a file problem like any other, not a crash.
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      return { ok: false, issues: [{ path: '', message: `refused: ${err.message} (too many aliases; write the values out)` }] };
    }
    throw err;
  }
  return validateFleet(raw);
}

/** Validates a parsed fleet file: the schema, then the cross-checks (names, partners, duplicates, environments). */
export function validateFleet(raw: unknown): FleetValidation {
  const parsed = fleetFileSchema.safeParse(raw ?? undefined);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message })) };
  }
  const file = parsed.data;
  const issues: FleetIssue[] = [];

  const environments = new Map<string, EnvironmentDeclaration>();
  file.environments.forEach((e, i) => {
    if (environments.has(e.name)) {
      issues.push({ path: `environments[${i}].name`, message: `environment ${e.name} is declared twice` });
      return;
    }
    environments.set(e.name, {
      name: e.name,
      gate: e.gate ?? null,
      driver: e.driver,
      concurrency: e.concurrency,
      failureBudget: e.failureBudget,
      actionTimeoutMs: Math.round(e.actionTimeoutSeconds * 1000),
      healthTimeoutMs: Math.round(e.healthTimeoutSeconds * 1000),
      ...(e.phases !== undefined && { phases: e.phases }),
    });
    if (e.phases !== undefined) issues.push(...checkCustomPhases(e.phases, `environments[${i}].phases`));
  });
  issues.push(...checkStatusCatalogue(file.statuses, file.environments));

  const seen = new Map<string, number>();
  const byPair = new Map<string, { environment: string; envId: string; P?: NodeDeclaration; S?: NodeDeclaration }>();
  file.nodes.forEach((n, i) => {
    const path = `nodes[${i}].name`;
    const first = seen.get(n.name);
    if (first !== undefined) {
      issues.push({ path, message: `node ${n.name} is declared twice (first at nodes[${first}])` });
      return;
    }
    seen.set(n.name, i);
    const name = parseNodeName(n.name);
    if ('error' in name) {
      issues.push({ path, message: name.error });
      return;
    }
    if (!environments.has(name.environment)) {
      issues.push({
        path,
        message: `node ${n.name} belongs to environment ${name.environment}, which is not declared (declared: ${[...environments.keys()].join(', ')}); add it under environments or fix the name`,
      });
      return;
    }
    const id = pairId(name.environment, name.envId);
    const entry = byPair.get(id) ?? { environment: name.environment, envId: name.envId };
    entry[name.role] = { name: n.name, role: name.role, version: n.version, properties: n.properties };
    byPair.set(id, entry);
  });

  const pairs: PairDeclaration[] = [];
  for (const [id, p] of byPair) {
    if (!p.P || !p.S) {
      const has = (p.P ?? p.S)!;
      const missing = `${p.environment}_${p.P ? 'S' : 'P'}_${p.envId}`;
      issues.push({
        path: `nodes[${seen.get(has.name)}].name`,
        message: `node ${has.name} has no partner: declare ${missing} (every sub-environment is a primary and a secondary)`,
      });
      continue;
    }
    const settings = ownValue(file.pairs, id);
    pairs.push({
      id,
      environment: p.environment,
      envId: p.envId,
      active: settings?.active ?? 'P',
      primary: p.P,
      secondary: p.S,
      properties: settings?.properties ?? {},
    });
  }
  for (const key of Object.keys(file.pairs)) {
    if (!byPair.has(key)) {
      issues.push({
        path: `pairs.${key}`,
        message: `pair ${key} has no nodes: pairs are named <ENV_TYPE>_<ENV_ID> after their nodes, e.g. PROD_001 for PROD_P_001 and PROD_S_001`,
      });
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  pairs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ok: true, fleet: { statuses: file.statuses ?? null, environments: [...environments.values()], pairs } };
}

/**
 * With a `statuses:` list, every status must be well-formed and declared once, and every status a
 * gate names must be defined: declared, or a phase status of a declared environment. The message
 * names the closest defined status when one is close. Without a list, there is nothing to check.
 */
function checkStatusCatalogue(
  statuses: ReadonlyArray<{ name: string }> | undefined,
  environments: ReadonlyArray<{ name: string; gate?: GateExpression | undefined }>,
): FleetIssue[] {
  if (statuses === undefined) return [];
  const issues: FleetIssue[] = [];
  const defined = new Set<string>();
  statuses.forEach((s, i) => {
    if (!STATUS_PATTERN.test(s.name))
      issues.push({ path: `statuses[${i}].name`, message: `${s.name} is not a status name: letters, digits, _ - . (e.g. QA_OK)` });
    else if (defined.has(s.name)) issues.push({ path: `statuses[${i}].name`, message: `status ${s.name} is declared twice` });
    defined.add(s.name);
  });
  for (const e of environments) for (const s of phaseStatuses(e.name)) defined.add(s);
  environments.forEach((e, i) => {
    for (const status of new Set(e.gate ? gateStatuses(e.gate) : [])) {
      if (defined.has(status)) continue;
      issues.push({
        path: `environments[${i}].gate`,
        message: `gate of ${e.name} names ${status}, which is not a defined status${didYouMean(status, defined)} (define it under statuses:)`,
      });
    }
  });
  return issues;
}

/** Every issue on its own line, for CLI output and error messages. */
export function formatIssues(issues: readonly FleetIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n');
}
