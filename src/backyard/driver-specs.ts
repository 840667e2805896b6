import type { Kysely } from 'kysely';
import { z } from 'zod';
import { badRequest } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import type { Texts } from '../i18n/language.js';
import { getMenu } from '../menus/definitions.js';
import { loadRecords } from '../menus/records.js';
import type { Database } from '../store/schema.js';
import { backyardKinds, type Backyard } from './kinds/registry.js';
import { findSystemRecord } from './system-menus.js';

const DRIVER_KINDS = backyardKinds().filter((k) => k.family === 'driver');

/** Exastro's execution menus, each naming the driver that runs it (the driver kinds' `menus`). */
export const DRIVER_MENUS: Readonly<Record<string, Backyard>> = Object.fromEntries(
  DRIVER_KINDS.flatMap((k) => k.menus.map((menu) => [menu, k.name as Backyard])),
);

/** The `orchestrator` a movement must name to run in a backyard (the driver kinds' `orchestrator`). */
export const ORCHESTRATOR_OF: Partial<Record<Backyard, string>> = Object.fromEntries(
  DRIVER_KINDS.flatMap((k) => (k.orchestrator === null ? [] : [[k.name, k.orchestrator]])),
);

/** What a driver job runs, frozen at registration so later edits of the menus do not change it. */
export interface DriverSpec {
  readonly movement_name: string;
  readonly operation_name: string;
  readonly variables: Record<string, unknown>;
  /** Ansible: the playbook's YAML and the inventory. */
  readonly playbook?: string;
  readonly inventory?: string;
  /** Terraform CLI: file name → content of the module. */
  readonly terraform_files?: Record<string, string>;
  /** Terraform Cloud/EP: where to run. */
  readonly tfc_organization?: string;
  readonly tfc_workspace?: string;
  /** How it runs (absent: a normal execution); see DriverMode. */
  readonly mode?: DriverMode;
}

/**
 * Exastro's other ways of running a movement, each registered by its own route:
 * - `dry_run` (`…/driver/execute_dry_run/`): look, change nothing — Ansible's check mode
 *   (`--check --diff`), Terraform's plan without apply (a plan-only run in Terraform Cloud/EP);
 * - `parameter_check` (`…/driver/execute_check_parameter/`): prepare the input (the files and
 *   variables `populated_data` hands out) and run nothing.
 */
export type DriverMode = 'dry_run' | 'parameter_check';

/** How a driver execution runs: Exastro's execution types, named per driver. */
export function executionTypeOf(spec: DriverSpec, backyard: Backyard): Texts {
  switch (spec.mode) {
    case undefined:
      return { en: 'Normal', ja: '通常' };
    case 'dry_run':
      return backyard === 'ita-by-ansible-execute' ? { en: 'Dry run', ja: 'ドライラン' } : { en: 'Plan confirmation', ja: 'Plan確認' };
    case 'parameter_check':
      return { en: 'Parameter confirmation', ja: 'パラメータ確認' };
  }
}

const filesSchema = z.record(z.string().regex(/^[A-Za-z0-9_.-]+\.tf(vars)?$/, 'file names must be *.tf or *.tfvars'), z.string());

/**
 * Builds a driver job's spec from the workspace's movement and operation (and the operation's
 * variables record, if it names one). Every problem is a 400 naming what to fix.
 */
export async function buildDriverSpec(
  db: Kysely<Database>,
  org: string,
  ws: string,
  backyard: Backyard,
  movementName: string,
  operationName: string,
): Promise<{ spec: DriverSpec; delayMinutes: number | null }> {
  // As in Exastro, a movement is looked up among the driver's own (499-00901 otherwise).
  const expected = ORCHESTRATOR_OF[backyard];
  if (expected === undefined) throw badRequest(MESSAGES.invalidRequest.notADriver(backyard));
  const movement = await findSystemRecord(db, org, ws, 'movement_list', 'movement_name', movementName, { orchestrator: expected });
  const operation = await findSystemRecord(db, org, ws, 'operation_list', 'operation_name', operationName);
  const variables = { ...(await recordVariables(db, org, ws, operation)), ...parseVariables(operation.variables, operationName) };
  const base = { movement_name: movementName, operation_name: operationName, variables };
  const delayMinutes = typeof movement.delay_timer === 'number' ? movement.delay_timer : null;
  switch (backyard) {
    case 'ita-by-ansible-execute': {
      if (typeof movement.playbook !== 'string' || movement.playbook.trim() === '') {
        throw badRequest(MESSAGES.invalidRequest.movementNoPlaybook(movementName));
      }
      const inventory = typeof operation.inventory === 'string' && operation.inventory.trim() !== '' ? operation.inventory : 'localhost,';
      return { spec: { ...base, playbook: movement.playbook, inventory }, delayMinutes };
    }
    case 'ita-by-terraform-cli-execute': {
      let files: unknown;
      try {
        // A text column holds the JSON; a JSON value is taken as it is.
        const raw = movement.terraform_files;
        files = typeof raw === 'string' ? JSON.parse(raw) : raw;
      } catch {
        throw badRequest(MESSAGES.invalidRequest.terraformFilesNotJson(movementName));
      }
      const parsed = filesSchema.safeParse(files);
      if (!parsed.success || Object.keys(parsed.data).length === 0) {
        throw badRequest(MESSAGES.invalidRequest.terraformFilesNotTf(movementName));
      }
      return { spec: { ...base, terraform_files: parsed.data }, delayMinutes };
    }
    case 'ita-by-terraform-cloud-ep-execute': {
      if (typeof movement.tfc_organization !== 'string' || typeof movement.tfc_workspace !== 'string') {
        throw badRequest(MESSAGES.invalidRequest.movementNeedsTfc(movementName));
      }
      return {
        spec: { ...base, tfc_organization: movement.tfc_organization, tfc_workspace: movement.tfc_workspace },
        delayMinutes,
      };
    }
    default:
      throw badRequest(MESSAGES.invalidRequest.notADriver(backyard));
  }
}

function parseVariables(text: unknown, operationName: string): Record<string, unknown> {
  if (text === null || text === undefined || text === '') return {};
  try {
    const value: unknown = typeof text === 'string' ? JSON.parse(text) : text;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw badRequest(MESSAGES.invalidRequest.operationVariablesNotObject(operationName));
}

/** Variables from the menu record an operation names: the record's columns, without system columns. */
async function recordVariables(db: Kysely<Database>, org: string, ws: string, operation: Record<string, unknown>): Promise<Record<string, unknown>> {
  const menuName = operation.variables_menu;
  const recordId = operation.variables_record;
  if (typeof menuName !== 'string' || menuName === '' || typeof recordId !== 'string' || recordId === '') return {};
  const menu = await getMenu(db, org, ws, menuName);
  const record = (await loadRecords(db, menu)).find((r) => r.parameter.uuid === recordId);
  if (!record) throw badRequest(MESSAGES.invalidRequest.operationRecordMissing(String(operation.operation_name), recordId, menuName));
  const { uuid: _u, discard: _d, last_update_date_time: _t, last_updated_user: _l, ...columns } = record.parameter;
  return columns;
}

/** Exastro's schedule_date "YYYY/MM/DD hh:mm" (UTC) → canonical timestamp; it must be in the future. */
export function parseScheduleDate(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  const ms = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0)) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).getUTCDate() !== +m[3]!) {
    throw badRequest(MESSAGES.invalidRequest.scheduleDateInvalid(text));
  }
  if (ms <= Date.now()) throw badRequest(MESSAGES.invalidRequest.scheduleDatePast(text));
  return new Date(ms).toISOString().replace('Z', '000Z');
}
