import type { Kysely, Transaction } from 'kysely';
import { RESULT, refused } from '../errors.js';
import { joinTexts } from '../i18n/language.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { createMenu, getMenu, type MenuDefinition } from '../menus/definitions.js';
import { loadRecords } from '../menus/records.js';
import type { Database } from '../store/schema.js';
import { ownValue } from '../util/own-value.js';

/**
 * The menus every workspace has from its creation, in which users define what jobs run — as in
 * Exastro, where movements, operations and conductor classes are themselves menus:
 * - `movement_list`: what a driver runs (a playbook, a Terraform module, a Terraform Cloud workspace)
 *   and its delay timer; Exastro's per-driver movement menus are views of it (menus/menu-views.ts);
 * - `operation_list`: one occasion of running it: inventory, variables, and optionally a menu record
 *   whose parameter becomes variables too;
 * - `conductor_class_list`: a conductor's graph of steps (JSON).
 * They are ordinary menus: registered, searched and protected by read-only mode like any other.
 */
export const SYSTEM_MENUS: readonly MenuDefinition[] = [
  {
    menu: 'movement_list',
    title: 'Movements',
    columns: [
      { name: 'movement_name', type: 'string', required: true, unique: true, max_length: 255 },
      { name: 'orchestrator', type: 'string', required: true, max_length: 32 },
      { name: 'playbook', type: 'string', max_length: 1_000_000 },
      { name: 'terraform_files', type: 'string', max_length: 1_000_000 },
      { name: 'tfc_organization', type: 'string', max_length: 255 },
      { name: 'tfc_workspace', type: 'string', max_length: 255 },
      { name: 'delay_timer', type: 'number' },
      // Exastro's (migration 11): how an Ansible movement names its hosts, "IP" or "Host name".
      { name: 'host_specific_format', type: 'string', max_length: 32 },
    ],
  },
  {
    menu: 'operation_list',
    title: 'Operations',
    columns: [
      { name: 'operation_name', type: 'string', required: true, unique: true, max_length: 255 },
      { name: 'inventory', type: 'string', max_length: 100_000 },
      { name: 'variables', type: 'string', max_length: 1_000_000 },
      { name: 'variables_menu', type: 'string', max_length: 64 },
      { name: 'variables_record', type: 'string', max_length: 64 },
      // Exastro's (migration 11): when the operation is meant to run (informational, as in Exastro).
      { name: 'scheduled_date_for_execution', type: 'datetime' },
    ],
  },
  {
    menu: 'conductor_class_list',
    title: 'Conductor classes',
    columns: [
      { name: 'conductor_class_name', type: 'string', required: true, unique: true, max_length: 255 },
      { name: 'definition', type: 'string', required: true, max_length: 1_000_000 },
    ],
  },
];

/** Creates the system menus of a new workspace, in the workspace's creating transaction. */
export async function createSystemMenus(trx: Transaction<Database>, org: string, ws: string): Promise<void> {
  for (const def of SYSTEM_MENUS) await createMenu(trx, org, ws, def);
}

/** Exastro's code for a name a request gives that its system menu lacks. */
const NOT_FOUND_CODE: Partial<Record<string, string>> = {
  movement_list: RESULT.movementNotFound,
  operation_list: RESULT.operationNotFound,
  conductor_class_list: RESULT.conductorCannotRun,
};

/**
 * The active (not discarded) record of a system menu whose `key` column equals `name` — and, given
 * `where`, whose other columns hold those values (a movement of one orchestrator) — or Exastro's
 * refusal naming it.
 */
export async function findSystemRecord(
  db: Kysely<Database>,
  org: string,
  ws: string,
  menu: string,
  key: string,
  name: string,
  where: Readonly<Record<string, string>> = {},
): Promise<Record<string, unknown>> {
  const m = await getMenu(db, org, ws, menu);
  const matches = (p: Record<string, unknown>) => Object.entries(where).every(([column, value]) => ownValue(p, column) === value);
  const record = (await loadRecords(db, m)).find((r) => r.parameter.discard === '0' && ownValue(r.parameter, key) === name && matches(r.parameter));
  if (!record) {
    const also = joinTexts(
      Object.entries(where).map(([c, v]) => MESSAGES.invalidTarget.alsoWith(c, v)),
      '',
    );
    throw refused(ownValue(NOT_FOUND_CODE, menu) ?? RESULT.invalidTarget, MESSAGES.invalidTarget.noActiveRecord(ws, menu, key, name, also));
  }
  return record.parameter;
}

/** The active records of a system menu as `{id, name}` (their uuid and the value of `column`), oldest first. */
export async function activeNames(db: Kysely<Database>, org: string, ws: string, menu: string, column: string): Promise<Array<{ id: string; name: string }>> {
  const records = await loadRecords(db, await getMenu(db, org, ws, menu));
  return records.filter((r) => r.parameter.discard === '0').map((r) => ({ id: r.parameter.uuid, name: String(ownValue(r.parameter, column)) }));
}
