/**
 * Read-only mode (`data_update_stop`, docs/decisions/maintenance-gate.md): every write route is refused with 498, Retry-After,
 * its own 498 code and a message in the caller's language, and nothing is written; every read and
 * the exempt writes (sign-in, tokens, the setting itself) keep working. The route tables below are
 * checked against API_ROUTES, so a new route without a row here fails the suite.
 *
 * The last part takes the route guard's cache out of the picture and shows the in-transaction gate
 * refusing on its own.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { after, before, describe, it } from 'node:test';
import type { Transaction } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { MaintenanceRefusal } from '../src/errors.js';
import { API_ROUTES } from '../src/http/app.js';
import type { AnyRoute } from '../src/http/route.js';
import { gatedWrite } from '../src/maintenance/gate.js';
import { changeMaintenance, readMaintenance } from '../src/maintenance/mode.js';
import { WRITE_FUNCTIONS, type WriteFunction } from '../src/maintenance/write-functions.js';
import { VERSION } from '../src/version.js';
import { nowTimestamp } from '../src/store/clock.js';
import { openStore } from '../src/store/open-store.js';
import { ADVISORY_LOCK } from '../src/store/postgres/postgres-locks.js';
import type { Database } from '../src/store/schema.js';
import type { Store } from '../src/store/store.js';
import { ITA1, SEED, adminAuth, seedTenants, setMaintenance, startTestApp, type Auth, type CallOptions, type CallResult, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { MENU_JOBS, sampleExport, seedMenuJobs } from './support/menu-jobs.js';
import { DRIVER_JOBS, PAUSE_NODE, editorClass, firstEvent, seedDriverJobs } from './support/driver-jobs.js';
import { snapshotData } from './support/snapshot.js';
import { waitFor } from './support/wait-for.js';

const ITA = '/api/:organization_id/workspaces/:workspace_id/ita';
const RECORDS = `${ITA1}/menu/${SEED.menu}`;

/** A workbook registering one host, as excel/maintenance/ takes it (base64). */
const WORKBOOK = await (async () => {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet(SEED.menu);
  sheet.addRow(['_type', 'host', 'port']);
  sheet.addRow(['Register', 'xl-host', '22']);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
})();
/** A menu with a file column and one record with a file, for the downloads. */
const FILES = `${ITA1}/menu/files`;

async function seedFileRecord(t: TestApp): Promise<void> {
  const menu = { menu: 'files', title: 'Files', columns: [{ name: 'config', type: 'file' }] };
  assert.equal((await t.call({ method: 'POST', url: `${ITA1}/menu/`, auth: SEED.manager1, body: menu })).status, 200);
  const body = [{ type: 'Register', parameter: { config: 'k.env' }, file: { config: Buffer.from('K=V\n').toString('base64') } }];
  const r = await t.call({ method: 'POST', url: `${FILES}/maintenance/all/`, auth: SEED.member1, body });
  assert.equal(r.status, 200, r.text);
}

async function fileRecord(t: TestApp): Promise<{ uuid: string; journalId: string }> {
  const uuid = (await t.call({ url: `${FILES}/filter/?file=no`, auth: SEED.member1 })).body.data[0].parameter.uuid as string;
  const journal = await t.call({ url: `${FILES}/filter/journal/${uuid}/?file=no`, auth: SEED.member1 });
  return { uuid, journalId: journal.body.data[0].parameter.journal_id };
}

const isWriteFunction = (w: AnyRoute['writes']): w is WriteFunction => typeof w === 'string' && w !== 'read';
const keyOf = (r: Pick<AnyRoute, 'method' | 'url'>) => `${r.method} ${r.url}`;
const routeByKey = new Map(API_ROUTES.map((r) => [keyOf(r), r]));

/** Whether a concrete request URL is one the declared route pattern (`:param`) matches. */
function urlMatches(url: string, pattern: string): boolean {
  const path = url.split('?')[0]!;
  const re = new RegExp(`^${pattern.replace(/\/$/, '').replace(/:[a-z_]+/g, '[^/]+')}/?$`);
  return re.test(path);
}

/** Japanese script (kana, kanji, full-width punctuation). */
const JAPANESE = /[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]/;

const LANGUAGES: ReadonlyArray<{ headers: Record<string, string>; language: 'ja' | 'en' }> = [
  { headers: {}, language: 'en' },
  { headers: { 'accept-language': 'ja' }, language: 'ja' },
  { headers: { language: 'ja' }, language: 'ja' },
  { headers: { 'accept-language': 'ja-JP,ja;q=0.9,en;q=0.8' }, language: 'ja' },
  { headers: { 'accept-language': 'en-US,en;q=0.9' }, language: 'en' },
  { headers: { 'accept-language': 'fr-FR' }, language: 'en' },
];

interface WriteCase {
  /** The declared route, as "METHOD url" from API_ROUTES. */
  readonly route: string;
  /** The function the route must declare, and whose 498 code the refusal must carry. */
  readonly fn: WriteFunction;
  readonly what: string;
  readonly call: CallOptions;
}

/**
 * One request per write route (some routes more than one), with bodies that really write: the last
 * test of each backend sends them all again with read-only mode off and expects 200, in this order.
 */
