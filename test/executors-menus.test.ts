/**
 * Menu create, menu export/import and Excel export/import as a user drives them, on both backends:
 * jobs registered through the Exastro-shaped routes, run by a real backyard worker, followed through
 * `GET …/ita/executions/{execution_no}/`, and their effect checked through the menus API (and, for
 * Excel, by opening the downloaded workbook with exceljs). Covered: a created menu is usable at
 * once; bad definitions and taken names are 400s at registration; a name taken before the job runs,
 * or read-only mode turned on after the claim, ends the job in Completed (error) with the reason in
 * its log and nothing written; JSON and Excel round trips into another workspace are equal (typed
 * integer / number / boolean / date / date-time columns, discarded records); an import back into the
 * source workspace restores the exported records with their uuids; corrupt documents are refused at
 * upload with the problems named; registration while `backyard_execute_stop` is on waits in
 * Unexecuted; read-only mode refuses every registration and upload with 498.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import pino from 'pino';
import type { Executor } from '../src/backyard/executor.js';
import { menuCreateExecutor } from '../src/backyard/executors/menu-create.js';
import { menuExportImportExecutor } from '../src/backyard/executors/menu-transfer.js';
import type { Backyard } from '../src/backyard/kinds/registry.js';
import { createWorker } from '../src/backyard/start-worker.js';
import { Worker } from '../src/backyard/worker.js';
import { compileOptions } from '../src/config/compile.js';
import { WRITE_FUNCTIONS } from '../src/maintenance/write-functions.js';
import { ITA1, SEED, authHeaders, seedTenants, setMaintenance, startTestApp, type Auth, type CallResult, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { waitFor } from './support/wait-for.js';

const logger = pino({ level: process.env.DRYDOCK_TEST_LOG ?? 'silent' });
const MENU_BACKYARDS: Backyard[] = ['ita-by-menu-create', 'ita-by-menu-export-import', 'ita-by-excel-export-import'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ita = (ws: string) => `/api/${SEED.org1}/workspaces/${ws}/ita`;

/** A menu with every column type, and a string column whose values look like numbers. */
const INVENTORY = {
  menu: 'inventory',
  title: 'Inventory 在庫',
  columns: [
    { name: 'name', type: 'string', required: true, unique: true, title: 'Name' },
    { name: 'count', type: 'integer' },
    { name: 'ratio', type: 'number' },
    { name: 'active', type: 'boolean' },
    { name: 'since', type: 'date' },
    { name: 'checked_at', type: 'datetime' },
    { name: 'code', type: 'string', max_length: 16 },
  ],
};

type Parameter = Record<string, unknown> & { uuid: string; discard: string; last_update_date_time: string; last_updated_user: string };

function assertOk(r: CallResult, what: string): void {
  assert.equal(r.status, 200, `${what}: ${r.text}`);
  assert.equal(r.body.result, '000-00000', `${what}: ${r.text}`);
}

/** A record's content as a user compares it across workspaces: everything but identity and audit fields. */
function content(p: Parameter): Record<string, unknown> {
  const { uuid: _u, last_update_date_time: _t, last_updated_user: _w, ...rest } = p;
  return rest;
}

function newWorker(t: TestApp, dataDir: string, executors?: Executor[]): Worker {
  const options = compileOptions({ dataDir, leaseSeconds: 5, workerPollMs: 100, workerGraceSeconds: 2 });
  if (!executors) return createWorker(t.deps.store, logger, options, { backyards: MENU_BACKYARDS });
  return new Worker(
    t.deps.store,
    logger,
    {
      backyards: executors.map((e) => e.backyard),
      concurrency: 2,
      leaseMs: options.worker.leaseMs,
      pollMs: options.worker.pollMs,
      graceMs: options.worker.graceMs,
      workDir: path.join(dataDir, 'work'),
      settings: { terraformCloudUrl: undefined, terraformCloudToken: undefined, pollMs: 100 },
    },
    executors,
  );
}

