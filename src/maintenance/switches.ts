/**
 * The maintenance switches, as data: one entry per switch, and everything else derives from it —
 * the route's request and response (`http/routes/maintenance.ts`), the guard and the gate
 * (`writesRefused`), the claim predicate in the store (`CLAIM_STOPPING_SWITCHES`), the drain and the
 * resume (`runbook/drain.ts`), the audit, the metrics, the CLI's `maintenance set/status` and
 * `audit`, and the console's banner and settings page.
 *
 * The key of an entry is Exastro's name for the switch: the column of `maintenance_settings` (an
 * integer, 0 or 1) and the key on the wire, where a switch is the string "1" (on) or "0" (off) —
 * what Exastro clients send and read, so neither may change.
 *
 * A leaf: this module imports nothing but the type of a text (the leaf `i18n/language.ts`) and
 * holds only data and pure functions, so every floor may read it (the store included) and so may
 * the console (web/ imports it; `web/tsconfig.json` type-checks it). Adding a switch:
 * docs/architecture.md, "Recipe: add a switch".
 */
import type { Texts } from '../i18n/language.js';

/** Exastro's wire form of a switch: the string "1" (on) or "0" (off). */
export type WireFlag = '0' | '1';

/** One switch: what it does while it is on, and every word said about it. */
export interface SwitchDefinition {
  /** What the switch does while it is on. Every effect is enforced where the comment says. */
  readonly effects: {
    /**
     * Workers claim no job (jobs already running go on to their end). The store's claim statement
     * names the column in its predicate (`store/job-claim.ts`; on PostgreSQL `drydock_claim`).
     */
    readonly stopsClaims: boolean;
    /**
     * Every declared write is refused with HTTP 498 and its 498 code: by the guard from the cache, and
     * by the gate inside the write's transaction (`maintenance/gate.ts`).
     */
    readonly refusesWrites: boolean;
  };
  /**
   * Its part in `drydock drain` (null: none). `before-wait` switches go on before the drain waits
   * for the jobs in flight; `after-wait` ones once nothing is in flight, with `--read-only`.
   * `drydock resume` turns them off in the reverse order, except one that was on before the drain.
   */
  readonly drain: {
    readonly phase: 'before-wait' | 'after-wait';
    /** The drain's step that turns it on ("… (<id> on)" is appended). */
    readonly step: string;
    /** The resume's step that turns it off. */
    readonly undoStep: string;
    /** Why the resume left it on. */
    readonly keptDetail: string;
    /** What a drain that timed out says of it (a `before-wait` one gets " (<id>=1)" appended). */
    readonly onTimeout: string;
  } | null;
  /** The console's words. */
  readonly console: {
    /** The settings page's label of the on/off control (also the audit table's). */
    readonly label: Texts;
    /** The settings page's explanation under it. */
    readonly help: Texts;
    /** The banner's line while it is on. */
    readonly banner: Texts;
    /** The save confirmation's line for turning it on, and for turning it off. */
    readonly turnOn: Texts;
    readonly turnOff: Texts;
    /** The confirmation's button when the save turns it on, or off (and no other switch): what it does. */
    readonly turnOnButton: Texts;
    readonly turnOffButton: Texts;
  };
  /** The CLI's words (English). */
  readonly cli: {
    /** `drydock maintenance set --<flag> on|off`. */
    readonly flag: string;
    /** That option's help (" (<id>)" is appended). */
    readonly flagHelp: string;
    /** `maintenance status`'s row: its label and the value while on and off ("… (<id>=1)" is appended). */
    readonly status: { readonly label: string; readonly on: string; readonly off: string };
    /** The recorded drain's summary of it ("<label> <on|off>"). */
    readonly prior: { readonly label: string; readonly on: string; readonly off: string };
    /** `drydock audit`'s column. */
    readonly auditColumn: string;
  };
  /** The metric's help: "1 while <metric> (as this process last saw it)". */
  readonly metric: string;
}

