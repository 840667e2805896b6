import { z } from 'zod';
import { fillCommandTemplate, runCommand } from './drivers/command-driver.js';
import { fillTemplate, templateVariables, type ActionContext, type ActionOutcome, type NodeTarget, type PairTarget } from './drivers/node-driver.js';
import type { PairView, Phase, PhasePlan, StepSpec } from './phases.js';
import { parseNodeName } from './node-names.js';
import { ownValue } from '../util/own-value.js';

/**
 * Custom steps: an environment of the fleet file may define a phase's steps itself (README "Custom
 * steps"). A phase's `steps` lists the phase's own driver steps by key (`health-active`, `upgrade`,
 * `health-upgraded` in phases 1 and 3; `health-target`, `switch`, `health-serving` in phases 2 and 4)
 * — all of them, in their order, which keeps the upgrade's invariants — and, anywhere around them,
 * steps of its own: a shell command (`run`) or an extra health check (`action: health`). A command's
 * stdout lines `name=value` become properties of its node, stored and seen by later steps and
 * conditions. A phase's `requires` (checked before its first step) and a step's `requires` (checked
 * before the step) are conditions on node properties; one that does not hold fails the pair.
 *
 * ```yaml
 * phases:
 *   1: { steps: [health-active, upgrade, health-upgraded, { name: smoke, run: "./smoke.sh {node}", timeoutSeconds: 120 }] }
 *   2: { requires: [{ property: smokeTest, equals: passed }] }
 * ```
 */

/** The steps of each phase, by key, as `planPhase` builds them (phases.test.ts checks that they agree). */
export const DEFAULT_STEP_KEYS: Readonly<Record<Phase, readonly string[]>> = {
  1: ['health-active', 'upgrade', 'health-upgraded'],
  2: ['health-target', 'switch', 'health-serving'],
  3: ['health-active', 'upgrade', 'health-upgraded'],
  4: ['health-target', 'switch', 'health-serving'],
};
/** Keys a custom step may not take: the driver steps' and the rollbacks'. */
const DRIVER_STEP_KEYS: ReadonlySet<string> = new Set(Object.values(DEFAULT_STEP_KEYS).flat());
const isReservedKey = (name: string) => DRIVER_STEP_KEYS.has(name) || name.startsWith('rollback-');
/** The variables an `equals` value may use. */
export const CONDITION_VARIABLES = ['version', 'node', 'pair', 'env', 'envId', 'role', 'primary', 'secondary'] as const;
/** A property name, as in the fleet file's `properties`. */
export const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const nodeChoice = z.enum(['primary', 'secondary'], { error: 'must be primary or secondary (default: the node the phase upgrades or switches to)' });
const conditionSchema = z
  .object({
    property: z.string().regex(PROPERTY_NAME, 'must be a property name (letters, digits, _ and -)'),
    equals: z.union([z.string(), z.number(), z.boolean()]).transform(String),
    node: nodeChoice.optional(),
  })
  .strict();
const requiresSchema = z.array(conditionSchema).default([]);
const stepName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'must be a step name: letters, digits, _ and -, starting with a letter');
const customStepSchema = z.union(
  [
    z.string().transform((key) => ({ kind: 'driver' as const, key })),
    z
      .object({
        name: stepName,
        run: z.string().min(1, 'must be a shell command template, e.g. "./smoke.sh {node} {version}"'),
        node: nodeChoice.optional(),
        timeoutSeconds: z.number().positive('must be more than 0').max(86_400).optional(),
        requires: requiresSchema,
      })
      .strict()
      .transform((s) => ({ kind: 'command' as const, ...s })),
    z
      .object({ name: stepName, action: z.literal('health'), node: nodeChoice.optional(), requires: requiresSchema })
      .strict()
      .transform((s) => ({ kind: 'health' as const, name: s.name, node: s.node, requires: s.requires })),
  ],
  { error: 'a step is a driver step of the phase (e.g. upgrade), { name, run, timeoutSeconds?, node?, requires? } or { name, action: health, node? }' },
);
const customPhaseSchema = z.object({ steps: z.array(customStepSchema).optional(), requires: requiresSchema }).strict();
/** `phases:` of an environment: phase number → its custom steps and conditions. */
export const customPhasesSchema = z
  .object({ 1: customPhaseSchema.optional(), 2: customPhaseSchema.optional(), 3: customPhaseSchema.optional(), 4: customPhaseSchema.optional() })
  .strict();

