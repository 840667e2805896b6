import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { RESULT, notFound, refused } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import type { Texts } from '../i18n/language.js';
import type { Database } from '../store/schema.js';
import { parseJson } from '../store/store.js';
import { decodeBase64 } from '../util/base64.js';
import { batches } from '../util/batches.js';
import { ownValue } from '../util/own-value.js';
import type { Value } from './columns.js';
import type { Menu } from './definitions.js';
import type { RecordView } from './record-view.js';

/**
 * File columns, as Exastro's FileUploadColumn: the record's value is the file's name, and the
 * content travels beside the record — base64 under `file` of a maintenance item (or a part of
 * Exastro's multipart form), base64 under `file` of each record a filter returns (`?file=no`
 * leaves it out), raw from `GET …/{uuid}/{column}/file/`. The contents are kept once per menu and
 * content (`menu_files`, migration 10); a record and each entry of its history name theirs by
 * digest (`files`), so the history keeps the files it had.
 */

/** Which content each file column of a record has: column → SHA-256 of the content. */
export type FileDigests = Record<string, string>;

/** The file columns of a menu. */
export function fileColumns(menu: Pick<Menu, 'columns'>): string[] {
  return menu.columns.filter((c) => c.type === 'file').map((c) => c.name);
}

/** The digests a stored `files` value holds (none for a record without files). */
export function digestsIn(stored: string | null | undefined): FileDigests {
  return stored ? parseJson<FileDigests>(stored) : {};
}

/** What is wrong with a record's files, each under its column (or the row). */
const PROBLEM = MESSAGES.recordProblems;

/** How a content is named: its SHA-256, so a content a menu already has is kept once. */
const digestOf = (content: Buffer) => createHash('sha256').update(content).digest('hex');

/**
 * The digests a record has after a Register (`before` undefined) or an Update, and the contents to
 * keep: new content for a column replaces its file; none keeps the file it had while the column
 * still names one (Exastro keeps it too); a cleared name drops the file. Problems are per column.
 */
