import ExcelJS from 'exceljs';
import { DocumentError, RecordProblems } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import type { Texts } from '../i18n/language.js';
import { nowTimestamp } from '../store/clock.js';
import type { Column } from './columns.js';
import type { Menu } from './definitions.js';
import { EXCEL_MAX_SHEET_NAME, addRecordsSheet, headerOf, loadWorkbook, readRecordRows } from './excel.js';
import type { JournalView } from './journal.js';
import type { MaintenanceItem, MaintenanceType } from './records.js';
import type { RecordView } from './record-view.js';
import type { ExportedRecord } from './transfer.js';

/**
 * One menu's records as a workbook, as Exastro's per-menu Excel hands them out and takes them
 * back (`…/menu/{menu}/excel/`, `excel/format/`, `excel/journal/`, `excel/maintenance/`):
 * - the records sheet is the menu export's (excel.ts: `uuid`, `discard`, the columns, `remarks`,
 *   `last_update_date_time`, `last_updated_user`, cells typed by column) with a first column
 *   `_type` — Exastro's 実行処理種別 — empty when downloaded, offered as a list in Excel;
 * - a row whose `_type` says Register, Update, Discard or Restore (登録, 更新, 廃止, 復活) is applied
 *   by `excel/maintenance/`, like an item of `maintenance/all/` (an Update with the
 *   `last_update_date_time` it was downloaded with, so a record changed since is refused); rows
 *   left without one are not touched, and `_type` alone decides (the `discard` column shows the
 *   record's state when downloaded). Problems are reported per workbook row;
 * - the history workbook leads with `journal_id`, `journal_datetime`, `journal_action`.
 * `_type` cannot be a column's name (columns start with a letter). File columns show the file's
 * name; their contents do not travel in a workbook.
 */

const TYPE_COLUMN = '_type';
const JOURNAL_COLUMNS = ['journal_id', 'journal_datetime', 'journal_action'] as const;

/** What `_type` may say, in drydock's (and Exastro's JSON) words or Exastro's Japanese workbook's. */
const TYPE_NAMES: ReadonlyMap<string, Exclude<MaintenanceType, 'Delete'>> = new Map([
  ['Register', 'Register'],
  ['Update', 'Update'],
  ['Discard', 'Discard'],
  ['Restore', 'Restore'],
  ['登録', 'Register'],
  ['更新', 'Update'],
  ['廃止', 'Discard'],
  ['復活', 'Restore'],
]);

/** Rows below the records on which `_type` offers its list. */
const ROWS_TO_ADD = 200;
const sheetNameOf = (menu: Menu) => menu.menu.slice(0, EXCEL_MAX_SHEET_NAME);

/** A workbook's file name: the menu, what it holds and when, as Exastro names its downloads. */
function fileName(menu: Menu, what: string): string {
  const stamp = nowTimestamp().slice(0, 19).replace(/[-:T]/g, '');
  return `${menu.menu}${what}_${stamp}.xlsx`;
}

const asExported = (records: readonly RecordView[]): ExportedRecord[] => records.map((r) => r.parameter as unknown as ExportedRecord);

/** The records workbook of `records` (all of the menu's, a filter's, or none for the new-registration format). */
export async function recordsWorkbook(menu: Menu, records: readonly RecordView[], what: '' | '_format'): Promise<{ name: string; content: Buffer }> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'drydock';
  const sheet = addRecordsSheet(wb, sheetNameOf(menu), menu, asExported(records), [TYPE_COLUMN]);
  // The list Excel offers in `_type`, on every record's row and on rows to add below them.
  for (let row = 2; row <= records.length + 1 + ROWS_TO_ADD; row++) {
    sheet.getCell(row, 1).dataValidation = { type: 'list', allowBlank: true, formulae: ['"Register,Update,Discard,Restore"'] };
  }
  return { name: fileName(menu, what), content: Buffer.from(await wb.xlsx.writeBuffer()) };
}

