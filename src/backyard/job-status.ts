import type { Language } from '../maintenance/write-functions.js';
import { ownValue } from '../lookup.js';

/**
 * The backyards (job kinds) and their status masters, as Exastro IT Automation names them. The names
 * and ids are a public contract: scripts and the execute-check show them as they are here.
 */
export const BACKYARDS = [
  'ita-by-ansible-execute',
  'ita-by-conductor-synchronize',
  'ita-by-excel-export-import',
  'ita-by-menu-create',
  'ita-by-menu-export-import',
  'ita-by-terraform-cli-execute',
  'ita-by-terraform-cloud-ep-execute',
] as const;
export type Backyard = (typeof BACKYARDS)[number];

/** Status families: each backyard uses one master. */
export type StatusFamily = 'driver' | 'conductor' | 'menu';

export const FAMILY_OF: Record<Backyard, StatusFamily> = {
  'ita-by-ansible-execute': 'driver',
  'ita-by-terraform-cli-execute': 'driver',
  'ita-by-terraform-cloud-ep-execute': 'driver',
  'ita-by-conductor-synchronize': 'conductor',
  'ita-by-menu-create': 'menu',
  'ita-by-menu-export-import': 'menu',
  'ita-by-excel-export-import': 'menu',
};

/**
 * Whether a backyard's in-flight jobs count in `execute_count`. A conductor does not: the driver
 * jobs it started are counted themselves.
 */
export const COUNTED: Record<Backyard, boolean> = {
  'ita-by-ansible-execute': true,
  'ita-by-terraform-cli-execute': true,
  'ita-by-terraform-cloud-ep-execute': true,
  'ita-by-conductor-synchronize': false,
  'ita-by-menu-create': true,
  'ita-by-menu-export-import': true,
  'ita-by-excel-export-import': true,
};

type Master = Readonly<Record<string, { readonly ja: string; readonly en: string }>>;

/**
 * Driver jobs (Ansible, Terraform):
 * 1 Unexecuted → 2 Preparing → 3 Executing → 4 Executing (delayed) → 5 Completed | 6 Completed (error) | 7 Unexpected error | 8 Emergency stop;
 * 9 Unexecuted (scheduled) → 1 when due, or → 10 Schedule cancelled.
 */
const DRIVER: Master = {
  '1': { ja: '未実行', en: 'Unexecuted' },
  '2': { ja: '準備中', en: 'Preparing' },
  '3': { ja: '実行中', en: 'Executing' },
  '4': { ja: '実行中(遅延)', en: 'Executing (delayed)' },
  '5': { ja: '完了', en: 'Completed' },
  '6': { ja: '完了(異常)', en: 'Completed (error)' },
  '7': { ja: '想定外エラー', en: 'Unexpected error' },
  '8': { ja: '緊急停止', en: 'Emergency stop' },
  '9': { ja: '未実行(予約)', en: 'Unexecuted (scheduled)' },
  '10': { ja: '予約取消', en: 'Schedule cancelled' },
};

/**
 * Conductors: 1 Unexecuted, 2 Unexecuted (scheduled) → 3 Executing ⇄ 5 Pause; 3 → 4 Executing (delayed);
 * ends in 6 Normal end | 7 Abend | 8 Warning end | 9 Emergency stop | 10 Schedule cancelled | 11 Unexpected error.
 */
const CONDUCTOR: Master = {
  '1': { ja: '未実行', en: 'Unexecuted' },
  '2': { ja: '未実行(予約)', en: 'Unexecuted (scheduled)' },
  '3': { ja: '実行中', en: 'Executing' },
  '4': { ja: '実行中(遅延)', en: 'Executing (delayed)' },
  '5': { ja: '一時停止', en: 'Pause' },
  '6': { ja: '正常終了', en: 'Normal end' },
  '7': { ja: '異常終了', en: 'Abend' },
  '8': { ja: '警告終了', en: 'Warning end' },
  '9': { ja: '緊急停止', en: 'Emergency stop' },
  '10': { ja: '予約取消', en: 'Schedule cancelled' },
  '11': { ja: '想定外エラー', en: 'Unexpected error' },
};

/** Menu create, menu export/import, Excel export/import: 1 Unexecuted → 2 Executing → 3 Completed | 4 Completed (error). */
const MENU: Master = {
  '1': { ja: '未実行', en: 'Unexecuted' },
  '2': { ja: '実行中', en: 'Executing' },
  '3': { ja: '完了', en: 'Completed' },
  '4': { ja: '完了(異常)', en: 'Completed (error)' },
};

export const STATUS_MASTER: Record<StatusFamily, Master> = { driver: DRIVER, conductor: CONDUCTOR, menu: MENU };

/** Statuses that count as in flight, per family. */
export const IN_FLIGHT: Record<StatusFamily, readonly string[]> = {
  driver: ['2', '3', '4'],
  conductor: ['3', '4', '5'],
  menu: ['2'],
};

/** Named statuses, so code says `DRIVER_STATUS.executing` instead of `'3'`. */
export const DRIVER_STATUS = {
  unexecuted: '1',
  preparing: '2',
  executing: '3',
  delayed: '4',
  completed: '5',
  completedError: '6',
  unexpectedError: '7',
  emergencyStop: '8',
  scheduled: '9',
  scheduleCancelled: '10',
} as const;

export const CONDUCTOR_STATUS = {
  unexecuted: '1',
  scheduled: '2',
  executing: '3',
  delayed: '4',
  paused: '5',
  normalEnd: '6',
  abend: '7',
  warningEnd: '8',
  emergencyStop: '9',
  scheduleCancelled: '10',
  unexpectedError: '11',
} as const;

export const MENU_STATUS = { unexecuted: '1', executing: '2', completed: '3', completedError: '4' } as const;

export function isInFlight(backyard: Backyard, statusId: string): boolean {
  return IN_FLIGHT[FAMILY_OF[backyard]].includes(statusId);
}

export function statusName(backyard: Backyard, statusId: string, language: Language): string {
  return ownValue(STATUS_MASTER[FAMILY_OF[backyard]], statusId)?.[language] ?? statusId;
}
