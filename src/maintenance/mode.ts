import type { Kysely, Transaction } from 'kysely';
import { nowTimestamp } from '../store/clock.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { recordAudit } from './audit.js';
import type { MaintenanceModeView, SettingView } from '../http/wire-types.js';
import { SWITCH_IDS, fromColumns, pickSwitches, switchValues, toColumns, toFlags, type SwitchValues } from './switches.js';

/** The switches (see `switches.ts`) and the banner, as stored. */
export interface MaintenanceState extends SwitchValues {
  /**
   * The administrator's banner text, sanitized, at most 1,000 characters: Exastro's single message,
   * what Exastro clients read and write. When the per-language messages are set it is the Japanese
   * one, else the English one (`bannerAfter`).
   */
  readonly message: string | null;
  /** drydock: the banner in Japanese and in English (each at most 1,000 characters); null when not set. */
  readonly message_ja: string | null;
  readonly message_en: string | null;
  /** When the administrator expects the maintenance to end; drives Retry-After. */
  readonly announced_end: string | null;
  readonly last_update_timestamp: string;
  readonly last_update_user: string;
  /** The switches as a drain found them (`drain: "start"`), until `drain: "end"`; null otherwise. */
  readonly drain_prior: DrainPrior | null;
}

/** The switches as a drain found them. */
export type DrainPrior = SwitchValues;

/** A requested change; absent fields (switches included) stay as they are. */
export interface MaintenanceChange extends Partial<SwitchValues> {
  /** Exastro's message, for every language: the per-language messages are cleared. */
  readonly message?: string | null;
  /** The message in one language (`message` follows them; an absent one stays as it is). */
  readonly message_ja?: string | null;
  readonly message_en?: string | null;
  readonly announced_end?: string | null;
  /**
   * `start`: record the switches as they were before this change, unless a drain is already
   * recorded (a retried drain must not record its own "on" as the prior state). `end`: forget it.
   */
  readonly drain?: 'start' | 'end';
}

/** The schema version that added `drain_prior` (migration 004). */
const DRAIN_RECORD_SCHEMA = 4;
/** The schema version that added `message_ja` and `message_en` (migration 013). */
const BANNER_LANGUAGES_SCHEMA = 13;

/** Exastro's single message as the per-language ones make it: the Japanese one, else the English one. */
const messageOf = (ja: string | null, en: string | null): string | null => ja ?? en;

type Banner = Pick<MaintenanceState, 'message' | 'message_ja' | 'message_en'>;

/**
 * The banner after a change: per-language messages set `message` to what they make it; `message`
 * alone (an Exastro client, a release before per-language messages) is the message for every language
 * and clears them.
 */
function bannerAfter(before: Banner, change: MaintenanceChange): Banner {
  if (change.message_ja !== undefined || change.message_en !== undefined) {
    const ja = change.message_ja === undefined ? before.message_ja : change.message_ja;
    const en = change.message_en === undefined ? before.message_en : change.message_en;
    return { message: messageOf(ja, en), message_ja: ja, message_en: en };
  }
  if (change.message !== undefined) return { message: change.message, message_ja: null, message_en: null };
  return { message: before.message, message_ja: before.message_ja, message_en: before.message_en };
}

/** Whether a change would leave the setting as it is (then nothing is written, audited or announced). */
function unchanged(before: MaintenanceState, after: MaintenanceState): boolean {
  return (
    SWITCH_IDS.every((id) => before[id] === after[id]) &&
    before.message === after.message &&
    before.message_ja === after.message_ja &&
    before.message_en === after.message_en &&
    before.announced_end === after.announced_end &&
    JSON.stringify(before.drain_prior) === JSON.stringify(after.drain_prior)
  );
}

