import ExcelJS from 'exceljs';
import type { Column } from './columns.js';
import { DocumentError, WorkbookLimitError } from '../errors.js';
import type { Texts } from '../i18n/language.js';
import { MESSAGES } from '../i18n/server-messages.js';
import type { MenuDefinition } from './definitions.js';
import {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  checkDocument,
  exportedValue,
  type ExportDocument,
  type ExportedRecord,
  type ImportPlan,
  type Locate,
} from './transfer.js';

/**
 * Menu export documents as .xlsx workbooks (exceljs), for people who edit parameter sheets in Excel:
 * - one sheet per menu: a header row (`uuid`, `discard`, the menu's columns, `remarks`,
 *   `last_update_date_time`, `last_updated_user`), then one row per record, discarded ones included. Cells are typed: integer
 *   and number columns are numbers, booleans are booleans, dates and date-times are date cells
 *   (UTC, no time zone shift), strings are text even when they look like numbers;
 * - `_definitions`: one row per column of every menu (menu, sheet, title, column, type, …), so an
 *   import can create the menus a workspace lacks;
 * - `_export`: the format name and version, the export time and the source workspace.
 * Reading a workbook turns it back into the JSON document's shape and runs the same checks, with
 * problems named by sheet, row and column. A row left blank is skipped; a row without a uuid is a
 * new record.
 */

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DEFINITIONS_SHEET = '_definitions';
const EXPORT_SHEET = '_export';
const DEFINITION_HEADER = ['menu', 'sheet', 'menu_title', 'column', 'type', 'column_title', 'required', 'unique', 'max_length'] as const;
const LEADING = ['uuid', 'discard'] as const;
/** Written and read back, but optional in a workbook (older exports lack it). */
const REMARKS = 'remarks';
const TRAILING = ['last_update_date_time', 'last_updated_user'] as const;
/** Excel refuses longer text in a cell. */
export const EXCEL_MAX_TEXT = 32_767;
export const EXCEL_MAX_SHEET_NAME = 31;

/** Sheet names: the menu name when it fits Excel's 31 characters, else a shortened unique one. */
function sheetNames(menus: readonly string[]): Map<string, string> {
  const used = new Set<string>([DEFINITIONS_SHEET, EXPORT_SHEET]);
  const out = new Map<string, string>();
  for (const menu of menus) {
    let name = menu.slice(0, EXCEL_MAX_SHEET_NAME);
    for (let n = 2; used.has(name.toLowerCase()) || used.has(name); n++) {
      name = `${menu.slice(0, EXCEL_MAX_SHEET_NAME - String(n).length - 1)}~${n}`;
    }
    used.add(name.toLowerCase());
    out.set(menu, name);
  }
  return out;
}

/** "YYYY/MM/DD" or "YYYY/MM/DD hh:mm:ss" (as the menus store them) → a UTC date for a date cell. */
function toDateCell(text: string): Date | undefined {
  const m = /^(\d{4})\/(\d{2})\/(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)));
}

function fromDateCell(d: Date, type: Column['type'] | undefined): string {
  const iso = d.toISOString();
  const date = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
  return type === 'date' ? date : `${date} ${iso.slice(11, 19)}`;
}

/**
 * Adds a sheet of records: a header row (`leading` system columns of the caller's, then `uuid`,
 * `discard`, the menu's columns, `remarks`, `last_update_date_time`, `last_updated_user`) and one
 * row per record, cells typed by column (see the module's comment). A `leading` column's cell is
 * the record's value of that name, if any.
 */
