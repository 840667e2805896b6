import { z } from 'zod';
import { RESULT, refused } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import type { Texts } from '../i18n/language.js';
import { describeIssues, safeParseInEachLanguage } from '../i18n/zod-issues.js';
import { ownValue } from '../util/own-value.js';
import type { Column, ColumnType } from './columns.js';
import { menuDefinitionSchema, type MenuDefinition } from './definitions.js';

/**
 * Exastro's body of `POST …/create/define/execute/` (its menu-creation editor's), read into a
 * drydock menu definition: `menu.menu_name_rest` is the menu, `menu.menu_name` its title, and each
 * entry of `column` (keyed `c1`, `c2`, … in the editor) a column, in `display_order`. drydock's
 * menus are data sheets: a parameter sheet with hosts or operations (`sheet_type_id` "1" or "3"),
 * and the column classes drydock has no type for (pulldowns, passwords, links, sheet references),
 * are refused naming what to change; column groups (`group`) only arrange the editor's view and are
 * not kept.
 */

/** Exastro's column classes drydock has a type for. */
const TYPE_OF_CLASS: Readonly<Record<string, ColumnType>> = {
  SingleTextColumn: 'string',
  MultiTextColumn: 'string',
  NumColumn: 'integer',
  FloatColumn: 'number',
  DateTimeColumn: 'datetime',
  DateColumn: 'date',
  FileUploadColumn: 'file',
};

const flag = z.union([z.string(), z.boolean(), z.number()]).nullish();
const isOn = (v: z.infer<typeof flag>) => v === true || v === 1 || v === '1' || v === 'True' || v === 'true';

const exastroColumnSchema = z
  .object({
    item_name: z.string().min(1).max(255),
    item_name_rest: z.string(),
    column_class: z.string(),
    required: flag,
    uniqued: flag,
    display_order: z.union([z.number(), z.string()]).nullish(),
    single_string_maximum_bytes: z.union([z.string(), z.number()]).nullish(),
    multi_string_maximum_bytes: z.union([z.string(), z.number()]).nullish(),
  })
  .loose();

/** The body as Exastro's clients send it (its other keys — descriptions, defaults, roles — are taken and not kept). */
export const exastroMenuCreateSchema = z
  .object({
    type: z.string(),
    menu: z
      .object({
        menu_name: z.string().min(1).max(255),
        menu_name_rest: z.string(),
        sheet_type_id: z.union([z.string(), z.number()]).nullish(),
      })
      .loose(),
    column: z.record(z.string(), exastroColumnSchema),
    group: z.record(z.string(), z.unknown()).nullish(),
  })
  .strict();

export type ExastroMenuCreate = z.infer<typeof exastroMenuCreateSchema>;

/** The drydock definition an Exastro menu-creation body stands for, checked as any definition; Exastro's 499-00703 for what drydock cannot create. */
export function definitionFromExastro(body: ExastroMenuCreate): MenuDefinition {
  const cannot = (texts: Texts) => refused(RESULT.menuCreateRefused, texts);
  if (body.type !== 'create_new') throw refused(RESULT.menuCreateType, MESSAGES.menuCreateType.createNewOnly(body.type));
  const sheet = String(body.menu.sheet_type_id ?? '2');
  if (sheet !== '2') throw cannot(MESSAGES.menuCreateRefused.sheetType(sheet));
  const entries = Object.entries(body.column).sort(([, a], [, b]) => Number(a.display_order ?? 0) - Number(b.display_order ?? 0));
  const columns = entries.map(([key, c]): Column => {
    const type = ownValue(TYPE_OF_CLASS, c.column_class);
    if (type === undefined) {
      throw cannot(MESSAGES.menuCreateRefused.columnClass(key, c.item_name_rest, c.column_class, Object.keys(TYPE_OF_CLASS).join(', ')));
    }
    const maxLength = Number(c.single_string_maximum_bytes ?? c.multi_string_maximum_bytes ?? NaN);
    return {
      name: c.item_name_rest,
      type,
      title: c.item_name,
      ...(isOn(c.required) && { required: true }),
      ...(isOn(c.uniqued) && { unique: true }),
      ...(type === 'string' && Number.isInteger(maxLength) && maxLength > 0 && { max_length: Math.min(maxLength, 1_000_000) }),
    };
  });
  const parsed = safeParseInEachLanguage(menuDefinitionSchema, { menu: body.menu.menu_name_rest, title: body.menu.menu_name, columns });
  if (!parsed.success) throw cannot(MESSAGES.menuCreateRefused.definition(describeIssues(parsed.issues, MESSAGES.menuCreateRefused.wholeMenu, '; ')));
  return parsed.data;
}
