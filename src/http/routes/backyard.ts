import { z } from 'zod';
import { buildConductorSpec } from '../../backyard/conductor-spec.js';
import { DRIVER_MENUS, buildDriverSpec, parseScheduleDate } from '../../backyard/driver-specs.js';
import { backyardNames, familyOf, statusName, type Backyard } from '../../backyard/kinds/registry.js';
import { CONDUCTOR_STATUS, DRIVER_STATUS, notStartedStatuses } from '../../backyard/kinds/status-families.js';
import { getJob, listChildren, readLog, registerJob, requireStatus, toJob, transition, type Job } from '../../backyard/jobs.js';
import { badRequest } from '../../errors.js';
import type { Language } from '../../i18n/language.js';
import type { Store } from '../../store/store.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { ITA, menuParams, workspaceParams } from './params.js';
import { ownValue } from '../../util/own-value.js';

const executionParams = menuParams.extend({ execution_no: z.uuid() });
const conductorParams = menuParams.extend({ conductor_instance_id: z.uuid() });
const anyExecutionParams = workspaceParams.extend({ execution_no: z.uuid() });

const driverExecuteSchema = z
  .object({
    movement_name: z.string().min(1).max(255),
    operation_name: z.string().min(1).max(255),
    schedule_date: z.string().optional(),
  })
  .strict();

const conductorExecuteSchema = z
  .object({
    conductor_class_name: z.string().min(1).max(255),
    operation_name: z.string().min(1).max(255),
    schedule_date: z.string().optional(),
  })
  .strict();

const EMERGENCY_STOP_ALWAYS = 'an emergency stop must work in every mode: it stops work, it registers nothing';

/** The driver a `…/menu/{menu}/driver/…` path names, or a 404-like 400 listing the known ones. */
function driverOf(menu: string): Backyard {
  const backyard = ownValue(DRIVER_MENUS, menu);
  if (!backyard) throw badRequest(`Menu ${menu} runs no driver; use one of ${Object.keys(DRIVER_MENUS).join(', ')}.`);
  return backyard;
}

/** A job as the API shows it: Exastro's execution fields plus drydock's lease and log. */
export async function executionView(store: Store, job: Job, language: Language, withLog = true) {
  const log = withLog ? await readLog(store.db, job.id) : [];
  return {
    execution_no: job.id,
    backyard: job.backyard,
    status_id: job.status_id,
    status_name: statusName(job.backyard, job.status_id, language),
    spec: job.spec,
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
    ...(withLog && { log: log.map((l) => l.text).join(''), log_entries: log }),
  };
}

/**
 * Emergency stop: a job that has not started ends at once; a running one is asked to stop (its
 * worker kills the process group and records Emergency stop). A conductor's children stop with it.
 */
async function emergencyStop(store: Store, job: Job): Promise<void> {
  const family = familyOf(job.backyard);
  requireStatus(job, [...notStartedStatuses(family.name), ...family.inFlight], 'an emergency stop');
  await store.transaction('shared', async (trx) => {
    const stop = async (j: Job) => {
      const f = familyOf(j.backyard);
      if (f.emergencyStop !== null) await transition(trx, j, f.name, notStartedStatuses(f.name), f.emergencyStop);
      await trx
        .updateTable('backyard_jobs')
        .set({ stop_requested: 1 })
        .where('id', '=', j.id)
        .where('in_flight', '=', 1)
        .execute();
    };
    // The conductor's row first: its executor locks that row and checks stop_requested in the
    // transaction that registers children, so listing children after it misses none.
    await stop(job);
    if (family.name === 'conductor') for (const child of await listChildren(trx, job.id)) await stop(child);
    await store.notifyOnCommit(trx, 'jobs');
  });
}

