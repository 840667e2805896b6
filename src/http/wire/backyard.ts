import { z } from 'zod';
import { backyardNames } from '../../backyard/kinds/registry.js';
import { timestampSchema } from './common.js';

/** A backyard kind's name (backyard/kinds/: the registry). */
export const backyardSchema = z.enum(backyardNames());

/** `POST …/driver/execute/` (and the menu jobs' registrations): the job's id. */
export const registeredExecutionSchema = z.strictObject({ execution_no: z.string() });

/** `POST …/conductor/execute/`: the conductor's id. */
export const registeredConductorSchema = z.strictObject({ conductor_instance_id: z.string() });

/** An execution without its log: Exastro's execution fields plus drydock's. */
export const executionSchema = z.strictObject({
  execution_no: z.string(),
  backyard: backyardSchema,
  status_id: z.string(),
  /** In the caller's language. */
  status_name: z.string(),
  /** What the job runs: the kind's own fields (a driver's movement and operation, a menu job's menus …). */
  spec: z.record(z.string(), z.unknown()),
  /** What the job's executor recorded when it ended; null before. */
  result: z.unknown(),
  parent_execution_no: z.string().nullable(),
  schedule_date: timestampSchema.nullable(),
  time_register: timestampSchema,
  time_start: timestampSchema.nullable(),
  time_end: timestampSchema.nullable(),
  execution_user: z.string(),
  last_update_timestamp: timestampSchema,
  delay_timer: z.number().nullable(),
  /** An emergency stop asked the running job to stop. */
  stop_requested: z.boolean(),
});

/** One write to a job's log. */
export const logEntrySchema = z.strictObject({
  id: z.number().int(),
  at: timestampSchema,
  stream: z.string(),
  text: z.string(),
});

/** An execution with its log: `log` is every entry's text joined. */
export const executionWithLogSchema = executionSchema.extend({
  log: z.string(),
  log_entries: z.array(logEntrySchema),
});

/** An execution with its log and the executions it started (a conductor's driver executions, without their logs). */
export const executionDetailSchema = executionWithLogSchema.extend({ children: z.array(executionSchema) });

/** One in-flight job as the execute-check lists it. */
export const inFlightJobSchema = z.strictObject({
  id: z.string(),
  last_update_timestamp: timestampSchema,
  status_id: z.string(),
  status_name: z.string(),
  /** drydock: the job's worker stopped renewing its lease; it will end as an unexpected error. */
  lease_expired: z.boolean(),
  /** drydock: when the job started. */
  started_at: timestampSchema.nullable(),
});

/**
 * `GET /api/ita/backyard-execute-check/` (and each event of its stream): every in-flight job of every
 * organization and workspace, every backyard's key present, with counts (conductor rows listed, not counted).
 */
export const executeCheckSchema = z.strictObject({
  execute_count: z.number().int(),
  organizations: z.array(
    z.strictObject({
      id: z.string(),
      execute_count: z.number().int(),
      workspaces: z.array(
        z.strictObject({
          id: z.string(),
          execute_count: z.number().int(),
          backyards: z.record(backyardSchema, z.array(inFlightJobSchema)),
        }),
      ),
    }),
  ),
  /** drydock: the jobs that could start now and have not (Unexecuted, or scheduled and due), apart from those in flight. */
  held_back_count: z.number().int(),
  /** drydock: the same per organization, workspace and backyard, where there are some. */
  held_back: z.array(z.strictObject({ organization_id: z.string(), workspace_id: z.string(), backyard: z.string(), count: z.number().int() })),
});

