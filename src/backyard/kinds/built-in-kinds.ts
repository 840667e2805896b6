import type { Texts } from '../../i18n/language.js';
import type { FamilyName } from './status-families.js';

/**
 * What a backyard kind (a job kind, as Exastro IT Automation calls its backyard services) defines.
 * Its executor is picked by its name: backyard/executors/index.ts maps every built-in name to one,
 * and a name without one does not compile there.
 */
export interface BackyardKind {
  /** The backyard's name: `backyard_jobs.backyard`, the execute-check's key, `drydock worker --backyard`. */
  readonly name: string;
  /** The status family its jobs follow (kinds/status-families.ts). */
  readonly family: FamilyName;
  /**
   * Whether its in-flight jobs count in `execute_count` (and for a drain and a backup). A conductor's
   * do not: the driver jobs it started are counted themselves.
   */
  readonly counted: boolean;
  /** What the console shows beside the name. */
  readonly label: Texts;
  /** Its service in `/api/ita/loglevel-settings/`, by Exastro's name. */
  readonly logService: string;
  /**
   * The Exastro menus whose `…/menu/{menu}/{family route}/…` paths run and control its jobs; the
   * first is the one the console uses. Empty for kinds registered by their own routes.
   */
  readonly menus: readonly string[];
  /** Driver kinds: the `orchestrator` a movement names to run in this backyard. */
  readonly orchestrator: string | null;
}

/**
 * The backyards drydock runs, in name order: the order of the execute-check's keys (the JSON's
 * order) and of every list derived from this one.
 */
export const BUILT_IN_KINDS = [
  {
    name: 'ita-by-ansible-execute',
    family: 'driver',
    counted: true,
    label: { ja: 'Ansible 作業実行', en: 'Ansible run' },
    logService: 'ita-by-ansible-execute',
    // Exastro's execute menus first (the console uses the first), then its status menus.
    menus: [
      'execution_ansible_legacy',
      'execution_ansible_pioneer',
      'execution_ansible_role',
      'execution_ansible_legacy_role',
      'check_operation_status_ansible_legacy',
      'check_operation_status_ansible_pioneer',
      'check_operation_status_ansible_role',
    ],
    orchestrator: 'ansible',
  },
  {
    name: 'ita-by-conductor-synchronize',
    family: 'conductor',
    counted: false,
    label: { ja: 'Conductor 作業実行', en: 'Conductor' },
    logService: 'ita-by-conductor-synchronize',
    menus: ['conductor_list', 'conductor_class_edit', 'conductor_confirmation'],
    orchestrator: null,
  },
  {
    name: 'ita-by-excel-export-import',
    family: 'menu',
    counted: true,
    label: { ja: 'Excel 一括エクスポート・インポート', en: 'Excel export/import' },
    logService: 'ita-by-excel-export-import',
    menus: [],
    orchestrator: null,
  },
  {
    name: 'ita-by-menu-create',
    family: 'menu',
    counted: true,
    label: { ja: 'メニュー作成', en: 'Menu creation' },
    logService: 'ita-by-menu-create',
    menus: [],
    orchestrator: null,
  },
  {
    name: 'ita-by-menu-export-import',
    family: 'menu',
    counted: true,
    label: { ja: 'メニューエクスポート・インポート', en: 'Menu export/import' },
    logService: 'ita-by-menu-export-import',
    menus: [],
    orchestrator: null,
  },
  {
    name: 'ita-by-terraform-cli-execute',
    family: 'driver',
    counted: true,
    label: { ja: 'Terraform CLI 作業実行', en: 'Terraform CLI run' },
    logService: 'ita-by-terraform-cli-execute',
    menus: ['execution_terraform_cli', 'check_operation_status_terraform_cli'],
    orchestrator: 'terraform-cli',
  },
  {
    name: 'ita-by-terraform-cloud-ep-execute',
    family: 'driver',
    counted: true,
    label: { ja: 'Terraform Cloud/EP 作業実行', en: 'Terraform Cloud/EP run' },
    logService: 'ita-by-terraform-cloud-ep-execute',
    menus: ['execution_terraform_cloud_ep', 'check_operation_status_terraform_cloud_ep'],
    orchestrator: 'terraform-cloud-ep',
  },
] as const satisfies readonly BackyardKind[];

/** A built-in backyard's name. */
export type Backyard = (typeof BUILT_IN_KINDS)[number]['name'];

/** The log service of a built-in backyard. */
export type BackyardLogService = (typeof BUILT_IN_KINDS)[number]['logService'];
