import type { Texts } from '../language.js';

/**
 * The catalogue's messages about what a request or an imported file holds (see
 * `../server-messages.ts`): a body that names nothing to do (400-00002), keys it may not have
 * (400-00026), values that are not what it may send (400-00027).
 */

/** What a request part is called in a message (`body`, `query`, `path`, `file`). */
const PART: ReadonlyMap<string, Texts> = new Map([
  ['body', { en: 'body', ja: 'リクエストボディ' }],
  ['query', { en: 'query', ja: 'クエリ' }],
  ['path', { en: 'path', ja: 'パス' }],
  ['file', { en: 'file', ja: 'ファイル' }],
]);

const part = (where: string): Texts => PART.get(where) ?? { en: where, ja: where };

/** 400-00002: a body that names nothing to do. */
export const emptyBody = {
  bodyEmpty: {
    en: 'The request body is empty: send a JSON object (see /api/docs).',
    ja: 'リクエストボディが空です。JSON オブジェクトを送信してください（/api/docs を参照）。',
  },
  bodyNamesNothing: (what: string): Texts => ({
    en: `The request body is empty: ${what}.`,
    ja: `リクエストボディに指定がありません: ${what}`,
  }),
} as const;

/** 400-00026: keys the request may not have. */
export const unknownKey = {
  unknownKeys: (where: string, keys: string): Texts => ({
    en: `Unknown key(s) in the ${part(where).en}: ${keys}. Remove them (see /api/docs).`,
    ja: `${part(where).ja}に不明なキーがあります: ${keys}。削除してください（/api/docs を参照）。`,
  }),
  unknownFilterColumns: (columns: string, menu: string, has: string): Texts => ({
    en: `Unknown column(s) ${columns} in the filter; menu ${menu} has ${has}.`,
    ja: `検索条件に不明な項目 ${columns} があります。メニュー ${menu} の項目: ${has}`,
  }),
  unknownSortColumn: (columns: string, menu: string, has: string): Texts => ({
    en: `Unknown column(s) ${columns} in sort; menu ${menu} has ${has}.`,
    ja: `sort に不明な項目 ${columns} があります。メニュー ${menu} の項目: ${has}`,
  }),
} as const;

/**
 * 400-00027: values that are not what the request may send, each named by where it is — a
 * request's, or an imported document's or workbook's (`DocumentError`).
 */
