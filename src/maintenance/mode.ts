import type { Kysely, Transaction } from 'kysely';
import { nowTimestamp } from '../store/clock.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { recordAudit } from './audit.js';
import type { MaintenanceModeView, SettingView } from '../http/wire-types.js';
import { fromColumns, pickSwitches, switchValues, toColumns, toFlags, type SwitchValues } from './switches.js';

/** The switches (see `switches.ts`) and the banner, as stored. */
export interface MaintenanceState extends SwitchValues {
  /** The administrator's banner text, sanitized, at most 1,000 characters. */
  readonly message: string | null;
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
  readonly message?: string | null;
  readonly announced_end?: string | null;
  /**
   * `start`: record the switches as they were before this change, unless a drain is already
   * recorded (a retried drain must not record its own "on" as the prior state). `end`: forget it.
   */
  readonly drain?: 'start' | 'end';
}

/** The schema version that added `drain_prior` (migration 004). */
const DRAIN_RECORD_SCHEMA = 4;

/** Reads the switches; inside a transaction this is the value the gate decides on. */
export async function readMaintenance(db: Kysely<Database> | Transaction<Database>): Promise<MaintenanceState> {
  const row = await db.selectFrom('maintenance_settings').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  return {
    ...fromColumns(row),
    message: row.message,
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
): Promise<{ before: MaintenanceState; after: MaintenanceState }> {
  // The drain record needs migration 4; on an older schema (this release running on its
  // predecessor's during an upgrade) a drain still works, it just is not recorded.
  const recordDrain = change.drain !== undefined && (await store.schemaVersion()) >= DRAIN_RECORD_SCHEMA;
  return store.transaction('exclusive', async (trx) => {
    const before = await readMaintenance(trx);
    const timestamp = nowTimestamp();
    const after: MaintenanceState = {
      ...switchValues((id) => change[id] ?? before[id]),
      message: change.message === undefined ? before.message : change.message,
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
    await trx
      .updateTable('maintenance_settings')
      .set({
        ...toColumns(after),
        message: after.message,
        announced_end: after.announced_end,
        last_update_timestamp: timestamp,
        last_update_user: actor,
        // Written only by a drain, so other changes work on a schema without the column.
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
    last_update_user: s.last_update_user,
    last_update_timestamp: s.last_update_timestamp,
    drain_prior: s.drain_prior === null ? null : toFlags(s.drain_prior),
  };
}

/** The setting as every user may read it (the organization's view, the workspace's `maintenance_mode`). */
export function maintenanceModeView(s: MaintenanceState): MaintenanceModeView {
  return { ...toFlags(s), message: s.message, announced_end: s.announced_end };
}