/** Helpers bound to one app. */
function userOf(t: TestApp) {
  const call = (method: 'GET' | 'POST', url: string, body?: unknown, auth: Auth = SEED.manager1) => t.call({ method, url, auth, body });
  const execution = async (id: string, ws: string = SEED.ws1) => {
    const r = await call('GET', `${ita(ws)}/executions/${id}/`);
    assertOk(r, `execution ${id}`);
    return r.body.data as { status_id: string; status_name: string; log: string; backyard: string; result: unknown };
  };
  return {
    call,
    execution,
    /** Waits until the job is Completed (3) or Completed (error) (4). */
    finished: (id: string, ws: string = SEED.ws1) =>
      waitFor(
        `execution ${id} has finished`,
        async () => {
          const e = await execution(id, ws);
          return e.status_id === '3' || e.status_id === '4' ? e : undefined;
        },
        { timeoutMs: 20_000 },
      ),
    register: async (url: string, body: unknown, what: string) => {
      const r = await call('POST', url, body);
      assertOk(r, what);
      assert.match(r.body.data.execution_no, /^[0-9a-f-]{36}$/);
      return r.body.data.execution_no as string;
    },
    records: async (menu: string, ws: string = SEED.ws1) => {
      const r = await call('GET', `${ita(ws)}/menu/${menu}/filter/`);
      assertOk(r, `records of ${menu} in ${ws}`);
      return (r.body.data as Array<{ parameter: Parameter }>).map((x) => x.parameter);
    },
    info: async (menu: string, ws: string = SEED.ws1) => {
      const r = await call('GET', `${ita(ws)}/menu/${menu}/`);
      assertOk(r, `definition of ${menu} in ${ws}`);
      const { menu: name, title, columns } = r.body.data;
      return { menu: name, title, columns };
    },
    maintain: async (menu: string, items: unknown, ws: string = SEED.ws1) => {
      const r = await call('POST', `${ita(ws)}/menu/${menu}/maintenance/all/`, items);
      assertOk(r, `maintain ${menu}`);
      return r.body.data as { IdList: string[] };
    },
    createWorkspace: async (id: string) => {
      const r = await call('POST', `/api/${SEED.org1}/platform/workspaces`, {
        id,
        name: `${id}-name`,
        informations: { description: 'import target', environments: [], workspace_administrators: [] },
      });
      assertOk(r, `create workspace ${id}`);
    },
    /** GET of a file: the raw bytes (the JSON helper would decode a workbook as text). */
    download: async (url: string, auth: Auth = SEED.manager1) => {
      const res = await t.app.inject({ method: 'GET', url, headers: authHeaders(auth) });
      return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload, text: res.body };
    },
    upload: (url: string, name: string, bytes: Buffer) => call('POST', url, { name, content_base64: bytes.toString('base64') }),
  };
}

/** Seeds ws1's `inventory` menu: two active records and one discarded; servers gets two records. */
async function seedInventory(u: ReturnType<typeof userOf>): Promise<void> {
  assertOk(await u.call('POST', `${ITA1}/menu/`, INVENTORY), 'define inventory');
  const { IdList: uuids } = await u.maintain('inventory', [
    {
      type: 'Register',
      parameter: {
        name: 'alpha',
        count: '3',
        ratio: '0.25',
        active: 'true',
        since: '2024/02/29',
        checked_at: '2024/03/01 12:34:56',
        code: '007',
        remarks: 'kept through export and import',
      },
    },
    { type: 'Register', parameter: { name: 'beta', count: -12, ratio: 1000.5, active: false, since: '1999-12-31', code: '日本語' } },
    { type: 'Register', parameter: { name: 'gamma', count: '9007199254740991' } },
  ]);
  const gamma = (await u.records('inventory')).find((p) => p.uuid === uuids[2])!;
  await u.maintain('inventory', [{ type: 'Discard', parameter: { uuid: gamma.uuid, last_update_date_time: gamma.last_update_date_time } }]);
  await u.maintain(SEED.menu, [
    { type: 'Register', parameter: { host: 'web-1', port: '80', enabled: 'true' } },
    { type: 'Register', parameter: { host: '10.0.0.2' } },
  ]);
}