/** `GET …/menu/{menu}/driver/{execution_no}/`: a driver execution as Exastro IT Automation answers it. */
export const itaDriverExecutionSchema = z.strictObject({
  execution_list: z.strictObject({
    parameter: z.strictObject({
      execution_no: z.string(),
      execution_type: z.string(),
      status: z.string(),
      abort_execute_flag: z.enum(['True', 'False']).optional(),
      execution_engine: z.string().optional(),
      caller_conductor: z.string().nullable(),
      execution_user: z.string(),
      register_time: z.string().nullable(),
      movement_name: z.string().nullable(),
      delay_timer: z.number().nullable(),
      operation_name: z.string().nullable(),
      populated_data: z.string(),
      result_data: z.string().nullable(),
      scheduled_date_time: z.string().nullable(),
      start_date_time: z.string().nullable(),
      end_date_time: z.string().nullable(),
      conductor_instance_id: z.string().nullable(),
      remarks: z.null(),
      discard: z.literal('0'),
      last_update_date_time: z.string(),
      last_updated_user: z.string(),
    }),
    file: z.strictObject({}),
  }),
  status_id: z.string(),
  progress: z.strictObject({
    execution_log: z.strictObject({ exec_log: z.record(z.string(), z.string()), error_log: z.string().optional() }),
  }),
  status_monitoring_cycle: z.number().int(),
  number_of_rows_to_display_progress_status: z.number().int(),
});

/**
 * `GET …/conductor/{conductor_instance_id}/` as Exastro answers it (backyard/conductor-view.ts): the
 * class the conductor ran, its row, and its nodes by id.
 */
export const itaConductorSchema = z.strictObject({
  conductor_class: z.strictObject({
    conductor: z.strictObject({ id: z.string().nullable(), conductor_name: z.string(), note: z.null() }),
    nodes: z.array(
      z.strictObject({
        id: z.string(),
        type: z.enum(['movement', 'pause']),
        depends_on: z.array(z.string()),
        allow_failure: z.boolean(),
        movement_name: z.string().optional(),
        operation_name: z.string().optional(),
        backyard: backyardSchema.optional(),
      }),
    ),
  }),
  conductor: z.strictObject({
    conductor_instance_id: z.string(),
    conductor_class_id: z.string().nullable(),
    conductor_name: z.string(),
    status: z.string(),
    status_id: z.string(),
    execution_user: z.string(),
    abort_execute_flag: z.enum(['True', 'False']),
    operation_id: z.string().nullable(),
    operation_name: z.string(),
    time_register: z.string().nullable(),
    time_book: z.string().nullable(),
    time_start: z.string().nullable(),
    time_end: z.string().nullable(),
    execution_log: z.strictObject({ exec_log: z.record(z.string(), z.string()) }),
    remarks: z.null(),
    last_update_date_time: z.string(),
  }),
  node: z.record(
    z.string(),
    z.strictObject({
      node_instance_id: z.string(),
      node_name: z.string(),
      node_type: z.enum(['movement', 'pause']),
      status: z.string(),
      status_id: z.string(),
      status_file: z.null(),
      skip: z.literal('False'),
      remarks: z.null(),
      time_start: z.string().nullable(),
      time_end: z.string().nullable(),
      movement_name: z.string().nullable(),
      operation_id: z.null(),
      operation_name: z.string().nullable(),
      jump: z.strictObject({ menu_id: z.string().nullable(), execution_id: z.string().nullable() }),
      jump_url: z.string().nullable(),
    }),
  ),
});

const namedIdsSchema = z.array(z.strictObject({ id: z.string(), name: z.string() }));
const infoListsSchema = z.strictObject({
  conductor_status: namedIdsSchema,
  node_status: namedIdsSchema,
  node_type: namedIdsSchema,
  orchestra: namedIdsSchema,
  conductor: namedIdsSchema,
  operation: namedIdsSchema,
  movement: namedIdsSchema,
});
const infoDictSchema = z.record(z.string(), z.record(z.string(), z.string()));

/** `GET …/conductor/info/{conductor_instance_id}/`: the names behind a conductor view's ids. */
export const itaConductorInfoSchema = z.strictObject({
  list: infoListsSchema,
  dict: infoDictSchema,
  dict_name: infoDictSchema,
  refresh_interval: z.number().int(),
});

/** `GET …/conductor/{id}/input_data/` and `…/result_data/` (without `?file=binary`): a zip as base64 under its name. */
export const itaConductorDataSchema = z.strictObject({ file_name: z.string(), file_data: z.string() });
