import { RESULT, refused } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { textIn, type Language } from '../i18n/language.js';
import type { Column, ColumnType, Value } from './columns.js';
import type { Menu } from './definitions.js';
import type { RecordView } from './record-view.js';
import { ownValue } from '../util/own-value.js';

/**
 * A menu described as Exastro IT Automation's `GET …/menu/{menu}/info/` describes one, for the
 * clients that read it to learn a menu's columns: `menu_info`, `column_info` keyed `c1…` (each with
 * `column_name_rest`, `column_type` and Exastro's "0"/"1" flags), and `column_group_info` (drydock
 * menus have no column groups). drydock's own typed definition is `GET …/menu/{menu}/`.
 */

/** Exastro's column class for each drydock column type (a boolean is a pulldown of True/False there). */
const COLUMN_CLASS: Readonly<Record<ColumnType, string>> = {
  string: 'SingleTextColumn',
  integer: 'NumColumn',
  number: 'FloatColumn',
  boolean: 'IDColumn',
  date: 'DateColumn',
  datetime: 'DateTimeColumn',
  file: 'FileUploadColumn',
};

/** The values a boolean column's pulldown offers, as Exastro's True/False flag master names them. */
const BOOLEAN_CHOICES = { True: 'True', False: 'False' } as const;

/** One column as `column_info` describes it. */
export interface ColumnInfo {
  readonly column_id: string;
  readonly column_name: string;
  readonly column_name_rest: string;
  readonly column_group_id: null;
  readonly column_group_name: null;
  readonly column_type: string;
  readonly column_disp_seq: number;
  readonly description: string;
  readonly ref_table_name: null;
  readonly ref_pkey_name: null;
  readonly ref_col_name: null;
  readonly ref_sort_conditions: null;
  readonly ref_multi_lang: null;
  /** Spelt as Exastro spells it. */
  readonly sensitive_coloumn_name: null;
  readonly col_name: string;
  readonly button_action: null;
  readonly save_type: 'JSON' | null;
  readonly auto_input: '0' | '1';
  readonly input_item: '0' | '1';
  readonly view_item: '0' | '1';
  readonly unique_item: '0' | '1';
  readonly required_item: '0' | '1';
  readonly initial_value: null;
  readonly validate_option: string | null;
  readonly before_validate_register: null;
  readonly after_validate_register: null;
}

/** `GET …/menu/{menu}/info/`. */
export interface MenuInfo {
  readonly menu_info: Record<string, string | number | null | string[]>;
  readonly column_info: Record<string, ColumnInfo>;
  readonly column_group_info: Record<string, never>;
  readonly custom_menu: Record<string, never>;
}

/** A column of the info: a system column or one the menu declares. */
interface InfoColumn {
  readonly rest: string;
  readonly name: { ja: string; en: string };
  readonly type: string;
  readonly system: boolean;
  readonly input: boolean;
  readonly unique: boolean;
  readonly required: boolean;
  readonly validate?: Record<string, number>;
  readonly json: boolean;
}

/** Every column in the order records show them: the id (`Menu.key`), the menu's columns, then the system columns. */
function infoColumns(menu: Menu): InfoColumn[] {
  const system = (rest: string, ja: string, en: string, type: string, input = false): InfoColumn => ({
    rest,
    name: { ja, en },
    type,
    system: true,
    input,
    unique: rest === menu.key,
    required: false,
    json: false,
  });
  return [
    system(menu.key, menu.key === 'uuid' ? 'UUID' : menu.key, menu.key === 'uuid' ? 'UUID' : menu.key, 'SingleTextColumn'),
    ...menu.columns.map((c: Column): InfoColumn => ({
      rest: c.name,
      name: { ja: c.title ?? c.name, en: c.title ?? c.name },
      type: COLUMN_CLASS[c.type],
      system: false,
      input: true,
      unique: c.unique ?? false,
      required: c.required ?? false,
      ...(c.type === 'string' && { validate: { min_length: 0, max_length: c.max_length ?? 4000 } }),
      json: true,
    })),
    system('discard', '廃止', 'Discard', 'SingleTextColumn'),
    system('remarks', '備考', 'Remarks', 'NoteColumn', true),
    system('last_update_date_time', '最終更新日時', 'Last update date/time', 'LastUpdateDateColumn'),
    system('last_updated_user', '最終更新者', 'Last updated by', 'LastUpdateUserColumn'),
  ];
}

const flag = (b: boolean): '0' | '1' => (b ? '1' : '0');