for (const backend of BACKENDS) {
  describe(`menu create, menu export/import and Excel export/import jobs (${backend})`, () => {
    let t: TestApp;
    let u: ReturnType<typeof userOf>;
    let worker: Worker;
    let dataDir: string;

    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
      u = userOf(t);
      await seedInventory(u);
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'drydock-menu-jobs-'));
      worker = newWorker(t, dataDir);
      worker.start();
    });
    after(async () => {
      await worker?.stop();
      await t?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('a menu-create job creates a menu that is usable at once through the menus API', async () => {
      const definition = {
        menu: 'new_params',
        title: 'New parameters',
        columns: [
          { name: 'key', type: 'string', required: true, unique: true },
          { name: 'size', type: 'integer' },
        ],
      };
      const id = await u.register(`${ITA1}/create/define/execute/`, definition, 'register menu create');
      const done = await u.finished(id);
      assert.equal(done.status_id, '3', done.log);
      assert.equal(done.status_name, 'Completed');
      assert.equal(done.backyard, 'ita-by-menu-create');
      assert.match(done.log, /Menu new_params created/);
      const ja = await t.call({ url: `${ITA1}/executions/${id}/`, auth: SEED.member1, headers: { language: 'ja' } });
      assert.equal(ja.body.data.status_name, '完了');

      assert.deepEqual(await u.info('new_params'), definition);
      const { IdList: uuids } = await u.maintain('new_params', [{ type: 'Register', parameter: { key: 'k1', size: '42' } }]);
      const records = await u.records('new_params');
      assert.deepEqual(
        records.map((p) => [p.uuid, p.key, p.size, p.discard]),
        [[uuids[0], 'k1', 42, '0']],
      );
      const listed = await u.call('GET', `${ITA1}/menu/`);
      assert.ok(listed.body.data.some((m: { menu: string }) => m.menu === 'new_params'));
    });

    it('a bad definition or a taken name is a 400 at registration, and no job is registered', async () => {
      const before = (await u.call('GET', `${ITA1}/executions/?backyard=ita-by-menu-create`)).body.data.length;
      const bad = [
        { body: { menu: 'Bad-Name', title: 'x', columns: [{ name: 'a', type: 'string' }] }, says: /menu/ },
        { body: { menu: 'no_columns', title: 'x', columns: [] }, says: /at least one column/ },
        {
          body: {
            menu: 'dup_cols',
            title: 'x',
            columns: [
              { name: 'a', type: 'string' },
              { name: 'a', type: 'integer' },
            ],
          },
          says: /unique/,
        },
        { body: { menu: 'bad_type', title: 'x', columns: [{ name: 'a', type: 'money' }] }, says: /columns\.0\.type/ },
        { body: { menu: 'reserved', title: 'x', columns: [{ name: 'uuid', type: 'string' }] }, says: /reserved/ },
        { body: { menu: SEED.menu, title: 'Servers again', columns: [{ name: 'a', type: 'string' }] }, says: /servers already exists in workspace ws1/ },
      ];
      for (const { body, says } of bad) {
        const r = await u.call('POST', `${ITA1}/create/define/execute/`, body);
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
        assert.match(r.body.message, says, r.body.message);
      }
      const afterCount = (await u.call('GET', `${ITA1}/executions/?backyard=ita-by-menu-create`)).body.data.length;
      assert.equal(afterCount, before, 'no job was registered');
    });

    it('registration works while backyard_execute_stop is on: the job waits in Unexecuted, its file is a 404, and it runs once the switch is off', async () => {
      await setMaintenance(t, { backyard_execute_stop: '1' });
      let id: string;
      let createId: string;
      try {
        id = await u.register(`${ITA1}/menu/bulk/export/execute/`, { menus: [SEED.menu] }, 'register export while stopped');
        createId = await u.register(
          `${ITA1}/create/define/execute/`,
          { menu: 'while_stopped', title: 'Registered while stopped', columns: [{ name: 'a', type: 'string' }] },
          'register menu create while stopped',
        );
        // Several poll periods of the worker (100 ms) and change notifications: still not claimed.
        await new Promise((r) => setTimeout(r, 800));
        for (const job of [id, createId]) {
          const e = await u.execution(job);
          assert.equal(e.status_id, '1', `${job} stays Unexecuted`);
          assert.equal(e.status_name, 'Unexecuted');
        }
        const early = await u.download(`${ITA1}/menu/bulk/export/${id}/file/`);
        assert.equal(early.status, 404, early.text);
        assert.match(JSON.parse(early.text).message, /has not finished \(status 1 Unexecuted\)/);
        assert.equal((await u.call('GET', `${ITA1}/menu/while_stopped/`)).status, 499, 'not created while stopped');
      } finally {
        await setMaintenance(t, { backyard_execute_stop: '0' });
      }
      assert.equal((await u.finished(id)).status_id, '3');
      assert.equal((await u.finished(createId)).status_id, '3');
      assert.equal((await u.download(`${ITA1}/menu/bulk/export/${id}/file/`)).status, 200);
      assert.equal((await u.info('while_stopped')).menu, 'while_stopped');
    });

    it('a name taken between registration and run ends the job in Completed (error), with the reason in its log', async () => {
      const definition = { menu: 'raced', title: 'Raced', columns: [{ name: 'a', type: 'string' }] };
      await setMaintenance(t, { backyard_execute_stop: '1' });
      let id: string;
      try {
        id = await u.register(`${ITA1}/create/define/execute/`, definition, 'register menu create');
        assertOk(
          await u.call('POST', `${ITA1}/menu/`, { ...definition, title: 'Defined directly', columns: [{ name: 'b', type: 'integer' }] }),
          'define directly',
        );
      } finally {
        await setMaintenance(t, { backyard_execute_stop: '0' });
      }
      const done = await u.finished(id);
      assert.equal(done.status_id, '4');
      assert.equal(done.status_name, 'Completed (error)');
      assert.match(done.log, /Menu raced already exists in workspace ws1\. Nothing was written\./);
      assert.equal((await u.info('raced')).title, 'Defined directly', 'the menu defined directly is untouched');
    });

    it('menu export → import into another workspace: definitions and records (values, discard flags) are equal', async () => {
      const id = await u.register(`${ITA1}/menu/bulk/export/execute/`, { menus: ['inventory', SEED.menu] }, 'register export');
      const done = await u.finished(id);
      assert.equal(done.status_id, '3', done.log);
      assert.match(done.log, /Menu inventory: 3 record\(s\), 1 of them discarded/);

      const file = await u.download(`${ITA1}/menu/bulk/export/${id}/file/`);
      assert.equal(file.status, 200, file.text);
      assert.match(String(file.headers['content-type']), /^application\/json/);
      assert.match(String(file.headers['content-disposition']), new RegExp(`^attachment; filename="menu-export-ws1-${id}\\.json"$`));
      const doc = JSON.parse(file.text);
      assert.equal(doc.format, 'drydock-menu-export');
      assert.equal(doc.format_version, 1);
      assert.match(doc.exported_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
      assert.deepEqual(doc.source, { organization_id: SEED.org1, workspace_id: SEED.ws1 });
      assert.deepEqual(
        doc.menus.map((m: { definition: { menu: string } }) => m.definition.menu),
        ['inventory', SEED.menu],
      );
      assert.deepEqual(doc.menus[0].definition, await u.info('inventory'));
      // Each record is what the filter API shows: uuid, discard, values, last update — discarded ones included.
      assert.deepEqual(doc.menus[0].records, await u.records('inventory'));
      assert.deepEqual(doc.menus[1].records, await u.records(SEED.menu));
      assert.equal(doc.menus[0].records.filter((r: Parameter) => r.discard === '1').length, 1);

      await u.createWorkspace('ws_json');
      const up = await u.upload(`${ita('ws_json')}/menu/import/upload/`, 'export.json', file.bytes);
      assertOk(up, 'upload');
      assert.deepEqual(up.body.data.menus, [
        { menu: 'inventory', columns: 7, records: 3, discarded: 1 },
        { menu: SEED.menu, columns: 3, records: 2, discarded: 0 },
      ]);
      const importId = await u.register(`${ita('ws_json')}/menu/import/execute/`, { upload_id: up.body.data.upload_id }, 'register import');
      const imported = await u.finished(importId, 'ws_json');
      assert.equal(imported.status_id, '3', imported.log);
      assert.match(imported.log, /Menu inventory: created; its records replaced by 3 record\(s\)/);
      assert.match(imported.log, /got a new uuid: their uuid is held by another menu's record/);

      for (const menu of ['inventory', SEED.menu]) {
        assert.deepEqual(await u.info(menu, 'ws_json'), await u.info(menu), `${menu}: definition`);
        assert.deepEqual((await u.records(menu, 'ws_json')).map(content), (await u.records(menu)).map(content), `${menu}: records`);
      }
      const copy = await u.records('inventory', 'ws_json');
      assert.deepEqual(
        copy.map((p) => [p.name, p.count, p.ratio, p.active, p.since, p.checked_at, p.code, p.discard]),
        [
          ['alpha', 3, 0.25, true, '2024/02/29', '2024/03/01 12:34:56', '007', '0'],
          ['beta', -12, 1000.5, false, '1999/12/31', null, '日本語', '0'],
          ['gamma', 9007199254740991, null, null, null, null, null, '1'],
        ],
      );
      // The imported menus are ordinary menus: unique columns still hold, records can be changed.
      const dup = await u.call('POST', `${ita('ws_json')}/menu/inventory/maintenance/all/`, [{ type: 'Register', parameter: { name: 'alpha' } }]);
      assert.equal(dup.status, 499, dup.text);
      assert.match(JSON.parse(dup.body.message)['0'].name[0], /must be unique/);
      const alpha = copy[0]!;
      await u.maintain(
        'inventory',
        [{ type: 'Update', parameter: { uuid: alpha.uuid, count: 4, last_update_date_time: alpha.last_update_date_time } }],
        'ws_json',
      );
      assert.equal((await u.records('inventory')).find((p) => p.name === 'alpha')!.count, 3, 'the source is untouched');
    });

    it("Exastro's bodies: a menu from its creation editor's JSON, an export of menu without discarded records (abolished_type 2), file: {name, base64}, import with menu", async () => {
      const created = await u.call('POST', `${ITA1}/create/define/execute/`, {
        type: 'create_new',
        menu: {
          menu_create_id: null,
          menu_name: 'Server settings',
          menu_name_rest: 'server_settings',
          sheet_type_id: '2',
          vertical: '0',
          columns: ['c1', 'c2'],
        },
        column: {
          c2: { item_name: 'port', item_name_rest: 'port', column_class: 'NumColumn', column_class_id: '3', required: '0', uniqued: '0', display_order: 1 },
          c1: {
            item_name: 'hostname',
            item_name_rest: 'hostname',
            column_class: 'SingleTextColumn',
            required: '1',
            uniqued: '1',
            display_order: 0,
            single_string_maximum_bytes: '64',
          },
        },
        group: {},
      });
      assertOk(created, 'create from Exastro’s body');
      assert.equal(created.body.data.menu_name_rest, 'server_settings');
      assert.equal(created.body.data.history_id, created.body.data.execution_no);
      assert.equal((await u.finished(created.body.data.history_id)).status_id, '3');
      assert.deepEqual(await u.info('server_settings'), {
        menu: 'server_settings',
        title: 'Server settings',
        columns: [
          { name: 'hostname', type: 'string', title: 'hostname', required: true, unique: true, max_length: 64 },
          { name: 'port', type: 'integer', title: 'port' },
        ],
      });
      const sheet = await u.call('POST', `${ITA1}/create/define/execute/`, {
        type: 'create_new',
        menu: { menu_name: 'Hosts', menu_name_rest: 'host_params', sheet_type_id: '1' },
        column: { c1: { item_name: 'x', item_name_rest: 'x', column_class: 'SingleTextColumn' } },
      });
      assert.equal(sheet.status, 499, sheet.text);
      assert.equal(sheet.body.result, '499-00701');
      assert.match(sheet.body.message, /data sheets/);
      const pulldown = await u.call('POST', `${ITA1}/create/define/execute/`, {
        type: 'create_new',
        menu: { menu_name: 'P', menu_name_rest: 'p_params', sheet_type_id: '2' },
        column: { c1: { item_name: 'x', item_name_rest: 'x', column_class: 'IDColumn' } },
      });
      assert.match(pulldown.body.message, /no IDColumn/);

      const exported = await u.register(
        `${ITA1}/menu/bulk/export/execute/`,
        { menu: ['inventory'], mode: '1', abolished_type: '2', journal_type: '1' },
        'export as Exastro sends it',
      );
      assert.equal((await u.finished(exported)).status_id, '3');
      const file = await u.download(`${ITA1}/menu/bulk/export/${exported}/file/`);
      const doc = JSON.parse(file.text);
      assert.deepEqual(
        doc.menus[0].records.map((r: Parameter) => r.discard),
        ['0', '0'],
        'abolished_type 2: without the discarded record',
      );
      const mode2 = await u.call('POST', `${ITA1}/menu/bulk/export/execute/`, { menu: ['inventory'], mode: '2', abolished_type: '1' });
      assert.equal(mode2.status, 400, mode2.text);
      assert.match(mode2.body.message, /mode/);

      await u.createWorkspace('ws_exastro');
      const up = await u.call('POST', `${ita('ws_exastro')}/menu/import/upload/`, { file: { name: 'export.json', base64: file.bytes.toString('base64') } });
      assertOk(up, 'upload as Exastro sends it');
      const importId = await u.register(
        `${ita('ws_exastro')}/menu/import/execute/`,
        { menu: ['inventory'], upload_id: up.body.data.upload_id, file_name: 'export.json' },
        'import as Exastro sends it',
      );
      assert.equal((await u.finished(importId, 'ws_exastro')).status_id, '3');
      assert.equal((await u.records('inventory', 'ws_exastro')).length, 2);
    });

    it('an import back into the source workspace restores the exported records, uuids included, all or nothing', async () => {
      const id = await u.register(`${ITA1}/menu/bulk/export/execute/`, { menus: ['inventory'] }, 'register export');
      assert.equal((await u.finished(id)).status_id, '3');
      const file = await u.download(`${ITA1}/menu/bulk/export/${id}/file/`);
      const exported = JSON.parse(file.text).menus[0].records as Parameter[];

      // Change the menu after the export: update, discard, register.
      const now = await u.records('inventory');
      const alpha = now.find((p) => p.name === 'alpha')!;
      const beta = now.find((p) => p.name === 'beta')!;
      await u.maintain('inventory', [
        { type: 'Update', parameter: { uuid: alpha.uuid, count: 100, last_update_date_time: alpha.last_update_date_time } },
        { type: 'Discard', parameter: { uuid: beta.uuid, last_update_date_time: beta.last_update_date_time } },
        { type: 'Register', parameter: { name: 'delta' } },
      ]);
      assert.equal((await u.records('inventory')).length, 4);
      const changed = await u.records('inventory');

      const up = await u.upload(`${ITA1}/menu/import/upload/`, 'inventory.json', file.bytes);
      assertOk(up, 'upload');
      const importId = await u.register(`${ITA1}/menu/import/execute/`, { upload_id: up.body.data.upload_id, menus: ['inventory'] }, 'register import');
      const done = await u.finished(importId);
      assert.equal(done.status_id, '3', done.log);
      assert.match(done.log, /Menu inventory: existed; its records replaced by 3 record\(s\)\.\n/);
      assert.doesNotMatch(done.log, /new uuid/);

      const restored = await u.records('inventory');
      assert.deepEqual(
        restored.map((p) => ({ ...content(p), uuid: p.uuid })),
        exported.map((p) => ({ ...content(p), uuid: p.uuid })),
      );
      assert.ok(
        restored.every((p) => p.last_updated_user === 'manager1'),
        'the import is the last update',
      );
      // A change prepared against a record read before the import fails its optimistic lock.
      const stale = changed.find((p) => p.name === 'alpha')!;
      const r = await u.call('POST', `${ITA1}/menu/inventory/maintenance/all/`, [
        { type: 'Update', parameter: { uuid: stale.uuid, count: 5, last_update_date_time: stale.last_update_date_time } },
      ]);
      assert.equal(r.status, 499, r.text);
      assert.equal(r.body.result, '499-00201');
      assert.match(r.body.message, /after you read it/);
    });

    it('Excel export → import into another workspace: typed cells, and definitions and records are equal', async () => {
      const id = await u.register(`${ITA1}/excel/bulk/export/execute/`, { menus: ['inventory', SEED.menu] }, 'register Excel export');
      const done = await u.finished(id);
      assert.equal(done.status_id, '3', done.log);
      assert.equal(done.backyard, 'ita-by-excel-export-import');
      const file = await u.download(`${ITA1}/excel/bulk/export/${id}/file/`);
      assert.equal(file.status, 200, file.text);
      assert.equal(file.headers['content-type'], XLSX);
      assert.match(String(file.headers['content-disposition']), /filename="excel-export-ws1-.*\.xlsx"/);

      // Open it as a user's spreadsheet program would.
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(file.bytes as unknown as ArrayBuffer);
      assert.deepEqual(
        wb.worksheets.map((s) => s.name),
        ['inventory', SEED.menu, '_definitions', '_export'],
      );
      const sheet = wb.getWorksheet('inventory')!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      assert.deepEqual(header, [
        'uuid',
        'discard',
        'name',
        'count',
        'ratio',
        'active',
        'since',
        'checked_at',
        'code',
        'remarks',
        'last_update_date_time',
        'last_updated_user',
      ]);
      const records = await u.records('inventory');
      const rowOf = (name: string) => {
        const rowNumber = [2, 3, 4].find((n) => sheet.getRow(n).getCell(3).value === name)!;
        return (col: string) => sheet.getRow(rowNumber).getCell(header.indexOf(col) + 1).value;
      };
      const alpha = rowOf('alpha');
      assert.equal(alpha('uuid'), records.find((p) => p.name === 'alpha')!.uuid);
      assert.equal(alpha('count'), 3, 'an integer column is a number cell');
      assert.equal(alpha('ratio'), 0.25);
      assert.equal(alpha('active'), true, 'a boolean column is a boolean cell');
      assert.ok(alpha('since') instanceof Date, 'a date column is a date cell');
      assert.equal((alpha('since') as Date).toISOString(), '2024-02-29T00:00:00.000Z');
      assert.equal((alpha('checked_at') as Date).toISOString(), '2024-03-01T12:34:56.000Z');
      assert.equal(alpha('code'), '007', 'a string stays text even when it looks like a number');
      assert.equal(rowOf('beta')('active'), false);
      assert.equal(rowOf('gamma')('discard'), '1');
      assert.equal(rowOf('gamma')('count'), 9007199254740991);

      await u.createWorkspace('ws_excel');
      const up = await u.upload(`${ita('ws_excel')}/excel/bulk/upload/`, 'export.xlsx', file.bytes);
      assertOk(up, 'upload workbook');
      const importId = await u.register(`${ita('ws_excel')}/excel/bulk/import/execute/`, { upload_id: up.body.data.upload_id }, 'register Excel import');
      const imported = await u.finished(importId, 'ws_excel');
      assert.equal(imported.status_id, '3', imported.log);
      for (const menu of ['inventory', SEED.menu]) {
        assert.deepEqual(await u.info(menu, 'ws_excel'), await u.info(menu), `${menu}: definition`);
        assert.deepEqual((await u.records(menu, 'ws_excel')).map(content), (await u.records(menu)).map(content), `${menu}: records`);
      }

      // Edited in a spreadsheet: a changed cell and a new row without uuid are imported as such.
      const edited = new ExcelJS.Workbook();
      await edited.xlsx.load(file.bytes as unknown as ArrayBuffer);
      const s = edited.getWorksheet('inventory')!;
      const countCol = header.indexOf('count') + 1;
      const alphaRow = [2, 3, 4].find((n) => s.getRow(n).getCell(3).value === 'alpha')!;
      s.getRow(alphaRow).getCell(countCol).value = 77;
      s.addRow(['', '0', 'epsilon', 5, null, true, new Date(Date.UTC(2030, 0, 15))]);
      const bytes = Buffer.from(await edited.xlsx.writeBuffer());
      const up2 = await u.upload(`${ita('ws_excel')}/excel/bulk/upload/`, 'edited.xlsx', bytes);
      assertOk(up2, 'upload edited workbook');
      const id2 = await u.register(
        `${ita('ws_excel')}/excel/bulk/import/execute/`,
        { upload_id: up2.body.data.upload_id, menus: ['inventory'] },
        'import edited',
      );
      assert.equal((await u.finished(id2, 'ws_excel')).status_id, '3');
      const after = await u.records('inventory', 'ws_excel');
      assert.equal(after.find((p) => p.name === 'alpha')!.count, 77);
      assert.deepEqual(content(after.find((p) => p.name === 'epsilon')!), {
        discard: '0',
        remarks: null,
        name: 'epsilon',
        count: 5,
        ratio: null,
        active: true,
        since: '2030/01/15',
        checked_at: null,
        code: null,
      });
    });

    it('corrupt documents are refused at upload with a 400 naming the problems; nothing is stored', async () => {
      const json = (x: unknown) => Buffer.from(JSON.stringify(x));
      const good = {
        format: 'drydock-menu-export',
        format_version: 1,
        menus: [{ definition: INVENTORY, records: [{ name: 'a', count: 1 }] }],
      };
      const cases: Array<{ what: string; bytes: Buffer; says: RegExp }> = [
        { what: 'not JSON', bytes: Buffer.from('{"format": "drydock-menu-export", '), says: /not a JSON document/ },
        { what: 'another format', bytes: json({ ...good, format: 'something-else' }), says: /format: must be "drydock-menu-export"/ },
        { what: 'a newer version', bytes: json({ ...good, format_version: 2 }), says: /format_version: this drydock reads format_version 1/ },
        { what: 'no menus', bytes: json({ ...good, menus: [] }), says: /holds no menu/ },
        {
          what: 'bad values',
          bytes: json({
            ...good,
            menus: [
              {
                definition: INVENTORY,
                records: [
                  { name: 'a', count: 'many' },
                  { count: 2, since: '2024/02/30' },
                ],
              },
            ],
          }),
          says: /menu inventory record 1: count must be an integer; menu inventory record 2: name is required; menu inventory record 2: since must be a date/,
        },
        {
          what: 'an unknown column and a duplicate unique value',
          bytes: json({ ...good, menus: [{ definition: INVENTORY, records: [{ name: 'a', colour: 'red' }, { name: 'a' }] }] }),
          says: /record 1: unknown column\(s\) colour.*record 2: name must be unique, and record 1 has "a" too/,
        },
        {
          what: 'a bad definition',
          bytes: json({ ...good, menus: [{ definition: { ...INVENTORY, columns: [{ name: 'x', type: 'money' }] }, records: [] }] }),
          says: /menus\.0\.definition\.columns\.0\.type/,
        },
      ];
      const uploadsBefore = await t.deps.store.db.selectFrom('backyard_uploads').select('id').execute();
      for (const c of cases) {
        const r = await u.upload(`${ITA1}/menu/import/upload/`, `${c.what}.json`, c.bytes);
        assert.equal(r.status, 400, `${c.what}: ${r.text}`);
        assert.match(r.body.message, c.says, `${c.what}: ${r.body.message}`);
      }
      const notBase64 = await u.call('POST', `${ITA1}/menu/import/upload/`, { name: 'x.json', content_base64: 'not base64!' });
      assert.equal(notBase64.status, 400);
      assert.match(notBase64.body.message, /content_base64: is not base64/);

      const garbage = await u.upload(`${ITA1}/excel/bulk/upload/`, 'x.xlsx', Buffer.from('this is not a zip file'));
      assert.equal(garbage.status, 400, garbage.text);
      assert.match(garbage.body.message, /not an \.xlsx workbook/);
      const plainWorkbook = new ExcelJS.Workbook();
      plainWorkbook.addWorksheet('Sheet1').addRow(['hello']);
      const foreign = await u.upload(`${ITA1}/excel/bulk/upload/`, 'x.xlsx', Buffer.from(await plainWorkbook.xlsx.writeBuffer()));
      assert.equal(foreign.status, 400);
      assert.match(foreign.body.message, /sheet _export is missing: the workbook was not made by the Excel export/);

      // A workbook whose zip declares a huge inflated size (a "zip bomb") is refused before it is expanded.
      const bomb = Buffer.from(await plainWorkbook.xlsx.writeBuffer());
      const central = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      bomb.writeUInt32LE(0x7fffffff, central + 24);
      const bombed = await u.upload(`${ITA1}/excel/bulk/upload/`, 'bomb.xlsx', bomb);
      assert.equal(bombed.status, 400, bombed.text);
      assert.match(bombed.body.message, /the workbook expands to 2147\d+ bytes, more than the 104857600 drydock reads/);

      // A real export with a bad cell typed in: the problem names the sheet, the row and the column.
      const id = await u.register(`${ITA1}/excel/bulk/export/execute/`, { menus: ['inventory'] }, 'export');
      assert.equal((await u.finished(id)).status_id, '3');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await u.download(`${ITA1}/excel/bulk/export/${id}/file/`)).bytes as unknown as ArrayBuffer);
      wb.getWorksheet('inventory')!.getRow(3).getCell(4).value = 'twelve';
      const badCell = await u.upload(`${ITA1}/excel/bulk/upload/`, 'bad.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
      assert.equal(badCell.status, 400, badCell.text);
      assert.match(badCell.body.message, /sheet inventory row 3: count must be an integer/);

      const uploadsAfter = await t.deps.store.db.selectFrom('backyard_uploads').select('id').execute();
      assert.equal(uploadsAfter.length, uploadsBefore.length, 'no refused upload was stored');

      const unknownUpload = await u.call('POST', `${ITA1}/menu/import/execute/`, { upload_id: '00000000-0000-4000-8000-000000000000' });
      assert.equal(unknownUpload.status, 404);
      const ok = await u.upload(`${ITA1}/menu/import/upload/`, 'good.json', json(good));
      assertOk(ok, 'a good upload');
      const notInDoc = await u.call('POST', `${ITA1}/menu/import/execute/`, { upload_id: ok.body.data.upload_id, menus: ['servers'] });
      assert.equal(notInDoc.status, 400);
      assert.match(notInDoc.body.message, /menu servers is not in the document \(it holds inventory\)/);
      // ws1's inventory has the same columns, so the import can be registered; an Excel upload id is not a menu upload.
      const wrongKind = await u.call('POST', `${ITA1}/excel/bulk/import/execute/`, { upload_id: ok.body.data.upload_id });
      assert.equal(wrongKind.status, 404);
    });

    it('an import that no longer fits the workspace when it runs ends in Completed (error) with the reason in its log', async () => {
      const doc = {
        format: 'drydock-menu-export',
        format_version: 1,
        menus: [
          { definition: { menu: 'fresh', title: 'Fresh', columns: [{ name: 'a', type: 'string' }] }, records: [{ a: 'x' }] },
          { definition: { menu: 'clash', title: 'Clash', columns: [{ name: 'a', type: 'string' }] }, records: [{ a: 'y' }] },
        ],
      };
      const up = await u.upload(`${ITA1}/menu/import/upload/`, 'clash.json', Buffer.from(JSON.stringify(doc)));
      assertOk(up, 'upload');
      await setMaintenance(t, { backyard_execute_stop: '1' });
      let id: string;
      try {
        id = await u.register(`${ITA1}/menu/import/execute/`, { upload_id: up.body.data.upload_id }, 'register import');
        // Meanwhile someone defines `clash` with other columns.
        assertOk(await u.call('POST', `${ITA1}/menu/`, { menu: 'clash', title: 'Clash', columns: [{ name: 'a', type: 'integer' }] }), 'define clash');
      } finally {
        await setMaintenance(t, { backyard_execute_stop: '0' });
      }
      const done = await u.finished(id);
      assert.equal(done.status_id, '4');
      assert.match(done.log, /menu clash exists in workspace ws1 with other columns \(a:integer\) than the document's \(a:string\)/);
      assert.match(done.log, /Nothing was written/);
      assert.equal((await u.call('GET', `${ITA1}/menu/fresh/`)).status, 499, 'all or nothing: fresh was not created either');
      assert.deepEqual(await u.records('clash'), []);
      // Registering it now is refused at once.
      const again = await u.call('POST', `${ITA1}/menu/import/execute/`, { upload_id: up.body.data.upload_id });
      assert.equal(again.status, 400);
      assert.match(again.body.message, /menu clash exists in workspace ws1 with other columns/);
    });

    it('read-only mode refuses every registration and upload with 498 and its own code; downloads still work', async () => {
      const id = await u.register(`${ITA1}/menu/bulk/export/execute/`, { menus: [SEED.menu] }, 'export');
      assert.equal((await u.finished(id)).status_id, '3');
      const good = Buffer.from(JSON.stringify({ format: 'drydock-menu-export', format_version: 1, menus: [{ definition: INVENTORY, records: [] }] }));
      const menuUpload = (await u.upload(`${ITA1}/menu/import/upload/`, 'g.json', good)).body.data.upload_id;
      const jobsBefore = (await u.call('GET', `${ITA1}/executions/?limit=1000`)).body.data.length;

      await setMaintenance(t, { data_update_stop: '1' });
      try {
        const refused: Array<[string, unknown, keyof typeof WRITE_FUNCTIONS]> = [
          [`${ITA1}/create/define/execute/`, { menu: 'ro_menu', title: 'x', columns: [{ name: 'a', type: 'string' }] }, 'menu_definition'],
          [`${ITA1}/menu/bulk/export/execute/`, { menus: [SEED.menu] }, 'menu_export'],
          [`${ITA1}/menu/import/upload/`, { name: 'g.json', content_base64: good.toString('base64') }, 'menu_import'],
          [`${ITA1}/menu/import/execute/`, { upload_id: menuUpload }, 'menu_import'],
          [`${ITA1}/excel/bulk/export/execute/`, { menus: [SEED.menu] }, 'excel_export'],
          [`${ITA1}/excel/bulk/upload/`, { name: 'g.xlsx', content_base64: good.toString('base64') }, 'excel_import'],
          [`${ITA1}/excel/bulk/import/execute/`, { upload_id: menuUpload }, 'excel_import'],
        ];
        for (const [url, body, fn] of refused) {
          const r = await t.call({ method: 'POST', url, auth: SEED.manager1, body, headers: { 'accept-language': 'ja' } });
          assert.equal(r.status, 498, `${url}: ${r.text}`);
          assert.equal(r.body.result, WRITE_FUNCTIONS[fn].result, url);
          assert.ok(String(r.body.message).includes(WRITE_FUNCTIONS[fn].ja), r.body.message);
          assert.match(String(r.headers['retry-after']), /^\d+$/);
        }
        const file = await u.download(`${ITA1}/menu/bulk/export/${id}/file/`);
        assert.equal(file.status, 200, 'a download is a read');
        assert.equal((await u.execution(id)).status_id, '3');
      } finally {
        await setMaintenance(t, { data_update_stop: '0' });
      }
      assert.equal((await u.call('GET', `${ITA1}/executions/?limit=1000`)).body.data.length, jobsBefore, 'no job was registered');
      assert.equal((await u.call('GET', `${ITA1}/menu/ro_menu/`)).status, 499);
    });
  });

  describe(`read-only mode turned on after a menu job was claimed (${backend})`, () => {
    let t: TestApp;
    let u: ReturnType<typeof userOf>;
    let dataDir: string;

    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
      u = userOf(t);
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'drydock-menu-jobs-ro-'));
    });
    after(async () => {
      await t?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('the job is refused at its write: Completed (error), the reason in its log, nothing written', async () => {
      // The real executors, run by a real worker, with the operator turning read-only mode on right
      // after the claim (the window the in-transaction gate exists for). One job at a time: once
      // read-only mode is on, no other job is claimed.
      const runAfterClaimReadOnly = async (executor: Executor, id: string) => {
        const worker = newWorker(t, dataDir, [
          {
            backyard: executor.backyard,
            run: async (ctx) => {
              await setMaintenance(t, { data_update_stop: '1' });
              return executor.run(ctx);
            },
          },
        ]);
        worker.start();
        try {
          const done = await u.finished(id);
          assert.equal(done.status_id, '4', done.log);
          assert.match(done.log, /Refused: read-only mode \(data_update_stop\) was turned on before the job could write; nothing was written/);
        } finally {
          await worker.stop();
          await setMaintenance(t, { data_update_stop: '0' });
        }
      };

      const createId = await u.register(
        `${ITA1}/create/define/execute/`,
        { menu: 'late', title: 'Late', columns: [{ name: 'a', type: 'string' }] },
        'register menu create',
      );
      await runAfterClaimReadOnly(menuCreateExecutor, createId);
      assert.equal((await u.call('GET', `${ITA1}/menu/late/`)).status, 499);

      const doc = { format: 'drydock-menu-export', format_version: 1, menus: [{ definition: INVENTORY, records: [{ name: 'a' }] }] };
      const up = await u.upload(`${ITA1}/menu/import/upload/`, 'i.json', Buffer.from(JSON.stringify(doc)));
      assertOk(up, 'upload');
      const importId = await u.register(`${ITA1}/menu/import/execute/`, { upload_id: up.body.data.upload_id }, 'register import');
      await runAfterClaimReadOnly(menuExportImportExecutor, importId);
      assert.equal((await u.call('GET', `${ITA1}/menu/inventory/`)).status, 499);
    });
  });
}
