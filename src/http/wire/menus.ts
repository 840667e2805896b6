import { z } from 'zod';
import { columnSchema } from '../../menus/columns.js';
import { timestampSchema } from './common.js';

/** A stored value: JSON scalars only. */
export const valueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A menu (parameter sheet): its name, title and typed columns. */
export const menuSchema = z.strictObject({
  id: z.string(),
  organization_id: z.string(),
  workspace_id: z.string(),
  menu: z.string(),
  title: z.string(),
  columns: z.array(columnSchema),
  last_update_timestamp: timestampSchema,
  /** The name its records carry their id under: `uuid`, or Exastro's name in a system menu (`operation_id`, `movement_id`, …). */
  key: z.string(),
  /** A view of another menu (Exastro's per-driver movement menus): which of its records it shows. */
  view: z.strictObject({ column: z.string(), value: z.string() }).optional(),
});

/** A record as Exastro returns it: the row (its columns' values and the system columns), and its file columns' contents in base64 (empty with `?file=no`). */
export const menuRecordSchema = z.strictObject({
  parameter: z
    .object({
      /** The record's id; in the system menus it is named as Exastro names it (`operation_id`, `movement_id`, …: the menu's `key`). */
      uuid: z.string().optional(),
      discard: z.enum(['0', '1']),
      remarks: z.string().nullable(),
      /** Exastro's form: `YYYY/MM/DD hh:mm:ss.ffffff`. */
      last_update_date_time: z.string(),
      last_updated_user: z.string(),
    })
    .catchall(valueSchema),
  file: z.record(z.string(), z.string().nullable()),
});

/** `POST …/maintenance/all/`: counts per type (after `discard` decided Discard or Restore) and the uuid each item touched, in order. */
export const batchResultSchema = z.strictObject({
  Register: z.number().int(),
  Update: z.number().int(),
  Restore: z.number().int(),
  Discard: z.number().int(),
  Delete: z.number().int(),
  IdList: z.array(z.string()),
});

/** `POST …/maintenance/` and `PATCH …/maintenance/{uuid}/`: the counts alone, as Exastro answers the one-record calls. */
export const recordCountsSchema = batchResultSchema.omit({ IdList: true });

/** `GET …/filter/journal/{uuid}/`: the record after each of its changes, newest first. */
export const journalEntrySchema = z.strictObject({
  parameter: menuRecordSchema.shape.parameter.extend({
    journal_id: z.string(),
    /** When the change was made, in Exastro's form `YYYY/MM/DD hh:mm:ss.ffffff`. */
    journal_datetime: z.string(),
    journal_action: z.enum(['INSERT', 'UPDATE']),
  }),
  file: z.record(z.string(), z.string().nullable()),
});

const flagSchema = z.enum(['0', '1']);

/** One column of Exastro's menu info (`column_info.cN`). */
export const columnInfoSchema = z.strictObject({
  column_id: z.string(),
  column_name: z.string(),
  column_name_rest: z.string(),
  column_group_id: z.null(),
  column_group_name: z.null(),
  column_type: z.string(),
  column_disp_seq: z.number().int(),
  description: z.string(),
  ref_table_name: z.null(),
  ref_pkey_name: z.null(),
  ref_col_name: z.null(),
  ref_sort_conditions: z.null(),
  ref_multi_lang: z.null(),
  sensitive_coloumn_name: z.null(),
  col_name: z.string(),
  button_action: z.null(),
  save_type: z.enum(['JSON']).nullable(),
  auto_input: flagSchema,
  input_item: flagSchema,
  view_item: flagSchema,
  unique_item: flagSchema,
  required_item: flagSchema,
  initial_value: z.null(),
  validate_option: z.string().nullable(),
  before_validate_register: z.null(),
  after_validate_register: z.null(),
});

/** `GET …/menu/{menu}/info/`: the menu as Exastro IT Automation describes one. */
export const menuInfoSchema = z.strictObject({
  menu_info: z.record(z.string(), z.union([z.string(), z.number(), z.null(), z.array(z.string())])),
  column_info: z.record(z.string(), columnInfoSchema),
  column_group_info: z.strictObject({}),
  custom_menu: z.strictObject({}),
});

/** `GET …/info/column/`: REST name → the column's name. */
export const columnNamesSchema = z.record(z.string(), z.string());
/** `GET …/info/pulldown/`: REST name → {id: label} of each pulldown column. */
export const pulldownsSchema = z.record(z.string(), z.record(z.string(), z.string()));
/** `GET …/info/search/candidates/{column}/`: the distinct values the column holds. */
export const searchCandidatesSchema = z.array(valueSchema);
