import type { Kysely, Transaction } from 'kysely';
import { RESULT } from '../errors.js';
import type { Language } from '../i18n/language.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { listChildren, listJobs, readLog, requestStop, requireStatus, transition, type Job } from './jobs.js';
import { familyOf, statusName, type Backyard } from './kinds/registry.js';
import { CONDUCTOR_STATUS, notStartedStatuses } from './kinds/status-families.js';

/**
 * Executions: jobs as the API shows them, in Exastro IT Automation's fields, and what a user does
 * to a job once it is registered (emergency stop, resume). The routes in `http/routes/backyard.ts`
 * call these; the registration is `registerJob` (jobs.ts), inside the route's gated write.
 */

/** A job as the API lists it: Exastro's execution fields plus drydock's, without the log. */
export function executionSummary(job: Job, language: Language) {
  return {
    execution_no: job.id,
    backyard: job.backyard,
    status_id: job.status_id,
    status_name: statusName(job.backyard, job.status_id, language),
    // Every kind's spec is a JSON object (driver-specs.ts, conductor-spec.ts, menu-jobs.ts).
    spec: job.spec as Readonly<Record<string, unknown>>,
    result: job.result,
    parent_execution_no: job.parent_id,
    schedule_date: job.scheduled_at,
    time_register: job.created_at,
    time_start: job.started_at,
    time_end: job.finished_at,
    execution_user: job.created_by,
    last_update_timestamp: job.last_update_timestamp,
    delay_timer: job.delay_minutes,
    stop_requested: job.stop_requested,
  };
}

/** A job as the API shows it: the summary and the log. */
export async function executionView(db: Kysely<Database>, job: Job, language: Language) {
  const log = await readLog(db, job.id);
  return { ...executionSummary(job, language), log: log.map((l) => l.text).join(''), log_entries: log };
}

/** A conductor's execution with, for each node, the driver execution it started (without their logs). */
export async function conductorView(db: Kysely<Database>, job: Job, language: Language) {
  const children = await listChildren(db, job.id);
  return {
    ...(await executionView(db, job, language)),
    children: children.map((c) => executionSummary(c, language)),
  };
}

/** A page of a workspace's executions, newest first, without their logs. */
export async function listExecutions(
  db: Kysely<Database>,
  org: string,
  ws: string,
  page: { readonly backyard?: Backyard | undefined; readonly limit: number; readonly offset: number },
  language: Language,
) {
  return (await listJobs(db, org, ws, page)).map((job) => executionSummary(job, language));
}

/**
 * Emergency stop: a job that has not started ends at once; a running one is asked to stop (its
 * worker kills the process group and records Emergency stop). A conductor's children stop with it.
 * Not gated by read-only mode: it stops work and registers nothing.
 */
export async function emergencyStop(store: Store, job: Job): Promise<void> {
  const family = familyOf(job.backyard);
  requireStatus(
    job,
    [...notStartedStatuses(family.name), ...family.inFlight],
    { en: 'an emergency stop', ja: '緊急停止' },
    family.name === 'conductor' ? RESULT.conductorCannotScram : RESULT.cannotScram,
  );
  await store.transaction('shared', async (trx) => {
    const stop = async (j: Job) => {
      const f = familyOf(j.backyard);
      if (f.emergencyStop !== null) await transition(trx, j, f.name, notStartedStatuses(f.name), f.emergencyStop);
      await requestStop(trx, j.id);
    };
    // The conductor's row first: its executor locks that row and checks stop_requested in the
    // transaction that registers children, so listing children after it misses none.
    await stop(job);
    if (family.name === 'conductor') for (const child of await listChildren(trx, job.id)) await stop(child);
    await store.notifyOnCommit(trx, 'jobs');
  });
}

/** Resumes a conductor paused at a pause node, inside the caller's gated write; its worker is woken on commit. */
export async function resumeConductor(store: Store, trx: Transaction<Database>, job: Job): Promise<void> {
  await transition(trx, job, 'conductor', [CONDUCTOR_STATUS.paused], CONDUCTOR_STATUS.executing);
  await store.notifyOnCommit(trx, 'jobs');
}