function writeCases(ids: {
  member1: string;
  recordA: { uuid: string; at: string };
  recordC: { uuid: string; at: string };
  recordD: { uuid: string; at: string };
}): WriteCase[] {
  const menuAll = `POST ${ITA}/menu/:menu/maintenance/all/`;
  return [
    {
      route: `POST ${ITA}/menu/:menu/excel/maintenance/`,
      fn: 'menu_record_maintenance',
      what: 'apply a workbook',
      call: { method: 'POST', url: `${RECORDS}/excel/maintenance/`, auth: SEED.member1, body: { excel: WORKBOOK } },
    },
    {
      route: menuAll,
      fn: 'menu_record_maintenance',
      what: 'register a record',
      call: { method: 'POST', url: `${RECORDS}/maintenance/all/`, auth: SEED.member1, body: [{ type: 'Register', parameter: { host: 'b', port: '22' } }] },
    },
    {
      route: menuAll,
      fn: 'menu_record_maintenance',
      what: 'update a record',
      call: {
        method: 'POST',
        url: `${RECORDS}/maintenance/all/`,
        auth: SEED.member1,
        body: [{ type: 'Update', parameter: { uuid: ids.recordA.uuid, host: 'a', port: '2222', last_update_date_time: ids.recordA.at } }],
      },
    },
    {
      route: menuAll,
      fn: 'menu_record_maintenance',
      what: 'discard a record',
      call: {
        method: 'POST',
        url: `${RECORDS}/maintenance/all/`,
        auth: SEED.member1,
        body: [{ type: 'Discard', parameter: { uuid: ids.recordC.uuid, last_update_date_time: ids.recordC.at } }],
      },
    },
    {
      route: `POST ${ITA}/menu/:menu/maintenance/`,
      fn: 'menu_record_maintenance',
      what: 'register one record',
      call: { method: 'POST', url: `${RECORDS}/maintenance/`, auth: SEED.member1, body: { parameter: { host: 'one', port: '22' } } },
    },
    {
      route: `PATCH ${ITA}/menu/:menu/maintenance/:uuid/`,
      fn: 'menu_record_maintenance',
      what: 'update one record',
      call: {
        method: 'PATCH',
        url: `${RECORDS}/maintenance/${ids.recordD.uuid}/`,
        auth: SEED.member1,
        body: { parameter: { port: '2200', last_update_date_time: ids.recordD.at } },
      },
    },
    {
      route: `POST ${ITA}/menu/`,
      fn: 'menu_definition',
      what: 'define a menu',
      call: {
        method: 'POST',
        url: `${ITA1}/menu/`,
        auth: SEED.member1,
        body: { menu: 'menu9', title: 'Menu 9', columns: [{ name: 'name', type: 'string', required: true }] },
      },
    },
    {
      route: 'PATCH /api/ita/loglevel-settings/',
      fn: 'loglevel_change',
      what: 'change a log level',
      call: { method: 'PATCH', url: '/api/ita/loglevel-settings/', auth: adminAuth, body: { 'ita-api-admin': 'DEBUG' } },
    },
    {
      route: 'POST /api/platform/organizations',
      fn: 'organization_create',
      what: 'create an organization',
      call: {
        method: 'POST',
        url: '/api/platform/organizations',
        auth: adminAuth,
        body: {
          id: 'org9',
          name: 'org9-name',
          organization_managers: [
            {
              username: 'manager9',
              email: 'manager9@example.com',
              firstName: 'F',
              lastName: 'L',
              credentials: [{ type: 'password', value: 'manager9-password', temporary: false }],
              requiredActions: [],
              enabled: true,
            },
          ],
          plan: { id: 'plan-1' },
          options: {},
          optionsIta: {},
        },
      },
    },
    {
      route: 'PUT /api/platform/organizations/:organization_id',
      fn: 'organization_update',
      what: 'rename an organization',
      call: { method: 'PUT', url: `/api/platform/organizations/${SEED.org1}`, auth: adminAuth, body: { name: 'org1-renamed' } },
    },
    {
      route: 'POST /api/:organization_id/platform/workspaces',
      fn: 'workspace_create',
      what: 'create a workspace',
      call: {
        method: 'POST',
        url: `/api/${SEED.org1}/platform/workspaces`,
        auth: SEED.manager1,
        body: { id: 'ws9', name: 'ws9-name', informations: { description: 'd', environments: [], workspace_administrators: [] } },
      },
    },
    {
      route: 'PUT /api/:organization_id/platform/workspaces/:workspace_id',
      fn: 'workspace_update',
      what: 'rename a workspace',
      call: { method: 'PUT', url: `/api/${SEED.org1}/platform/workspaces/${SEED.ws1}`, auth: SEED.manager1, body: { name: 'ws1-renamed' } },
    },
    {
      route: 'POST /api/:organization_id/platform/users',
      fn: 'user_create',
      what: 'create a user',
      call: {
        method: 'POST',
        url: `/api/${SEED.org1}/platform/users`,
        auth: SEED.manager1,
        body: { username: 'user9', password: 'user9-password', role: 'workspace_member', workspaces: [SEED.ws1] },
      },
    },
    {
      route: 'PUT /api/:organization_id/platform/users/:user_id',
      fn: 'user_update',
      what: 'disable a user',
      call: { method: 'PUT', url: `/api/${SEED.org1}/platform/users/${ids.member1}`, auth: SEED.manager1, body: { enabled: false } },
    },
    {
      route: `DELETE ${ITA}/menu/:menu/`,
      fn: 'menu_definition',
      what: 'delete a menu',
      call: { method: 'DELETE', url: `${RECORDS}/`, auth: SEED.manager1 },
    },
    {
      route: 'DELETE /api/:organization_id/platform/workspaces/:workspace_id',
      fn: 'workspace_delete',
      what: 'delete a workspace',
      call: { method: 'DELETE', url: `/api/${SEED.org1}/platform/workspaces/${SEED.ws1}`, auth: SEED.manager1 },
    },
    {
      route: 'DELETE /api/:organization_id/platform/users/:user_id',
      fn: 'user_delete',
      what: 'delete a user',
      call: { method: 'DELETE', url: `/api/${SEED.org1}/platform/users/${ids.member1}`, auth: SEED.manager1 },
    },
    {
      route: 'DELETE /api/platform/organizations/:organization_id',
      fn: 'organization_delete',
      what: 'delete an organization',
      call: { method: 'DELETE', url: `/api/platform/organizations/${SEED.org2}`, auth: adminAuth },
    },
    // Menu jobs act in MENU_JOBS.ws (ws1 and org2 are gone by now), on uploads made before read-only mode.
    {
      route: `POST ${ITA}/create/define/execute/`,
      fn: 'menu_definition',
      what: 'register a menu-create job',
      call: {
        method: 'POST',
        url: `${MENU_JOBS.ita}/create/define/execute/`,
        auth: SEED.manager1,
        body: { menu: 'created_by_job', title: 'Created by a job', columns: [{ name: 'name', type: 'string' }] },
      },
    },
    {
      route: `POST ${ITA}/menu/bulk/export/execute/`,
      fn: 'menu_export',
      what: 'register a menu export',
      call: { method: 'POST', url: `${MENU_JOBS.ita}/menu/bulk/export/execute/`, auth: SEED.manager1, body: { menus: ['movement_list'] } },
    },
    {
      route: `POST ${ITA}/menu/import/upload/`,
      fn: 'menu_import',
      what: 'upload a menu export document',
      call: {
        method: 'POST',
        url: `${MENU_JOBS.ita}/menu/import/upload/`,
        auth: SEED.manager1,
        body: { name: 'again.json', content_base64: Buffer.from(JSON.stringify(sampleExport('imported_again'))).toString('base64') },
      },
    },
    {
      route: `POST ${ITA}/menu/import/execute/`,
      fn: 'menu_import',
      what: 'register a menu import',
      call: { method: 'POST', url: `${MENU_JOBS.ita}/menu/import/execute/`, auth: SEED.manager1, body: { upload_id: MENU_JOBS.menuUpload } },
    },
    {
      route: `POST ${ITA}/excel/bulk/export/execute/`,
      fn: 'excel_export',
      what: 'register an Excel export',
      call: { method: 'POST', url: `${MENU_JOBS.ita}/excel/bulk/export/execute/`, auth: SEED.manager1, body: { menus: ['operation_list'] } },
    },
    {
      route: `POST ${ITA}/excel/bulk/upload/`,
      fn: 'excel_import',
      what: 'upload an Excel workbook',
      call: {
        method: 'POST',
        url: `${MENU_JOBS.ita}/excel/bulk/upload/`,
        auth: SEED.manager1,
        body: { name: 'again.xlsx', content_base64: MENU_JOBS.workbookBase64 },
      },
    },
    {
      route: `POST ${ITA}/excel/bulk/import/execute/`,
      fn: 'excel_import',
      what: 'register an Excel import',
      call: { method: 'POST', url: `${MENU_JOBS.ita}/excel/bulk/import/execute/`, auth: SEED.manager1, body: { upload_id: MENU_JOBS.excelUpload } },
    },
    // Driver and conductor executions act in DRIVER_JOBS.ws (ws1 and org2 are gone by now), on
    // executions waiting in the statuses each route applies to (made before read-only mode).
    {
      route: `POST ${ITA}/menu/:menu/driver/execute/`,
      fn: 'driver_execution',
      what: 'register an Ansible execution',
      call: {
        method: 'POST',
        url: `${DRIVER_JOBS.ita}/menu/execution_ansible_legacy/driver/execute/`,
        auth: SEED.manager1,
        body: { movement_name: DRIVER_JOBS.movement, operation_name: DRIVER_JOBS.operation },
      },
    },
    ...(
      [
        ['execute_dry_run', 'driver_dry_run', 'register a dry run'],
        ['execute_check_parameter', 'driver_parameter_check', 'register a parameter confirmation'],
      ] as const
    ).map(([action, fn, what]) => ({
      route: `POST ${ITA}/menu/:menu/driver/${action}/`,
      fn,
      what,
      call: {
        method: 'POST' as const,
        url: `${DRIVER_JOBS.ita}/menu/execution_ansible_legacy/driver/${action}/`,
        auth: SEED.manager1,
        body: { movement_name: DRIVER_JOBS.movement, operation_name: DRIVER_JOBS.operation },
      },
    })),
    {
      route: `PATCH ${ITA}/menu/:menu/driver/:execution_no/cancel/`,
      fn: 'job_cancel',
      what: 'cancel a scheduled execution',
      call: {
        method: 'PATCH',
        url: `${DRIVER_JOBS.ita}/menu/execution_ansible_legacy/driver/${DRIVER_JOBS.scheduledExecution}/cancel/`,
        auth: SEED.manager1,
      },
    },
    {
      route: `POST ${ITA}/menu/:menu/conductor/execute/`,
      fn: 'conductor_execution',
      what: 'register a conductor execution',
      call: {
        method: 'POST',
        url: `${DRIVER_JOBS.ita}/menu/conductor_list/conductor/execute/`,
        auth: SEED.manager1,
        body: { conductor_class_name: DRIVER_JOBS.conductorClass, operation_name: DRIVER_JOBS.operation },
      },
    },
    {
      route: `POST ${ITA}/menu/:menu/conductor/class/maintenance/`,
      fn: 'conductor_class_maintenance',
      what: "register a conductor class from Exastro's editor JSON",
      call: {
        method: 'POST',
        url: `${DRIVER_JOBS.ita}/menu/conductor_class_edit/conductor/class/maintenance/`,
        auth: SEED.manager1,
        body: editorClass('ro-editor-class', DRIVER_JOBS.movement),
      },
    },
    {
      route: `PATCH ${ITA}/menu/:menu/conductor/class/maintenance/:conductor_class_id/`,
      fn: 'conductor_class_maintenance',
      what: 'update a conductor class',
      call: {
        method: 'PATCH',
        url: `${DRIVER_JOBS.ita}/menu/conductor_class_edit/conductor/class/maintenance/${DRIVER_JOBS.conductorClassId}/`,
        auth: SEED.manager1,
        body: editorClass(DRIVER_JOBS.conductorClass, DRIVER_JOBS.movement, { last_update_date_time: DRIVER_JOBS.conductorClassUpdatedAt }),
      },
    },
    {
      route: `PATCH ${ITA}/menu/:menu/conductor/:conductor_instance_id/cancel/`,
      fn: 'job_cancel',
      what: 'cancel a scheduled conductor',
      call: {
        method: 'PATCH',
        url: `${DRIVER_JOBS.ita}/menu/conductor_list/conductor/${DRIVER_JOBS.scheduledConductor}/cancel/`,
        auth: SEED.manager1,
      },
    },
    {
      route: `PATCH ${ITA}/menu/:menu/conductor/:conductor_instance_id/node/:node_instance_id/relese/`,
      fn: 'conductor_release',
      what: "release a paused conductor's pause node",
      call: {
        method: 'PATCH',
        url: `${DRIVER_JOBS.ita}/menu/conductor_confirmation/conductor/${DRIVER_JOBS.pausedConductor}/node/${PAUSE_NODE}/relese/`,
        auth: SEED.manager1,
        body: {},
      },
    },
  ];
}

