import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { DocumentError, RESULT, badRequest, notFound } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { findMenus, type MenuDefinition } from '../menus/definitions.js';
import { XLSX_CONTENT_TYPE, planFromWorkbook, writeWorkbook } from '../menus/excel.js';
import { planFromJson, selectMenus, targetProblems, type ExportDocument, type ImportPlan } from '../menus/transfer.js';
import type { WriteFunction } from '../maintenance/write-functions.js';
import { nowTimestamp } from '../store/clock.js';
import type { Database } from '../store/schema.js';
import { requireStorable } from '../store/storable-text.js';
import type { Backyard } from './kinds/registry.js';

/** What a menu-create job creates: the definition, checked when it was registered. */
export interface MenuCreateSpec {
  readonly definition: MenuDefinition;
}

/** What a menu or Excel export/import job does. */
export type MenuTransferSpec =
  | {
      readonly action: 'export';
      readonly menus: string[];
      /** Leave the discarded records out (Exastro's abolished_type "2"). */ readonly without_discarded?: boolean;
    }
  | { readonly action: 'import'; readonly upload_id: string; readonly file_name: string; readonly menus?: string[] };

/** The role of an export's file among a job's files. */
export const EXPORT_FILE_ROLE = 'export';

/**
 * The two export/import formats: the JSON document and the .xlsx workbook. Each has its backyard,
 * its write function (read-only mode refuses each with its own code), its upload kind, and how
 * to write and read it.
 */
export interface TransferFormat {
  readonly backyard: Extract<Backyard, 'ita-by-menu-export-import' | 'ita-by-excel-export-import'>;
  /** The write function an import of this format writes under (its export only reads). */
  readonly importWrites: Extract<WriteFunction, 'menu_import' | 'excel_import'>;
  readonly uploadKind: string;
  readonly extension: string;
  readonly contentType: string;
  encode(doc: ExportDocument): Promise<Buffer>;
  decode(content: Buffer): Promise<ImportPlan>;
}

export const MENU_FORMAT: TransferFormat = {
  backyard: 'ita-by-menu-export-import',
  importWrites: 'menu_import',
  uploadKind: 'menu-import',
  extension: 'json',
  contentType: 'application/json; charset=utf-8',
  encode: async (doc) => Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, 'utf8'),
  decode: async (content) => planFromJson(content),
};

export const EXCEL_FORMAT: TransferFormat = {
  backyard: 'ita-by-excel-export-import',
  importWrites: 'excel_import',
  uploadKind: 'excel-import',
  extension: 'xlsx',
  contentType: XLSX_CONTENT_TYPE,
  encode: writeWorkbook,
  decode: planFromWorkbook,
};

/** The export file's name: the workspace and the execution, so downloads do not overwrite each other. */
export function exportFileName(format: TransferFormat, ws: string, jobId: string): string {
  return `${format === EXCEL_FORMAT ? 'excel' : 'menu'}-export-${ws}-${jobId}.${format.extension}`;
}

/** Stores an uploaded file for a later import job, inside the caller's gated transaction. */
export async function storeUpload(
  trx: Transaction<Database>,
  upload: { org: string; ws: string; kind: string; name: string; content: Buffer; createdBy: string },
): Promise<string> {
  const id = randomUUID();
  await trx
    .insertInto('backyard_uploads')
    .values({
      id,
      organization_id: upload.org,
      workspace_id: upload.ws,
      kind: upload.kind,
      name: upload.name,
      content: upload.content,
      created_at: nowTimestamp(),
      created_by: upload.createdBy,
    })
    .execute();
  return id;
}

/** An upload of a workspace, of the given kind; 404 naming the upload route otherwise. */
export async function loadUpload(db: Kysely<Database>, org: string, ws: string, id: string, kind: string): Promise<{ name: string; content: Buffer }> {
  const row = await db
    .selectFrom('backyard_uploads')
    .select(['name', 'content'])
    .where('id', '=', id)
    .where('organization_id', '=', org)
    .where('workspace_id', '=', ws)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row) throw notFound(MESSAGES.notFound.upload(id, kind, ws));
  return { name: row.name, content: Buffer.from(row.content) };
}

/*
 * The checks a registration makes before its job is written (the routes in
 * http/routes/menu-jobs.ts call them, then register the job in their gated write). The job checks
 * again when it runs: the workspace may change in between.
 */

/** Refuses (400) a menu-create job for a name the workspace already has. */
export async function requireMenuNameFree(db: Kysely<Database>, org: string, ws: string, name: string): Promise<void> {
  if ((await findMenus(db, org, ws, [name])).has(name)) {
    throw badRequest(MESSAGES.invalidValue.menuNameTaken(name, ws), RESULT.invalidValue);
  }
}

/** Refuses (400) an export of menus the workspace does not have, naming them. */
export async function requireMenusExist(db: Kysely<Database>, org: string, ws: string, names: readonly string[]): Promise<void> {
  const have = await findMenus(db, org, ws, names);
  const missing = names.filter((m) => !have.has(m));
  if (missing.length) throw badRequest(MESSAGES.invalidValue.menusMissing(missing.join(', '), ws), RESULT.invalidValue);
}

/** Reads an uploaded document or workbook; a problem in it is a DocumentError (400) naming each. */
export async function readUpload(format: TransferFormat, content: Buffer): Promise<ImportPlan> {
  const plan = await format.decode(content);
  // The file's texts go to the store like a body's: the same rule, the 400 naming where in the file.
  requireStorable(plan, 'file');
  return plan;
}

/**
 * What an import of an upload would write, checked now against the workspace as it is: the upload
 * must exist, hold the chosen menus, and a menu the workspace has must have the same columns.
 */
export async function planImport(
  db: Kysely<Database>,
  org: string,
  ws: string,
  format: TransferFormat,
  uploadId: string,
  menus: readonly string[] | undefined,
): Promise<{ readonly fileName: string; readonly plan: ImportPlan }> {
  const stored = await loadUpload(db, org, ws, uploadId, format.uploadKind);
  const plan = selectMenus(await readUpload(format, stored.content), menus);
  const problems = await targetProblems(db, org, ws, plan);
  if (problems.length) throw new DocumentError(problems);
  return { fileName: stored.name, plan };
}