/** The history workbook: every entry of every record of the menu, newest first. */
export async function journalWorkbook(menu: Menu, entries: readonly JournalView[]): Promise<{ name: string; content: Buffer }> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'drydock';
  addRecordsSheet(wb, sheetNameOf(menu), menu, asExported(entries), JOURNAL_COLUMNS);
  return { name: fileName(menu, '_journal'), content: Buffer.from(await wb.xlsx.writeBuffer()) };
}

/** The maintenance a workbook asks for: one item per row with a `_type`, and the row each came from. */
interface WorkbookMaintenance {
  readonly items: MaintenanceItem[];
  readonly rows: number[];
}

/**
 * Reads `excel/maintenance/`'s workbook: the menu's sheet (or the first), its header checked
 * against the menu, and each row with a `_type` as a maintenance item. DocumentError names every
 * problem by sheet, row and column.
 */
export async function maintenanceFromWorkbook(menu: Menu, content: Buffer): Promise<WorkbookMaintenance> {
  const wb = await loadWorkbook(content);
  const sheet = wb.getWorksheet(sheetNameOf(menu)) ?? wb.worksheets[0];
  if (!sheet) throw new DocumentError([MESSAGES.invalidValue.workbookNoSheet]);
  const header = headerOf(sheet);
  const names = new Set(header.values());
  const columns = menu.columns.map((c) => c.name);
  if (!names.has(TYPE_COLUMN)) {
    throw new DocumentError([MESSAGES.invalidValue.noTypeColumn(sheet.name, TYPE_COLUMN)]);
  }
  const known = new Set<string>([TYPE_COLUMN, 'uuid', menu.key, 'discard', ...columns, 'remarks', 'last_update_date_time', 'last_updated_user']);
  const unknown = [...names].filter((n) => !known.has(n));
  if (unknown.length) {
    throw new DocumentError([MESSAGES.invalidValue.unknownHeaders(sheet.name, unknown.join(', '), menu.menu, columns.join(', '))]);
  }
  const problems: Texts[] = [];
  const types = new Map<string, Column['type']>(menu.columns.map((c) => [c.name, c.type]));
  // `_type` decides what is done to a row: `discard` shows the record's state when downloaded.
  const read = new Set([...known].filter((n) => n !== 'last_updated_user' && n !== 'discard'));
  const items: MaintenanceItem[] = [];
  const rows: number[] = [];
  for (const { rowNumber, values } of readRecordRows(sheet, header, read, types, problems)) {
    const { [TYPE_COLUMN]: cell, ...parameter } = values;
    if (cell === undefined) continue;
    const said = typeof cell === 'string' ? cell.trim() : JSON.stringify(cell);
    const type = TYPE_NAMES.get(said);
    if (!type) {
      problems.push(
        MESSAGES.invalidValue.located(MESSAGES.invalidValue.sheetCell(sheet.name, rowNumber, TYPE_COLUMN), MESSAGES.invalidValue.unknownRowType(said)),
      );
      continue;
    }
    items.push({ type, parameter: stringSystemColumns(parameter) });
    rows.push(rowNumber);
  }
  if (problems.length) throw new DocumentError(problems);
  return { items, rows };
}

/** A system column's cell may come back as a number (Excel's doing): the API takes them as text. */
function stringSystemColumns(parameter: Record<string, unknown>): Record<string, unknown> {
  const { uuid, last_update_date_time: at } = parameter;
  return {
    ...parameter,
    ...(typeof uuid === 'number' && { uuid: String(uuid) }),
    ...(typeof at === 'number' && { last_update_date_time: String(at) }),
  };
}

/** The problems of a workbook's items, renumbered from items to the workbook's rows. */
export function problemsByRow(err: RecordProblems, rows: readonly number[]): RecordProblems {
  return new RecordProblems(err.problems.map((p) => ({ ...p, row: rows[p.row] ?? p.row })));
}