interface ReadCase {
  /** The declared route, or `extra` for endpoints outside API_ROUTES. */
  readonly route: string;
  readonly call: CallOptions;
  /** An extra check of what came back. */
  readonly check?: (r: CallResult) => void;
  /** Sends it another way than `t.call(call)` (a server-sent-events stream over real HTTP). */
  readonly send?: (t: TestApp) => Promise<CallResult>;
}

/** The fleet run the exempt-write test starts in read-only mode; the fleet reads below use it. */
const FLEET = { runId: 'run-00000000-00000000' };

/** Every route that is not a write function, as a read that must answer 200 in read-only mode. */
const READ_CASES: readonly ReadCase[] = [
  { route: 'GET /api/platform/fleet', call: { url: '/api/platform/fleet', auth: adminAuth }, check: (r) => assert.equal(r.body.data.pairs.length, 1) },
  { route: 'GET /api/platform/fleet/versions', call: { url: '/api/platform/fleet/versions', auth: adminAuth } },
  {
    route: 'GET /api/platform/fleet/statuses',
    call: { url: '/api/platform/fleet/statuses', auth: adminAuth },
    check: (r) => assert.ok(r.body.data.some((s: { name: string }) => s.name === 'QA_OK')),
  },
  {
    route: 'GET /api/platform/fleet/nodes',
    call: { url: '/api/platform/fleet/nodes', auth: adminAuth },
    check: (r) => assert.equal(r.body.data.length, 1),
  },
  { route: 'GET /api/platform/fleet/plan', call: { url: '/api/platform/fleet/plan?environment=PROD&version=2.0.0', auth: adminAuth } },
  { route: 'GET /api/platform/fleet/runs', call: { url: '/api/platform/fleet/runs', auth: adminAuth }, check: (r) => assert.equal(r.body.data.length, 1) },
  {
    route: 'GET /api/platform/fleet/runs/:run_id',
    get call() {
      return { url: `/api/platform/fleet/runs/${FLEET.runId}`, auth: adminAuth };
    },
  },
  {
    route: 'GET /api/platform/fleet/runs/:run_id/steps',
    get call() {
      return { url: `/api/platform/fleet/runs/${FLEET.runId}/steps`, auth: adminAuth };
    },
  },
  { route: 'GET /api/healthz', call: { url: '/api/healthz' }, check: (r) => assert.equal(r.body.data.maintenance_mode.data_update_stop, '1') },
  { route: 'GET /api/livez', call: { url: '/api/livez' }, check: (r) => assert.equal(r.body.data.status, 'alive') },
  // Read-only mode is maintenance, not unreadiness: a pod in read-only mode stays behind the Service.
  { route: 'GET /api/readyz', call: { url: '/api/readyz' }, check: (r) => assert.equal(r.body.data.status, 'ready') },
  { route: 'GET /api/auth/whoami', call: { url: '/api/auth/whoami', auth: adminAuth } },
  { route: 'GET /api/auth/tokens', call: { url: '/api/auth/tokens', auth: adminAuth } },
  {
    route: 'GET /api/platform/maintenance-mode-setting',
    call: { url: '/api/platform/maintenance-mode-setting', auth: adminAuth },
    check: (r) => assert.equal(r.body.data.data_update_stop, '1'),
  },
  { route: 'GET /api/platform/maintenance-mode-setting/audit', call: { url: '/api/platform/maintenance-mode-setting/audit', auth: adminAuth } },
  {
    route: 'GET /api/:organization_id/platform/maintenance-mode-setting',
    call: { url: `/api/${SEED.org1}/platform/maintenance-mode-setting`, auth: SEED.member1 },
  },
  {
    route: 'GET /api/platform/organizations',
    call: { url: '/api/platform/organizations', auth: adminAuth },
    check: (r) =>
      assert.deepEqual(
        r.body.data.map((o: { id: string }) => o.id),
        [SEED.org1, SEED.org2],
      ),
  },
  { route: 'GET /api/platform/organizations/:organization_id', call: { url: `/api/platform/organizations/${SEED.org1}`, auth: adminAuth } },
  { route: 'GET /api/:organization_id/platform/workspaces', call: { url: `/api/${SEED.org1}/platform/workspaces`, auth: SEED.manager1 } },
  {
    route: 'GET /api/:organization_id/platform/workspaces/:workspace_id',
    call: { url: `/api/${SEED.org1}/platform/workspaces/${SEED.ws1}`, auth: SEED.member1 },
  },
  { route: 'GET /api/:organization_id/platform/users', call: { url: `/api/${SEED.org1}/platform/users`, auth: SEED.manager1 } },
  {
    route: 'GET /api/:organization_id/platform/users/:user_id',
    call: { url: `/api/${SEED.org1}/platform/users/{member1}`, auth: SEED.manager1 },
    // The user's id is known only once seeded: read it from the list, then the user.
    send: async (t) => {
      const users = (await t.call({ url: `/api/${SEED.org1}/platform/users`, auth: SEED.manager1 })).body.data as Array<{ id: string; username: string }>;
      const member = users.find((u) => u.username === 'member1')!;
      return t.call({ url: `/api/${SEED.org1}/platform/users/${member.id}`, auth: SEED.manager1 });
    },
    check: (r) => assert.equal(r.body.data.preferred_username, 'member1'),
  },
  { route: 'GET /api/ita/loglevel-settings/', call: { url: '/api/ita/loglevel-settings/', auth: adminAuth } },
  {
    route: `GET ${ITA}/user/`,
    call: { url: `${ITA1}/user/`, auth: SEED.member1 },
    check: (r) => assert.equal(r.body.data.maintenance_mode.data_update_stop, '1'),
  },
  { route: `GET ${ITA}/menu/`, call: { url: `${ITA1}/menu/`, auth: SEED.member1 } },
  { route: `GET ${ITA}/menu/:menu/info/`, call: { url: `${RECORDS}/info/`, auth: SEED.member1 } },
  { route: `GET ${ITA}/menu/:menu/`, call: { url: `${RECORDS}/`, auth: SEED.member1 } },
  {
    route: `GET ${ITA}/user/menus/`,
    call: { url: `${ITA1}/user/menus/`, auth: SEED.member1 },
    check: (r) =>
      assert.ok(
        r.body.data.menu_groups[0].menus.some((m: { menu_name_rest: string }) => m.menu_name_rest === SEED.menu),
        r.text,
      ),
  },
  {
    route: `GET ${ITA}/version/`,
    call: { url: `${ITA1}/version/`, auth: SEED.member1 },
    check: (r) => assert.deepEqual(r.body.data, { version: VERSION, installed_driver: ['Ansible', 'Terraform-Cloud/EP', 'Terraform-CLI'] }),
  },
  { route: `GET ${ITA}/menu/:menu/info/column/`, call: { url: `${RECORDS}/info/column/`, auth: SEED.member1 } },
  { route: `GET ${ITA}/menu/:menu/info/pulldown/`, call: { url: `${RECORDS}/info/pulldown/`, auth: SEED.member1 } },
  {
    route: `GET ${ITA}/menu/:menu/info/search/candidates/:column/`,
    call: { url: `${RECORDS}/info/search/candidates/host/`, auth: SEED.member1 },
    check: (r) => assert.ok(r.body.data.includes('a'), r.text),
  },
  {
    route: `GET ${ITA}/menu/:menu/filter/`,
    call: { url: `${RECORDS}/filter/?host=a`, auth: SEED.member1 },
    check: (r) => assert.equal(r.body.data.length, 1),
  },
  {
    route: `POST ${ITA}/menu/:menu/filter/`,
    call: { method: 'POST', url: `${RECORDS}/filter/`, auth: SEED.member1, body: { host: { LIST: ['a', 'c'] } } },
    check: (r) => assert.equal(r.body.data.length, 2),
  },
  {
    route: `GET ${ITA}/menu/:menu/filter/count/`,
    call: { url: `${RECORDS}/filter/count/?host=a`, auth: SEED.member1 },
    check: (r) => assert.equal(r.body.data, 1),
  },
  {
    route: `GET ${ITA}/menu/:menu/:uuid/:column/file/`,
    call: { url: `${FILES}/{uuid}/config/file/`, auth: SEED.member1 },
    send: async (t) => t.call({ url: `${FILES}/${(await fileRecord(t)).uuid}/config/file/`, auth: SEED.member1 }),
    check: (r) => assert.equal(r.text, 'K=V\n'),
  },
  {
    route: `GET ${ITA}/menu/:menu/:uuid/:column/file/journal/:journal_id/`,
    call: { url: `${FILES}/{uuid}/config/file/journal/{journal_id}/`, auth: SEED.member1 },
    send: async (t) => {
      const { uuid, journalId } = await fileRecord(t);
      return t.call({ url: `${FILES}/${uuid}/config/file/journal/${journalId}/`, auth: SEED.member1 });
    },
    check: (r) => assert.equal(r.text, 'K=V\n'),
  },
  {
    route: `GET ${ITA}/menu/:menu/filter/journal/:uuid/`,
    call: { url: `${RECORDS}/filter/journal/00000000-0000-4000-8000-000000000000/`, auth: SEED.member1 },
    check: (r) => assert.deepEqual(r.body.data, []),
  },
  ...(['excel/', 'excel/format/', 'excel/journal/'] as const).map((path) => ({
    route: `GET ${ITA}/menu/:menu/${path}`,
    call: { url: `${RECORDS}/${path}?file=binary`, auth: SEED.member1 },
    check: (r: CallResult) => assert.equal(r.raw!.subarray(0, 2).toString(), 'PK', 'a workbook'),
  })),
  {
    route: `POST ${ITA}/menu/:menu/excel/`,
    call: { method: 'POST', url: `${RECORDS}/excel/`, auth: SEED.member1, body: { host: { NORMAL: 'a' } } },
    check: (r) => assert.equal(Buffer.from(r.body.data, 'base64').subarray(0, 2).toString(), 'PK'),
  },
  {
    route: `POST ${ITA}/menu/:menu/filter/count/`,
    call: { method: 'POST', url: `${RECORDS}/filter/count/`, auth: SEED.member1, body: { host: { NORMAL: 'a' } } },
    check: (r) => assert.equal(r.body.data, 1),
  },
  { route: 'extra', call: { url: '/api/openapi.json' }, check: (r) => assert.ok(r.body.openapi) },
  { route: 'extra', call: { url: '/metrics' }, check: (r) => assert.match(r.text, /drydock_maintenance_data_update_stop 1/) },
  { route: 'extra', call: { url: '/api/docs' } },
  // Getters: the executions are made in before() (seedMenuJobs), after this table was built.
  {
    route: `GET ${ITA}/menu/bulk/export/:execution_no/file/`,
    get call() {
      return { url: `${MENU_JOBS.ita}/menu/bulk/export/${MENU_JOBS.menuExport}/file/`, auth: SEED.manager1 };
    },
    check: (r) => assert.equal(r.body.menus[0].definition.menu, 'movement_list'),
  },
  {
    route: `GET ${ITA}/excel/bulk/export/:execution_no/file/`,
    get call() {
      return { url: `${MENU_JOBS.ita}/excel/bulk/export/${MENU_JOBS.excelExport}/file/`, auth: SEED.manager1 };
    },
    check: (r) => assert.match(String(r.headers['content-type']), /spreadsheetml/),
  },
  // Executions, emergency stops (allowed in every mode: they stop work, they register nothing) and
  // the execute-check. Getters: the executions are made in before() (seedDriverJobs).
  {
    route: `GET ${ITA}/menu/:menu/driver/:execution_no/`,
    get call() {
      return { url: `${DRIVER_JOBS.ita}/menu/execution_ansible_legacy/driver/${DRIVER_JOBS.scheduledExecution}/`, auth: SEED.manager1 };
    },
    check: (r) => assert.equal(r.body.data.status_id, '9'),
  },
  {
    route: `GET ${ITA}/menu/:menu/driver/:execution_no/populated_data`,
    get call() {
      return {
        url: `${DRIVER_JOBS.ita}/menu/check_operation_status_ansible_legacy/driver/${DRIVER_JOBS.scheduledExecution}/populated_data`,
        auth: SEED.manager1,
      };
    },
    check: (r) => assert.ok(Buffer.from(r.body.data, 'base64').subarray(0, 2).equals(Buffer.from('PK')), 'a zip'),
  },
  {
    route: `GET ${ITA}/menu/:menu/driver/:execution_no/result_data`,
    get call() {
      return { url: `${DRIVER_JOBS.ita}/menu/check_operation_status_ansible_legacy/driver/${DRIVER_JOBS.scheduledExecution}/result_data`, auth: SEED.manager1 };
    },
    check: (r) => assert.equal(r.body.data, null, 'a scheduled run has no result yet'),
  },
  {
    route: `PATCH ${ITA}/menu/:menu/driver/:execution_no/scram/`,
    get call() {
      return {
        method: 'PATCH',
        url: `${DRIVER_JOBS.ita}/menu/execution_ansible_legacy/driver/${DRIVER_JOBS.waitingExecution}/scram/`,
        auth: SEED.manager1,
      } as const;
    },
  },
  {
    route: `GET ${ITA}/menu/:menu/conductor/:conductor_instance_id/`,
    get call() {
      return { url: `${DRIVER_JOBS.ita}/menu/conductor_list/conductor/${DRIVER_JOBS.pausedConductor}/`, auth: SEED.manager1 };
    },
    check: (r) => assert.equal(r.body.data.conductor.status_id, '5'),
  },
  ...(['menu/export/info/', 'excel/bulk/export/info/'] as const).map((path) => ({
    route: `GET ${ITA}/${path}`,
    call: { url: `${ITA1}/${path}`, auth: SEED.member1 },
    check: (r: CallResult) => assert.ok(r.body.data.menu_groups[0].menus.some((m: { menu_name_rest: string }) => m.menu_name_rest === SEED.menu)),
  })),
  {
    route: `GET ${ITA}/menu/:menu/conductor/class/info/`,
    call: { url: `${DRIVER_JOBS.ita}/menu/conductor_class_edit/conductor/class/info/`, auth: SEED.manager1 },
    check: (r) => assert.ok(r.body.data.list.movement.some((m: { name: string }) => m.name === DRIVER_JOBS.movement)),
  },
  {
    route: `GET ${ITA}/menu/:menu/conductor/class/:conductor_class_id/`,
    get call() {
      return { url: `${DRIVER_JOBS.ita}/menu/conductor_class_edit/conductor/class/${DRIVER_JOBS.conductorClassId}/`, auth: SEED.manager1 };
    },
    check: (r) => assert.equal(r.body.data.conductor.conductor_name, DRIVER_JOBS.conductorClass),
  },
  {
    route: `GET ${ITA}/menu/:menu/conductor/info/:conductor_instance_id/`,
    get call() {
      return { url: `${DRIVER_JOBS.ita}/menu/conductor_confirmation/conductor/info/${DRIVER_JOBS.pausedConductor}/`, auth: SEED.manager1 };
    },
    check: (r) => assert.equal(r.body.data.dict.conductor_status['5'], 'Pause'),
  },
  {
    route: `GET ${ITA}/menu/:menu/conductor/:conductor_instance_id/input_data/`,
    get call() {
      return { url: `${DRIVER_JOBS.ita}/menu/conductor_list/conductor/${DRIVER_JOBS.pausedConductor}/input_data/`, auth: SEED.manager1 };
    },
    check: (r) => assert.equal(r.body.data.file_name, `InputData_Conductor_${DRIVER_JOBS.pausedConductor}.zip`),
  },
  {
    route: `GET ${ITA}/menu/:menu/conductor/:conductor_instance_id/result_data/`,
    get call() {
      return { url: `${DRIVER_JOBS.ita}/menu/conductor_list/conductor/${DRIVER_JOBS.pausedConductor}/result_data/`, auth: SEED.manager1 };
    },
    check: (r) => assert.equal(r.body.data.file_name, `ResultData_Conductor_${DRIVER_JOBS.pausedConductor}.zip`),
  },
  {
    route: `PATCH ${ITA}/menu/:menu/conductor/:conductor_instance_id/scram/`,
    get call() {
      return { method: 'PATCH', url: `${DRIVER_JOBS.ita}/menu/conductor_list/conductor/${DRIVER_JOBS.waitingConductor}/scram/`, auth: SEED.manager1 } as const;
    },
  },
  {
    route: `GET ${ITA}/executions/`,
    call: { url: `${DRIVER_JOBS.ita}/executions/`, auth: SEED.manager1 },
    check: (r) => assert.ok(r.body.data.length >= 5),
  },
  {
    route: `GET ${ITA}/executions/:execution_no/`,
    get call() {
      return { url: `${DRIVER_JOBS.ita}/executions/${DRIVER_JOBS.scheduledConductor}/`, auth: SEED.manager1 };
    },
    check: (r) => assert.equal(r.body.data.status_id, '2'),
  },
  {
    route: 'GET /api/ita/backyard-execute-check/',
    call: { url: '/api/ita/backyard-execute-check/', auth: adminAuth },
    check: (r) => assert.equal(typeof r.body.data.execute_count, 'number'),
  },
  {
    route: 'GET /api/ita/backyard-execute-check/stream/',
    call: { url: '/api/ita/backyard-execute-check/stream/', auth: adminAuth },
    send: (t) => firstEvent(t, '/api/ita/backyard-execute-check/stream/'),
    check: (r) => assert.equal(typeof r.body.data.execute_count, 'number'),
  },
  {
    route: 'GET /api/ita/backyard-execute-check/history/',
    call: { url: '/api/ita/backyard-execute-check/history/?minutes=5', auth: adminAuth },
    check: (r) => assert.equal(r.body.data.buckets.length, 5),
  },
];

