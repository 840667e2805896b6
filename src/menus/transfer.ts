import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { DocumentError, notFound } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import type { Texts } from '../i18n/language.js';
import { describeIssues, eachIssue, safeParseInEachLanguage } from '../i18n/zod-issues.js';
import { batches } from '../util/batches.js';
import { formatMicros, nowTimestamp, toExastroDateTime } from '../store/clock.js';
import type { Database, MenuRecordJournalTable, MenuRecordsTable } from '../store/schema.js';
import { parseJson } from '../store/store.js';
import { RESERVED_COLUMNS, coerceValue, type Column, type Value } from './columns.js';
import { createMenu, findMenus, menuDefinitionSchema, type MenuDefinition } from './definitions.js';
import { ownValue } from '../util/own-value.js';
import { EXPORTED_FILES_KEY, digestsIn, exportedFiles, fileColumns, importedContents, importedFiles, keepContents } from './record-files.js';

/**
 * Menu export documents: chosen menus of a workspace, each with its definition and every record
 * (discarded ones included), as one JSON document. The Excel workbook (excel.ts) carries the same
 * content and is read back into the same shape, so both imports share the checks and the writer here.
 *
 * ```
 * { "format": "drydock-menu-export", "format_version": 1, "exported_at": "…Z",
 *   "source": { "organization_id", "workspace_id" },
 *   "menus": [ { "definition": { "menu", "title", "columns": [ … ] },
 *                "records": [ { "uuid", "discard": "0" | "1", <column>: value, …,
 *                               "last_update_date_time", "last_updated_user",
 *                               "_files"?: { <file column>: "<base64>" } } ] } ] }
 * ```
 * A record is the `parameter` object the filter API returns, so a script can feed either to the
 * other; `_files` holds a record's files' contents (menus/record-files.ts).
 */
export const EXPORT_FORMAT = 'drydock-menu-export';
export const EXPORT_FORMAT_VERSION = 1;

export type ExportedRecord = Record<string, Value | Readonly<Record<string, string>>> & {
  uuid: string;
  discard: '0' | '1';
  last_update_date_time: string;
  last_updated_user: string;
  _files?: Readonly<Record<string, string>>;
};

/** A column's value in an exported record (never its `_files`). */
export function exportedValue(record: ExportedRecord, column: string): Value | undefined {
  const v = ownValue(record, column);
  return typeof v === 'object' && v !== null ? undefined : v;
}

export interface ExportedMenu {
  readonly definition: MenuDefinition;
  readonly records: ExportedRecord[];
}

export interface ExportDocument {
  readonly format: typeof EXPORT_FORMAT;
  readonly format_version: typeof EXPORT_FORMAT_VERSION;
  readonly exported_at: string;
  readonly source: { readonly organization_id: string; readonly workspace_id: string };
  readonly menus: ExportedMenu[];
}

/** A record ready to be written: values checked and normalised for its menu's columns. */
export interface ImportRecord {
  /** Kept when given; a record without one (a row added by hand) gets a new uuid. */
  readonly uuid: string | undefined;
  readonly discard: boolean;
  readonly values: Record<string, Value>;
  /** File columns' contents the document carries (`_files`). */
  readonly contents: Readonly<Record<string, Buffer>>;
}

export interface ImportMenu {
  readonly definition: MenuDefinition;
  readonly records: ImportRecord[];
}

/** A document that passed every check: what an import writes. */
export interface ImportPlan {
  readonly exportedAt: string | undefined;
  readonly menus: ImportMenu[];
}

/** Reads the chosen menus and all their records (discarded included unless `withoutDiscarded`), oldest record first. */
export async function collectExport(
  db: Kysely<Database>,
  org: string,
  ws: string,
  names: readonly string[],
  options: { readonly withoutDiscarded?: boolean } = {},
): Promise<ExportDocument> {
  const byName = await findMenus(db, org, ws, names);
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length) throw notFound(MESSAGES.notFound.exportedMenusGone(missing.join(', '), ws));
  const ids = [...byName.values()].map((m) => m.id);
  let query = db.selectFrom('menu_records').selectAll().where('menu_id', 'in', ids);
  if (options.withoutDiscarded) query = query.where('discard', '=', 0);
  const records = ids.length ? await query.orderBy('created_at').orderBy('id').execute() : [];
  const recordsOf = new Map<string, MenuRecordsTable[]>();
  for (const r of records) recordsOf.set(r.menu_id, [...(recordsOf.get(r.menu_id) ?? []), r]);
  const files = new Map<string, Record<string, string>>();
  for (const m of byName.values()) for (const [id, f] of await exportedFiles(db, m, recordsOf.get(m.id) ?? [])) files.set(id, f);
  return {
    format: EXPORT_FORMAT,
    format_version: EXPORT_FORMAT_VERSION,
    exported_at: nowTimestamp(),
    source: { organization_id: org, workspace_id: ws },
    menus: names.map((name) => {
      const m = byName.get(name)!;
      return {
        definition: { menu: m.menu, title: m.title, columns: m.columns },
        records: (recordsOf.get(m.id) ?? []).map((r) => ({
          uuid: r.id,
          discard: r.discard === 1 ? '1' : '0',
          ...parseJson<Record<string, Value>>(r.parameter),
          last_update_date_time: toExastroDateTime(r.last_update_timestamp),
          last_updated_user: r.last_update_user,
          ...(files.has(r.id) && { [EXPORTED_FILES_KEY]: files.get(r.id) }),
        })),
      };
    }),
  };
}

const documentEnvelopeSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT, { error: `must be "${EXPORT_FORMAT}"` }),
    format_version: z.literal(EXPORT_FORMAT_VERSION, {
      error: `this drydock reads format_version ${EXPORT_FORMAT_VERSION}`,
    }),
    exported_at: z.string().optional(),
    source: z.object({ organization_id: z.string(), workspace_id: z.string() }).partial().optional(),
    menus: z.array(z.object({ definition: z.unknown(), records: z.array(z.unknown()).default([]) }).strict()).min(1, 'the document holds no menu'),
  })
  .strict();

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Names a record in a problem: JSON documents by index and uuid, workbooks by sheet and row. */
export type Locate = (menuIndex: number, menu: string, recordIndex: number, uuid: unknown) => Texts;

/** What is wrong with a document, and where (`at`). */
const { located: at, ...PROBLEM } = MESSAGES.invalidValue;

const locateInJson: Locate = (_m, menu, i, uuid) => PROBLEM.jsonRecord(menu, i + 1, typeof uuid === 'string' ? uuid : '');

/** Parses a JSON export document's bytes and checks it; throws DocumentError naming every problem. */
export function planFromJson(content: Buffer): ImportPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(content.toString('utf8'));
  } catch (err) {
    throw new DocumentError([PROBLEM.notJsonDocument((err as Error).message)]);
  }
  return checkDocument(raw, locateInJson);
}

/**
 * Checks a document (parsed JSON, or a workbook read into the same shape) and returns what to
 * write. Every problem is collected so the user fixes them in one go: definitions against the
 * menu definition rules, each record's values against its column types, record uuids (unique
 * across the document), and unique columns (unique within a menu, discarded records included —
 * as the menus API enforces them).
 */