export const invalidValue = {
  invalidPart: (where: string, problems: Texts): Texts => ({
    en: `Invalid ${part(where).en}: ${problems.en}.`,
    ja: `${part(where).ja}の値が正しくありません: ${problems.ja}`,
  }),
  /** A problem at a place (`path: problem`, `sheet S row 3: problem`). */
  located: (where: Texts, problem: Texts): Texts => ({ en: `${where.en}: ${problem.en}`, ja: `${where.ja}: ${problem.ja}` }),
  /** The place of a request's problem when it is the whole body, query or path. */
  wholePart: (where: string): Texts => ({ en: `(${part(where).en})`, ja: `(${part(where).ja})` }),
  containsNul: {
    en: 'contains U+0000 (NUL), which cannot be stored: remove it',
    ja: '保存できない U+0000 (NUL) が含まれています。削除してください',
  },
  containsLoneSurrogate: {
    en: 'contains an unpaired UTF-16 surrogate, which is not a character: send valid Unicode',
    ja: '文字ではない、対になっていない UTF-16 サロゲートが含まれています。正しい Unicode で送信してください',
  },
  inKey: (problem: Texts): Texts => ({ en: `a key ${problem.en}`, ja: `キーに${problem.ja}` }),
  notBase64: (field: string): Texts => ({
    en: `${field}: is not base64 (A–Z, a–z, 0–9, +, /, = padding)`,
    ja: `${field}: base64（A–Z、a–z、0–9、+、/、パディングの =）ではありません`,
  }),
  menuNameTaken: (menu: string, workspace: string): Texts => ({
    en: `Menu ${menu} already exists in workspace ${workspace}: choose another name.`,
    ja: `メニュー ${menu} はワークスペース ${workspace} にすでに存在します。別の名前を指定してください。`,
  }),
  menusMissing: (menus: string, workspace: string): Texts => ({
    en: `Menu(s) ${menus} do not exist in workspace ${workspace}.`,
    ja: `メニュー ${menus} はワークスペース ${workspace} に存在しません。`,
  }),
  // An imported document or workbook.
  documentRefused: (problems: Texts, more: number): Texts => ({
    en: `The document cannot be imported: ${problems.en}${more > 0 ? `; and ${more} more problem(s)` : ''}.`,
    ja: `ドキュメントをインポートできません: ${problems.ja}${more > 0 ? `; ほか ${more} 件の問題があります` : ''}`,
  }),
  documentRoot: { en: '(document)', ja: '(ドキュメント)' },
  notJsonDocument: (detail: string): Texts => ({ en: `not a JSON document (${detail})`, ja: `JSON ドキュメントではありません (${detail})` }),
  menuTwice: (menu: string): Texts => ({ en: `menu ${menu} appears twice`, ja: `メニュー ${menu} が 2 回あります` }),
  /** A record of a JSON document; `uuid` '' when it has none. */
  jsonRecord: (menu: string, index: number, uuid: string): Texts => ({
    en: `menu ${menu} record ${index}${uuid ? ` (uuid ${uuid})` : ''}`,
    ja: `メニュー ${menu} の ${index} 件目のレコード${uuid ? ` (uuid ${uuid})` : ''}`,
  }),
  sheetRow: (sheet: string, row: string): Texts => ({ en: `sheet ${sheet} row ${row}`, ja: `シート ${sheet} の ${row} 行目` }),
  sheetCell: (sheet: string, row: number, column: string): Texts => ({
    en: `sheet ${sheet} row ${row} ${column}`,
    ja: `シート ${sheet} の ${row} 行目 ${column}`,
  }),
  recordNotObject: { en: 'must be an object of column values', ja: '項目の値のオブジェクトを指定してください' },
  unknownRecordColumns: (columns: string, menu: string, has: string): Texts => ({
    en: `unknown column(s) ${columns}; menu ${menu} has ${has}`,
    ja: `不明な項目 ${columns} があります (メニュー ${menu} の項目: ${has})`,
  }),
  uuidNotUuid: { en: 'uuid must be a UUID', ja: 'uuid には UUID を指定してください' },
  uuidUsedTwice: (uuid: string, first: Texts): Texts => ({
    en: `uuid ${uuid} is also used by ${first.en}`,
    ja: `uuid ${uuid} は${first.ja}でも使われています`,
  }),
  discardInvalid: { en: 'discard must be "0" or "1"', ja: 'discard には "0" か "1" を指定してください' },
  columnValue: (column: string, problem: Texts): Texts => ({ en: `${column} ${problem.en}`, ja: `${column}: ${problem.ja}` }),
  notUnique: (column: string, record: number, value: string): Texts => ({
    en: `${column} must be unique, and record ${record} has ${value} too`,
    ja: `${column} は一意である必要がありますが、${record} 件目のレコードも ${value} です`,
  }),
  remarksInvalid: { en: 'remarks must be a string or null', ja: 'remarks には文字列か null を指定してください' },
  filesNotObject: (key: string): Texts => ({
    en: `${key} must be an object of file column → base64 content`,
    ja: `${key} にはファイル項目 → base64 の内容 のオブジェクトを指定してください`,
  }),
  filesNotFileColumn: (key: string, column: string): Texts => ({
    en: `${key}.${column} is not a file column`,
    ja: `${key}.${column} はファイル項目ではありません`,
  }),
  filesNotBase64: (key: string, column: string): Texts => ({
    en: `${key}.${column} must be base64`,
    ja: `${key}.${column} には base64 を指定してください`,
  }),
  menuNotInDocument: (menu: string, held: string): Texts => ({
    en: `menu ${menu} is not in the document (it holds ${held})`,
    ja: `メニュー ${menu} はドキュメントにありません (含まれるメニュー: ${held})`,
  }),
  menuColumnsDiffer: (menu: string, workspace: string, existing: string, document: string): Texts => ({
    en:
      `menu ${menu} exists in workspace ${workspace} with other columns (${existing}) than the document's (${document}); ` +
      'import it into a workspace without it, or make the definitions equal first',
    ja:
      `メニュー ${menu} はワークスペース ${workspace} にドキュメントと異なる項目で存在します (ワークスペース: ${existing}、ドキュメント: ${document})。` +
      'このメニューのないワークスペースにインポートするか、先に定義を揃えてください',
  }),
  notXlsx: (detail: string): Texts => ({ en: `not an .xlsx workbook (${detail})`, ja: `.xlsx のワークブックではありません (${detail})` }),
  workbookTooLarge: (size: number, max: number): Texts => ({
    en: `the workbook expands to ${size} bytes, more than the ${max} drydock reads`,
    ja: `ワークブックを展開すると ${size} バイトになり、drydock が読み込める ${max} バイトを超えます`,
  }),
  cellHoldsError: (error: string): Texts => ({ en: `holds the error ${error}`, ja: `エラー ${error} が入っています` }),
  cellHoldsUncomputedFormula: {
    en: 'holds a formula without a computed value (save the workbook in Excel first)',
    ja: '計算結果のない数式が入っています (先に Excel でワークブックを保存してください)',
  },
  cellUnreadable: { en: 'holds a value drydock cannot read', ja: 'drydock が読み取れない値が入っています' },
  mustBeText: { en: 'must be text', ja: '文字列で入力してください' },
  sheetMissingExport: (sheet: string): Texts => ({
    en: `sheet ${sheet} is missing: the workbook was not made by the Excel export`,
    ja: `シート ${sheet} がありません。このワークブックは Excel エクスポートで作成されたものではありません`,
  }),
  sheetMissingDefinitions: (sheet: string): Texts => ({
    en: `sheet ${sheet} is missing: it holds the menus' definitions`,
    ja: `シート ${sheet} がありません。メニューの定義を記載するシートです`,
  }),
  menuSheetMissing: (sheet: string, menu: string): Texts => ({
    en: `sheet ${sheet} (menu ${menu}) is missing`,
    ja: `シート ${sheet} (メニュー ${menu}) がありません`,
  }),
  missingHeaders: (sheet: string, headers: string): Texts => ({
    en: `sheet ${sheet} row 1: missing header(s) ${headers}`,
    ja: `シート ${sheet} の 1 行目: 見出し ${headers} がありません`,
  }),
  unknownHeaders: (sheet: string, headers: string, menu: string, has: string): Texts => ({
    en: `sheet ${sheet} row 1: unknown header(s) ${headers}; menu ${menu} has ${has}`,
    ja: `シート ${sheet} の 1 行目: 不明な見出し ${headers} があります (メニュー ${menu} の項目: ${has})`,
  }),
  noMenuDefined: (sheet: string): Texts => ({ en: `sheet ${sheet} defines no menu`, ja: `シート ${sheet} にメニューが定義されていません` }),
  workbookNoSheet: { en: 'the workbook has no sheet', ja: 'ワークブックにシートがありません' },
  noTypeColumn: (sheet: string, column: string): Texts => ({
    en:
      `sheet ${sheet} row 1: no ${column} column; download the workbook from excel/format/ (or excel/) and write Register, Update, ` +
      `Discard or Restore in the ${column} of each row to apply`,
    ja:
      `シート ${sheet} の 1 行目: ${column} 列がありません。excel/format/ (または excel/) からワークブックをダウンロードし、` +
      `反映する行の ${column} に 登録・更新・廃止・復活 (Register, Update, Discard, Restore) のいずれかを入力してください`,
  }),
  unknownRowType: (said: string): Texts => ({
    en: `"${said}" is none of Register, Update, Discard, Restore (登録, 更新, 廃止, 復活)`,
    ja: `「${said}」は 登録・更新・廃止・復活 (Register, Update, Discard, Restore) のいずれでもありません`,
  }),
  cellTooLong: (menu: string, record: number, uuid: string, column: string, length: number, max: number): Texts => ({
    en:
      `Menu ${menu} record ${record} (uuid ${uuid}): ${column} has ${length} characters, more than an Excel cell holds ` +
      `(${max}). Export this menu with the menu export (JSON) instead.`,
    ja:
      `メニュー ${menu} の ${record} 件目のレコード (uuid ${uuid}): ${column} は ${length} 文字あり、Excel のセルに入る ${max} 文字を超えています。` +
      'このメニューはメニューエクスポート (JSON) でエクスポートしてください。',
  }),
  // A fleet gate expression (`fleet/gate-expression.ts`).
  gateSyntax: (gate: string, problem: Texts): Texts => ({ en: `gate "${gate}": ${problem.en}`, ja: `ゲート「${gate}」: ${problem.ja}` }),
  gateEndsEarly: { en: 'ends too early: expected a status name or "("', ja: '途中で終わっています。ステータス名か "(" が必要です' },
  gateParenNotClosed: { en: 'a "(" is not closed', ja: '"(" が閉じられていません' },
  gateUnexpected: (token: string): Texts => ({
    en: `unexpected "${token}": expected a status name`,
    ja: `"${token}" の位置にはステータス名が必要です`,
  }),
  gateNotStatus: (token: string): Texts => ({
    en: `"${token}" is not a status name (letters, digits, _ - .)`,
    ja: `"${token}" はステータス名 (英数字と _ - .) ではありません`,
  }),
  gateEmpty: { en: 'is empty: name at least one status, e.g. QA_OK', ja: '空です。ステータスを 1 つ以上指定してください (例: QA_OK)' },
  gateTrailing: (token: string): Texts => ({
    en: `unexpected "${token}" after a complete expression`,
    ja: `完結した式の後に "${token}" があります`,
  }),
} as const;