/** Driver executions and conductors, in Exastro IT Automation's shape, and any execution by id. */
export const backyardRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/driver/execute/`,
    summary: 'Register a driver execution (Ansible, Terraform CLI, Terraform Cloud/EP) of a movement with an operation',
    tag: 'executions',
    access: 'workspace',
    writes: 'driver_execution',
    params: menuParams,
    body: driverExecuteSchema,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, menu } = ctx.params;
      const backyard = driverOf(menu);
      const scheduledAt = parseScheduleDate(ctx.body.schedule_date);
      const { spec, delayMinutes } = await buildDriverSpec(ctx.deps.store.db, org, ws, backyard, ctx.body.movement_name, ctx.body.operation_name);
      const job = await ctx.write((trx) =>
        registerJob(ctx.deps.store, trx, {
          organizationId: org,
          workspaceId: ws,
          backyard,
          spec,
          createdBy: ctx.principal.username,
          scheduledAt,
          delayMinutes,
        }),
      );
      return { execution_no: job.id };
    },
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/driver/:execution_no/`,
    summary: 'A driver execution: status, times, log',
    tag: 'executions',
    access: 'workspace',
    writes: 'read',
    params: executionParams,
    handler: async ({ params, deps, language }) => {
      const job = await getJob(deps.store.db, params.organization_id, params.workspace_id, params.execution_no, [driverOf(params.menu)]);
      return executionView(deps.store, job, language);
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/driver/:execution_no/cancel/`,
    summary: 'Cancel a scheduled driver execution that has not started',
    tag: 'executions',
    access: 'workspace',
    writes: 'job_control',
    params: executionParams,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, execution_no: id, menu } = ctx.params;
      const job = await getJob(ctx.deps.store.db, org, ws, id, [driverOf(menu)]);
      requireStatus(job, [DRIVER_STATUS.scheduled], 'cancel');
      const done = await ctx.write((trx) => transition(trx, job, 'driver', [DRIVER_STATUS.scheduled], DRIVER_STATUS.scheduleCancelled));
      if (!done) requireStatus(await getJob(ctx.deps.store.db, org, ws, id), [DRIVER_STATUS.scheduled], 'cancel');
      return null;
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/driver/:execution_no/scram/`,
    summary: 'Emergency stop of a driver execution: kills its process group; allowed in every mode',
    tag: 'executions',
    access: 'workspace',
    writes: { exempt: EMERGENCY_STOP_ALWAYS },
    params: executionParams,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, execution_no: id, menu } = ctx.params;
      await emergencyStop(ctx.deps.store, await getJob(ctx.deps.store.db, org, ws, id, [driverOf(menu)]));
      return null;
    },
  }),

  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/conductor/execute/`,
    summary: 'Register a conductor execution of a conductor class with an operation',
    tag: 'conductors',
    access: 'workspace',
    writes: 'conductor_execution',
    params: menuParams,
    body: conductorExecuteSchema,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws } = ctx.params;
      const scheduledAt = parseScheduleDate(ctx.body.schedule_date);
      const spec = await buildConductorSpec(ctx.deps.store.db, org, ws, ctx.body.conductor_class_name, ctx.body.operation_name);
      const job = await ctx.write((trx) =>
        registerJob(ctx.deps.store, trx, {
          organizationId: org,
          workspaceId: ws,
          backyard: 'ita-by-conductor-synchronize',
          spec,
          createdBy: ctx.principal.username,
          scheduledAt,
        }),
      );
      return { conductor_instance_id: job.id };
    },
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/conductor/:conductor_instance_id/`,
    summary: 'A conductor execution: status, and each node with the driver execution it started',
    tag: 'conductors',
    access: 'workspace',
    writes: 'read',
    params: conductorParams,
    handler: async ({ params, deps, language }) => {
      const job = await getJob(deps.store.db, params.organization_id, params.workspace_id, params.conductor_instance_id, [
        'ita-by-conductor-synchronize',
      ]);
      const children = await listChildren(deps.store.db, job.id);
      return {
        ...(await executionView(deps.store, job, language)),
        children: await Promise.all(children.map((c) => executionView(deps.store, c, language, false))),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/conductor/:conductor_instance_id/cancel/`,
    summary: 'Cancel a scheduled conductor execution that has not started',
    tag: 'conductors',
    access: 'workspace',
    writes: 'job_control',
    params: conductorParams,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, conductor_instance_id: id } = ctx.params;
      const job = await getJob(ctx.deps.store.db, org, ws, id, ['ita-by-conductor-synchronize']);
      requireStatus(job, [CONDUCTOR_STATUS.scheduled], 'cancel');
      await ctx.write((trx) => transition(trx, job, 'conductor', [CONDUCTOR_STATUS.scheduled], CONDUCTOR_STATUS.scheduleCancelled));
      return null;
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/conductor/:conductor_instance_id/scram/`,
    summary: 'Emergency stop of a conductor and every driver execution it started; allowed in every mode',
    tag: 'conductors',
    access: 'workspace',
    writes: { exempt: EMERGENCY_STOP_ALWAYS },
    params: conductorParams,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, conductor_instance_id: id } = ctx.params;
      await emergencyStop(ctx.deps.store, await getJob(ctx.deps.store.db, org, ws, id, ['ita-by-conductor-synchronize']));
      return null;
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/conductor/:conductor_instance_id/resume/`,
    summary: 'Resume a conductor paused at a pause node',
    tag: 'conductors',
    access: 'workspace',
    writes: 'conductor_execution',
    params: conductorParams,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, conductor_instance_id: id } = ctx.params;
      const job = await getJob(ctx.deps.store.db, org, ws, id, ['ita-by-conductor-synchronize']);
      requireStatus(job, [CONDUCTOR_STATUS.paused], 'resume');
      await ctx.write(async (trx) => {
        await transition(trx, job, 'conductor', [CONDUCTOR_STATUS.paused], CONDUCTOR_STATUS.executing);
        await ctx.deps.store.notifyOnCommit(trx, 'jobs');
      });
      return null;
    },
  }),

  defineRoute({
    method: 'GET',
    url: `${ITA}/executions/`,
    summary: "The workspace's executions of every backyard, newest first (?backyard=&limit=&offset=)",
    tag: 'executions',
    access: 'workspace',
    writes: 'read',
    params: workspaceParams,
    query: z
      .object({
        backyard: z.enum(backyardNames()).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        offset: z.coerce.number().int().min(0).default(0),
      })
      .strict(),
    handler: async ({ params, query, deps, language }) => {
      let q = deps.store.db
        .selectFrom('backyard_jobs')
        .selectAll()
        .where('organization_id', '=', params.organization_id)
        .where('workspace_id', '=', params.workspace_id);
      if (query.backyard) q = q.where('backyard', '=', query.backyard);
      const rows = await q.orderBy('created_at', 'desc').limit(query.limit).offset(query.offset).execute();
      return Promise.all(rows.map((r) => executionView(deps.store, toJob(r), language, false)));
    },
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/executions/:execution_no/`,
    summary: 'Any execution of the workspace by id, with its log',
    tag: 'executions',
    access: 'workspace',
    writes: 'read',
    params: anyExecutionParams,
    handler: async ({ params, deps, language }) =>
      executionView(deps.store, await getJob(deps.store.db, params.organization_id, params.workspace_id, params.execution_no), language),
  }),
];