export function addRecordsSheet(
  wb: ExcelJS.Workbook,
  sheetName: string,
  def: Pick<MenuDefinition, 'menu' | 'columns'>,
  records: readonly ExportedRecord[],
  leading: readonly string[] = [],
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  const header = [...leading, ...LEADING, ...def.columns.map((c) => c.name), REMARKS, ...TRAILING];
  ws.columns = header.map((h) => ({ header: h, key: h, width: Math.min(60, Math.max(12, h.length + 2)) }));
  ws.getRow(1).font = { bold: true };
  for (const [ri, rec] of records.entries()) {
    const row = ws.addRow([]);
    for (const h of leading) row.getCell(h).value = exportedValue(rec, h) ?? null;
    row.getCell('uuid').value = rec.uuid;
    row.getCell('discard').value = rec.discard;
    for (const c of def.columns) {
      const v = exportedValue(rec, c.name);
      const cell = row.getCell(c.name);
      if (v === null || v === undefined) continue;
      if ((c.type === 'date' || c.type === 'datetime') && typeof v === 'string') {
        const d = toDateCell(v);
        if (d) {
          cell.value = d;
          cell.numFmt = c.type === 'date' ? 'yyyy/mm/dd' : 'yyyy/mm/dd hh:mm:ss';
          continue;
        }
      }
      if (typeof v === 'string' && v.length > EXCEL_MAX_TEXT) {
        throw new WorkbookLimitError(MESSAGES.invalidValue.cellTooLong(def.menu, ri + 1, String(rec.uuid), c.name, v.length, EXCEL_MAX_TEXT));
      }
      cell.value = v;
    }
    const remarks = exportedValue(rec, REMARKS);
    if (typeof remarks === 'string') row.getCell(REMARKS).value = remarks;
    row.getCell('last_update_date_time').value = rec.last_update_date_time;
    row.getCell('last_updated_user').value = rec.last_updated_user;
  }
  return ws;
}

export async function writeWorkbook(doc: ExportDocument): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'drydock';
  wb.created = new Date(Date.parse(doc.exported_at));
  const sheets = sheetNames(doc.menus.map((m) => m.definition.menu));

  for (const m of doc.menus) addRecordsSheet(wb, sheets.get(m.definition.menu)!, m.definition, m.records);

  const defs = wb.addWorksheet(DEFINITIONS_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  defs.addRow([...DEFINITION_HEADER]).font = { bold: true };
  for (const m of doc.menus) {
    for (const c of m.definition.columns) {
      defs.addRow([
        m.definition.menu,
        sheets.get(m.definition.menu)!,
        m.definition.title,
        c.name,
        c.type,
        c.title ?? null,
        c.required ?? null,
        c.unique ?? null,
        c.max_length ?? null,
      ]);
    }
  }
  for (let i = 1; i <= DEFINITION_HEADER.length; i++) defs.getColumn(i).width = 18;

  const meta = wb.addWorksheet(EXPORT_SHEET);
  meta.addRows([
    ['format', EXPORT_FORMAT],
    ['format_version', EXPORT_FORMAT_VERSION],
    ['exported_at', doc.exported_at],
    ['source_organization_id', doc.source.organization_id],
    ['source_workspace_id', doc.source.workspace_id],
  ]);
  meta.getColumn(1).width = 24;
  meta.getColumn(2).width = 40;

  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A cell's value as a plain scalar: rich text → its text, formulas → their result, links → their text. */
function plain(value: ExcelJS.CellValue): { ok: true; value: string | number | boolean | Date | null } | { ok: false; error: Texts } {
  if (value === null || value === undefined) return { ok: true, value: null };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) {
    return { ok: true, value };
  }
  if ('richText' in value) return { ok: true, value: value.richText.map((r) => r.text).join('') };
  if ('hyperlink' in value) return { ok: true, value: value.text };
  if ('error' in value) return { ok: false, error: MESSAGES.invalidValue.cellHoldsError(String(value.error)) };
  if ('formula' in value || 'sharedFormula' in value) {
    const r = value.result;
    if (r === undefined) return { ok: false, error: MESSAGES.invalidValue.cellHoldsUncomputedFormula };
    return plain(r);
  }
  return { ok: false, error: MESSAGES.invalidValue.cellUnreadable };
}

/** An .xlsx is a zip: more than this inflated is refused before exceljs expands it in memory. */
export const MAX_INFLATED_BYTES = 100 * 1024 * 1024;

/**
 * The sum of the uncompressed sizes a zip's central directory declares, or a reason it cannot be
 * read. A small upload must not expand into gigabytes (a "zip bomb") while exceljs loads it.
 */
