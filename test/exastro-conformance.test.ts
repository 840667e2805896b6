/**
 * The conformance suite: for every Exastro endpoint drydock claims (supported, or with a documented
 * difference, in test/support/exastro-endpoints.ts), a request as Exastro's published examples make
 * it and the answer's shape as Exastro documents it — written here, from Exastro's documents, not
 * from drydock's own schemas. Run on both stores, in one sequence (later cases use what earlier
 * ones created). A shape lists what an Exastro client reads (extra fields are allowed: drydock adds
 * some); where the endpoint's note documents a different answer, the shape is the part that is the
 * same. The last test holds the suite to the list: an endpoint claimed without a case fails it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { writeWorkbook } from '../src/menus/excel.js';
import { commandPlaybook, registerAnsibleMovement } from './support/ansible-jobs.js';
import { ITA1, SEED, adminAuth, seedTenants, startTestApp, type Auth, type CallOptions, type CallResult, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { EXASTRO_ENDPOINTS } from './support/exastro-endpoints.js';
import { sampleExport } from './support/menu-jobs.js';
import { editorClass, registerPausedConductor } from './support/driver-jobs.js';

const I = '/api/{organization_id}/workspaces/{workspace_id}/ita';
const ORG = SEED.org1;
const obj = z.looseObject;
const str = z.string();
const int = z.number().int();
const flag01 = z.enum(['0', '1']);
/** A record as Exastro's filter returns it: `parameter` with the system columns, and `file`. */
const record = (key = 'uuid') =>
  obj({ parameter: obj({ [key]: str, discard: flag01, last_update_date_time: str, last_updated_user: str }), file: z.record(str, str.nullable()) });
const counts = obj({ Register: int, Update: int, Restore: int, Discard: int, Delete: int });
const executionNo = obj({ execution_no: str });

/** What the cases share: ids created on the way. */
type State = Record<string, string>;

interface Case {
  /** "METHOD path" as test/support/exastro-endpoints.ts writes it. */
  readonly endpoint: string;
  readonly call: (s: State) => CallOptions;
  /** Exastro's envelope around `data` (the default), or an answer of its own (the token endpoint's, a file). */
  readonly answer?: 'envelope' | 'raw';
  /** `data`'s shape (or, raw, the body's). */
  readonly shape?: z.ZodType;
  readonly status?: number;
  /** Keeps what later cases need. */
  readonly keep?: (data: any, s: State, r: CallResult) => void;
}

const member = SEED.member1;
const manager = SEED.manager1;
const w = (path: string) => `${ITA1}/${path}`;
const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});
const inFuture = () => {
  const at = new Date(Date.now() + 86_400_000).toISOString();
  return `${at.slice(0, 10).replaceAll('-', '/')} ${at.slice(11, 19)}`;
};
const get = (url: string, auth: Auth = member): CallOptions => ({ url, auth });
const send = (method: CallOptions['method'], url: string, body: unknown, auth: Auth = member): CallOptions => ({ method, url, auth, body });