/** Exempt writes: tested in sequence in their own test, listed here for the coverage check. */
const EXEMPT_ROUTES_TESTED = [
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'POST /api/auth/tokens',
  'DELETE /api/auth/tokens/:token_id',
  // Signing in and refreshing in read-only mode: test/exastro-tokens.test.ts.
  'POST /auth/realms/:realm/protocol/openid-connect/token',
  'PATCH /api/platform/maintenance-mode-setting',
  'PUT /api/platform/fleet',
  'POST /api/platform/fleet/nodes',
  'DELETE /api/platform/fleet/nodes/:name',
  'PATCH /api/platform/fleet/versions/:version',
  'POST /api/platform/fleet/runs',
  'POST /api/platform/fleet/runs/:run_id/pause',
  'POST /api/platform/fleet/runs/:run_id/resume',
  'POST /api/platform/fleet/runs/:run_id/pairs/:pair_id/retry',
];

describe('read-only route tables cover every declared route', () => {
  const record = { uuid: 'u', at: 't' };
  const sample = writeCases({ member1: '00000000-0000-4000-8000-000000000000', recordA: record, recordC: record, recordD: record });

  it('every route declaring a write function has a refusal case, with a URL the route matches', () => {
    const covered = new Set(sample.map((c) => c.route));
    const missing = API_ROUTES.filter((r) => isWriteFunction(r.writes) && !covered.has(keyOf(r))).map(keyOf);
    assert.deepEqual(missing, [], 'write routes without a read-only test case: add them to writeCases()');
    for (const c of sample) {
      const route = routeByKey.get(c.route);
      assert.ok(route, `${c.route} is not a declared route`);
      assert.equal(route.writes, c.fn, `${c.route} declares ${JSON.stringify(route.writes)}, the test expects ${c.fn}`);
      assert.equal(c.call.method, route.method, c.route);
      assert.ok(urlMatches(c.call.url, route.url), `${c.call.url} does not match ${route.url}`);
    }
  });

  it('every other route has an allowed-in-read-only case', () => {
    const covered = new Set([...READ_CASES.map((c) => c.route), ...EXEMPT_ROUTES_TESTED]);
    const missing = API_ROUTES.filter((r) => !isWriteFunction(r.writes) && !covered.has(keyOf(r))).map(keyOf);
    assert.deepEqual(missing, [], 'routes allowed in read-only mode without a test case: add them to READ_CASES');
    for (const c of READ_CASES.filter((x) => x.route !== 'extra')) {
      const route = routeByKey.get(c.route);
      assert.ok(route, `${c.route} is not a declared route`);
      assert.ok(!isWriteFunction(route.writes), `${c.route} is a write route`);
      assert.equal(c.call.method ?? 'GET', route.method);
      assert.ok(urlMatches(c.call.url, route.url), `${c.call.url} does not match ${route.url}`);
    }
    for (const key of EXEMPT_ROUTES_TESTED) {
      const writes = routeByKey.get(key)?.writes;
      assert.ok(typeof writes === 'object' && writes.exempt, `${key} should be an exempt route`);
    }
  });

  it('each write function has Exastro’s 498 code for it and its own message in both languages', () => {
    const entries = Object.entries(WRITE_FUNCTIONS);
    for (const [fn, e] of entries) {
      assert.match(e.result, /^498-\d{5}$/, fn);
      assert.match(e.ja, JAPANESE, `${fn}: the ja message is Japanese`);
      assert.doesNotMatch(e.en, JAPANESE, `${fn}: the en message is not`);
    }
    for (const field of ['ja', 'en'] as const) {
      assert.equal(new Set(entries.map(([, e]) => e[field])).size, entries.length, `${field} differs across functions`);
    }
    // The codes are Exastro's for the same function (IT Automation's catalogue, the platform's
    // 498-<function>00x); the only code two functions share is Exastro's too (it refuses every
    // change to IT Automation's system-management API, log levels included, with 498-00001).
    assert.deepEqual(Object.fromEntries(entries.map(([fn, e]) => [fn, e.result])), {
      menu_record_maintenance: '498-00001',
      loglevel_change: '498-00001',
      menu_definition: '498-00004',
      conductor_class_maintenance: '498-00005',
      conductor_execution: '498-00006',
      conductor_release: '498-00009',
      driver_dry_run: '498-00011',
      driver_parameter_check: '498-00012',
      job_cancel: '498-00007',
      driver_execution: '498-00010',
      menu_export: '498-00014',
      menu_import: '498-00015',
      excel_export: '498-00016',
      excel_import: '498-00017',
      workspace_create: '498-22001',
      workspace_delete: '498-22002',
      workspace_update: '498-22003',
      organization_create: '498-23001',
      organization_delete: '498-23002',
      organization_update: '498-23003',
      user_create: '498-25001',
      user_delete: '498-25002',
      user_update: '498-25003',
    });
  });
});

