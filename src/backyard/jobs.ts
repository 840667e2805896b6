import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { IllegalTransitionError, RESULT, refused } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { nowTimestamp } from '../store/clock.js';
import type { BackyardJobsTable, Database } from '../store/schema.js';
import { parseJson, type Store } from '../store/store.js';
import { familyOf, isInFlight, type Backyard } from './kinds/registry.js';
import { isMoveAllowed, type FamilyName, type MoveFrom } from './kinds/status-families.js';

/** A job as code sees it: `spec` and `result` parsed. */
export interface Job<Spec = unknown> {
  readonly id: string;
  readonly organization_id: string;
  readonly workspace_id: string;
  readonly backyard: Backyard;
  readonly status_id: string;
  readonly parent_id: string | null;
  readonly spec: Spec;
  readonly result: unknown;
  readonly delay_minutes: number | null;
  readonly scheduled_at: string | null;
  readonly created_at: string;
  readonly created_by: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly last_update_timestamp: string;
  readonly lease_owner: string | null;
  readonly lease_expires_at: string | null;
  readonly stop_requested: boolean;
}

export function toJob<Spec = unknown>(row: BackyardJobsTable): Job<Spec> {
  return {
    ...row,
    backyard: row.backyard as Backyard,
    spec: parseJson<Spec>(row.spec),
    result: row.result === null ? null : parseJson(row.result),
    delay_minutes: row.delay_minutes === null ? null : Number(row.delay_minutes),
    stop_requested: row.stop_requested === 1,
  };
}

export interface NewJob {
  readonly organizationId: string;
  readonly workspaceId: string;
  readonly backyard: Backyard;
  readonly spec: unknown;
  readonly createdBy: string;
  /** Start no earlier than this; the job waits in the family's "scheduled" status until then. */
  readonly scheduledAt?: string | null | undefined;
  readonly delayMinutes?: number | null | undefined;
  readonly parentId?: string | null | undefined;
}

/** The status a new job starts in: Unexecuted, or its family's scheduled status when it has a start time. */
function initialStatus(backyard: Backyard, scheduled: boolean): string {
  const family = familyOf(backyard);
  if (!scheduled) return family.unexecuted;
  if (family.scheduled === null) throw new Error(`${backyard} jobs cannot be scheduled`);
  return family.scheduled;
}

/**
 * Registers a job inside the caller's transaction and wakes the workers when it commits.
 * Registration is a data write (gated by read-only mode) but not a claim: it works while
 * `backyard_execute_stop` is on, and the job waits in Unexecuted.
 */
export async function registerJob(store: Store, trx: Transaction<Database>, job: NewJob): Promise<Job> {
  const now = nowTimestamp();
  const row: BackyardJobsTable = {
    id: randomUUID(),
    organization_id: job.organizationId,
    workspace_id: job.workspaceId,
    backyard: job.backyard,
    status_id: initialStatus(job.backyard, Boolean(job.scheduledAt)),
    in_flight: 0,
    parent_id: job.parentId ?? null,
    spec: JSON.stringify(job.spec),
    result: null,
    delay_minutes: job.delayMinutes ?? null,
    scheduled_at: job.scheduledAt ?? null,
    created_at: now,
    created_by: job.createdBy,
    started_at: null,
    finished_at: null,
    last_update_timestamp: now,
    lease_owner: null,
    lease_expires_at: null,
    stop_requested: 0,
  };
  await trx.insertInto('backyard_jobs').values(row).execute();
  await store.notifyOnCommit(trx, 'jobs');
  return toJob(row);
}

/**
 * A job of a workspace, optionally of given backyards; otherwise Exastro's "no such execution"
 * (499-00903, or the conductor's 499-00806 when only conductors are asked for).
 */
export async function getJob(db: Kysely<Database>, org: string, ws: string, id: string, backyards?: readonly Backyard[]): Promise<Job> {
  let q = db.selectFrom('backyard_jobs').selectAll().where('id', '=', id).where('organization_id', '=', org).where('workspace_id', '=', ws);
  if (backyards) q = q.where('backyard', 'in', [...backyards]);
  const row = await q.executeTakeFirst();
  if (!row) {
    const conductor = backyards?.every((b) => familyOf(b).name === 'conductor') ?? false;
    throw conductor
      ? refused(RESULT.conductorNotFound, MESSAGES.executionNotFound.conductor(ws, id))
      : refused(RESULT.executionNotFound, MESSAGES.executionNotFound.execution(ws, id));
  }
  return toJob(row);
}