const CASES: readonly Case[] = [
  // The platform: organizations (system administrator).
  {
    endpoint: 'POST /api/platform/organizations',
    call: () =>
      send(
        'POST',
        '/api/platform/organizations',
        {
          id: 'conf-org',
          name: 'conf-org-name',
          organization_managers: [
            {
              username: 'conf-admin',
              email: 'conf-admin@example.com',
              firstName: 'conf',
              lastName: 'admin',
              credentials: [{ type: 'password', value: 'conf-password-1', temporary: true }],
              requiredActions: ['UPDATE_PROFILE'],
              enabled: true,
            },
          ],
          plan: { id: 'plan-1' },
          options: {},
          optionsIta: { drivers: { terraform_cloud_ep: true, terraform_cli: true, ci_cd: true, oase: true } },
        },
        adminAuth,
      ),
  },
  {
    endpoint: 'GET /api/platform/organizations',
    call: () => get('/api/platform/organizations', adminAuth),
    shape: z.array(obj({ id: str, name: str, organization_managers: z.array(obj({ id: str, username: str })), status: str, enabled: z.boolean() })),
  },
  {
    endpoint: 'GET /api/platform/organizations/{organization_id}',
    call: () => get('/api/platform/organizations/conf-org', adminAuth),
    shape: obj({
      id: z.literal('conf-org'),
      name: str,
      organization_managers: z.array(obj({ id: str, username: z.literal('conf-admin'), email: str, enabled: z.boolean(), create_timestamp: str })),
      active_plan: obj({ id: z.literal('plan-1') }),
      plans: z.array(obj({ id: str, start_datetime: str })),
      status: z.literal('Organization Create Complete'),
      enabled: z.literal(true),
      optionsIta: obj({ drivers: obj({}) }),
    }),
  },
  {
    endpoint: 'PUT /api/platform/organizations/{organization_id}',
    call: () =>
      send(
        'PUT',
        '/api/platform/organizations/conf-org',
        { name: 'renamed', enabled: true, optionsIta: { drivers: { terraform_cloud_ep: true, terraform_cli: true, ci_cd: false, oase: false } } },
        adminAuth,
      ),
  },
  {
    endpoint: 'DELETE /api/platform/organizations/{organization_id}',
    call: () => ({ method: 'DELETE', url: '/api/platform/organizations/conf-org', auth: adminAuth }),
  },

  // Tokens.
  {
    endpoint: 'POST /auth/realms/{organization_id}/protocol/openid-connect/token',
    call: () => ({
      method: 'POST',
      url: `/auth/realms/${ORG}/protocol/openid-connect/token`,
      ...form({ grant_type: 'password', client_id: `_${ORG}-api`, scope: 'openid offline_access', username: 'member1', password: 'member1-password' }),
    }),
    answer: 'raw',
    shape: obj({
      access_token: str,
      expires_in: int,
      refresh_token: str,
      token_type: z.literal('Bearer'),
      'not-before-policy': int,
      session_state: str,
      scope: str,
    }),
  },

  // Workspaces (organization manager).
  {
    endpoint: 'POST /api/{organization_id}/platform/workspaces',
    call: () =>
      send(
        'POST',
        `/api/${ORG}/platform/workspaces`,
        { id: 'conf-ws', name: 'conf ws', informations: { description: '', environments: [{ name: 'staging' }], workspace_administrators: [] } },
        manager,
      ),
  },
  {
    endpoint: 'GET /api/{organization_id}/platform/workspaces',
    call: () => get(`/api/${ORG}/platform/workspaces`, manager),
    shape: z.array(
      obj({
        id: str,
        name: str,
        informations: obj({}),
        create_timestamp: str,
        create_user: str.nullable(),
        last_update_timestamp: str,
        last_update_user: str.nullable(),
      }),
    ),
  },
  {
    endpoint: 'GET /api/{organization_id}/platform/workspaces/{workspace_id}',
    call: () => get(`/api/${ORG}/platform/workspaces/conf-ws`, manager),
    shape: obj({
      id: z.literal('conf-ws'),
      name: str,
      informations: obj({ environments: z.array(obj({ name: str })), description: str }),
      create_timestamp: str,
      create_user: str,
      last_update_timestamp: str,
      last_update_user: str,
    }),
  },
  {
    endpoint: 'PUT /api/{organization_id}/platform/workspaces/{workspace_id}',
    call: () => send('PUT', `/api/${ORG}/platform/workspaces/conf-ws`, { name: 'conf ws 2', informations: { description: 'd', environments: [] } }, manager),
  },
  {
    endpoint: 'DELETE /api/{organization_id}/platform/workspaces/{workspace_id}',
    call: () => ({ method: 'DELETE', url: `/api/${ORG}/platform/workspaces/conf-ws`, auth: manager }),
  },

  // Users (organization manager).
  {
    endpoint: 'POST /api/{organization_id}/platform/users',
    call: () =>
      send(
        'POST',
        `/api/${ORG}/platform/users`,
        {
          username: 'user01',
          password: 'Passw0rd!-x',
          password_temporary: true,
          email: 'u@example.com',
          firstName: 'User',
          lastName: 'One',
          affiliation: '',
          description: '',
          enabled: true,
        },
        manager,
      ),
    keep: (data, s) => (s.user = data.id),
  },
  {
    endpoint: 'GET /api/{organization_id}/platform/users',
    call: () => get(`/api/${ORG}/platform/users`, manager),
    shape: z.array(obj({ id: str, firstName: str.nullable(), lastName: str.nullable(), email: str.nullable(), preferred_username: str, enabled: z.boolean() })),
  },
  {
    endpoint: 'GET /api/{organization_id}/platform/users/{user_id}',
    call: (s) => get(`/api/${ORG}/platform/users/${s.user}`, manager),
    shape: obj({
      id: str,
      firstName: z.literal('User'),
      lastName: z.literal('One'),
      email: str,
      preferred_username: z.literal('user01'),
      name: z.literal('User One'),
      affiliation: str,
      service_account_user_type: z.null(),
      description: str,
      enabled: z.literal(true),
      create_timestamp: str,
    }),
  },
  {
    endpoint: 'PUT /api/{organization_id}/platform/users/{user_id}',
    call: (s) =>
      send(
        'PUT',
        `/api/${ORG}/platform/users/${s.user}`,
        { password: 'N3w-passw0rd!', firstName: 'U', lastName: 'O', email: 'o@example.com', enabled: true },
        manager,
      ),
  },
  {
    endpoint: 'DELETE /api/{organization_id}/platform/users/{user_id}',
    call: (s) => ({ method: 'DELETE', url: `/api/${ORG}/platform/users/${s.user}`, auth: manager }),
  },

  // Maintenance mode.
  {
    endpoint: 'GET /api/platform/maintenance-mode-setting',
    call: () => get('/api/platform/maintenance-mode-setting', adminAuth),
    shape: obj({ backyard_execute_stop: flag01, data_update_stop: flag01 }),
  },
  {
    endpoint: 'PATCH /api/platform/maintenance-mode-setting',
    call: () => send('PATCH', '/api/platform/maintenance-mode-setting', { backyard_execute_stop: '0', data_update_stop: '0' }, adminAuth),
  },
  {
    endpoint: 'GET /api/{organization_id}/platform/maintenance-mode-setting',
    call: () => get(`/api/${ORG}/platform/maintenance-mode-setting`),
    shape: obj({ backyard_execute_stop: flag01, data_update_stop: flag01 }),
  },

  // IT Automation's system management.
  {
    endpoint: 'GET /api/ita/loglevel-settings/',
    call: () => get('/api/ita/loglevel-settings/', adminAuth),
    shape: z.record(str, z.enum(['INFO', 'DEBUG', 'WARNING', 'ERROR', 'CRITICAL'])),
  },
  {
    endpoint: 'PATCH /api/ita/loglevel-settings/',
    call: () => send('PATCH', '/api/ita/loglevel-settings/', { 'ita-api-organization': 'DEBUG' }, adminAuth),
    shape: str,
  },
  {
    endpoint: 'GET /api/ita/backyard-execute-check/',
    call: () => get('/api/ita/backyard-execute-check/', adminAuth),
    shape: obj({ execute_count: int, organizations: z.array(obj({ id: str, execute_count: int, workspaces: z.array(obj({ id: str, execute_count: int })) })) }),
  },

  // The workspace API: user, menus, version.
  { endpoint: `GET ${I}/user/`, call: () => get(w('user/')), shape: obj({ user_id: str }) },
  {
    endpoint: `GET ${I}/user/menus/`,
    call: () => get(w('user/menus/')),
    shape: obj({ menu_groups: z.array(obj({ id: str, menu_group_name: str, menus: z.array(obj({ id: str, menu_name: str, menu_name_rest: str })) })) }),
  },
  { endpoint: `GET ${I}/version/`, call: () => get(w('version/')), shape: obj({ version: str, installed_driver: z.array(str) }) },

  // Records.
  {
    endpoint: `POST ${I}/menu/{menu}/maintenance/all/`,
    call: () =>
      send('POST', w(`menu/${SEED.menu}/maintenance/all/`), [
        { type: 'Register', parameter: { host: 'conf-a', port: '22', remarks: 'test' }, file: {} },
        { type: 'Register', parameter: { host: 'conf-b', port: '23' } },
      ]),
    shape: counts.extend({ IdList: z.array(str).length(2) }),
    keep: (data, s) => {
      s.recordA = data.IdList[0];
      s.recordB = data.IdList[1];
    },
  },
  {
    endpoint: `POST ${I}/menu/{menu}/maintenance/`,
    call: () => send('POST', w(`menu/${SEED.menu}/maintenance/`), { parameter: { host: 'conf-c', port: '24' } }),
    shape: counts,
  },
  {
    endpoint: `GET ${I}/menu/{menu}/filter/`,
    call: () => get(w(`menu/${SEED.menu}/filter/`)),
    shape: z.array(record()),
    keep: (data, s) => (s.recordAAt = data.find((r: { parameter: { uuid: string } }) => r.parameter.uuid === s.recordA).parameter.last_update_date_time),
  },
  {
    endpoint: `PATCH ${I}/menu/{menu}/maintenance/{uuid}/`,
    call: (s) => send('PATCH', w(`menu/${SEED.menu}/maintenance/${s.recordA}/`), { parameter: { port: '2222', last_update_date_time: s.recordAAt } }),
    shape: counts,
  },
  {
    endpoint: `POST ${I}/menu/{menu}/filter/`,
    call: () => send('POST', w(`menu/${SEED.menu}/filter/?file=no`), { discard: { NORMAL: '0' }, host: { LIST: ['conf-a', 'conf-b'] } }),
    shape: z.array(record()).length(2),
  },
  { endpoint: `GET ${I}/menu/{menu}/filter/count/`, call: () => get(w(`menu/${SEED.menu}/filter/count/`)), shape: int },
  {
    endpoint: `POST ${I}/menu/{menu}/filter/count/`,
    call: () => send('POST', w(`menu/${SEED.menu}/filter/count/`), { host: { NORMAL: 'conf' } }),
    shape: z.literal(3),
  },
  {
    endpoint: `GET ${I}/menu/{menu}/filter/journal/{uuid}/`,
    call: (s) => get(w(`menu/${SEED.menu}/filter/journal/${s.recordA}/`)),
    shape: z
      .array(
        obj({
          parameter: obj({ journal_id: str, journal_datetime: str, journal_action: z.enum(['INSERT', 'UPDATE']), uuid: str, discard: flag01 }),
          file: z.record(str, str.nullable()),
        }),
      )
      .length(2),
  },

  // Menu info.
  {
    endpoint: `GET ${I}/menu/{menu}/info/`,
    call: () => get(w(`menu/${SEED.menu}/info/`)),
    shape: obj({
      menu_info: obj({ menu_name_rest: z.literal(SEED.menu), pk_column_name_rest: z.literal('uuid'), sheet_type: str }),
      column_info: z.record(str, obj({ column_name_rest: str, column_type: str, required_item: flag01 })),
      column_group_info: z.unknown(),
    }),
  },
  { endpoint: `GET ${I}/menu/{menu}/info/column/`, call: () => get(w(`menu/${SEED.menu}/info/column/`)), shape: z.record(str, str) },
  { endpoint: `GET ${I}/menu/{menu}/info/pulldown/`, call: () => get(w(`menu/${SEED.menu}/info/pulldown/`)), shape: z.record(str, z.unknown()) },
  {
    endpoint: `GET ${I}/menu/{menu}/info/search/candidates/{column}/`,
    call: () => get(w(`menu/${SEED.menu}/info/search/candidates/host/`)),
    shape: z.array(z.union([str, z.number()])),
  },

  ...(['menu/export/info/', 'excel/bulk/export/info/'] as const).map((path): Case => ({
    endpoint: `GET ${I}/${path}`,
    call: () => get(w(path)),
    shape: obj({ menu_groups: z.array(obj({ id: str, menu_group_name: str, menus: z.array(obj({ id: str, menu_name: str, menu_name_rest: str })) })) }),
  })),
  // Per-menu Excel: the workbook as base64 in `data`, or the file itself with ?file=binary.
  {
    endpoint: `GET ${I}/menu/{menu}/excel/`,
    call: () => get(w(`menu/${SEED.menu}/excel/?file=binary`)),
    answer: 'raw',
    keep: (_d, _s, r) => {
      assert.equal(r.headers['content-type'], 'application/octet-stream');
      assert.match(String(r.headers['content-disposition']), new RegExp(`^attachment; filename\\*=UTF-8''${SEED.menu}_\\d{14}\\.xlsx$`));
      assert.equal(r.raw!.subarray(0, 2).toString(), 'PK');
    },
  },
  {
    endpoint: `POST ${I}/menu/{menu}/excel/`,
    call: () => send('POST', w(`menu/${SEED.menu}/excel/`), { host: { NORMAL: 'conf-a' } }),
    shape: z.base64(),
  },
  {
    endpoint: `GET ${I}/menu/{menu}/excel/format/`,
    call: () => get(w(`menu/${SEED.menu}/excel/format/`)),
    shape: z.base64(),
    keep: (data, s) => (s.excelFormat = data),
  },
  {
    endpoint: `GET ${I}/menu/{menu}/excel/journal/`,
    call: () => get(w(`menu/${SEED.menu}/excel/journal/?file=binary`)),
    answer: 'raw',
  },
  {
    endpoint: `POST ${I}/menu/{menu}/excel/maintenance/`,
    call: (s) => send('POST', w(`menu/${SEED.menu}/excel/maintenance/`), { excel: s.excelWorkbook }),
    shape: counts.extend({ IdList: z.array(str).length(1) }),
  },

  // Files.
  {
    endpoint: `GET ${I}/menu/{menu}/{uuid}/{column}/file/`,
    call: (s) => get(w(`menu/conf_files/${s.fileRecord}/config/file/`)),
    answer: 'raw',
    keep: (_d, _s, r) => {
      assert.equal(r.headers['content-type'], 'application/octet-stream');
      assert.match(String(r.headers['content-disposition']), /^attachment; filename/);
      assert.equal(r.text, 'K=V\n');
    },
  },
  {
    endpoint: `GET ${I}/menu/{menu}/{uuid}/{column}/file/journal/{journal_uuid}/`,
    call: (s) => get(w(`menu/conf_files/${s.fileRecord}/config/file/journal/${s.fileJournal}/`)),
    answer: 'raw',
    keep: (_d, _s, r) => assert.equal(r.text, 'K=V\n'),
  },

  // Drivers.
  {
    endpoint: `POST ${I}/menu/{menu}/driver/execute/`,
    call: () =>
      send('POST', w('menu/execution_ansible_legacy/driver/execute/'), { movement_name: 'conf-mv', operation_name: 'conf-op', schedule_date: inFuture() }),
    shape: executionNo,
    keep: (data, s) => (s.execution = data.execution_no),
  },
  {
    endpoint: `GET ${I}/menu/{menu}/driver/{execution_no}/`,
    call: (s) => get(w(`menu/check_operation_status_ansible_legacy/driver/${s.execution}/`)),
    shape: obj({
      execution_list: obj({
        parameter: obj({
          execution_no: str,
          status: str,
          movement_name: z.literal('conf-mv'),
          operation_name: z.literal('conf-op'),
          populated_data: str.nullable(),
        }),
        file: obj({}),
      }),
      status_id: z.literal('9'),
      progress: obj({ execution_log: obj({ exec_log: z.record(str, str) }) }),
      status_monitoring_cycle: int,
      number_of_rows_to_display_progress_status: int,
    }),
  },
  {
    endpoint: `GET ${I}/menu/{menu}/driver/{execution_no}/populated_data`,
    call: (s) => get(w(`menu/check_operation_status_ansible_legacy/driver/${s.execution}/populated_data`)),
    shape: str,
  },
  {
    endpoint: `GET ${I}/menu/{menu}/driver/{execution_no}/result_data`,
    call: (s) => get(w(`menu/check_operation_status_ansible_legacy/driver/${s.execution}/result_data`)),
    shape: z.null(),
  },
  ...(['execute_dry_run', 'execute_check_parameter'] as const).map((action): Case => ({
    endpoint: `POST ${I}/menu/{menu}/driver/${action}/`,
    call: () =>
      send('POST', w(`menu/execution_ansible_legacy/driver/${action}/`), { movement_name: 'conf-mv', operation_name: 'conf-op', schedule_date: inFuture() }),
    shape: executionNo,
  })),
  {
    endpoint: `PATCH ${I}/menu/{menu}/driver/{execution_no}/cancel/`,
    call: (s) => send('PATCH', w(`menu/check_operation_status_ansible_legacy/driver/${s.execution}/cancel/`), {}),
    shape: str,
  },
  {
    endpoint: `PATCH ${I}/menu/{menu}/driver/{execution_no}/scram/`,
    call: (s) => send('PATCH', w(`menu/check_operation_status_ansible_legacy/driver/${s.execution2}/scram/`), {}),
    shape: str,
  },

  // Conductors.
  {
    endpoint: `POST ${I}/menu/{menu}/conductor/execute/`,
    call: () =>
      send('POST', w('menu/conductor_class_edit/conductor/execute/'), {
        conductor_class_name: 'conf-cd',
        operation_name: 'conf-op',
        schedule_date: inFuture(),
      }),
    shape: obj({ conductor_instance_id: str }),
    keep: (data, s) => (s.conductor = data.conductor_instance_id),
  },
  {
    endpoint: `GET ${I}/menu/{menu}/conductor/{conductor_instance_id}/`,
    call: (s) => get(w(`menu/conductor_confirmation/conductor/${s.paused}/`)),
    shape: obj({
      conductor_class: obj({}),
      conductor: obj({
        conductor_instance_id: str,
        conductor_name: str,
        status: str,
        status_id: z.literal('5'),
        execution_user: str,
        abort_execute_flag: z.enum(['True', 'False']),
        operation_name: str,
        time_book: str.nullable(),
        time_start: str.nullable(),
        time_end: str.nullable(),
      }),
      node: z.record(
        str,
        obj({
          node_instance_id: str,
          node_name: str,
          node_type: str,
          status: str,
          status_id: str,
          time_start: str.nullable(),
          time_end: str.nullable(),
          jump: obj({ menu_id: str.nullable(), execution_id: str.nullable() }),
        }),
      ),
    }),
    keep: (data, s) =>
      (s.pauseNode = Object.values(data.node as Record<string, { node_type: string; node_instance_id: string }>).find(
        (n) => n.node_type === 'pause',
      )!.node_instance_id),
  },
  {
    endpoint: `GET ${I}/menu/{menu}/conductor/info/{conductor_instance_id}/`,
    call: (s) => get(w(`menu/conductor_confirmation/conductor/info/${s.paused}/`)),
    shape: obj({
      list: obj(
        Object.fromEntries(
          ['conductor_status', 'node_status', 'node_type', 'orchestra', 'conductor', 'operation', 'movement'].map((k) => [
            k,
            z.array(obj({ id: str, name: str })),
          ]),
        ),
      ),
      dict: z.record(str, z.record(str, str)),
      dict_name: z.record(str, z.record(str, str)),
      refresh_interval: int,
    }),
  },
  {
    endpoint: `PATCH ${I}/menu/{menu}/conductor/{conductor_instance_id}/node/{node_instance_id}/relese/`,
    call: (s) => send('PATCH', w(`menu/conductor_confirmation/conductor/${s.paused}/node/${s.pauseNode}/relese/`), {}),
    shape: str,
  },
  {
    endpoint: `GET ${I}/menu/{menu}/conductor/{conductor_instance_id}/input_data/`,
    call: (s) => get(w(`menu/conductor_list/conductor/${s.conductor}/input_data/`)),
    shape: obj({ file_name: z.string().regex(/^InputData_Conductor_.*\.zip$/), file_data: str }),
  },
  {
    endpoint: `GET ${I}/menu/{menu}/conductor/{conductor_instance_id}/result_data/`,
    call: (s) => get(w(`menu/conductor_list/conductor/${s.paused}/result_data/?file=binary`)),
    answer: 'raw',
  },
  {
    endpoint: `GET ${I}/menu/{menu}/conductor/class/info/`,
    call: () => get(w('menu/conductor_class_edit/conductor/class/info/')),
    shape: obj({
      list: obj({ conductor: z.array(obj({ id: str, name: str })), movement: z.array(obj({ id: str, name: str })) }),
      dict: z.record(str, z.record(str, str)),
    }),
  },
  {
    endpoint: `POST ${I}/menu/{menu}/conductor/class/maintenance/`,
    call: () => send('POST', w('menu/conductor_class_edit/conductor/class/maintenance/'), editorClass('conf-editor', 'conf-mv')),
    shape: obj({ conductor_class_id: str }),
    keep: (data, s) => (s.conductorClass = data.conductor_class_id),
  },
  {
    endpoint: `GET ${I}/menu/{menu}/conductor/class/{conductor_class_id}/`,
    call: (s) => get(w(`menu/conductor_class_edit/conductor/class/${s.conductorClass}/`)),
    shape: obj({ conductor: obj({ id: str, conductor_name: z.literal('conf-editor'), last_update_date_time: str }) }),
    keep: (data, s) => (s.conductorClassAt = data.conductor.last_update_date_time),
  },
  {
    endpoint: `PATCH ${I}/menu/{menu}/conductor/class/maintenance/{conductor_class_id}/`,
    call: (s) =>
      send(
        'PATCH',
        w(`menu/conductor_class_edit/conductor/class/maintenance/${s.conductorClass}/`),
        editorClass('conf-editor', 'conf-mv', { note: 'edited', last_update_date_time: s.conductorClassAt }),
      ),
    shape: obj({ conductor_class_id: str }),
  },
  {
    endpoint: `PATCH ${I}/menu/{menu}/conductor/{conductor_instance_id}/cancel/`,
    call: (s) => send('PATCH', w(`menu/conductor_confirmation/conductor/${s.conductor}/cancel/`), {}),
    shape: str,
  },
  {
    endpoint: `PATCH ${I}/menu/{menu}/conductor/{conductor_instance_id}/scram/`,
    call: (s) => send('PATCH', w(`menu/conductor_confirmation/conductor/${s.conductor2}/scram/`), {}),
    shape: str,
  },

  // Menu creation, export and import.
  {
    endpoint: `POST ${I}/create/define/execute/`,
    call: () =>
      send(
        'POST',
        w('create/define/execute/'),
        {
          type: 'create_new',
          menu: { menu_create_id: null, menu_name: 'Conf sheet', menu_name_rest: 'conf_sheet', sheet_type_id: '2', columns: ['c1'] },
          column: { c1: { item_name: 'name', item_name_rest: 'name', column_class: 'SingleTextColumn', required: '1', uniqued: '0', display_order: 0 } },
          group: {},
        },
        manager,
      ),
    shape: obj({ menu_name_rest: z.literal('conf_sheet'), history_id: str }),
  },
  {
    endpoint: `POST ${I}/menu/bulk/export/execute/`,
    call: () => send('POST', w('menu/bulk/export/execute/'), { menu: [SEED.menu], mode: '1', abolished_type: '1', journal_type: '1' }, manager),
    shape: executionNo,
  },
  {
    endpoint: `POST ${I}/menu/import/upload/`,
    call: () =>
      send(
        'POST',
        w('menu/import/upload/'),
        { file: { name: 'conf.json', base64: Buffer.from(JSON.stringify(sampleExport('conf_imported'))).toString('base64') } },
        manager,
      ),
    shape: obj({ upload_id: str }),
    keep: (data, s) => (s.upload = data.upload_id),
  },
  {
    endpoint: `POST ${I}/menu/import/execute/`,
    call: (s) => send('POST', w('menu/import/execute/'), { menu: ['conf_imported'], upload_id: s.upload, file_name: 'conf.json' }, manager),
    shape: executionNo,
  },
  {
    endpoint: `POST ${I}/excel/bulk/export/execute/`,
    call: () => send('POST', w('excel/bulk/export/execute/'), { menu: [SEED.menu], abolished_type: '1' }, manager),
    shape: executionNo,
  },
  {
    endpoint: `POST ${I}/excel/bulk/upload/`,
    call: (s) => send('POST', w('excel/bulk/upload/'), { zipfile: { name: 'conf.xlsx', base64: s.workbook } }, manager),
    shape: obj({
      upload_id: str,
      data_portability_upload_file_name: z.literal('conf.xlsx'),
      import_list: z.record(str, obj({ menu_group_id: str, menu_group_name: str, menu: z.record(str, obj({ menu_id: str, menu_name: str })) })),
    }),
    keep: (data, s) => {
      s.excelUpload = data.upload_id;
      s.excelImportBody = JSON.stringify({
        upload_id: data.upload_id,
        data_portability_upload_file_name: data.data_portability_upload_file_name,
        // As Exastro's import dialog sends it: the menu ids the upload listed, by menu group.
        menu: Object.fromEntries(
          Object.values(data.import_list as Record<string, { menu_group_id: string; menu: Record<string, { menu_id: string }> }>).map((g) => [
            g.menu_group_id,
            Object.values(g.menu).map((m) => m.menu_id),
          ]),
        ),
      });
    },
  },
  {
    endpoint: `POST ${I}/excel/bulk/import/execute/`,
    call: (s) => send('POST', w('excel/bulk/import/execute/'), JSON.parse(s.excelImportBody!), manager),
    shape: executionNo,
  },
];