for (const backend of BACKENDS) {
  describe(`read-only mode over the API (${backend})`, () => {
    let t: TestApp;
    let cases: WriteCase[];
    let baseline: Record<string, unknown>;

    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
      const reg = await t.call({
        method: 'POST',
        url: `${RECORDS}/maintenance/all/`,
        auth: SEED.member1,
        body: [
          { type: 'Register', parameter: { host: 'a', port: '22', enabled: 'true' } },
          { type: 'Register', parameter: { host: 'c', port: '23' } },
          { type: 'Register', parameter: { host: 'd', port: '24' } },
        ],
      });
      assert.equal(reg.status, 200, reg.text);
      const records = (await t.call({ url: `${RECORDS}/filter/`, auth: SEED.member1 })).body.data as Array<{
        parameter: { host: string; uuid: string; last_update_date_time: string };
      }>;
      const rec = (host: string) => {
        const p = records.find((r) => r.parameter.host === host)!.parameter;
        return { uuid: p.uuid, at: p.last_update_date_time };
      };
      const users = (await t.call({ url: `/api/${SEED.org1}/platform/users`, auth: SEED.manager1 })).body.data as Array<{
        id: string;
        username: string;
      }>;
      await seedMenuJobs(t);
      await seedDriverJobs(t);
      await seedFileRecord(t);
      cases = writeCases({ member1: users.find((u) => u.username === 'member1')!.id, recordA: rec('a'), recordC: rec('c'), recordD: rec('d') });
      baseline = await snapshotData(t);
      await setMaintenance(t, { data_update_stop: '1' });
    });
    after(async () => t?.close());

    it('refuses every write route with 498, Retry-After, its own 498 code and a message in the caller’s language', async () => {
      const codes = new Map<WriteFunction, Set<string>>();
      const messages = { ja: new Set<string>(), en: new Set<string>() };
      for (const c of cases) {
        const expected = WRITE_FUNCTIONS[c.fn];
        for (const { headers, language } of LANGUAGES) {
          const label = `${c.what} (${c.route}) with ${JSON.stringify(headers)}`;
          const r = await t.call({ ...c.call, headers: { ...c.call.headers, ...headers } });
          assert.equal(r.status, 498, `${label}: ${r.text}`);
          assert.equal(r.headers['retry-after'], String(t.deps.options.retryAfterSeconds), `${label}: Retry-After`);
          assert.equal(r.headers['drydock-refused-by'], 'guard', label);
          assert.deepEqual(Object.keys(r.body).sort(), ['data', 'message', 'result', 'ts'], label);
          assert.equal(r.body.data, null, label);
          assert.equal(r.body.result, expected.result, label);
          const message = String(r.body.message);
          if (language === 'ja') {
            assert.ok(message.includes(expected.ja), `${label}: "${message}" should say "${expected.ja}"`);
            assert.match(message, /メンテナンス/, label);
          } else {
            assert.ok(message.includes(expected.en), `${label}: "${message}" should say "${expected.en}"`);
            assert.doesNotMatch(message, JAPANESE, `${label}: English message has Japanese in it`);
          }
          messages[language].add(`${c.fn}\0${message}`);
          codes.set(c.fn, (codes.get(c.fn) ?? new Set()).add(r.body.result));
        }
      }
      // One code per function, the write function's (Exastro's: two functions may share one), and no two functions share a message.
      for (const [fn, set] of codes) assert.deepEqual([...set], [WRITE_FUNCTIONS[fn].result], `${fn} answered ${[...set].join(', ')}`);
      for (const lang of ['ja', 'en'] as const) {
        const texts = new Set([...messages[lang]].map((m) => m.split('\0')[1]));
        assert.equal(texts.size, codes.size, `${lang} messages differ across functions`);
      }
    });

    it('wrote nothing: everything a user can read is as it was', async () => {
      assert.deepEqual(await snapshotData(t), baseline);
    });

    it('fleet upgrades stay steerable in read-only mode: declare, version statuses, start, pause, resume, retry, nodes announce', async () => {
      const fleet = {
        environments: [{ name: 'PROD', gate: 'QA_OK', driver: { type: 'noop' } }],
        nodes: [
          { name: 'PROD_P_001', version: '1.0.0' },
          { name: 'PROD_S_001', version: '1.0.0' },
        ],
      };
      const declared = await t.admin({ method: 'PUT', url: '/api/platform/fleet', body: fleet });
      assert.equal(declared.status, 200, declared.text);
      const status = await t.admin({ method: 'PATCH', url: '/api/platform/fleet/versions/2.0.0', body: { add: ['QA_OK'] } });
      assert.equal(status.status, 200, status.text);
      const run = await t.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: 'PROD', version: '2.0.0' } });
      assert.equal(run.status, 200, run.text);
      FLEET.runId = run.body.data.id;
      const pause = await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${FLEET.runId}/pause` });
      assert.equal(pause.status, 200, pause.text);
      const resume = await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${FLEET.runId}/resume` });
      assert.equal(resume.status, 200, resume.text);
      // Not refused by the maintenance gate (that would be 498): the pair has not failed.
      const retry = await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${FLEET.runId}/pairs/PROD_001/retry` });
      assert.equal(retry.status, 409, retry.text);
      assert.match(retry.body.message, /only a failed pair can be retried/);
      const announced = await t.admin({
        method: 'POST',
        url: '/api/platform/fleet/nodes',
        body: { name: 'PROD_P_001', address: 'http://10.0.0.1:80', version: '1.0.0' },
      });
      assert.equal(announced.status, 200, announced.text);
      // Not refused by the maintenance gate (that would be 498): the run is open.
      const forget = await t.admin({ method: 'DELETE', url: '/api/platform/fleet/nodes/PROD_P_001' });
      assert.equal(forget.status, 409, forget.text);
    });

    it('every read answers 200 in read-only mode', async () => {
      for (const c of READ_CASES) {
        const r = c.send ? await c.send(t) : await t.call(c.call);
        assert.equal(r.status, 200, `${c.call.method ?? 'GET'} ${c.call.url}: ${r.text.slice(0, 300)}`);
        c.check?.(r);
      }
      const head = await t.admin({ method: 'HEAD', url: '/api/platform/organizations' });
      assert.equal(head.status, 200, 'HEAD of a read');
      assert.deepEqual(await snapshotData(t), baseline, 'reads wrote nothing');
    });

    it('sign-in, sign-out and tokens keep working, and the setting itself can be turned off', async () => {
      const login = await t.call({
        method: 'POST',
        url: '/api/auth/login',
        body: { organization_id: SEED.org1, username: 'member1', password: 'member1-password' },
      });
      assert.equal(login.status, 200, login.text);
      const sessionId = /drydock_session=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1];
      assert.ok(sessionId, 'a session cookie');
      const session: Auth = { session: sessionId, csrf: login.body.data.csrf_token };
      assert.equal((await t.call({ url: '/api/auth/whoami', auth: session })).status, 200);

      const issued = await t.call({ method: 'POST', url: '/api/auth/tokens', auth: session, body: { name: 'during maintenance' } });
      assert.equal(issued.status, 200, issued.text);
      const bearer: Auth = { bearer: issued.body.data.token };
      const viaToken = await t.call({ url: `${RECORDS}/filter/`, auth: bearer });
      assert.equal(viaToken.status, 200, 'the new token works');
      const listed = await t.call({ url: '/api/auth/tokens', auth: session });
      assert.ok(listed.body.data.some((x: { id: string }) => x.id === issued.body.data.id));

      const revoked = await t.call({ method: 'DELETE', url: `/api/auth/tokens/${issued.body.data.id}`, auth: session });
      assert.equal(revoked.status, 200, revoked.text);
      assert.equal((await t.call({ url: `${RECORDS}/filter/`, auth: bearer })).status, 401, 'the revoked token no longer works');

      const logout = await t.call({ method: 'POST', url: '/api/auth/logout', auth: session });
      assert.equal(logout.status, 200, logout.text);
      assert.equal((await t.call({ url: '/api/auth/whoami', auth: session })).status, 401, 'the session ended');

      // Still read-only, still nothing written.
      assert.equal((await t.call(cases[0]!.call)).status, 498);
      assert.deepEqual(await snapshotData(t), baseline);

      const off = await t.admin({ method: 'PATCH', url: '/api/platform/maintenance-mode-setting', body: { data_update_stop: '0' } });
      assert.equal(off.status, 200, off.text);
      assert.equal((await t.admin({ url: '/api/platform/maintenance-mode-setting' })).body.data.data_update_stop, '0');
    });

    it('with read-only mode off, the same requests do write (so the refusals above were real)', async () => {
      for (const c of cases) {
        const r = await t.call(c.call);
        assert.equal(r.status, 200, `${c.what}: ${r.text}`);
      }
      const now = await snapshotData(t);
      assert.notDeepEqual(now, baseline);
      const orgs = (now.organizations as Array<{ id: string; name: string }>).map((o) => `${o.id}:${o.name}`);
      assert.deepEqual(orgs, [`${SEED.org1}:org1-renamed`, 'org9:org9-name']);
      assert.equal((now.loglevels as Record<string, string>)['ita-api-admin'], 'DEBUG');
    });
  });

  describe(`the in-transaction gate alone refuses writes (${backend})`, () => {
    const logger = pino({ level: 'silent' });
    const orgBody = (id: string) => ({ id, name: `${id}-name` });
    const orgIds = async (t: TestApp) => ((await t.admin({ url: '/api/platform/organizations' })).body.data as Array<{ id: string }>).map((o) => o.id);
    let opened: Array<{ close(): Promise<void> }> = [];
    const second = async (t: TestApp): Promise<Store> => {
      const s = await openStore(t.database.location, { logger, sqlitePollMs: 3_600_000 });
      opened.push(s);
      return s;
    };
    after(async () => {
      for (const x of opened.reverse()) await x.close();
      opened = [];
    });

    it('a write the guard let through is refused by the transaction when another process turned read-only on', async () => {
      // SQLite: the app notices other processes' commits by polling; with a poll of an hour its cache
      // cannot catch up, so the guard must let the write through and the gate alone decides.
      // PostgreSQL: the change arrives by NOTIFY within milliseconds, so instead the write is parked
      // on the gate lock behind the toggle (a third connection holds a write open, the toggle queues
      // for the exclusive side, then the app's write queues behind the toggle): it passed the guard
      // before the toggle committed and reads the switch after.
      const t = await startTestApp(backend, { sqlitePollMs: 3_600_000 });
      opened.push(t);
      const store2 = await second(t);
      let response: CallResult;
      if (backend === 'sqlite') {
        await changeMaintenance(store2, { data_update_stop: true }, 'other-process');
        assert.equal(t.deps.maintenance.state.data_update_stop, false, "the app's cache has not been told");
        response = await t.admin({ method: 'POST', url: '/api/platform/organizations', body: orgBody('orgtx'), headers: { 'accept-language': 'ja' } });
      } else {
        response = await parkWriteBehindToggle(t, store2, () =>
          t.admin({ method: 'POST', url: '/api/platform/organizations', body: orgBody('orgtx'), headers: { 'accept-language': 'ja' } }),
        );
      }
      assert.equal(response.status, 498, response.text);
      assert.equal(response.headers['drydock-refused-by'], 'transaction');
      assert.equal(response.body.result, WRITE_FUNCTIONS.organization_create.result);
      assert.ok(String(response.body.message).includes(WRITE_FUNCTIONS.organization_create.ja), response.body.message);
      assert.match(String(response.headers['retry-after']), /^\d+$/);
      assert.deepEqual(await orgIds(t), [], 'nothing was created');
      assert.equal((await readMaintenance(t.deps.store.db)).data_update_stop, true);

      // Once the cache has caught up, the guard refuses first.
      await t.deps.maintenance.reload();
      const again = await t.admin({ method: 'POST', url: '/api/platform/organizations', body: orgBody('orgtx') });
      assert.equal(again.status, 498, again.text);
      assert.equal(again.headers['drydock-refused-by'], 'guard');
    });

    it('with the usual propagation, a write right after another process’s toggle is refused by one layer or the other', async () => {
      const t = await startTestApp(backend);
      opened.push(t);
      const store2 = await second(t);
      await changeMaintenance(store2, { data_update_stop: true }, 'other-process');
      const r = await t.admin({ method: 'PATCH', url: '/api/ita/loglevel-settings/', body: { 'ita-api-admin': 'DEBUG' } });
      assert.equal(r.status, 498, r.text);
      assert.ok(['guard', 'transaction'].includes(String(r.headers['drydock-refused-by'])), String(r.headers['drydock-refused-by']));
      assert.equal(r.body.result, WRITE_FUNCTIONS.loglevel_change.result);
      assert.equal((await t.admin({ url: '/api/ita/loglevel-settings/' })).body.data['ita-api-admin'], 'INFO');

      // The cache follows the other process's change by itself (poll / NOTIFY), and turning it off
      // from there lets writes through again.
      await waitFor('the cache sees read-only on', () => t.deps.maintenance.state.data_update_stop, { timeoutMs: 10_000 });
      const byGuard = await t.admin({ method: 'PATCH', url: '/api/ita/loglevel-settings/', body: { 'ita-api-admin': 'DEBUG' } });
      assert.equal(byGuard.headers['drydock-refused-by'], 'guard');
      await changeMaintenance(store2, { data_update_stop: false }, 'other-process');
      await waitFor('the cache sees read-only off', () => !t.deps.maintenance.state.data_update_stop, { timeoutMs: 10_000 });
      const ok = await t.admin({ method: 'PATCH', url: '/api/ita/loglevel-settings/', body: { 'ita-api-admin': 'DEBUG' } });
      assert.equal(ok.status, 200, ok.text);
    });

    it('gatedWrite refuses inside the transaction, before running the body, when the stored switch is on', async () => {
      const t = await startTestApp(backend);
      opened.push(t);
      const store2 = await second(t);
      let ran = 0;
      const insertLevel = (level: string) => async (trx: Transaction<Database>) => {
        ran += 1;
        await trx
          .insertInto('log_levels')
          .values({ service: 'ita-by-menu-create', level, last_update_timestamp: nowTimestamp(), last_update_user: 'test' })
          .onConflict((oc) => oc.column('service').doUpdateSet({ level }))
          .execute();
        return level;
      };
      const stored = async () =>
        (await store2.db.selectFrom('log_levels').select('level').where('service', '=', 'ita-by-menu-create').executeTakeFirst())?.level;

      assert.equal(await gatedWrite(store2, 'loglevel_change', insertLevel('DEBUG')), 'DEBUG', 'switch off: the write commits');
      assert.equal(await stored(), 'DEBUG');

      await changeMaintenance(store2, { data_update_stop: true }, 'test');
      await assert.rejects(gatedWrite(store2, 'loglevel_change', insertLevel('ERROR')), (err: unknown) => {
        assert.ok(err instanceof MaintenanceRefusal);
        assert.equal(err.fn, 'loglevel_change');
        assert.equal(err.stage, 'transaction');
        return true;
      });
      assert.equal(ran, 1, 'the body never ran');
      assert.equal(await stored(), 'DEBUG');
      // The app's own store sees the same: its gate refuses too, whatever its cache says.
      await assert.rejects(gatedWrite(t.deps.store, 'workspace_create', insertLevel('ERROR')), MaintenanceRefusal);
      assert.equal(ran, 1);

      await changeMaintenance(store2, { data_update_stop: false }, 'test');
      assert.equal(await gatedWrite(store2, 'loglevel_change', insertLevel('WARNING')), 'WARNING');
      assert.equal(await stored(), 'WARNING');
    });
  });
}

/**
 * PostgreSQL only: orders, on the gate lock itself, "toggle commits" between "write passed the
 * guard" and "write reads the switch". A raw connection holds the shared side (a write in flight);
 * the toggle queues for the exclusive side; the app's write then queues behind the toggle (a lock
 * request that conflicts with a waiter waits behind it). Releasing the first lets the toggle commit,
 * then the write read the switch inside its transaction.
 */
async function parkWriteBehindToggle(t: TestApp, store2: Store, send: () => Promise<CallResult>): Promise<CallResult> {
  const url = (t.database.location as { url: string }).url;
  const holder = new pg.Client({ connectionString: url });
  const monitor = new pg.Client({ connectionString: url });
  await holder.connect();
  await monitor.connect();
  try {
    const key = ADVISORY_LOCK.gate.toString();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock_shared($1::bigint)', [key]);
    const waiting = async () =>
      (
        await monitor.query<{ mode: string }>(
          `SELECT mode FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY mode`,
        )
      ).rows.map((r) => r.mode);

    const toggle = changeMaintenance(store2, { data_update_stop: true }, 'other-process');
    await waitFor('the toggle waits for the exclusive gate lock', async () => (await waiting()).join() === 'ExclusiveLock', { timeoutMs: 10_000, everyMs: 5 });
    const write = send();
    await waitFor('the write waits behind the toggle', async () => (await waiting()).join() === 'ExclusiveLock,ShareLock', { timeoutMs: 10_000, everyMs: 5 });
    assert.equal(t.deps.maintenance.state.data_update_stop, false, 'the write passed the guard with read-only off');
    await holder.query('COMMIT');
    await toggle;
    return await write;
  } finally {
    await holder.end();
    await monitor.end();
  }
}
