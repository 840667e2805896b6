/**
 * The status families: each backyard kind follows one (kinds/built-in-kinds.ts says which). A family
 * is data — its statuses as Exastro IT Automation numbers and names them, which of them count as in
 * flight, where the claim and the reaper put a job, and every move between statuses the code makes —
 * and everything else derives from it: the API's status names, the execute-check's in-flight
 * statuses, the claim, the reaper, the console's buttons, the benchmarks' data. The ids and names
 * are a public contract: scripts and the execute-check show them as they are here.
 *
 * This module and the others in kinds/ import nothing from the server but the leaf `i18n/language.ts`:
 * the console (web/) imports them as they are.
 */
import { textIn, type Language, type Texts } from '../../i18n/language.js';

/**
 * What a status family defines. `S` maps each status's key (`executing`) to its id (`'3'`), the form
 * stored in `status_id` and shown by the API.
 */
export interface StatusFamily<S extends Readonly<Record<string, string>> = Readonly<Record<string, string>>> {
  readonly name: string;
  readonly status: S;
  readonly names: { readonly [K in keyof S]: Texts };
  /**
   * Where every job starts. Always `'1'`: the claim statement selects `status_id = '1'` in SQL
   * (store/job-claim.ts and migration 006's `drydock_claim`), and the partial index
   * `backyard_jobs_claimable` covers `'1'`, `'2'` and `'9'` (migration 002).
   */
  readonly unexecuted: '1';
  /** Where a job registered with a start time waits until it is due; null when the family has none. */
  readonly scheduled: S[keyof S] | null;
  /** Where the claim puts a job (from Unexecuted, or from scheduled once due). */
  readonly claimed: S[keyof S];
  /** The statuses a job is in flight in: the execute-check lists them, a drain waits for them. */
  readonly inFlight: readonly S[keyof S][];
  /** Where the reaper (and a worker that gives up a job) ends a job whose worker is gone. */
  readonly lost: S[keyof S];
  /** Where an emergency stop ends a job that has not started; null when the family has no stop. */
  readonly emergencyStop: S[keyof S] | null;
  /** A job still executing when its delay timer runs out moves from `executing` to `delayed` (the worker's timer). */
  readonly delay: { readonly executing: S[keyof S]; readonly delayed: S[keyof S] } | null;
  /**
   * Every move a job of this family may make: from a status to the statuses listed under it. A
   * status with no entry is terminal. `transition()` refuses any other move (a compile error where
   * the statuses are literals, an IllegalTransitionError at run time).
   */
  readonly transitions: { readonly [Id in S[keyof S]]?: readonly S[keyof S][] };
  /** The API path segment of the family's cancel and emergency stop (`…/menu/{menu}/driver/{id}/scram/`); null when it has none. */
  readonly route: 'driver' | 'conductor' | null;
}

