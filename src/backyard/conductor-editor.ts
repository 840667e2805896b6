import type { Kysely } from 'kysely';
import { DomainError, RESULT, refused } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { untranslated, type Texts } from '../i18n/language.js';
import { describeIssues, safeParseInEachLanguage } from '../i18n/zod-issues.js';
import type { Database } from '../store/schema.js';
import { checkGraph, conductorDefinitionSchema } from './conductor-spec.js';
import { activeNames } from './system-menus.js';

/**
 * Exastro's conductor editor JSON ⇄ drydock's conductor class definition (conductor-spec.ts), for
 * Exastro's class maintenance (`…/conductor/class/maintenance/`, `…/conductor/class/{id}/`).
 *
 * The editor draws a conductor as nodes (`node-N`: start, end, movement, pause, merge,
 * parallel-branch …) joined by edges (`line-N`: `outNode` → `inNode`). drydock's definition is the
 * graph of its movement and pause nodes alone: a node depends on the movement and pause nodes that
 * reach it through start, merge and parallel-branch nodes, which only pass the flow on. What drydock
 * cannot run is refused with 499-00801 naming the node: conditional branches, status-file
 * branches, calls of other conductors, skipped nodes.
 *
 * Back, a definition is drawn in the editor's vocabulary: a start node before the nodes that depend
 * on none, an end node after those none depend on, a parallel-branch where a node fans out and a
 * merge where one waits for several. The layout (x, y) is a plain left-to-right grid.
 */

/** The editor's node types drydock runs or passes the flow through. */
const PASS_THROUGH = new Set(['start', 'merge', 'parallel-branch']);
/** The editor's node types drydock's conductors do not have (MESSAGES names each). */
const UNSUPPORTED = new Set(['conditional-branch', 'status-file-branch', 'call']);

interface EditorNode {
  readonly type?: unknown;
  readonly movement_id?: unknown;
  readonly movement_name?: unknown;
  readonly operation_id?: unknown;
  readonly operation_name?: unknown;
  readonly skip_flag?: unknown;
  readonly terminal?: unknown;
}

/** What a class registration or update carries: the class's name and note, the definition, the lock. */
export interface EditorClass {
  readonly name: string;
  readonly note: string | null;
  readonly lastUpdate: string | undefined;
  readonly definition: { nodes: Array<{ id: string; type: 'movement' | 'pause'; movement_name?: string; operation_name?: string; depends_on: string[] }> };
}

const invalid = (texts: Texts): never => {
  throw refused(RESULT.conductorClassInvalid, texts);
};

