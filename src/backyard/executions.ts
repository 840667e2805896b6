import type { Kysely, Transaction } from 'kysely';
import { RESULT } from '../errors.js';
import { textIn, type Language } from '../i18n/language.js';
import { executionTypeOf, type DriverSpec } from './driver-specs.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { toExastroDateTime } from '../store/clock.js';
import { inputDataName, resultDataName } from './execution-data.js';
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

/** A timestamp in the form Exastro shows a driver execution's times: `YYYY/MM/DD hh:mm:ss`. */
const toExastroSeconds = (timestamp: string | null): string | null => (timestamp === null ? null : toExastroDateTime(timestamp).slice(0, 19));

/** How often Exastro's clients poll a running execution, and how many log lines they show: what drydock's console does. */
const STATUS_MONITORING_CYCLE_MS = 1500;
const PROGRESS_LOG_LINES = 1000;

/**
 * A driver execution as Exastro IT Automation's `GET …/driver/{execution_no}/` answers it: the
 * execution list's row (`execution_list.parameter`, with the status's name in the request's
 * language), the raw `status_id`, and the log (`progress.execution_log.exec_log["exec.log"]`, and
 * what the tool wrote to stderr as `error_log`). drydock keeps one log per run, so a Terraform run's
 * log is `exec.log` too, where Exastro splits it into init/plan/apply files.
 */
export async function driverExecutionView(db: Kysely<Database>, job: Job, language: Language) {
  const spec = job.spec as Partial<DriverSpec>;
  const log = await readLog(db, job.id);
  const errors = log.filter((l) => l.stream === 'stderr');
  const ansible = job.backyard === 'ita-by-ansible-execute';
  return {
    execution_list: {
      parameter: {
        execution_no: job.id,
        execution_type: textIn(executionTypeOf(job.spec as DriverSpec, job.backyard), language),
        status: statusName(job.backyard, job.status_id, language),
        ...(ansible && { abort_execute_flag: job.stop_requested ? ('True' as const) : ('False' as const), execution_engine: 'Ansible-Core' }),
        caller_conductor: job.parent_id,
        execution_user: job.created_by,
        register_time: toExastroSeconds(job.created_at),
        movement_name: typeof spec.movement_name === 'string' ? spec.movement_name : null,
        delay_timer: job.delay_minutes,
        operation_name: typeof spec.operation_name === 'string' ? spec.operation_name : null,
        // The archives' names (execution-data.ts): `…/driver/{execution_no}/populated_data` and `…/result_data` hand them out.
        populated_data: inputDataName(job),
        result_data: log.length > 0 || job.result !== null ? resultDataName(job) : null,
        scheduled_date_time: toExastroSeconds(job.scheduled_at),
        start_date_time: toExastroSeconds(job.started_at),
        end_date_time: toExastroSeconds(job.finished_at),
        conductor_instance_id: job.parent_id,
        remarks: null,
        discard: '0' as const,
        last_update_date_time: toExastroDateTime(job.last_update_timestamp),
        last_updated_user: job.created_by,
      },
      file: {},
    },
    status_id: job.status_id,
    progress: {
      execution_log: {
        exec_log: (log.length > 0 ? { 'exec.log': log.map((l) => l.text).join('') } : {}) as Record<string, string>,
        ...(errors.length > 0 && { error_log: errors.map((l) => l.text).join('') }),
      },
    },
    status_monitoring_cycle: STATUS_MONITORING_CYCLE_MS,
    number_of_rows_to_display_progress_status: PROGRESS_LOG_LINES,
  };
}

/** A job with its log and the jobs it started (a conductor's driver executions), without their logs. */
export async function executionDetail(db: Kysely<Database>, job: Job, language: Language) {
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
    'scram',
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
