import { ownValue } from '../util/own-value.js';
import { RESERVED_COLUMNS, type Value } from './columns.js';
import type { Menu } from './definitions.js';
import type { RecordView } from './record-view.js';

/**
 * Menus that show part of another menu. Exastro keeps one table of movements and shows it as a menu
 * per driver (`movement_list_ansible_legacy`, `movement_list_terraform_cli`, …); drydock keeps its
 * movements in `movement_list` and shows Exastro's per-driver menus as views of it: the records
 * whose `orchestrator` is the driver's, with the driver's columns. A view is read, searched, counted
 * and maintained like any menu (a Register through it sets the orchestrator); it is not a menu of
 * its own, so it cannot be defined, deleted, exported or imported — `movement_list` is.
 */
export interface MenuView {
  /** The menu it shows part of. */
  readonly of: string;
  readonly title: string;
  /** The records it shows: those whose `column` holds `value` (set by a Register through it). */
  readonly column: string;
  readonly value: string;
  /** The columns it shows, in order (the others stay as they are). */
  readonly columns: readonly string[];
}

/** Exastro's per-driver movement menus, by name (the orchestrators are the driver kinds', backyard/kinds). */
export const MENU_VIEWS: Readonly<Record<string, MenuView>> = {
  movement_list_ansible_legacy: {
    of: 'movement_list',
    title: 'Movement list (Ansible-Legacy)',
    column: 'orchestrator',
    value: 'ansible',
    columns: ['movement_name', 'delay_timer', 'host_specific_format', 'playbook'],
  },
  movement_list_terraform_cli: {
    of: 'movement_list',
    title: 'Movement list (Terraform-CLI)',
    column: 'orchestrator',
    value: 'terraform-cli',
    columns: ['movement_name', 'delay_timer', 'terraform_files'],
  },
  movement_list_terraform_cloud_ep: {
    of: 'movement_list',
    title: 'Movement list (Terraform-Cloud/EP)',
    column: 'orchestrator',
    value: 'terraform-cloud-ep',
    columns: ['movement_name', 'delay_timer', 'tfc_organization', 'tfc_workspace'],
  },
};

/** The view named `name`, if it is one. */
export function menuView(name: string): MenuView | undefined {
  return ownValue(MENU_VIEWS, name);
}

/** A view as a menu: the base menu's id (its records), the view's name, title and columns. */
export function viewMenu(base: Menu, name: string, view: MenuView): Menu {
  return {
    ...base,
    menu: name,
    title: view.title,
    columns: view.columns.flatMap((c) => base.columns.filter((bc) => bc.name === c)),
    view: { column: view.column, value: view.value },
  };
}

/** Whether a record's stored values belong to the menu (always, for a menu that is no view). */
export function shows(menu: Menu, stored: Readonly<Record<string, Value>>): boolean {
  return !menu.view || ownValue(stored, menu.view.column) === menu.view.value;
}

/** A record as the menu shows it: for a view, without the columns it does not show. */
export function asShown<T extends RecordView>(menu: Menu, record: T): T {
  if (!menu.view) return record;
  const shown = new Set(menu.columns.map((c) => c.name));
  const hidden = Object.keys(record.parameter).filter((k) => !shown.has(k) && !SYSTEM_KEYS.has(k));
  const parameter = { ...record.parameter };
  for (const k of hidden) delete (parameter as Record<string, unknown>)[k];
  return { ...record, parameter };
}

/** What a Register through the menu stores besides the values sent: a view's own column. */
export function registeredBy(menu: Menu): Record<string, Value> {
  return menu.view ? { [menu.view.column]: menu.view.value } : {};
}

/** What every record (and history entry) carries besides its columns: a view keeps them. */
const SYSTEM_KEYS = new Set<string>([...RESERVED_COLUMNS, 'journal_id', 'journal_datetime', 'journal_action']);