const textOf = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** Reads Exastro's editor JSON into drydock's definition, resolving movements and operations by id or name. */
export async function fromEditor(db: Kysely<Database>, org: string, ws: string, body: Record<string, unknown>): Promise<EditorClass> {
  const conductor = body.conductor as Record<string, unknown> | undefined;
  const name = textOf(conductor?.conductor_name);
  if (!conductor || typeof conductor !== 'object' || !name) invalid(MESSAGES.conductorClassInvalid.nameRequired);
  const nodes = new Map<string, EditorNode>();
  const edges: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(body)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const entry = value as Record<string, unknown>;
    if (key.startsWith('node-')) nodes.set(key, entry);
    else if (key.startsWith('line-') && entry.type === 'edge') {
      if (typeof entry.outNode !== 'string' || typeof entry.inNode !== 'string') invalid(MESSAGES.conductorClassInvalid.edgeWithoutNodes(key));
      edges.push([entry.outNode as string, entry.inNode as string]);
    }
  }
  const starts = [...nodes].filter(([, n]) => n.type === 'start');
  if (starts.length !== 1) invalid(MESSAGES.conductorClassInvalid.startNodes(starts.length));
  for (const [id, n] of nodes) {
    const type = String(n.type);
    if (UNSUPPORTED.has(type)) invalid(MESSAGES.conductorClassInvalid.unsupportedNode(id, type));
    if (!['start', 'end', 'movement', 'pause', 'merge', 'parallel-branch'].includes(type)) invalid(MESSAGES.conductorClassInvalid.unknownNodeType(id, type));
    if (n.skip_flag === 1 || n.skip_flag === '1' || n.skip_flag === true) invalid(MESSAGES.conductorClassInvalid.cannotSkip(id));
  }
  for (const [from, to] of edges) {
    if (!nodes.has(from) || !nodes.has(to)) invalid(MESSAGES.conductorClassInvalid.edgeToNowhere(from, to));
  }

  const preds = new Map<string, string[]>();
  for (const [from, to] of edges) preds.set(to, [...(preds.get(to) ?? []), from]);
  /** The movement and pause nodes that reach `id`, through pass-through nodes. */
  const reaching = (id: string, seen = new Set<string>()): string[] => {
    const out: string[] = [];
    for (const p of preds.get(id) ?? []) {
      if (seen.has(p)) continue;
      seen.add(p);
      if (PASS_THROUGH.has(String(nodes.get(p)?.type))) out.push(...reaching(p, seen));
      else if (nodes.get(p)?.type !== 'end') out.push(p);
    }
    return [...new Set(out)];
  };

  const movements = await namedRecords(db, org, ws, 'movement_list', 'movement_name');
  const operations = await namedRecords(db, org, ws, 'operation_list', 'operation_name');
  const defined: EditorClass['definition']['nodes'] = [];
  for (const [id, n] of nodes) {
    if (n.type !== 'movement' && n.type !== 'pause') continue;
    // As in Exastro's editor, a node no edge leads to is a drawing mistake, not a second start.
    if (!preds.has(id)) invalid(MESSAGES.conductorClassInvalid.notConnected(id));
    if (n.type === 'pause') {
      defined.push({ id, type: 'pause', depends_on: reaching(id) });
      continue;
    }
    const movement = resolve(movements, n.movement_id, n.movement_name);
    if (!movement) invalid(MESSAGES.conductorClassInvalid.noMovement(id, String(n.movement_id), String(n.movement_name)));
    const askedOperation = textOf(n.operation_id) ?? textOf(n.operation_name);
    const operation = askedOperation === undefined ? undefined : resolve(operations, n.operation_id, n.operation_name);
    if (askedOperation !== undefined && !operation) invalid(MESSAGES.conductorClassInvalid.noOperation(id, String(n.operation_id), String(n.operation_name)));
    defined.push({ id, type: 'movement', movement_name: movement!, ...(operation && { operation_name: operation }), depends_on: reaching(id) });
  }
  const definition = { nodes: defined };
  const checked = safeParseInEachLanguage(conductorDefinitionSchema, definition);
  if (!checked.success) {
    const problems = describeIssues(checked.issues, untranslated(''), '; ');
    invalid(MESSAGES.conductorClassInvalid.definitionProblems(problems));
  }
  // A cycle is refused now, at registration, rather than when the class is executed.
  try {
    checkGraph(name!, defined);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    invalid(MESSAGES.conductorClassInvalid.graph(err.texts));
  }
  return {
    name: name!,
    note: typeof conductor!.note === 'string' ? conductor!.note : null,
    lastUpdate: textOf(conductor!.last_update_date_time),
    definition,
  };
}

/** A system menu's active records: uuid → name. */
async function namedRecords(db: Kysely<Database>, org: string, ws: string, menu: string, column: string): Promise<Map<string, string>> {
  return new Map((await activeNames(db, org, ws, menu, column)).map((r) => [r.id, r.name]));
}

/** A record's name by its id, else by its name. */
function resolve(records: ReadonlyMap<string, string>, id: unknown, name: unknown): string | undefined {
  if (typeof id === 'string' && records.has(id)) return records.get(id);
  return typeof name === 'string' && [...records.values()].includes(name) ? name : undefined;
}

