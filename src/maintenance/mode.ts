import type { Kysely, Transaction } from 'kysely';
import { nowTimestamp } from '../store/clock.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { recordAudit } from './audit.js';

/** The two switches and the banner, as stored. */
export interface MaintenanceState {
  /** Workers claim no new job; running jobs finish; registration still works. */
  readonly backyard_execute_stop: boolean;
  /** Read-only mode: every write is refused, every read works. */
  readonly data_update_stop: boolean;
  /** The administrator's banner text, sanitized, at most 1,000 characters. */
  readonly message: string | null;
  /** When the administrator expects the maintenance to end; drives Retry-After. */
  readonly announced_end: string | null;
  readonly last_update_timestamp: string;
  readonly last_update_user: string;
  /** The switches as a drain found them (`drain: "start"`), until `drain: "end"`; null otherwise. */
  readonly drain_prior: DrainPrior | null;
}

export interface DrainPrior {
  readonly backyard_execute_stop: boolean;
  readonly data_update_stop: boolean;
}

/** A requested change; absent fields stay as they are. */
export interface MaintenanceChange {
  readonly backyard_execute_stop?: boolean;
  readonly data_update_stop?: boolean;
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
    backyard_execute_stop: row.backyard_execute_stop === 1,
    data_update_stop: row.data_update_stop === 1,
    message: row.message,
    announced_end: row.announced_end,
    last_update_timestamp: row.last_update_timestamp,
    last_update_user: row.last_update_user,
    // Absent on a schema before migration 4 (this release running on its predecessor's schema).
    drain_prior: row.drain_prior == null ? null : (JSON.parse(row.drain_prior) as DrainPrior),
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
      backyard_execute_stop: change.backyard_execute_stop ?? before.backyard_execute_stop,
      data_update_stop: change.data_update_stop ?? before.data_update_stop,
      message: change.message === undefined ? before.message : change.message,
      announced_end: change.announced_end === undefined ? before.announced_end : change.announced_end,
      last_update_timestamp: timestamp,
      last_update_user: actor,
      drain_prior: !recordDrain
        ? before.drain_prior
        : change.drain === 'end'
          ? null
          : change.drain === 'start' && before.drain_prior === null
            ? { backyard_execute_stop: before.backyard_execute_stop, data_update_stop: before.data_update_stop }
            : before.drain_prior,
    };
    await trx
      .updateTable('maintenance_settings')
      .set({
        backyard_execute_stop: after.backyard_execute_stop ? 1 : 0,
        data_update_stop: after.data_update_stop ? 1 : 0,
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

/** Exastro's wire form of a switch. */
export const toFlag = (on: boolean): '0' | '1' => (on ? '1' : '0');

/** The setting as the API shows it (Exastro's `'0'`/`'1'` flags), and as the CLI reads it from the store. */
export function settingView(s: MaintenanceState) {
  return {
    backyard_execute_stop: toFlag(s.backyard_execute_stop),
    data_update_stop: toFlag(s.data_update_stop),
    message: s.message,
    announced_end: s.announced_end,
    last_update_user: s.last_update_user,
    last_update_timestamp: s.last_update_timestamp,
    drain_prior:
      s.drain_prior === null
        ? null
        : { backyard_execute_stop: toFlag(s.drain_prior.backyard_execute_stop), data_update_stop: toFlag(s.drain_prior.data_update_stop) },
  };
}
export type SettingView = ReturnType<typeof settingView>;
