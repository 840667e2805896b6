import type { Kysely } from 'kysely';
import { z } from 'zod';
import { RESULT, badRequest, refused } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { untranslated } from '../i18n/language.js';
import { describeIssues, safeParseInEachLanguage } from '../i18n/zod-issues.js';
import type { Database } from '../store/schema.js';
import { buildDriverSpec, ORCHESTRATOR_OF, type DriverSpec } from './driver-specs.js';
import type { Backyard } from './kinds/registry.js';
import { findSystemRecord } from './system-menus.js';
import { ownValue } from '../util/own-value.js';

/**
 * A conductor class definition (the `definition` column of `conductor_class_list`): a graph of
 * nodes. A node runs a movement (a driver job) or pauses the conductor until someone resumes it.
 * `depends_on` makes sequences, several nodes depending on one make parallel branches, and a node
 * depending on several waits for all of them. A failing node ends the conductor in Abend, unless it
 * has `allow_failure`, which ends it in Warning end instead.
 */
export const conductorDefinitionSchema = z
  .object({
    nodes: z
      .array(
        z
          .object({
            id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'node ids are letters, digits, _ or - (at most 64)'),
            type: z.enum(['movement', 'pause']).default('movement'),
            movement_name: z.string().min(1).optional(),
            operation_name: z.string().min(1).optional(),
            depends_on: z.array(z.string()).default([]),
            allow_failure: z.boolean().default(false),
          })
          .strict(),
      )
      .min(1, 'a conductor needs at least one node')
      .max(500),
  })
  .strict();

/** A node as frozen in the conductor job's spec. */
export interface ConductorNode {
  readonly id: string;
  readonly type: 'movement' | 'pause';
  readonly depends_on: readonly string[];
  readonly allow_failure: boolean;
  readonly backyard?: Backyard;
  readonly driver_spec?: DriverSpec;
  readonly delay_minutes?: number | null;
}

export interface ConductorSpec {
  readonly conductor_class_name: string;
  readonly operation_name: string;
  /** The class's and the operation's record uuids (absent in conductors registered before drydock kept them). */
  readonly conductor_class_id?: string;
  readonly operation_id?: string;
  readonly nodes: readonly ConductorNode[];
}

const BACKYARD_OF_ORCHESTRATOR = Object.fromEntries(
  Object.entries(ORCHESTRATOR_OF).map(([backyard, orchestrator]) => [orchestrator, backyard as Backyard]),
) as Record<string, Backyard>;

/**
 * The class and operation a conductor execute names: by name, or by record id (Exastro's
 * `conductor_class_id` / `operation_id`); a name wins over an id. 499-00814 when a pair is missing.
 */
export async function conductorTarget(
  db: Kysely<Database>,
  org: string,
  ws: string,
  body: {
    conductor_class_name?: string | undefined;
    operation_name?: string | undefined;
    conductor_class_id?: string | undefined;
    operation_id?: string | undefined;
  },
): Promise<{ className: string; operationName: string }> {
  const className =
    body.conductor_class_name ??
    (body.conductor_class_id === undefined
      ? undefined
      : String((await findSystemRecord(db, org, ws, 'conductor_class_list', 'uuid', body.conductor_class_id)).conductor_class_name));
  const operationName =
    body.operation_name ??
    (body.operation_id === undefined ? undefined : String((await findSystemRecord(db, org, ws, 'operation_list', 'uuid', body.operation_id)).operation_name));
  if (className === undefined || operationName === undefined) {
    throw refused(RESULT.conductorCannotRun, MESSAGES.conductorCannotRun.classAndOperationRequired);
  }
  return { className, operationName };
}

/**
 * Reads a conductor class (or runs `drawn` instead of its stored definition: Exastro's
 * `conductor_data`), checks its graph, and freezes every node's driver job spec.
 */
export async function buildConductorSpec(
  db: Kysely<Database>,
  org: string,
  ws: string,
  className: string,
  operationName: string,
  drawn?: unknown,
): Promise<ConductorSpec> {
  const record = await findSystemRecord(db, org, ws, 'conductor_class_list', 'conductor_class_name', className);
  const operation = await findSystemRecord(db, org, ws, 'operation_list', 'operation_name', operationName);
  let raw: unknown = drawn;
  if (raw === undefined) {
    try {
      raw = JSON.parse(String(record.definition));
    } catch {
      throw badRequest(MESSAGES.invalidRequest.conductorDefinitionNotJson(className));
    }
  }
  const parsed = safeParseInEachLanguage(conductorDefinitionSchema, raw);
  if (!parsed.success) {
    throw badRequest(MESSAGES.invalidRequest.conductorDefinitionInvalid(className, describeIssues(parsed.issues, untranslated(''), '; ')));
  }
  const nodes = parsed.data.nodes;
  checkGraph(className, nodes);
  const frozen: ConductorNode[] = [];
  for (const n of nodes) {
    if (n.type === 'pause') {
      frozen.push({ id: n.id, type: 'pause', depends_on: n.depends_on, allow_failure: n.allow_failure });
      continue;
    }
    if (!n.movement_name) throw badRequest(MESSAGES.invalidRequest.conductorNodeNoMovement(className, n.id));
    const movement = await findSystemRecord(db, org, ws, 'movement_list', 'movement_name', n.movement_name);
    const backyard = ownValue(BACKYARD_OF_ORCHESTRATOR, String(movement.orchestrator));
    if (!backyard) throw badRequest(MESSAGES.invalidRequest.movementUnknownOrchestrator(n.movement_name, String(movement.orchestrator)));
    const { spec, delayMinutes } = await buildDriverSpec(db, org, ws, backyard, n.movement_name, n.operation_name ?? operationName);
    frozen.push({
      id: n.id,
      type: 'movement',
      depends_on: n.depends_on,
      allow_failure: n.allow_failure,
      backyard,
      driver_spec: spec,
      delay_minutes: delayMinutes,
    });
  }
  return {
    conductor_class_name: className,
    operation_name: operationName,
    conductor_class_id: String(record.uuid),
    operation_id: String(operation.uuid),
    nodes: frozen,
  };
}

/** Unique ids, known dependencies, no cycles (a 400 naming the problem). */
export function checkGraph(className: string, nodes: ReadonlyArray<{ id: string; depends_on: readonly string[] }>): void {
  const ids = new Set<string>();
  for (const n of nodes) {
    if (ids.has(n.id)) throw badRequest(MESSAGES.invalidRequest.conductorNodeIdTwice(className, n.id));
    ids.add(n.id);
  }
  for (const n of nodes) {
    const unknown = n.depends_on.filter((d) => !ids.has(d));
    if (unknown.length) throw badRequest(MESSAGES.invalidRequest.conductorUnknownDependency(className, n.id, unknown.join(', ')));
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const visit = (id: string, trail: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw badRequest(MESSAGES.invalidRequest.conductorCycle(className, [...trail, id].join(' → ')));
    state.set(id, 'visiting');
    for (const d of byId.get(id)!.depends_on) visit(d, [...trail, id]);
    state.set(id, 'done');
  };
  for (const n of nodes) visit(n.id, []);
}