/** The menu as Exastro's info describes it, with names in `language`. */
export function menuInfo(menu: Menu, language: Language): MenuInfo {
  const columns = infoColumns(menu);
  const keys = columns.map((_, i) => `c${i + 1}`);
  const column_info: Record<string, ColumnInfo> = {};
  columns.forEach((c, i) => {
    column_info[keys[i]!] = {
      column_id: `${menu.id}:${c.rest}`,
      column_name: textIn(c.name, language),
      column_name_rest: c.rest,
      column_group_id: null,
      column_group_name: null,
      column_type: c.type,
      column_disp_seq: (i + 1) * 10,
      description: textIn(c.name, language),
      ref_table_name: null,
      ref_pkey_name: null,
      ref_col_name: null,
      ref_sort_conditions: null,
      ref_multi_lang: null,
      sensitive_coloumn_name: null,
      col_name: c.rest.toUpperCase(),
      button_action: null,
      save_type: c.json ? 'JSON' : null,
      auto_input: flag(c.system && !c.input),
      input_item: flag(c.input),
      view_item: '1',
      unique_item: flag(c.unique),
      required_item: flag(c.required),
      initial_value: null,
      validate_option: c.validate ? JSON.stringify(c.validate) : null,
      before_validate_register: null,
      after_validate_register: null,
    };
  });
  return {
    menu_info: {
      menu_info: menu.title,
      menu_group_id: null,
      menu_group_name: null,
      parent_menu_group_id: null,
      parent_menu_group_name: null,
      menu_id: menu.id,
      menu_name: menu.title,
      menu_name_rest: menu.menu,
      // A data sheet: records without host or operation.
      sheet_type: '2',
      history_table_flag: '1',
      table_name: null,
      view_name: null,
      pk_column_name_rest: menu.key,
      inherit: '0',
      vertical: '0',
      row_insert_flag: '1',
      row_update_flag: '1',
      row_disuse_flag: '1',
      row_reuse_flag: '1',
      row_delete_flag: '1',
      login_necessity: null,
      auto_filter_flg: '1',
      initial_filter_flg: '0',
      web_print_limit: null,
      web_print_confirm: null,
      xls_print_limit: null,
      sort_key: null,
      privilege: '1',
      columns: keys,
      columns_input: keys.filter((_, i) => columns[i]!.input),
      columns_view: keys,
    },
    column_info,
    column_group_info: {},
    custom_menu: {},
  };
}

/** `GET …/info/column/`: each column's REST name and its name in `language`, in display order. */
export function columnNames(menu: Menu, language: Language): Record<string, string> {
  return Object.fromEntries(infoColumns(menu).map((c) => [c.rest, textIn(c.name, language)]));
}

/** `GET …/info/pulldown/`: the choices of each pulldown column (drydock's are its booleans). */
export function pulldowns(menu: Menu): Record<string, Record<string, string>> {
  return Object.fromEntries(menu.columns.filter((c) => c.type === 'boolean').map((c) => [c.name, { ...BOOLEAN_CHOICES }]));
}

/**
 * `GET …/info/search/candidates/{column}/`: the distinct values the column holds, in the order
 * records first show them (what a search field offers). A column the menu lacks is Exastro's
 * 499-00006.
 */
export function searchCandidates(menu: Menu, records: readonly RecordView[], column: string): Value[] {
  if (!infoColumns(menu).some((c) => c.rest === column)) {
    throw refused(RESULT.columnNotFound, MESSAGES.columnNotFound.noSuchColumn(menu.menu, column));
  }
  const seen = new Map<string, Value>();
  for (const r of records) {
    const value = ownValue(r.parameter as Record<string, Value>, column) ?? null;
    if (value === null || value === undefined || value === '') continue;
    const key = JSON.stringify(value);
    if (!seen.has(key)) seen.set(key, value);
  }
  return [...seen.values()];
}

/** The one menu group drydock's menus are in, where Exastro's lists show menu groups. */
export const MENU_GROUP = { id: 'drydock-menus', name: { ja: 'メニュー', en: 'Menus' } } as const;

/** `GET …/user/menus/`: the workspace's menus as Exastro's menu groups list them (drydock's menus are in one group). */
export function userMenus(menus: readonly Menu[], language: Language) {
  return {
    menu_groups: [
      {
        parent_id: null,
        id: MENU_GROUP.id,
        menu_group_name: textIn(MENU_GROUP.name, language),
        disp_seq: 10,
        menus: menus.map((m, i) => ({ id: m.id, menu_name: m.title, menu_name_rest: m.menu, disp_seq: (i + 1) * 10 })),
      },
    ],
  };
}