/** Reads the switches; inside a transaction this is the value the gate decides on. */
export async function readMaintenance(db: Kysely<Database> | Transaction<Database>): Promise<MaintenanceState> {
  const row = await db.selectFrom('maintenance_settings').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  // Absent before migration 13. Valid only while `message` is what they make it: a release that does
  // not know them (during an upgrade) or break-glass changes `message` alone, and that message is then
  // the one for every language.
  const ja = row.message_ja ?? null;
  const en = row.message_en ?? null;
  const languages = (ja !== null || en !== null) && row.message === messageOf(ja, en);
  return {
    ...fromColumns(row),
    message: row.message,
    message_ja: languages ? ja : null,
    message_en: languages ? en : null,
    announced_end: row.announced_end,
    last_update_timestamp: row.last_update_timestamp,
    last_update_user: row.last_update_user,
    // Absent on a schema before migration 4 (this release running on its predecessor's schema).
    // A switch added after the drain was recorded reads as off (it was: it did not exist).
    drain_prior: row.drain_prior == null ? null : pickSwitches(JSON.parse(row.drain_prior) as Partial<DrainPrior>),
  };
}

/**
 * Applies a change under the exclusive side of the gate lock: it waits for every write in flight
 * to commit, and no write that starts later can commit without seeing the new switches. When this
 * resolves, the change is committed and announced to every process.
 */
export async function changeMaintenance(
  store: Store,
  change: MaintenanceChange,
  actor: string,
  /** `always`: record it even when it changes nothing (a restore: the history must say the store was restored, and by what). */
  record: 'changes' | 'always' = 'changes',
): Promise<{ before: MaintenanceState; after: MaintenanceState }> {
  // The drain record needs migration 4; on an older schema (this release running on its
  // predecessor's during an upgrade) a drain still works, it just is not recorded. The same for the
  // per-language messages (migration 13): without them `message` alone is kept.
  const recordDrain = change.drain !== undefined && (await store.hasSchema(DRAIN_RECORD_SCHEMA));
  const languages = await store.hasSchema(BANNER_LANGUAGES_SCHEMA);
  return store.transaction('exclusive', async (trx) => {
    const before = await readMaintenance(trx);
    const timestamp = nowTimestamp();
    const banner = bannerAfter(before, change);
    const after: MaintenanceState = {
      ...switchValues((id) => change[id] ?? before[id]),
      ...banner,
      ...(!languages && { message_ja: null, message_en: null }),
      announced_end: change.announced_end === undefined ? before.announced_end : change.announced_end,
      last_update_timestamp: timestamp,
      last_update_user: actor,
      drain_prior: !recordDrain
        ? before.drain_prior
        : change.drain === 'end'
          ? null
          : change.drain === 'start' && before.drain_prior === null
            ? pickSwitches(before)
            : before.drain_prior,
    };
    // A change that changes nothing (a form saved as it was, a drain retried) writes, audits and
    // announces nothing: the history lists changes only (and the events a caller records always).
    if (record === 'changes' && unchanged(before, after)) return { before, after: before };
    await trx
      .updateTable('maintenance_settings')
      .set({
        ...toColumns(after),
        message: after.message,
        // Written only where the schema has them, so other changes work on a schema without them.
        ...(languages && { message_ja: after.message_ja, message_en: after.message_en }),
        announced_end: after.announced_end,
        last_update_timestamp: timestamp,
        last_update_user: actor,
        ...(recordDrain && { drain_prior: after.drain_prior === null ? null : JSON.stringify(after.drain_prior) }),
      })
      .where('id', '=', 1)
      .execute();
    await recordAudit(trx, { actor, at: timestamp, before, after });
    await store.notifyOnCommit(trx, 'settings');
    return { before, after };
  });
}

/**
 * The setting as the API shows it: the switches first (Exastro's), then drydock's fields. Also how
 * a runbook reads it from the store (break-glass), in the same shape as through the API.
 */
export function settingView(s: MaintenanceState): SettingView {
  return {
    ...toFlags(s),
    message: s.message,
    announced_end: s.announced_end,
    message_ja: s.message_ja,
    message_en: s.message_en,
    last_update_user: s.last_update_user,
    last_update_timestamp: s.last_update_timestamp,
    drain_prior: s.drain_prior === null ? null : toFlags(s.drain_prior),
  };
}

/** The setting as every user may read it (the organization's view, the workspace's `maintenance_mode`). */
export function maintenanceModeView(s: MaintenanceState): MaintenanceModeView {
  return { ...toFlags(s), message: s.message, announced_end: s.announced_end, message_ja: s.message_ja, message_en: s.message_en };
}