const shapeOf = (endpoint: string) => endpoint.replace(/\{[^}]+\}/g, '{}');

for (const backend of BACKENDS) {
  describe(`Exastro conformance (${backend})`, () => {
    let t: TestApp;
    const state: State = {};
    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
      // What the cases act on: a movement, an operation and a conductor class; a menu with a file column; a workbook.
      await registerAnsibleMovement(t, 'conf-mv', commandPlaybook('true'), 'conf-op');
      const ok = (r: CallResult, what: string) => assert.equal(r.status, 200, `${what}: ${r.text}`);
      ok(
        await t.call({
          method: 'POST',
          url: w('menu/conductor_class_list/maintenance/all/'),
          auth: member,
          body: [
            {
              type: 'Register',
              parameter: { conductor_class_name: 'conf-cd', definition: JSON.stringify({ nodes: [{ id: 'n1', type: 'movement', movement_name: 'conf-mv' }] }) },
            },
          ],
        }),
        'conductor class',
      );
      const menu = { menu: 'conf_files', title: 'Files', columns: [{ name: 'config', type: 'file' }] };
      ok(await t.call({ method: 'POST', url: w('menu/'), auth: manager, body: menu }), 'file menu');
      const file = await t.call({
        method: 'POST',
        url: w('menu/conf_files/maintenance/all/'),
        auth: member,
        body: [{ type: 'Register', parameter: { config: 'k.env' }, file: { config: Buffer.from('K=V\n').toString('base64') } }],
      });
      ok(file, 'file record');
      state.fileRecord = file.body.data.IdList[0];
      state.fileJournal = (
        await t.call({ url: w(`menu/conf_files/filter/journal/${state.fileRecord}/?file=no`), auth: member })
      ).body.data[0].parameter.journal_id;
      const run = (path: string, body: unknown) => t.call({ method: 'POST', url: w(path), auth: member, body });
      state.execution2 = (
        await run('menu/execution_ansible_legacy/driver/execute/', { movement_name: 'conf-mv', operation_name: 'conf-op', schedule_date: inFuture() })
      ).body.data.execution_no;
      state.conductor2 = (
        await run('menu/conductor_class_edit/conductor/execute/', { conductor_class_name: 'conf-cd', operation_name: 'conf-op', schedule_date: inFuture() })
      ).body.data.conductor_instance_id;
      state.workbook = (await writeWorkbook(sampleExport('conf_sheet_xl'))).toString('base64');
      state.paused = await registerPausedConductor(t, SEED.ws1, 'conf-cd', 'conf-op');
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet(SEED.menu).addRows([
        ['_type', 'host', 'port'],
        ['Register', 'conf-xl', 22],
      ]);
      state.excelWorkbook = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    });
    after(async () => t?.close());

    it('every case: the request as Exastro makes it, the answer in the shape Exastro documents', async () => {
      for (const c of CASES) {
        const r = await t.call(c.call(state));
        const what = `${c.endpoint}: ${r.status} ${r.text.slice(0, 400)}`;
        assert.equal(r.status, c.status ?? 200, what);
        if ((c.answer ?? 'envelope') === 'envelope') {
          const envelope = obj({ result: z.literal('000-00000'), message: str, ts: str, data: c.shape ?? z.unknown() }).safeParse(r.body);
          assert.ok(envelope.success, `${what}\n${envelope.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')}`);
          c.keep?.(r.body.data, state, r);
        } else {
          if (c.shape) {
            const body = c.shape.safeParse(r.body);
            assert.ok(body.success, `${what}\n${body.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')}`);
          }
          c.keep?.(r.body, state, r);
        }
      }
    });
  });
}

describe('the conformance suite', () => {
  it('has a case for every Exastro endpoint drydock claims, and no case for one it does not', () => {
    const claimed = new Set(EXASTRO_ENDPOINTS.filter((e) => e.support !== 'unsupported').map((e) => shapeOf(`${e.method} ${e.path}`)));
    const covered = new Set(CASES.map((c) => shapeOf(c.endpoint)));
    assert.deepEqual(
      [...claimed].filter((e) => !covered.has(e)),
      [],
      'claimed without a conformance case',
    );
    assert.deepEqual(
      [...covered].filter((e) => !claimed.has(e)),
      [],
      'a case for an endpoint the list does not claim',
    );
  });
});