const DEFINITIONS = {
  /** サーバーサイドジョブ停止: workers start no new job; registering one still works, and it waits. */
  backyard_execute_stop: {
    effects: { stopsClaims: true, refusesWrites: false },
    drain: {
      phase: 'before-wait',
      step: 'stop server-side jobs',
      undoStep: 'server-side jobs on',
      keptDetail: 'they were stopped before the drain started',
      onTimeout: 'Server-side jobs are STOPPED',
    },
    console: {
      label: { en: 'Stop server-side jobs', ja: 'サーバーサイドジョブ停止' },
      help: {
        en: 'Workers start no new job; running jobs finish. New jobs can still be registered and wait.',
        ja: 'ワーカーは新しいジョブを開始しません。実行中のジョブは最後まで実行されます。新しいジョブの登録はでき、待機します。',
      },
      banner: {
        en: 'New jobs will not be executed: jobs you register wait until the maintenance ends.',
        ja: '新しいジョブは実行されません。登録したジョブはメンテナンス終了まで待機します。',
      },
      turnOn: {
        en: 'Stop server-side jobs: workers start no new job; jobs already running go on to their end.',
        ja: 'サーバーサイドジョブを停止：ワーカーは新しいジョブを開始しません。実行中のジョブは最後まで実行されます。',
      },
      turnOff: {
        en: 'Resume server-side jobs: waiting jobs start again.',
        ja: 'サーバーサイドジョブを再開：待機中のジョブの実行が始まります。',
      },
      turnOnButton: { en: 'Stop server-side jobs', ja: 'サーバーサイドジョブを停止する' },
      turnOffButton: { en: 'Resume server-side jobs', ja: 'サーバーサイドジョブを再開する' },
    },
    cli: {
      flag: 'jobs',
      flagHelp: 'on: stop server-side jobs',
      status: { label: 'server-side jobs', on: 'STOPPED', off: 'running' },
      prior: { label: 'jobs', on: 'stopped', off: 'running' },
      auditColumn: 'jobs stopped',
    },
    metric: 'server-side jobs are stopped',
  },
  /** 読み取り専用モード: every write is refused, every read works; no job starts either. */
  data_update_stop: {
    effects: { stopsClaims: true, refusesWrites: true },
    drain: {
      phase: 'after-wait',
      step: 'read-only mode',
      undoStep: 'read-only mode off',
      keptDetail: 'it was on before the drain started',
      onTimeout: 'read-only mode is as it was',
    },
    console: {
      label: { en: 'Read-only mode', ja: '読み取り専用モード' },
      help: {
        en: 'Every registration and update is refused; every read keeps working. No new job starts either.',
        ja: 'すべての登録・更新を拒否します。参照はすべて行えます。新しいジョブも開始しません。',
      },
      banner: {
        en: 'Data cannot be registered or updated: saving is refused until the maintenance ends. You can still read everything.',
        ja: 'データの登録・更新はできません。メンテナンス終了まで保存は拒否されます。参照はすべて行えます。',
      },
      turnOn: {
        en: 'Turn read-only mode on: every registration and update is refused at once, on every server, until you turn it off.',
        ja: '読み取り専用モードをオン：オフにするまで、すべてのサーバーで登録・更新が直ちに拒否されます。',
      },
      turnOff: {
        en: 'Turn read-only mode off: registrations and updates are accepted again.',
        ja: '読み取り専用モードをオフ：登録・更新を再び受け付けます。',
      },
      turnOnButton: { en: 'Turn read-only on', ja: '読み取り専用モードにする' },
      turnOffButton: { en: 'Turn read-only off', ja: '読み取り専用モードを解除する' },
    },
    cli: {
      flag: 'read-only',
      flagHelp: 'on: refuse every write',
      status: { label: 'data', on: 'READ-ONLY', off: 'writable' },
      prior: { label: 'read-only', on: 'on', off: 'off' },
      auditColumn: 'read-only',
    },
    metric: 'read-only mode is on',
  },
} as const satisfies Record<string, SwitchDefinition>;