export function changeFiles(
  menu: Menu,
  values: Record<string, Value>,
  sent: Record<string, unknown> | undefined,
  before: FileDigests | undefined,
): { digests: FileDigests; contents: Map<string, Buffer>; problems: Array<{ column?: string; texts: Texts }> } {
  const columns = fileColumns(menu);
  // A menu without file columns, and nothing sent: what every write of such a menu meets.
  if (columns.length === 0 && sent === undefined) return { digests: {}, contents: new Map(), problems: [] };
  const problems: Array<{ column?: string; texts: Texts }> = [];
  const strays = Object.keys(sent ?? {}).filter((k) => !columns.includes(k) && !isEmpty(ownValue(sent ?? {}, k)));
  if (strays.length > 0) problems.push({ texts: PROBLEM.filesNotColumns(strays.join(', ')) });
  const digests: FileDigests = {};
  const contents = new Map<string, Buffer>();
  for (const column of columns) {
    const name = ownValue(values, column);
    const content = sent === undefined ? undefined : ownValue(sent, column);
    if (!isEmpty(content)) {
      const bytes = decodeBase64(content);
      if (bytes === undefined) problems.push({ column, texts: PROBLEM.fileNotBase64 });
      else if (name === null || name === undefined) problems.push({ column, texts: PROBLEM.fileNoName });
      else {
        const digest = digestOf(bytes);
        digests[column] = digest;
        contents.set(digest, bytes);
      }
      continue;
    }
    if (name === null || name === undefined) continue;
    const kept = before && ownValue(before, column);
    if (kept) digests[column] = kept;
    else problems.push({ column, texts: PROBLEM.fileNoContent });
  }
  return { digests, contents, problems };
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** Keeps contents of a menu (each once: a content the menu has is not written again). */
export async function keepContents(trx: Transaction<Database>, menu: Pick<Menu, 'id'>, contents: ReadonlyMap<string, Buffer>): Promise<void> {
  for (const [digest, content] of contents) {
    await trx
      .insertInto('menu_files')
      .values({ menu_id: menu.id, digest, content })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/**
 * Records with their files as Exastro's filter returns them: for a menu with file columns, `file`
 * has each file column's content in base64 (null when it has none); with `include` false (`?file=no`)
 * `file` stays empty, as Exastro leaves it.
 */
export async function withFileContents<T extends RecordView>(
  db: Kysely<Database>,
  menu: Menu,
  records: readonly T[],
  digestsOf: (record: T) => FileDigests,
  include: boolean,
): Promise<T[]> {
  const columns = fileColumns(menu);
  if (columns.length === 0 || !include) return [...records];
  const contents = await loadContents(
    db,
    menu,
    records.flatMap((r) => Object.values(digestsOf(r))),
  );
  return records.map((r) => {
    const digests = digestsOf(r);
    return { ...r, file: Object.fromEntries(columns.map((c) => [c, contents.get(ownValue(digests, c) ?? '')?.toString('base64') ?? null])) };
  });
}

/** The contents of a menu with these digests, by digest. */
async function loadContents(db: Kysely<Database>, menu: Pick<Menu, 'id'>, digests: readonly string[]): Promise<Map<string, Buffer>> {
  const contents = new Map<string, Buffer>();
  for (const part of batches([...new Set(digests)])) {
    const rows = await db.selectFrom('menu_files').select(['digest', 'content']).where('menu_id', '=', menu.id).where('digest', 'in', part).execute();
    for (const r of rows) contents.set(r.digest, Buffer.from(r.content));
  }
  return contents;
}

/** The content of one file: its digest's, in the menu; undefined when the menu has no such content. */
export async function readContent(db: Kysely<Database>, menu: Menu, digest: string | undefined): Promise<Buffer | undefined> {
  if (digest === undefined) return undefined;
  const row = await db.selectFrom('menu_files').select('content').where('menu_id', '=', menu.id).where('digest', '=', digest).executeTakeFirst();
  return row ? Buffer.from(row.content) : undefined;
}

/** Records a filter found, with their files' contents (see withFileContents). */
export async function withRecordFiles(db: Kysely<Database>, menu: Menu, records: readonly RecordView[], include: boolean): Promise<RecordView[]> {
  if (fileColumns(menu).length === 0 || !include) return [...records];
  const digests = new Map<string, FileDigests>();
  for (const part of batches(records.map((r) => r.parameter.uuid))) {
    const rows = await db.selectFrom('menu_records').select(['id', 'files']).where('menu_id', '=', menu.id).where('id', 'in', part).execute();
    for (const r of rows) digests.set(r.id, digestsIn(r.files));
  }
  return withFileContents(db, menu, records, (r) => digests.get(r.parameter.uuid) ?? {}, true);
}

/**
 * A file of a record — or of one entry of its history, given `journalId` — for download: its name
 * and content. A column that is not a file column of the menu is Exastro's 499-00006; a record,
 * history entry or file that does not exist is a 404 (Exastro answers an empty 200, which a client
 * would save as an empty file).
 */
export async function readRecordFile(
  db: Kysely<Database>,
  menu: Menu,
  recordId: string,
  column: string,
  journalId?: string,
): Promise<{ name: string; content: Buffer }> {
  if (!fileColumns(menu).includes(column)) {
    throw refused(RESULT.columnNotFound, MESSAGES.columnNotFound.notAFileColumn(column, menu.menu, fileColumns(menu).join(', ')));
  }
  const row =
    journalId === undefined
      ? await db.selectFrom('menu_records').select(['parameter', 'files']).where('menu_id', '=', menu.id).where('id', '=', recordId).executeTakeFirst()
      : await db
          .selectFrom('menu_record_journal')
          .select(['parameter', 'files'])
          .where('menu_id', '=', menu.id)
          .where('record_id', '=', recordId)
          .where('journal_id', '=', journalId)
          .executeTakeFirst();
  if (!row) throw notFound(journalId === undefined ? MESSAGES.notFound.record(menu.menu, recordId) : MESSAGES.notFound.historyEntry(recordId, journalId));
  const name = ownValue(parseJson<Record<string, Value>>(row.parameter), column);
  const content = typeof name === 'string' ? await readContent(db, menu, ownValue(digestsIn(row.files), column)) : undefined;
  if (typeof name !== 'string' || content === undefined) throw notFound(MESSAGES.notFound.noFileUploaded(recordId, column));
  return { name, content };
}

/**
 * The key of a menu export's record that holds its files' contents in base64 (`{"column": "…"}`):
 * no column's name starts with `_`, so it can never be a column. A workbook carries the names only.
 */
export const EXPORTED_FILES_KEY = '_files';

/** Each exported record's files' contents in base64, by record id (empty for a menu without file columns). */
export async function exportedFiles(
  db: Kysely<Database>,
  menu: Pick<Menu, 'id' | 'columns'>,
  rows: ReadonlyArray<{ id: string; files?: string | null | undefined }>,
): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (fileColumns(menu).length === 0) return out;
  const digests = rows.map((r) => [r.id, digestsIn(r.files)] as const);
  const contents = await loadContents(
    db,
    menu,
    digests.flatMap(([, d]) => Object.values(d)),
  );
  for (const [id, d] of digests) {
    const present = Object.entries(d).flatMap(([column, digest]) => {
      const content = contents.get(digest);
      return content ? [[column, content.toString('base64')] as const] : [];
    });
    if (present.length > 0) out.set(id, Object.fromEntries(present));
  }
  return out;
}

/** An imported record's `_files`: each file column's content, or what is wrong with it. */
export function importedContents(menu: Pick<Menu, 'columns'>, raw: unknown): { contents: Record<string, Buffer> } | { problem: Texts } {
  if (raw === undefined || raw === null) return { contents: {} };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { problem: MESSAGES.invalidValue.filesNotObject(EXPORTED_FILES_KEY) };
  const columns = fileColumns(menu);
  const contents: Record<string, Buffer> = {};
  for (const [column, text] of Object.entries(raw)) {
    if (!columns.includes(column)) return { problem: MESSAGES.invalidValue.filesNotFileColumn(EXPORTED_FILES_KEY, column) };
    const bytes = decodeBase64(text);
    if (bytes === undefined) return { problem: MESSAGES.invalidValue.filesNotBase64(EXPORTED_FILES_KEY, column) };
    contents[column] = bytes;
  }
  return { contents };
}

/**
 * The files an imported record has: the document's content for a column, else — for a record the
 * workspace already had, which still names a file there — the file it had, so a workbook (names
 * only) or a document without `_files` does not drop them. Returns the digests and the contents to keep.
 */
export function importedFiles(
  menu: Pick<Menu, 'columns'>,
  values: Record<string, Value>,
  contents: Readonly<Record<string, Buffer>>,
  before: FileDigests,
): { digests: FileDigests; keep: Map<string, Buffer> } {
  const digests: FileDigests = {};
  const keep = new Map<string, Buffer>();
  for (const column of fileColumns(menu)) {
    const content = ownValue(contents, column);
    const had = ownValue(before, column);
    if (content !== undefined) {
      const digest = digestOf(content);
      digests[column] = digest;
      keep.set(digest, content);
    } else if (had !== undefined && !isEmpty(ownValue(values, column))) {
      digests[column] = had;
    }
  }
  return { digests, keep };
}