export type CustomPhases = z.infer<typeof customPhasesSchema>;
type CustomPhase = NonNullable<CustomPhases[1]>;
type Condition = CustomPhase['requires'][number];

/** A condition with its node and value worked out for one pair: `node` must have `property` = `equals`. */
export interface Requirement {
  readonly property: string;
  readonly equals: string;
  readonly node: string;
}

/** The problems of an environment's `phases` that the shape cannot tell: driver steps missing or out of order, duplicate names, unknown variables. */
export function checkCustomPhases(phases: CustomPhases, path: string): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  const checkConditions = (conditions: readonly Condition[], at: string) =>
    conditions.forEach((c, i) => {
      try {
        fillTemplate(c.equals, Object.fromEntries(CONDITION_VARIABLES.map((v) => [v, ''])));
      } catch (err) {
        issues.push({ path: `${at}[${i}].equals`, message: (err as Error).message });
      }
    });
  for (const phase of [1, 2, 3, 4] as const) {
    const def = phases[phase];
    if (!def) continue;
    const at = `${path}.${phase}`;
    checkConditions(def.requires, `${at}.requires`);
    if (!def.steps) continue;
    const driverKeys = def.steps.flatMap((s) => (s.kind === 'driver' ? [s.key] : []));
    const wanted = DEFAULT_STEP_KEYS[phase];
    if (driverKeys.join(',') !== wanted.join(',')) {
      issues.push({
        path: `${at}.steps`,
        message: `phase ${phase} must list its driver steps ${wanted.join(', ')}, each once and in this order (it lists ${driverKeys.join(', ') || 'none'}); add your own steps around them`,
      });
    }
    const names = new Set<string>();
    def.steps.forEach((s, i) => {
      if (s.kind === 'driver') return;
      if (isReservedKey(s.name))
        issues.push({ path: `${at}.steps[${i}].name`, message: `${s.name} is the name of a driver step; give your step another name` });
      else if (names.has(s.name)) issues.push({ path: `${at}.steps[${i}].name`, message: `step ${s.name} is named twice in phase ${phase}` });
      names.add(s.name);
      checkConditions(s.requires, `${at}.steps[${i}].requires`);
    });
  }
  return issues;
}

/** The node a phase works on: the secondary in phases 1 and 2, the primary in 3 and 4. */
function phaseNode(phase: Phase, pair: PairView, choice: 'primary' | 'secondary' | undefined): string {
  return pair[choice ?? (phase <= 2 ? 'secondary' : 'primary')].name;
}

function resolve(conditions: readonly Condition[], phase: Phase, pair: PairView, version: string, choice?: 'primary' | 'secondary'): Requirement[] {
  return conditions.map((c) => {
    const node = phaseNode(phase, pair, c.node ?? choice);
    const parsed = parseNodeName(pair.primary.name);
    const [env, envId] = 'error' in parsed ? ['', ''] : [parsed.environment, parsed.envId];
    const role = node === pair.primary.name ? 'P' : 'S';
    const vars = { version, node, pair: pair.id, env, envId, role, primary: pair.primary.name, secondary: pair.secondary.name };
    return { property: c.property, equals: fillTemplate(c.equals, vars), node };
  });
}

/** A phase plan with the environment's custom steps and conditions of the phase (unchanged steps when it defines none). */
export type CustomizedPlan = Extract<PhasePlan, { run: false }> | (Extract<PhasePlan, { run: true }> & { readonly requires: readonly Requirement[] });

/** Applies an environment's custom phase definition to the phase's plan for one pair. */
export function customizePhase(phase: Phase, plan: PhasePlan, phases: CustomPhases | undefined, pair: PairView, version: string): CustomizedPlan {
  if (!plan.run) return plan;
  const def = phases?.[phase];
  if (!def) return { ...plan, requires: [] };
  const requires = resolve(def.requires, phase, pair, version);
  if (!def.steps) return { ...plan, requires };
  const byKey = new Map(plan.steps.map((s) => [s.key, s]));
  const steps = def.steps.map((s): StepSpec => {
    if (s.kind === 'driver') return byKey.get(s.key)!;
    const node = phaseNode(phase, pair, s.node);
    const stepRequires = resolve(s.requires, phase, pair, version, s.node);
    const common = { key: s.name, node, ...(stepRequires.length > 0 && { requires: stepRequires }) };
    if (s.kind === 'health') return { ...common, action: 'health', purpose: `custom health check of ${node}` };
    return {
      ...common,
      action: 'command',
      command: s.run,
      ...(s.timeoutSeconds !== undefined && { timeoutMs: Math.round(s.timeoutSeconds * 1000) }),
      purpose: `custom step ${s.name}: ${s.run}`,
    };
  });
  return { ...plan, steps, requires };
}