function inflatedSize(zip: Buffer): number | string {
  const EOCD = 0x06054b50;
  const CENTRAL = 0x02014b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return 'not a zip archive';
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL) return 'a damaged zip directory';
    const size = zip.readUInt32LE(at + 24);
    if (size === 0xffffffff) return 'a zip64 entry (too large)';
    total += size;
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return total;
}

/** Loads an uploaded .xlsx, refusing what is no workbook or would expand too far (DocumentError). */
export async function loadWorkbook(content: Buffer): Promise<ExcelJS.Workbook> {
  const size = content.length >= 22 ? inflatedSize(content) : 'not a zip archive';
  if (typeof size === 'string') throw new DocumentError([MESSAGES.invalidValue.notXlsx(size)]);
  if (size > MAX_INFLATED_BYTES) {
    throw new DocumentError([MESSAGES.invalidValue.workbookTooLarge(size, MAX_INFLATED_BYTES)]);
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(content as unknown as ArrayBuffer);
  } catch (err) {
    throw new DocumentError([MESSAGES.invalidValue.notXlsx((err as Error).message)]);
  }
  return wb;
}

/** A sheet's header row: column number → the trimmed name written there. */
export function headerOf(sheet: ExcelJS.Worksheet): Map<number, string> {
  const header = new Map<number, string>();
  sheet.getRow(1).eachCell((cell, col) => {
    const v = plain(cell.value);
    if (v.ok && typeof v.value === 'string' && v.value.trim() !== '') header.set(col, v.value.trim());
  });
  return header;
}

/**
 * The rows of a records sheet below its header as values by column name — only the `read` columns,
 * empty cells left out, date cells as the menus' text (by `types`) — each with its row number; a
 * row with nothing in them is skipped. Cells that cannot be read are added to `problems`.
 */
export function readRecordRows(
  sheet: ExcelJS.Worksheet,
  header: ReadonlyMap<number, string>,
  read: ReadonlySet<string>,
  types: ReadonlyMap<string, Column['type']>,
  problems: Texts[],
): Array<{ rowNumber: number; values: Record<string, unknown> }> {
  const rows: Array<{ rowNumber: number; values: Record<string, unknown> }> = [];
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const values: Record<string, unknown> = {};
    let any = false;
    for (const [col, name] of header) {
      if (!read.has(name)) continue;
      const v = plain(row.getCell(col).value);
      if (!v.ok) {
        problems.push(MESSAGES.invalidValue.located(MESSAGES.invalidValue.sheetCell(sheet.name, rowNumber, name), v.error));
        continue;
      }
      if (v.value === null || v.value === '') continue;
      any = true;
      values[name] = v.value instanceof Date ? fromDateCell(v.value, types.get(name)) : v.value;
    }
    if (any) rows.push({ rowNumber, values });
  });
  return rows;
}

