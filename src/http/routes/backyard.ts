import { z } from 'zod';
import { textIn } from '../../i18n/language.js';
import { buildConductorSpec, conductorTarget } from '../../backyard/conductor-spec.js';
import { fromEditor } from '../../backyard/conductor-editor.js';
import { DRIVER_MENUS, buildDriverSpec, parseScheduleDate, type DriverMode, type DriverSpec } from '../../backyard/driver-specs.js';
import type { WriteFunction } from '../../maintenance/write-functions.js';
import { populatedData, resultData } from '../../backyard/execution-data.js';
import { conductorData, conductorInfo, exastroConductorView, getConductor, requireReleasable } from '../../backyard/conductor-view.js';
import { driverExecutionView, emergencyStop, executionDetail, listExecutions, resumeConductor } from '../../backyard/executions.js';
import { backyardNames, type Backyard } from '../../backyard/kinds/registry.js';
import { CONDUCTOR_STATUS, DRIVER_STATUS } from '../../backyard/kinds/status-families.js';
import { getJob, registerJob, requireStatus, transition } from '../../backyard/jobs.js';
import { RESULT, refused } from '../../errors.js';
import { MESSAGES } from '../../i18n/server-messages.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { ITA, menuParams, workspaceParams } from './params.js';
import { ownValue } from '../../util/own-value.js';
import { sendFile } from '../send-file.js';
import {
  executionDetailSchema,
  executionSchema,
  itaConductorDataSchema,
  itaConductorInfoSchema,
  itaConductorSchema,
  itaDriverExecutionSchema,
  registeredConductorSchema,
  registeredExecutionSchema,
} from '../wire/backyard.js';

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

/**
 * Exastro's conductor execute: the class and operation by name or by id (names win), and
 * optionally `conductor_data`, the class as its editor's JSON, run instead of the stored class.
 */