/** A node's properties as conditions read them: the learned and declared ones, then its recorded version and version levels. */
export interface PropertySource {
  readonly name: string;
  readonly installedVersion: string;
  readonly secondaryVersionLevel: string | null;
  readonly primaryVersionLevel: string | null;
  readonly properties: Readonly<Record<string, string>>;
}

function propertyOf(node: PropertySource, property: string): string | undefined {
  const own = ownValue(node.properties, property);
  if (own !== undefined) return own;
  if (property === 'installedVersion') return node.installedVersion;
  if (property === 'secondaryVersionLevel') return node.secondaryVersionLevel ?? undefined;
  if (property === 'primaryVersionLevel') return node.primaryVersionLevel ?? undefined;
  return undefined;
}

/** Why the first requirement that does not hold fails, naming the property, or null when all hold. */
export function unmetRequirement(requires: readonly Requirement[] | undefined, nodes: readonly PropertySource[]): string | null {
  for (const r of requires ?? []) {
    const node = nodes.find((n) => n.name === r.node);
    const value = node ? propertyOf(node, r.property) : undefined;
    if (value === r.equals) continue;
    const has = value === undefined ? `has no ${r.property}` : `has ${r.property} = ${value}`;
    return `requires ${r.property} = ${r.equals} on ${r.node}, which ${has}`;
  }
  return null;
}

/** The condition as the plan and the log say it. */
export function formatRequirement(r: Requirement): string {
  return `${r.property} = ${r.equals} on ${r.node}`;
}

/** The `name=value` lines of a command's stdout (the last value of a name wins). */
export function parsePropertyLines(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of stdout.matchAll(/^[ \t]*([A-Za-z_][A-Za-z0-9_-]*)=(.*?)[ \t]*\r?$/gm)) {
    if (!RECORDED_PROPERTIES.has(m[1]!)) out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * Names a step's output may not set: what drydock records itself (the installed version, the
 * version levels the phases check) and a registered node's address (what its agent says). A line
 * `secondaryVersionLevel=2.0.0` from a script must not pass phase 3's check for it.
 */
export const RECORDED_PROPERTIES: ReadonlySet<string> = new Set(['address', 'installedVersion', 'secondaryVersionLevel', 'primaryVersionLevel']);

/**
 * Runs a custom command step on the orchestrator's machine: `/bin/sh -c` in `baseDir`, the template
 * filled like the command driver's (shell-quoted values), and the node in the environment
 * (`DRYDOCK_NODE`, `DRYDOCK_PAIR`, `DRYDOCK_ENV`, `DRYDOCK_ROLE`, `DRYDOCK_VERSION`, `DRYDOCK_NODE_VERSION`).
 * Returns the outcome and the properties its stdout set.
 */
export async function runCommandStep(
  template: string,
  node: NodeTarget & { readonly installedVersion: string },
  pair: PairTarget,
  version: string,
  baseDir: string,
  ctx: ActionContext,
): Promise<{ outcome: ActionOutcome; properties: Record<string, string> }> {
  let command: string;
  try {
    command = fillCommandTemplate(template, templateVariables(node, pair, { version }));
  } catch (err) {
    return { outcome: { ok: false, output: `command template: ${(err as Error).message}` }, properties: {} };
  }
  const env = {
    DRYDOCK_NODE: node.name,
    DRYDOCK_PAIR: pair.id,
    DRYDOCK_ENV: node.environment,
    DRYDOCK_ROLE: node.role,
    DRYDOCK_VERSION: version,
    DRYDOCK_NODE_VERSION: node.installedVersion,
  };
  const { outcome, stdout } = await runCommand(command, { shell: '/bin/sh', cwd: baseDir, env, timeoutMs: ctx.timeoutMs }, ctx);
  return { outcome, properties: parsePropertyLines(stdout) };
}