export async function getJobById(db: Kysely<Database>, id: string): Promise<Job | undefined> {
  const row = await db.selectFrom('backyard_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toJob(row) : undefined;
}

/** A workspace's jobs, newest first, optionally of one backyard: a page of `limit` from `offset`. */
export async function listJobs(
  db: Kysely<Database>,
  org: string,
  ws: string,
  page: { readonly backyard?: Backyard | undefined; readonly limit: number; readonly offset: number },
): Promise<Job[]> {
  let q = db.selectFrom('backyard_jobs').selectAll().where('organization_id', '=', org).where('workspace_id', '=', ws);
  if (page.backyard) q = q.where('backyard', '=', page.backyard);
  const rows = await q.orderBy('created_at', 'desc').limit(page.limit).offset(page.offset).execute();
  return rows.map((r) => toJob(r));
}

/** The children a conductor started. */
export async function listChildren(db: Kysely<Database>, parentId: string): Promise<Job[]> {
  const rows = await db.selectFrom('backyard_jobs').selectAll().where('parent_id', '=', parentId).orderBy('created_at').execute();
  return rows.map((r) => toJob(r));
}

/** The columns a status change may set besides the status. */
export type TransitionColumns = Partial<
  Pick<BackyardJobsTable, 'result' | 'started_at' | 'finished_at' | 'lease_owner' | 'lease_expires_at' | 'stop_requested'>
>;

/**
 * Moves a job of `family` from one of `from` to `to` (and sets extra columns), or does nothing and
 * returns false when it is no longer in `from` (someone else moved it first). `in_flight` follows
 * the status.
 *
 * Every `from` → `to` must be a move of the family's table (kinds/status-families.ts): with literal
 * statuses a move the table lacks does not compile; otherwise it throws IllegalTransitionError
 * before anything is written, as it does for a job that does not follow `family`.
 *
 * Status changes of jobs already running are not gated by read-only mode: a job in flight runs to
 * its terminal status, and a drain waits for exactly that.
 */
export async function transition<F extends FamilyName, To extends string>(
  db: Kysely<Database> | Transaction<Database>,
  job: { id: string; backyard: Backyard },
  family: F,
  from: readonly MoveFrom<F, To>[],
  to: To,
  extra: TransitionColumns = {},
  owner?: string,
): Promise<boolean> {
  checkMoves(job.backyard, family, from, to);
  let q = db
    .updateTable('backyard_jobs')
    .set({ status_id: to, in_flight: isInFlight(job.backyard, to) ? 1 : 0, last_update_timestamp: nowTimestamp(), ...extra })
    .where('id', '=', job.id)
    .where('status_id', 'in', [...from]);
  if (owner !== undefined) q = q.where('lease_owner', '=', owner);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Refuses (IllegalTransitionError) a move the registry does not allow. */
function checkMoves(backyard: Backyard, family: FamilyName, from: readonly string[], to: string): void {
  const actual = familyOf(backyard).name;
  if (actual !== family) throw new IllegalTransitionError(backyard, from.join('|'), to, `its jobs follow the ${actual} family, not ${family}`);
  for (const f of from) {
    if (!isMoveAllowed(family, f, to)) throw new IllegalTransitionError(backyard, f, to, `the ${family} family has no such move`);
  }
}

/**
 * Asks a job in flight to stop (an emergency stop): its worker sees the flag when it renews the
 * lease and kills the job's process group. A job not in flight is left as it is.
 */
export async function requestStop(trx: Transaction<Database>, jobId: string): Promise<void> {
  await trx.updateTable('backyard_jobs').set({ stop_requested: 1 }).where('id', '=', jobId).where('in_flight', '=', 1).execute();
}

/**
 * `transition` in its own transaction, announcing `jobs` on commit so the execute-check stream and
 * drains see the change at once instead of on their next poll.
 */
export async function transitionAndNotify<F extends FamilyName, To extends string>(
  store: Store,
  job: { id: string; backyard: Backyard },
  family: F,
  from: readonly MoveFrom<F, To>[],
  to: To,
  extra: TransitionColumns = {},
  owner?: string,
): Promise<boolean> {
  return store.transaction('shared', async (trx) => {
    const moved = await transition(trx, job, family, from, to, extra, owner);
    if (moved) await store.notifyOnCommit(trx, 'jobs');
    return moved;
  });
}

/** Appends to a job's log. Logs are kept in the store so a backup has them and every replica reads them. */
export async function appendLog(store: Store, jobId: string, stream: 'stdout' | 'stderr' | 'system', text: string): Promise<void> {
  if (text === '') return;
  await store.transaction('shared', (trx) => trx.insertInto('backyard_job_logs').values({ job_id: jobId, at: nowTimestamp(), stream, text }).execute());
}

export interface LogEntry {
  readonly id: number;
  readonly at: string;
  readonly stream: string;
  readonly text: string;
}

/** A job's log from `afterId` on (for following a running job). */
export async function readLog(db: Kysely<Database>, jobId: string, afterId = 0): Promise<LogEntry[]> {
  const rows = await db
    .selectFrom('backyard_job_logs')
    .select(['id', 'at', 'stream', 'text'])
    .where('job_id', '=', jobId)
    .where('id', '>', afterId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** Stores a file a job produced or consumes (an export, an uploaded import). */
export async function putJobFile(trx: Transaction<Database>, jobId: string, role: string, name: string, content: Buffer): Promise<void> {
  await trx
    .insertInto('backyard_job_files')
    .values({ job_id: jobId, role, name, content })
    .onConflict((oc) => oc.columns(['job_id', 'role']).doUpdateSet({ name, content }))
    .execute();
}

export async function getJobFile(db: Kysely<Database>, jobId: string, role: string): Promise<{ name: string; content: Buffer } | undefined> {
  const row = await db.selectFrom('backyard_job_files').select(['name', 'content']).where('job_id', '=', jobId).where('role', '=', role).executeTakeFirst();
  return row ? { name: row.name, content: Buffer.from(row.content) } : undefined;
}

/**
 * Refuses an action on a job that is not in one of the statuses it applies to, with Exastro's code
 * for that action (`result`: 499-00910 cancel, 499-00904 emergency stop, the conductor's 499-00808
 * and 499-00809).
 */
export function requireStatus(job: Job, allowed: readonly string[], action: 'cancel' | 'scram', result: string): void {
  if (!allowed.includes(job.status_id)) {
    const refusal = action === 'cancel' ? MESSAGES.cannotCancel.statusDoesNotAllow : MESSAGES.cannotScram.statusDoesNotAllow;
    throw refused(result, refusal(job.status_id, allowed.join(', '), job.id));
  }
}