export function checkDocument(raw: unknown, locate: Locate): ImportPlan {
  const envelope = safeParseInEachLanguage(documentEnvelopeSchema, raw);
  if (!envelope.success) throw new DocumentError(eachIssue(envelope.issues).map((one) => describeIssues(one, PROBLEM.documentRoot, '')));
  const problems: Texts[] = [];
  const seenMenus = new Set<string>();
  const seenUuids = new Map<string, Texts>();
  const menus: ImportMenu[] = [];
  for (const [mi, entry] of envelope.data.menus.entries()) {
    const def = safeParseInEachLanguage(menuDefinitionSchema, entry.definition);
    if (!def.success) {
      for (const one of eachIssue(def.issues)) problems.push(describeIssues(one, PROBLEM.documentRoot, '', ['menus', mi, 'definition']));
      continue;
    }
    const definition = def.data;
    if (seenMenus.has(definition.menu)) {
      problems.push(PROBLEM.menuTwice(definition.menu));
      continue;
    }
    seenMenus.add(definition.menu);
    const known = new Set<string>([...definition.columns.map((c) => c.name), ...RESERVED_COLUMNS, EXPORTED_FILES_KEY]);
    const uniqueSeen = new Map<string, Map<string, number>>(definition.columns.filter((c) => c.unique).map((c) => [c.name, new Map()]));
    const records: ImportRecord[] = [];
    for (const [ri, rec] of entry.records.entries()) {
      if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
        problems.push(at(locate(mi, definition.menu, ri, undefined), PROBLEM.recordNotObject));
        continue;
      }
      const p = rec as Record<string, unknown>;
      const where = locate(mi, definition.menu, ri, p.uuid);
      const unknown = Object.keys(p).filter((k) => !known.has(k));
      if (unknown.length) {
        problems.push(at(where, PROBLEM.unknownRecordColumns(unknown.join(', '), definition.menu, definition.columns.map((c) => c.name).join(', '))));
      }
      let uuid: string | undefined;
      if (p.uuid !== undefined && p.uuid !== null && p.uuid !== '') {
        if (typeof p.uuid !== 'string' || !UUID_TEXT.test(p.uuid)) problems.push(at(where, PROBLEM.uuidNotUuid));
        else {
          uuid = p.uuid.toLowerCase();
          const first = seenUuids.get(uuid);
          if (first) problems.push(at(where, PROBLEM.uuidUsedTwice(uuid, first)));
          else seenUuids.set(uuid, where);
        }
      }
      const discard = parseDiscard(p.discard);
      if (discard === undefined) problems.push(at(where, PROBLEM.discardInvalid));
      const values: Record<string, Value> = {};
      for (const column of definition.columns) {
        const r = coerceValue(column, ownValue(p, column.name));
        if (!r.ok) {
          problems.push(at(where, PROBLEM.columnValue(column.name, r.error)));
          continue;
        }
        values[column.name] = r.value;
        const seen = uniqueSeen.get(column.name);
        if (seen && r.value !== null) {
          const key = JSON.stringify(r.value);
          const other = seen.get(key);
          if (other !== undefined) problems.push(at(where, PROBLEM.notUnique(column.name, other + 1, key)));
          else seen.set(key, ri);
        }
      }
      if (p.remarks !== undefined && p.remarks !== null && typeof p.remarks !== 'string') problems.push(at(where, PROBLEM.remarksInvalid));
      else if (typeof p.remarks === 'string' && p.remarks !== '') values.remarks = p.remarks;
      const files = importedContents(definition, p[EXPORTED_FILES_KEY]);
      if ('problem' in files) problems.push(at(where, files.problem));
      records.push({ uuid, discard: discard ?? false, values, contents: 'contents' in files ? files.contents : {} });
    }
    menus.push({ definition, records });
  }
  if (problems.length) throw new DocumentError(problems);
  return { exportedAt: envelope.data.exported_at, menus };
}

function parseDiscard(v: unknown): boolean | undefined {
  if (v === undefined || v === null || v === '' || v === '0' || v === 0 || v === false) return false;
  if (v === '1' || v === 1 || v === true) return true;
  return undefined;
}

/** Keeps only the named menus of a plan; a name the document does not hold is a problem. */
export function selectMenus(plan: ImportPlan, names: readonly string[] | undefined): ImportPlan {
  if (!names) return plan;
  const held = new Set(plan.menus.map((m) => m.definition.menu));
  const missing = names.filter((n) => !held.has(n));
  if (missing.length) {
    throw new DocumentError(missing.map((n) => PROBLEM.menuNotInDocument(n, [...held].join(', '))));
  }
  const wanted = new Set(names);
  return { ...plan, menus: plan.menus.filter((m) => wanted.has(m.definition.menu)) };
}

/** Columns compared as data: key order, and a flag absent or false, do not matter. */
function sameColumns(a: readonly Column[], b: readonly Column[]): boolean {
  const norm = (cols: readonly Column[]) =>
    JSON.stringify(
      cols.map((c) =>
        Object.fromEntries(
          Object.entries(c)
            .filter(([, v]) => v !== undefined && v !== false)
            .sort(([x], [y]) => x.localeCompare(y)),
        ),
      ),
    );
  return norm(a) === norm(b);
}

/**
 * Problems importing `plan` into a workspace would hit with the menus it has now: a menu that
 * exists with other columns (its records could not be kept as they are). Checked when the job is
 * registered, and again by the job itself.
 */
export async function targetProblems(db: Kysely<Database>, org: string, ws: string, plan: ImportPlan): Promise<Texts[]> {
  const existing = await findMenus(
    db,
    org,
    ws,
    plan.menus.map((m) => m.definition.menu),
  );
  const problems: Texts[] = [];
  for (const m of plan.menus) {
    const cols = existing.get(m.definition.menu)?.columns;
    if (cols && !sameColumns(cols, m.definition.columns)) {
      problems.push(PROBLEM.menuColumnsDiffer(m.definition.menu, ws, describeColumns(cols), describeColumns(m.definition.columns)));
    }
  }
  return problems;
}

function describeColumns(cols: readonly Column[]): string {
  return cols.map((c) => `${c.name}:${c.type}${c.required ? ' required' : ''}${c.unique ? ' unique' : ''}`).join(', ');
}

export interface ImportedMenu {
  readonly menu: string;
  readonly created: boolean;
  readonly records: number;
  /** Records whose uuid another workspace's record already holds, and so got a new one. */
  readonly renumbered: number;
}