const conductorExecuteSchema = z
  .object({
    conductor_class_name: z.string().min(1).max(255).optional(),
    operation_name: z.string().min(1).max(255).optional(),
    conductor_class_id: z.string().min(1).max(64).optional(),
    operation_id: z.string().min(1).max(64).optional(),
    schedule_date: z.string().optional(),
    conductor_data: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const EMERGENCY_STOP_ALWAYS = 'an emergency stop must work in every mode: it stops work, it registers nothing';

/** The driver a `…/menu/{menu}/driver/…` path names, or a 404-like 400 listing the known ones. */
function driverOf(menu: string): Backyard {
  const backyard = ownValue(DRIVER_MENUS, menu);
  if (!backyard) {
    throw refused(RESULT.menuNotForThis, MESSAGES.menuNotForThis.menuRunsNoDriver(menu, Object.keys(DRIVER_MENUS).join(', ')));
  }
  return backyard;
}

/** The routes that register a driver execution, one per way of running a movement (DriverMode). */
const DRIVER_ACTIONS: ReadonlyArray<{ action: string; mode: DriverMode | undefined; writes: WriteFunction; summary: string }> = [
  {
    action: 'execute',
    mode: undefined,
    writes: 'driver_execution',
    summary: 'Register a driver execution (Ansible, Terraform CLI, Terraform Cloud/EP) of a movement with an operation',
  },
  {
    action: 'execute_dry_run',
    mode: 'dry_run',
    writes: 'driver_dry_run',
    summary: "Register a dry run of a movement with an operation: Ansible's check mode, Terraform's plan without apply (Exastro's plan confirmation)",
  },
  {
    action: 'execute_check_parameter',
    mode: 'parameter_check',
    writes: 'driver_parameter_check',
    summary: 'Register a parameter confirmation: the input is prepared (populated_data) and nothing is run',
  },
];

/** Driver executions and conductors, in Exastro IT Automation's shape, and any execution by id. */
export const backyardRoutes: AnyRoute[] = [
  ...DRIVER_ACTIONS.map(({ action, mode, writes, summary }) =>
    defineRoute({
      method: 'POST',
      url: `${ITA}/menu/:menu/driver/${action}/`,
      summary,
      tag: 'executions',
      access: 'workspace',
      writes,
      params: menuParams,
      body: driverExecuteSchema,
      response: registeredExecutionSchema,
      handler: async (ctx) => {
        const { organization_id: org, workspace_id: ws, menu } = ctx.params;
        const backyard = driverOf(menu);
        const scheduledAt = parseScheduleDate(ctx.body.schedule_date);
        const built = await buildDriverSpec(ctx.db, org, ws, backyard, ctx.body.movement_name, ctx.body.operation_name);
        const spec: DriverSpec = mode === undefined ? built.spec : { ...built.spec, mode };
        const job = await ctx.write((trx) =>
          registerJob(ctx.deps.store, trx, {
            organizationId: org,
            workspaceId: ws,
            backyard,
            spec,
            createdBy: ctx.principal.username,
            scheduledAt,
            delayMinutes: built.delayMinutes,
          }),
        );
        return { execution_no: job.id };
      },
    }),
  ),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/driver/:execution_no/`,
    summary: 'A driver execution as Exastro answers it: execution_list.parameter (status, times), status_id, progress.execution_log',
    tag: 'executions',
    access: 'workspace',
    writes: 'read',
    params: executionParams,
    response: itaDriverExecutionSchema,
    handler: async ({ params, db, language }) => {
      const job = await getJob(db, params.organization_id, params.workspace_id, params.execution_no, [driverOf(params.menu)]);
      return driverExecutionView(db, job, language);
    },
  }),
  ...(['populated_data', 'result_data'] as const).map((data) =>
    defineRoute({
      method: 'GET',
      url: `${ITA}/menu/:menu/driver/:execution_no/${data}`,
      summary:
        data === 'populated_data'
          ? "A driver execution's input data (InputData_<no>.zip: playbook, inventory or module, variables) as base64"
          : "A driver execution's result data (ResultData_<no>.zip: exec.log, error.log, result.json) as base64; null before it has run",
      tag: 'executions',
      access: 'workspace',
      writes: 'read',
      params: executionParams,
      response: z.string().nullable(),
      handler: async ({ params, db }) => {
        const job = await getJob(db, params.organization_id, params.workspace_id, params.execution_no, [driverOf(params.menu)]);
        const zip = data === 'populated_data' ? await populatedData(job) : await resultData(db, job);
        return zip === undefined ? null : zip.toString('base64');
      },
    }),
  ),
  defineRoute({
    method: 'PATCH',
    url: `${ITA}/menu/:menu/driver/:execution_no/cancel/`,
    summary: 'Cancel a scheduled driver execution that has not started',
    tag: 'executions',
    access: 'workspace',
    writes: 'job_cancel',
    params: executionParams,
    response: z.string(),
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, execution_no: id, menu } = ctx.params;
      const job = await getJob(ctx.db, org, ws, id, [driverOf(menu)]);
      requireStatus(job, [DRIVER_STATUS.scheduled], 'cancel', RESULT.cannotCancel);
      const done = await ctx.write((trx) => transition(trx, job, 'driver', [DRIVER_STATUS.scheduled], DRIVER_STATUS.scheduleCancelled));
      if (!done) requireStatus(await getJob(ctx.db, org, ws, id), [DRIVER_STATUS.scheduled], 'cancel', RESULT.cannotCancel);
      return textIn(MESSAGES.success.executionCancelAccepted(id), ctx.language);
    },
  }),
  defineRoute({
    method: 'PATCH',
    url: `${ITA}/menu/:menu/driver/:execution_no/scram/`,
    summary: 'Emergency stop of a driver execution: kills its process group; allowed in every mode',
    tag: 'executions',
    access: 'workspace',
    writes: { exempt: EMERGENCY_STOP_ALWAYS },
    params: executionParams,
    response: z.string(),
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, execution_no: id, menu } = ctx.params;
      await emergencyStop(ctx.deps.store, await getJob(ctx.db, org, ws, id, [driverOf(menu)]));
      return textIn(MESSAGES.success.executionScramAccepted(id), ctx.language);
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
    response: registeredConductorSchema,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws } = ctx.params;
      const scheduledAt = parseScheduleDate(ctx.body.schedule_date);
      const { className, operationName } = await conductorTarget(ctx.db, org, ws, ctx.body);
      const drawn = ctx.body.conductor_data && (await fromEditor(ctx.db, org, ws, ctx.body.conductor_data)).definition;
      const spec = await buildConductorSpec(ctx.db, org, ws, className, operationName, drawn);
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
    summary: 'A conductor execution as Exastro answers it: the class it ran (conductor_class), its row (conductor) and its nodes (node)',
    tag: 'conductors',
    access: 'workspace',
    writes: 'read',
    params: conductorParams,
    response: itaConductorSchema,
    handler: async ({ params, db, language }) =>
      exastroConductorView(db, await getConductor(db, params.organization_id, params.workspace_id, params.conductor_instance_id), language),
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/conductor/info/:conductor_instance_id/`,
    summary: "The names behind a conductor view's ids: statuses, node types, orchestrators, and the workspace's classes, operations and movements",
    tag: 'conductors',
    access: 'workspace',
    writes: 'read',
    params: conductorParams,
    response: itaConductorInfoSchema,
    handler: async ({ params, db, language }) => {
      await getConductor(db, params.organization_id, params.workspace_id, params.conductor_instance_id);
      return conductorInfo(db, params.organization_id, params.workspace_id, language);
    },
  }),
  ...(['input_data', 'result_data'] as const).map((data) =>
    defineRoute({
      method: 'GET',
      url: `${ITA}/menu/:menu/conductor/:conductor_instance_id/${data}/`,
      summary:
        data === 'input_data'
          ? "A conductor's input data: its class and operation, and each driver execution's input data (a zip: {file_name, file_data} in base64, or the zip itself with ?file=binary)"
          : "A conductor's result data: its log and node states, and each driver execution's result data (a zip: {file_name, file_data} in base64, or the zip itself with ?file=binary)",
      tag: 'conductors',
      access: 'workspace',
      writes: 'read',
      params: conductorParams,
      query: z.object({ file: z.enum(['binary']).optional() }).strict(),
      response: itaConductorDataSchema,
      handler: async ({ params, query, db, reply }) => {
        const job = await getConductor(db, params.organization_id, params.workspace_id, params.conductor_instance_id);
        const { file_name, content } = await conductorData(db, job, data);
        if (query.file === 'binary') return sendFile(reply, { name: file_name, content });
        return { file_name, file_data: content.toString('base64') };
      },
    }),
  ),
  defineRoute({
    method: 'PATCH',
    url: `${ITA}/menu/:menu/conductor/:conductor_instance_id/cancel/`,
    summary: 'Cancel a scheduled conductor execution that has not started',
    tag: 'conductors',
    access: 'workspace',
    writes: 'job_cancel',
    params: conductorParams,
    response: z.string(),
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, conductor_instance_id: id } = ctx.params;
      const job = await getConductor(ctx.db, org, ws, id);
      requireStatus(job, [CONDUCTOR_STATUS.scheduled], 'cancel', RESULT.conductorCannotCancel);
      await ctx.write((trx) => transition(trx, job, 'conductor', [CONDUCTOR_STATUS.scheduled], CONDUCTOR_STATUS.scheduleCancelled));
      return textIn(MESSAGES.success.conductorCancelAccepted(id), ctx.language);
    },
  }),
  defineRoute({
    method: 'PATCH',
    url: `${ITA}/menu/:menu/conductor/:conductor_instance_id/scram/`,
    summary: 'Emergency stop of a conductor and every driver execution it started; allowed in every mode',
    tag: 'conductors',
    access: 'workspace',
    writes: { exempt: EMERGENCY_STOP_ALWAYS },
    params: conductorParams,
    response: z.string(),
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, conductor_instance_id: id } = ctx.params;
      await emergencyStop(ctx.deps.store, await getConductor(ctx.db, org, ws, id));
      return textIn(MESSAGES.success.conductorScramAccepted(id), ctx.language);
    },
  }),
  defineRoute({
    method: 'PATCH',
    url: `${ITA}/menu/:menu/conductor/:conductor_instance_id/node/:node_instance_id/relese/`,
    summary: "Release a conductor's pause node that holds it (Exastro spells the path `relese`); the conductor goes on",
    tag: 'conductors',
    access: 'workspace',
    writes: 'conductor_release',
    params: conductorParams.extend({ node_instance_id: z.string().min(1).max(64) }),
    response: z.string(),
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, conductor_instance_id: id, node_instance_id: node } = ctx.params;
      const job = await getConductor(ctx.db, org, ws, id);
      requireReleasable(job, node);
      await ctx.write((trx) => resumeConductor(ctx.deps.store, trx, job));
      return textIn(MESSAGES.success.releaseAccepted(id, node), ctx.language);
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
    response: z.array(executionSchema),
    handler: async ({ params, query, db, language }) => listExecutions(db, params.organization_id, params.workspace_id, query, language),
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/executions/:execution_no/`,
    summary: "Any execution of the workspace by id, with its log and the executions it started (a conductor's driver executions)",
    tag: 'executions',
    access: 'workspace',
    writes: 'read',
    params: anyExecutionParams,
    response: executionDetailSchema,
    handler: async ({ params, db, language }) =>
      executionDetail(db, await getJob(db, params.organization_id, params.workspace_id, params.execution_no), language),
  }),
];
