import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createWorker } from '../../src/backyard/start-worker.js';
import { compileOptions } from '../../src/config/compile.js';
import { writeWorkbook } from '../../src/menus/excel.js';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, type ExportDocument } from '../../src/menus/transfer.js';
import { SEED, type CallResult, type TestApp } from './app.js';
import { waitFor } from './wait-for.js';

/**
 * What the read-only route table needs to exercise the menu-job routes for real: a workspace of
 * its own (`wsjobs` in org1, which no other row deletes), an upload of each kind ready to import,
 * and a finished export of each kind to download. Ids are placeholders until `seedMenuJobs` ran.
 */
export const MENU_JOBS = {
  ws: 'wsjobs',
  ita: `/api/${SEED.org1}/workspaces/wsjobs/ita`,
  menuUpload: '00000000-0000-4000-8000-000000000001',
  excelUpload: '00000000-0000-4000-8000-000000000002',
  menuExport: '00000000-0000-4000-8000-000000000003',
  excelExport: '00000000-0000-4000-8000-000000000004',
  /** A valid workbook to upload, base64. */
  workbookBase64: '',
};

/** A small export document: one menu the workspace does not have. */
export function sampleExport(menu: string): ExportDocument {
  return {
    format: EXPORT_FORMAT,
    format_version: EXPORT_FORMAT_VERSION,
    exported_at: new Date().toISOString(),
    source: { organization_id: SEED.org1, workspace_id: 'elsewhere' },
    menus: [
      {
        definition: {
          menu,
          title: menu,
          columns: [
            { name: 'key', type: 'string', required: true },
            { name: 'size', type: 'integer' },
          ],
        },
        records: [{ uuid: '6f1c1a52-1111-4c3e-9a51-000000000001', discard: '0', key: 'k', size: 1, last_update_date_time: '', last_updated_user: 'x' }],
      },
    ],
  };
}

function ok(r: CallResult, what: string): CallResult {
  if (r.status !== 200) throw new Error(`seedMenuJobs: ${what} failed: ${r.status} ${r.text}`);
  return r;
}

/** Creates `wsjobs`, its two uploads and two finished exports (run by a real worker), and fills MENU_JOBS. */
export async function seedMenuJobs(t: TestApp): Promise<void> {
  const auth = SEED.manager1;
  const post = (url: string, body: unknown) => t.call({ method: 'POST', url, auth, body });
  ok(
    await post(`/api/${SEED.org1}/platform/workspaces`, {
      id: MENU_JOBS.ws,
      name: 'menu jobs',
      informations: { description: 'menu job routes', environments: [], workspace_administrators: [] },
    }),
    'create wsjobs',
  );
  const json = Buffer.from(JSON.stringify(sampleExport('imported_menu')));
  const xlsx = await writeWorkbook(sampleExport('imported_sheet'));
  MENU_JOBS.workbookBase64 = xlsx.toString('base64');
  MENU_JOBS.menuUpload = ok(
    await post(`${MENU_JOBS.ita}/menu/import/upload/`, { name: 'menus.json', content_base64: json.toString('base64') }),
    'menu upload',
  ).body.data.upload_id;
  MENU_JOBS.excelUpload = ok(
    await post(`${MENU_JOBS.ita}/excel/bulk/upload/`, { name: 'menus.xlsx', content_base64: xlsx.toString('base64') }),
    'Excel upload',
  ).body.data.upload_id;
  MENU_JOBS.menuExport = ok(await post(`${MENU_JOBS.ita}/menu/bulk/export/execute/`, { menus: ['movement_list'] }), 'menu export').body.data.execution_no;
  MENU_JOBS.excelExport = ok(await post(`${MENU_JOBS.ita}/excel/bulk/export/execute/`, { menus: ['operation_list'] }), 'Excel export').body.data.execution_no;

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drydock-seed-menu-jobs-'));
  const worker = createWorker(t.deps.store, pino({ level: 'silent' }), compileOptions({ dataDir, leaseSeconds: 5, workerPollMs: 50 }), {
    backyards: ['ita-by-menu-export-import', 'ita-by-excel-export-import'],
  });
  worker.start();
  try {
    for (const id of [MENU_JOBS.menuExport, MENU_JOBS.excelExport]) {
      await waitFor(
        `seedMenuJobs: export ${id} completed`,
        async () => {
          const status = ok(await t.call({ url: `${MENU_JOBS.ita}/executions/${id}/`, auth }), 'execution').body.data.status_id;
          if (status === '4') throw new Error(`seedMenuJobs: export ${id} ended in status ${status}`);
          return status === '3';
        },
        { timeoutMs: 20_000 },
      );
    }
  } finally {
    await worker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