/**
 * Writes a checked plan into a workspace inside the caller's (gated) transaction, all or nothing:
 * menus the workspace lacks are created; each imported menu's records are replaced by the
 * document's, keeping their uuids and discard flags.
 *
 * Every imported record gets the import's time and user as its last update, so a change prepared
 * against a record read before the import fails its optimistic lock instead of silently
 * overwriting imported data. Record ids are unique across the whole store, so a uuid that a record
 * of another menu holds (the export's source workspace, typically) cannot be kept: such a record
 * gets a new uuid and the count is reported.
 */
export async function importPlan(
  trx: Transaction<Database>,
  org: string,
  ws: string,
  plan: ImportPlan,
  actor: string,
  keepHistory: boolean,
): Promise<ImportedMenu[]> {
  const problems = await targetProblems(trx, org, ws, plan);
  if (problems.length) throw new DocumentError(problems);
  const out: ImportedMenu[] = [];
  for (const m of plan.menus) {
    const def = m.definition;
    const existing = (await findMenus(trx, org, ws, [def.menu])).get(def.menu);
    const created = !existing;
    const menuId = existing ? existing.id : (await createMenu(trx, org, ws, def)).id;
    if (existing) {
      await trx.updateTable('menus').set({ title: def.title, last_update_timestamp: nowTimestamp() }).where('id', '=', menuId).execute();
    }
    // The files the replaced records had, for the imported records that keep naming them.
    const filesBefore = new Map(
      fileColumns(def).length === 0
        ? []
        : (await trx.selectFrom('menu_records').select(['id', 'files']).where('menu_id', '=', menuId).execute()).map((r) => [r.id, digestsIn(r.files)]),
    );
    await trx.deleteFrom('menu_record_unique_values').where('menu_id', '=', menuId).execute();
    await trx.deleteFrom('menu_records').where('menu_id', '=', menuId).execute();

    const wanted = m.records.flatMap((r) => (r.uuid ? [r.uuid] : []));
    const taken = new Set<string>();
    for (const part of batches(wanted)) {
      const rows = await trx.selectFrom('menu_records').select('id').where('id', 'in', part).execute();
      for (const r of rows) taken.add(r.id);
    }
    const now = nowTimestamp();
    // created_at orders records: consecutive microseconds keep the document's order.
    const base = BigInt(Date.parse(`${now.slice(0, 19)}Z`)) * 1000n + BigInt(now.slice(20, 26));
    let renumbered = 0;
    const contents = new Map<string, Buffer>();
    const rows: MenuRecordsTable[] = m.records.map((r, i) => {
      let id = r.uuid;
      if (!id || taken.has(id)) {
        if (id) renumbered += 1;
        id = randomUUID();
      }
      const files = importedFiles(def, r.values, r.contents, (r.uuid && filesBefore.get(r.uuid)) || {});
      for (const [digest, content] of files.keep) contents.set(digest, content);
      return {
        id,
        menu_id: menuId,
        parameter: JSON.stringify(r.values),
        discard: r.discard ? 1 : 0,
        created_at: formatMicros(base + BigInt(i)),
        last_update_timestamp: now,
        last_update_user: actor,
        // Only for a menu with file columns: a store before migration 10 has no such column.
        ...(fileColumns(def).length > 0 && { files: JSON.stringify(files.digests) }),
      };
    });
    await keepContents(trx, { id: menuId }, contents);
    for (const part of batches(rows)) await trx.insertInto('menu_records').values(part).execute();
    const history: MenuRecordJournalTable[] = rows.map((r) => ({
      journal_id: randomUUID(),
      menu_id: r.menu_id,
      record_id: r.id,
      action: 'INSERT',
      parameter: r.parameter,
      discard: r.discard,
      journal_timestamp: r.last_update_timestamp,
      last_update_user: r.last_update_user,
      ...(r.files !== undefined && { files: r.files }),
    }));
    if (keepHistory) for (const part of batches(history)) await trx.insertInto('menu_record_journal').values(part).execute();
    const uniqueColumns = def.columns.filter((c) => c.unique);
    const uniqueRows = rows.flatMap((row, i) =>
      uniqueColumns.flatMap((c) => {
        const v = ownValue(m.records[i]!.values, c.name);
        return v === null || v === undefined ? [] : [{ menu_id: menuId, column_name: c.name, value: JSON.stringify(v), record_id: row.id }];
      }),
    );
    for (const part of batches(uniqueRows)) await trx.insertInto('menu_record_unique_values').values(part).execute();
    out.push({ menu: def.menu, created, records: rows.length, renumbered });
  }
  return out;
}