/** A stored class record drawn as Exastro's editor JSON. */
export async function toEditor(
  db: Kysely<Database>,
  org: string,
  ws: string,
  record: { readonly uuid: string; readonly name: string; readonly note: string | null; readonly lastUpdate: string; readonly definition: string },
): Promise<Record<string, unknown>> {
  let parsed: ReturnType<typeof conductorDefinitionSchema.safeParse>;
  try {
    parsed = conductorDefinitionSchema.safeParse(JSON.parse(record.definition));
  } catch {
    parsed = conductorDefinitionSchema.safeParse(undefined);
  }
  const movements = new Map([...(await namedRecords(db, org, ws, 'movement_list', 'movement_name'))].map(([id, name]) => [name, id]));
  const operations = new Map([...(await namedRecords(db, org, ws, 'operation_list', 'operation_name'))].map(([id, name]) => [name, id]));
  const defined = parsed.success ? parsed.data.nodes : [];
  const out: Record<string, unknown> = {};
  const taken = new Set(defined.map((n) => n.id));
  const fresh = (wanted: string) => {
    let id = wanted;
    for (let i = 2; taken.has(id); i++) id = `${wanted}-${i}`;
    taken.add(id);
    return id;
  };
  const drawn = new Map<string, Record<string, unknown>>();
  const draw = (id: string, type: string, extra: Record<string, unknown> = {}) => {
    const node = { type, id, terminal: {} as Record<string, unknown>, x: 0, y: 0, w: 0, h: 0, ...extra };
    drawn.set(id, node);
    return id;
  };
  const start = draw(fresh('node-start'), 'start');
  const end = draw(fresh('node-end'), 'end', { end_type: '6' });
  for (const n of defined) {
    draw(
      n.id,
      n.type,
      n.type === 'movement'
        ? {
            movement_id: movements.get(n.movement_name ?? '') ?? null,
            movement_name: n.movement_name ?? null,
            operation_id: n.operation_name === undefined ? null : (operations.get(n.operation_name) ?? null),
            operation_name: n.operation_name ?? null,
            skip_flag: 0,
          }
        : {},
    );
  }
  // Who follows whom, with start before the roots and end after the sinks.
  const next = new Map<string, string[]>();
  const prev = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    next.set(a, [...(next.get(a) ?? []), b]);
    prev.set(b, [...(prev.get(b) ?? []), a]);
  };
  for (const n of defined) for (const d of n.depends_on.length ? n.depends_on : [start]) link(d, n.id);
  for (const n of defined) if (!defined.some((m) => m.depends_on.includes(n.id))) link(n.id, end);
  if (defined.length === 0) link(start, end);

  // A fan-out goes through a parallel-branch, a fan-in through a merge; then each link is an edge.
  let lines = 0;
  let terminals = 0;
  const edge = (from: string, to: string) => {
    const line = `line-${++lines}`;
    const outTerminal = `terminal-${++terminals}`;
    const inTerminal = `terminal-${++terminals}`;
    (drawn.get(from)!.terminal as Record<string, unknown>)[outTerminal] = { id: outTerminal, type: 'out', targetNode: to, edge: line, x: 0, y: 0 };
    (drawn.get(to)!.terminal as Record<string, unknown>)[inTerminal] = { id: inTerminal, type: 'in', targetNode: from, edge: line, x: 0, y: 0 };
    out[line] = { type: 'edge', id: line, outNode: from, outTerminal, inNode: to, inTerminal };
  };
  const mergeOf = new Map<string, string>();
  for (const [to, froms] of prev) if (froms.length > 1) mergeOf.set(to, draw(fresh(`node-merge-${to}`), 'merge'));
  for (const [from, tos] of [...next]) {
    const source = tos.length > 1 ? draw(fresh(`node-branch-${from}`), 'parallel-branch') : from;
    if (source !== from) edge(from, source);
    for (const to of tos) edge(source, mergeOf.get(to) ?? to);
  }
  for (const [to, merge] of mergeOf) edge(merge, to);

  // A left-to-right grid: a node's column is its longest path from start.
  const column = new Map<string, number>([[start, 0]]);
  const order = [start];
  for (let i = 0; i < order.length; i++) {
    for (const line of Object.values(out) as Array<{ outNode: string; inNode: string }>) {
      if (line.outNode !== order[i]) continue;
      column.set(line.inNode, Math.max(column.get(line.inNode) ?? 0, column.get(order[i]!)! + 1));
      if (!order.includes(line.inNode)) order.push(line.inNode);
    }
  }
  const rows = new Map<number, number>();
  for (const [id, node] of drawn) {
    const x = column.get(id) ?? 0;
    const y = rows.get(x) ?? 0;
    rows.set(x, y + 1);
    node.x = 80 + x * 240;
    node.y = 80 + y * 120;
    out[id] = node;
  }
  return {
    config: { nodeNumber: drawn.size, terminalNumber: terminals, edgeNumber: lines, editorVersion: 'drydock' },
    conductor: {
      id: record.uuid,
      conductor_name: record.name,
      note: record.note,
      last_update_date_time: record.lastUpdate,
      notice_info: {},
    },
    ...out,
  };
}