/** Reads an uploaded workbook and checks it; throws DocumentError naming sheets, rows and columns. */
export async function planFromWorkbook(content: Buffer): Promise<ImportPlan> {
  const wb = await loadWorkbook(content);
  const problems: Texts[] = [];

  const meta = wb.getWorksheet(EXPORT_SHEET);
  const info = new Map<string, unknown>();
  if (!meta) problems.push(MESSAGES.invalidValue.sheetMissingExport(EXPORT_SHEET));
  else {
    meta.eachRow((row) => {
      const k = plain(row.getCell(1).value);
      const v = plain(row.getCell(2).value);
      if (k.ok && typeof k.value === 'string') info.set(k.value, v.ok ? v.value : undefined);
    });
  }

  const defs = wb.getWorksheet(DEFINITIONS_SHEET);
  if (!defs) problems.push(MESSAGES.invalidValue.sheetMissingDefinitions(DEFINITIONS_SHEET));
  if (problems.length) throw new DocumentError(problems);

  // _definitions → ordered menus with their sheet, title and columns.
  interface DefAcc {
    menu: string;
    sheet: string;
    title: unknown;
    columns: Array<Record<string, unknown>>;
  }
  const menus = new Map<string, DefAcc>();
  const headerRow = defs!.getRow(1);
  const defHeader = new Map<string, number>();
  headerRow.eachCell((cell, col) => {
    const v = plain(cell.value);
    if (v.ok && typeof v.value === 'string') defHeader.set(v.value.trim(), col);
  });
  const missingHeader = DEFINITION_HEADER.filter((h) => !defHeader.has(h));
  if (missingHeader.length) throw new DocumentError([MESSAGES.invalidValue.missingHeaders(DEFINITIONS_SHEET, missingHeader.join(', '))]);
  defs!.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const get = (h: (typeof DEFINITION_HEADER)[number]) => {
      const v = plain(row.getCell(defHeader.get(h)!).value);
      if (!v.ok) {
        problems.push(MESSAGES.invalidValue.located(MESSAGES.invalidValue.sheetCell(DEFINITIONS_SHEET, rowNumber, h), v.error));
        return null;
      }
      return v.value;
    };
    const menu = get('menu');
    if (menu === null) return;
    if (typeof menu !== 'string') {
      problems.push(MESSAGES.invalidValue.located(MESSAGES.invalidValue.sheetCell(DEFINITIONS_SHEET, rowNumber, 'menu'), MESSAGES.invalidValue.mustBeText));
      return;
    }
    let acc = menus.get(menu);
    if (!acc) {
      const sheet = get('sheet');
      acc = { menu, sheet: typeof sheet === 'string' && sheet ? sheet : menu, title: get('menu_title'), columns: [] };
      menus.set(menu, acc);
    }
    const column: Record<string, unknown> = { name: get('column'), type: get('type') };
    const title = get('column_title');
    if (title !== null) column.title = title;
    for (const flag of ['required', 'unique'] as const) {
      const v = get(flag);
      if (v !== null) column[flag] = v;
    }
    const max = get('max_length');
    if (max !== null) column.max_length = max;
    acc.columns.push(column);
  });
  if (problems.length) throw new DocumentError(problems);
  if (menus.size === 0) throw new DocumentError([MESSAGES.invalidValue.noMenuDefined(DEFINITIONS_SHEET)]);

  // Each menu's sheet → records in the document's shape (values as plain scalars; dates as text).
  const rowNumbers: number[][] = [];
  const sheetOf: string[] = [];
  const documentMenus = [...menus.values()].map((acc, mi) => {
    const types = new Map(acc.columns.map((c) => [String(c.name), c.type as Column['type']]));
    const sheet = wb.getWorksheet(acc.sheet);
    sheetOf[mi] = acc.sheet;
    const numbers: number[] = [];
    rowNumbers[mi] = numbers;
    const records: Array<Record<string, unknown>> = [];
    if (!sheet) {
      problems.push(MESSAGES.invalidValue.menuSheetMissing(acc.sheet, acc.menu));
      return { definition: { menu: acc.menu, title: acc.title, columns: acc.columns }, records };
    }
    const header = headerOf(sheet);
    const names = new Set(header.values());
    const missing = [...LEADING, ...types.keys()].filter((h) => !names.has(h));
    if (missing.length) problems.push(MESSAGES.invalidValue.missingHeaders(acc.sheet, missing.join(', ')));
    const allowed = new Set<string>([...LEADING, ...types.keys(), REMARKS, ...TRAILING]);
    const unknown = [...names].filter((h) => !allowed.has(h));
    if (unknown.length) problems.push(MESSAGES.invalidValue.unknownHeaders(acc.sheet, unknown.join(', '), acc.menu, [...types.keys()].join(', ')));
    const read = new Set<string>([...LEADING, ...types.keys(), REMARKS]);
    for (const { rowNumber, values } of readRecordRows(sheet, header, read, types, problems)) {
      numbers.push(rowNumber);
      records.push(values);
    }
    return { definition: { menu: acc.menu, title: acc.title, columns: acc.columns }, records };
  });
  if (problems.length) throw new DocumentError(problems);

  const locate: Locate = (mi, _menu, ri) => MESSAGES.invalidValue.sheetRow(sheetOf[mi] ?? '?', String(rowNumbers[mi]?.[ri] ?? '?'));
  return checkDocument(
    {
      format: info.get('format'),
      format_version: info.get('format_version'),
      ...(typeof info.get('exported_at') === 'string' && { exported_at: info.get('exported_at') }),
      menus: documentMenus,
    },
    locate,
  );
}