const driverStatus = {
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

/**
 * Driver jobs (Ansible, Terraform): 1 Unexecuted, or 9 Unexecuted (scheduled) until due → claimed
 * into 2 Preparing → 3 Executing (4 Executing (delayed) once the movement's delay timer has run out,
 * straight from 2 if it ran out while preparing) → 5 Completed | 6 Completed (error) | 7 Unexpected
 * error | 8 Emergency stop. Not yet started: 1 or 9 → 8 (emergency stop), 9 → 10 Schedule cancelled.
 */
const DRIVER = {
  name: 'driver',
  status: driverStatus,
  names: {
    unexecuted: { ja: '未実行', en: 'Unexecuted' },
    preparing: { ja: '準備中', en: 'Preparing' },
    executing: { ja: '実行中', en: 'Executing' },
    delayed: { ja: '実行中(遅延)', en: 'Executing (delayed)' },
    completed: { ja: '完了', en: 'Completed' },
    completedError: { ja: '完了(異常)', en: 'Completed (error)' },
    unexpectedError: { ja: '想定外エラー', en: 'Unexpected error' },
    emergencyStop: { ja: '緊急停止', en: 'Emergency stop' },
    scheduled: { ja: '未実行(予約)', en: 'Unexecuted (scheduled)' },
    scheduleCancelled: { ja: '予約取消', en: 'Schedule cancelled' },
  },
  unexecuted: driverStatus.unexecuted,
  scheduled: driverStatus.scheduled,
  claimed: driverStatus.preparing,
  inFlight: [driverStatus.preparing, driverStatus.executing, driverStatus.delayed],
  lost: driverStatus.unexpectedError,
  emergencyStop: driverStatus.emergencyStop,
  delay: { executing: driverStatus.executing, delayed: driverStatus.delayed },
  transitions: {
    [driverStatus.unexecuted]: [driverStatus.preparing, driverStatus.emergencyStop],
    [driverStatus.scheduled]: [driverStatus.preparing, driverStatus.emergencyStop, driverStatus.scheduleCancelled],
    [driverStatus.preparing]: [
      driverStatus.executing,
      driverStatus.delayed,
      driverStatus.completed,
      driverStatus.completedError,
      driverStatus.unexpectedError,
      driverStatus.emergencyStop,
    ],
    [driverStatus.executing]: [
      driverStatus.delayed,
      driverStatus.completed,
      driverStatus.completedError,
      driverStatus.unexpectedError,
      driverStatus.emergencyStop,
    ],
    [driverStatus.delayed]: [driverStatus.completed, driverStatus.completedError, driverStatus.unexpectedError, driverStatus.emergencyStop],
  },
  route: 'driver',
} as const satisfies StatusFamily<typeof driverStatus>;

const conductorStatus = {
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

const CONDUCTOR_ENDS = [
  conductorStatus.normalEnd,
  conductorStatus.abend,
  conductorStatus.warningEnd,
  conductorStatus.emergencyStop,
  conductorStatus.unexpectedError,
] as const;

/**
 * Conductors: 1 Unexecuted, or 2 Unexecuted (scheduled) until due → claimed into 3 Executing ⇄
 * 5 Pause (at a pause node; resumed by the API); 3 → 4 Executing (delayed) once a node is delayed,
 * and 4 → 5 at a pause node; ends in 6 Normal end | 7 Abend | 8 Warning end | 9 Emergency stop |
 * 11 Unexpected error. Not yet started: 1 or 2 → 9 (emergency stop), 2 → 10 Schedule cancelled.
 */
const CONDUCTOR = {
  name: 'conductor',
  status: conductorStatus,
  names: {
    unexecuted: { ja: '未実行', en: 'Unexecuted' },
    scheduled: { ja: '未実行(予約)', en: 'Unexecuted (scheduled)' },
    executing: { ja: '実行中', en: 'Executing' },
    delayed: { ja: '実行中(遅延)', en: 'Executing (delayed)' },
    paused: { ja: '一時停止', en: 'Pause' },
    normalEnd: { ja: '正常終了', en: 'Normal end' },
    abend: { ja: '異常終了', en: 'Abend' },
    warningEnd: { ja: '警告終了', en: 'Warning end' },
    emergencyStop: { ja: '緊急停止', en: 'Emergency stop' },
    scheduleCancelled: { ja: '予約取消', en: 'Schedule cancelled' },
    unexpectedError: { ja: '想定外エラー', en: 'Unexpected error' },
  },
  unexecuted: conductorStatus.unexecuted,
  scheduled: conductorStatus.scheduled,
  claimed: conductorStatus.executing,
  inFlight: [conductorStatus.executing, conductorStatus.delayed, conductorStatus.paused],
  lost: conductorStatus.unexpectedError,
  emergencyStop: conductorStatus.emergencyStop,
  delay: null,
  transitions: {
    [conductorStatus.unexecuted]: [conductorStatus.executing, conductorStatus.emergencyStop],
    [conductorStatus.scheduled]: [conductorStatus.executing, conductorStatus.emergencyStop, conductorStatus.scheduleCancelled],
    [conductorStatus.executing]: [conductorStatus.delayed, conductorStatus.paused, ...CONDUCTOR_ENDS],
    [conductorStatus.delayed]: [conductorStatus.paused, ...CONDUCTOR_ENDS],
    [conductorStatus.paused]: [conductorStatus.executing, ...CONDUCTOR_ENDS],
  },
  route: 'conductor',
} as const satisfies StatusFamily<typeof conductorStatus>;

const menuStatus = { unexecuted: '1', executing: '2', completed: '3', completedError: '4' } as const;

/**
 * Menu create, menu export/import, Excel export/import: 1 Unexecuted → claimed into 2 Executing →
 * 3 Completed | 4 Completed (error) (also where a lost job ends). No schedule, no emergency stop.
 */
const MENU = {
  name: 'menu',
  status: menuStatus,
  names: {
    unexecuted: { ja: '未実行', en: 'Unexecuted' },
    executing: { ja: '実行中', en: 'Executing' },
    completed: { ja: '完了', en: 'Completed' },
    completedError: { ja: '完了(異常)', en: 'Completed (error)' },
  },
  unexecuted: menuStatus.unexecuted,
  scheduled: null,
  claimed: menuStatus.executing,
  inFlight: [menuStatus.executing],
  lost: menuStatus.completedError,
  emergencyStop: null,
  delay: null,
  transitions: {
    [menuStatus.unexecuted]: [menuStatus.executing],
    [menuStatus.executing]: [menuStatus.completed, menuStatus.completedError],
  },
  route: null,
} as const satisfies StatusFamily<typeof menuStatus>;

/** Every status family by name. */
export const STATUS_FAMILIES = { driver: DRIVER, conductor: CONDUCTOR, menu: MENU } as const;
export type FamilyName = keyof typeof STATUS_FAMILIES;
export const FAMILY_NAMES = Object.keys(STATUS_FAMILIES) as FamilyName[];

/** Named statuses, so code says `DRIVER_STATUS.executing` instead of `'3'`. */
export const DRIVER_STATUS = DRIVER.status;
export const CONDUCTOR_STATUS = CONDUCTOR.status;
export const MENU_STATUS = MENU.status;

type Family<F extends FamilyName> = (typeof STATUS_FAMILIES)[F];
type Table<F extends FamilyName> = Family<F>['transitions'];

/** The status ids of family F. */
export type StatusId<F extends FamilyName> = Family<F>['status'][keyof Family<F>['status']];

/** The statuses of family F a job may move to `To` from (every member of `To`, when it is a union). */
export type AllowedFrom<F extends FamilyName, To extends string> = {
  [K in keyof Table<F>]: Table<F>[K] extends readonly (infer Next)[] ? ([To] extends [Next] ? K : never) : never;
}[keyof Table<F>];

/**
 * What `transition()` accepts as its `from` for a move to `To`: the allowed statuses when `To` is a
 * literal (a move the table lacks does not compile), any string when it is only known at run time
 * (the run-time check refuses it then).
 */
export type MoveFrom<F extends FamilyName, To extends string> = string extends To ? string : F extends FamilyName ? AllowedFrom<F, To> : never;

/** A family as code that only knows its name at run time sees it: ids as strings. */
export function statusFamily(name: FamilyName): StatusFamily & { readonly name: FamilyName } {
  return STATUS_FAMILIES[name] as StatusFamily as StatusFamily & { readonly name: FamilyName };
}

const MOVES = new Map(
  FAMILY_NAMES.map((name) => {
    const table = statusFamily(name).transitions as Readonly<Partial<Record<string, readonly string[]>>>;
    return [name, new Map(Object.entries(table).map(([from, to]) => [from, new Set(to)]))] as const;
  }),
);

/** Whether the family's table allows a move from `from` to `to`. */
export function isMoveAllowed(family: FamilyName, from: string, to: string): boolean {
  return MOVES.get(family)?.get(from)?.has(to) ?? false;
}

/** Every move of a family's table, as [from, to] pairs (for tests and docs). */
export function moves(family: FamilyName): ReadonlyArray<readonly [string, string]> {
  return [...(MOVES.get(family) ?? [])].flatMap(([from, to]) => [...to].map((t) => [from, t] as const));
}

const NAMES = new Map(
  FAMILY_NAMES.map((name) => {
    const f = statusFamily(name);
    const byKey = new Map(Object.entries(f.names));
    return [name, new Map(Object.entries(f.status).map(([key, id]) => [id, byKey.get(key)!]))] as const;
  }),
);

/** A status's name in a family, or undefined for an id the family does not have. */
export function familyStatusName(family: FamilyName, statusId: string, language: Language): string | undefined {
  const names = NAMES.get(family)?.get(statusId);
  return names && textIn(names, language);
}

/** A family's terminal statuses: those its table moves nowhere from, in id order. */
export function terminalStatuses(family: FamilyName): string[] {
  const f = statusFamily(family);
  return Object.values(f.status).filter((id) => !MOVES.get(family)?.has(id));
}

/** Statuses before the claim: Unexecuted, and the scheduled one if the family has it. */
export function notStartedStatuses(family: FamilyName): string[] {
  const f = statusFamily(family);
  return f.scheduled === null ? [f.unexecuted] : [f.unexecuted, f.scheduled];
}