/** A switch's name: its column and its key on the wire. */
export type SwitchId = keyof typeof DEFINITIONS;

/** Every switch, by name. */
export const SWITCHES: { readonly [K in SwitchId]: SwitchDefinition } = DEFINITIONS;

/** Every switch's name, in the order the wire and every list show them. */
export const SWITCH_IDS = Object.keys(DEFINITIONS) as readonly SwitchId[];

/** Every switch, on or off. */
export type SwitchValues = { readonly [K in SwitchId]: boolean };

/** Every switch in its wire form. */
export type SwitchFlags = { readonly [K in SwitchId]: WireFlag };

/** Every switch as the store keeps it (0 or 1). */
export type SwitchColumns = { readonly [K in SwitchId]: number };

/** The switches whose column the claim statement's predicate names: any of them on, nothing is claimed. */
export const CLAIM_STOPPING_SWITCHES: readonly SwitchId[] = SWITCH_IDS.filter((id) => SWITCHES[id].effects.stopsClaims);

export const toWire = (on: boolean): WireFlag => (on ? '1' : '0');
export const fromWire = (flag: WireFlag | undefined): boolean => flag === '1';

/** Every switch, each set by `value`. */
export function switchValues(value: (id: SwitchId) => boolean): SwitchValues {
  return Object.fromEntries(SWITCH_IDS.map((id) => [id, value(id)])) as SwitchValues;
}

/** Every switch off. */
export const ALL_OFF: SwitchValues = switchValues(() => false);

/** The switches alone, out of anything that carries them (the maintenance state, a drain record); one absent is off. */
export const pickSwitches = (s: Readonly<Partial<Record<SwitchId, unknown>>>): SwitchValues => switchValues((id) => s[id] === true);

/** The switches in their wire form, in wire order. */
export const toFlags = (s: SwitchValues): SwitchFlags => Object.fromEntries(SWITCH_IDS.map((id) => [id, toWire(s[id])])) as SwitchFlags;

/** The switches from their wire form. A key that is absent (an older server's answer) is off. */
export const fromFlags = (f: Partial<SwitchFlags>): SwitchValues => switchValues((id) => fromWire(f[id]));

/** The switches a change in wire form names, as booleans; the others are absent (left as they are). */
export function changeFromFlags(f: Partial<SwitchFlags>): Partial<SwitchValues> {
  return Object.fromEntries(SWITCH_IDS.flatMap((id) => (f[id] === undefined ? [] : [[id, fromWire(f[id])]])));
}

/** The switches as the store keeps them. */
export const toColumns = (s: SwitchValues): SwitchColumns => Object.fromEntries(SWITCH_IDS.map((id) => [id, s[id] ? 1 : 0])) as SwitchColumns;

/** The switches from the store's row (1 is on; no row, all off). */
export const fromColumns = (row: Partial<SwitchColumns> | undefined): SwitchValues => switchValues((id) => row?.[id] === 1);

/** Whether a switch that refuses writes is on (the guard and the gate refuse by this). */
export const writesRefused = (s: SwitchValues): boolean => SWITCH_IDS.some((id) => s[id] && SWITCHES[id].effects.refusesWrites);

/** Whether a switch that stops claims is on (no job leaves its waiting status). */
export const claimsStopped = (s: SwitchValues): boolean => SWITCH_IDS.some((id) => s[id] && SWITCHES[id].effects.stopsClaims);

/**
 * Whether a switch is on that stops claims but not writes: a job registered now is accepted and
 * waits (what the console tells someone about to register one).
 */
export const registeredJobsWait = (s: SwitchValues): boolean =>
  SWITCH_IDS.some((id) => s[id] && SWITCHES[id].effects.stopsClaims && !SWITCHES[id].effects.refusesWrites);

/** "a and/or b", "a, b and/or c": for messages that name every switch. */
export function listOf(items: readonly string[], conjunction: string): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}
