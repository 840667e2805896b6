import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { RESULT, conflict, refused } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { nowTimestamp } from '../store/clock.js';
import type { Database, MenusTable } from '../store/schema.js';
import { parseJson } from '../store/store.js';
import { columnSchema, type Column } from './columns.js';
import { menuView, viewMenu } from './menu-views.js';
import { ownValue } from '../util/own-value.js';

/** A menu name as it appears in URLs. */
export const menuNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower-case letters, digits or _ and start with a letter (at most 64)');

/** Body of a menu definition. */
export const menuDefinitionSchema = z
  .object({
    menu: menuNameSchema,
    title: z.string().min(1).max(255),
    columns: z
      .array(columnSchema)
      .min(1, 'a menu needs at least one column')
      .max(500)
      .refine((cols) => new Set(cols.map((c) => c.name)).size === cols.length, 'column names must be unique'),
  })
  .strict();

export type MenuDefinition = z.infer<typeof menuDefinitionSchema>;

/** The schema step that added file columns' storage (migration 10). */
export const FILE_COLUMNS_SCHEMA = 10;

/** A menu as stored. */
export interface Menu {
  readonly id: string;
  readonly organization_id: string;
  readonly workspace_id: string;
  readonly menu: string;
  readonly title: string;
  readonly columns: Column[];
  readonly last_update_timestamp: string;
  /** For a view of another menu (menus/menu-views.ts): which of its records it shows. */
  readonly view?: { readonly column: string; readonly value: string };
  /**
   * The name under which its records carry their id: `uuid`, as in Exastro's parameter sheets,
   * except in the system menus, which use Exastro's names (`operation_id`, `movement_id`, …).
   */
  readonly key: string;
}

/**
 * The system menus' record keys, as Exastro names them (its `pk_column_name_rest`). Only system
 * menus are here: every workspace has them, so no menu of a user's can carry one of these names.
 */
const RECORD_KEYS: Readonly<Record<string, string>> = {
  operation_list: 'operation_id',
  movement_list: 'movement_id',
  conductor_class_list: 'conductor_class_id',
};

/** The name of a menu's record id (see `Menu.key`). */
export function recordKeyOf(menu: string): string {
  return ownValue(RECORD_KEYS, menu) ?? 'uuid';
}

export async function listMenus(db: Kysely<Database>, org: string, ws: string): Promise<Menu[]> {
  const rows = await db.selectFrom('menus').selectAll().where('organization_id', '=', org).where('workspace_id', '=', ws).orderBy('name').execute();
  return rows.map(toMenu);
}

/**
 * The named menus that exist in a workspace, by name: the one "which of these menus exist" query,
 * for a single name as for a list (a name the workspace lacks is absent from the map).
 */
export async function findMenus(db: Kysely<Database>, org: string, ws: string, names: readonly string[]): Promise<Map<string, Menu>> {
  if (names.length === 0) return new Map();
  const rows = await db
    .selectFrom('menus')
    .selectAll()
    .where('organization_id', '=', org)
    .where('workspace_id', '=', ws)
    .where('name', 'in', [...names])
    .execute();
  return new Map(rows.map((r) => [r.name, toMenu(r)]));
}

/** A menu of a workspace; otherwise Exastro's "no such menu" (499-00002). */
export async function getMenu(db: Kysely<Database>, org: string, ws: string, name: string): Promise<Menu> {
  const view = menuView(name);
  const menu = (await findMenus(db, org, ws, [view?.of ?? name])).get(view?.of ?? name);
  if (!menu) throw menuNotFound(ws, name);
  return view ? viewMenu(menu, name, view) : menu;
}

/** Creates a menu inside the caller's gated transaction; a name the workspace has is a 409. */
export async function createMenu(trx: Transaction<Database>, org: string, ws: string, def: MenuDefinition): Promise<Menu> {
  if ((await findMenus(trx, org, ws, [def.menu])).has(def.menu)) throw conflict(MESSAGES.conflict.menuExists(def.menu, ws));
  if (menuView(def.menu)) throw conflict(MESSAGES.conflict.menuNameIsView(def.menu, menuView(def.menu)!.of));
  if (def.columns.some((c) => c.type === 'file')) {
    // File columns need the tables of migration 10; during an upgrade this release may still run on an earlier schema.
    const schema = await trx
      .selectFrom('schema_migrations')
      .select((eb) => eb.fn.max('version').as('v'))
      .executeTakeFirst();
    if (Number(schema?.v ?? 0) < FILE_COLUMNS_SCHEMA) {
      throw conflict(MESSAGES.conflict.fileColumnsNeedSchema(FILE_COLUMNS_SCHEMA, def.menu));
    }
  }
  const now = nowTimestamp();
  const row: MenusTable = {
    id: randomUUID(),
    organization_id: org,
    workspace_id: ws,
    name: def.menu,
    title: def.title,
    columns: JSON.stringify(def.columns),
    created_at: now,
    last_update_timestamp: now,
  };
  await trx.insertInto('menus').values(row).execute();
  return toMenu(row);
}

export async function deleteMenu(trx: Transaction<Database>, org: string, ws: string, name: string): Promise<void> {
  const r = await trx.deleteFrom('menus').where('organization_id', '=', org).where('workspace_id', '=', ws).where('name', '=', name).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw menuNotFound(ws, name);
}

const menuNotFound = (ws: string, name: string) => refused(RESULT.menuNotFound, MESSAGES.menuNotFound.menuNotFound(ws, name));

function toMenu(r: MenusTable): Menu {
  return {
    id: r.id,
    organization_id: r.organization_id,
    workspace_id: r.workspace_id,
    menu: r.name,
    title: r.title,
    columns: parseJson<Column[]>(r.columns),
    last_update_timestamp: r.last_update_timestamp,
    key: recordKeyOf(r.name),
  };
}
