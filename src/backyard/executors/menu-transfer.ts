import { gatedWrite } from '../../maintenance/gate.js';
import { collectExport, importPlan, selectMenus } from '../../menus/transfer.js';
import type { ExecutionContext, Executor, Outcome } from '../executor.js';
import { MENU_STATUS } from '../kinds/status-families.js';
import { putJobFile } from '../jobs.js';
import { EXCEL_FORMAT, EXPORT_FILE_ROLE, MENU_FORMAT, exportFileName, loadUpload, type MenuTransferSpec, type TransferFormat } from '../menu-jobs.js';
import { endRefused } from './menu-job-failure.js';
import { keepsHistory } from '../../menus/journal.js';

/**
 * Export: reads the chosen menus (definitions and every record) and stores the file as the job's
 * `export` file, downloadable once the job is Completed. Import: reads the uploaded file, checks it
 * again, and writes it in ONE gated transaction (menus created, records replaced), so an import is
 * all or nothing and read-only mode refuses it exactly.
 */
function transferExecutor(format: TransferFormat): Executor {
  return {
    backyard: format.backyard,
    async run(ctx: ExecutionContext): Promise<Outcome> {
      const spec = ctx.job.spec as MenuTransferSpec;
      try {
        return spec.action === 'export' ? await runExport(ctx, format, spec.menus, spec.without_discarded === true) : await runImport(ctx, format, spec);
      } catch (err) {
        return endRefused(ctx, err);
      }
    },
  };
}

async function runExport(ctx: ExecutionContext, format: TransferFormat, menus: string[], withoutDiscarded: boolean): Promise<Outcome> {
  const { job, store } = ctx;
  const which = withoutDiscarded ? ' without their discarded records' : '';
  await ctx.log('system', `Exporting menu(s) ${menus.join(', ')} of workspace ${job.workspace_id}${which} as .${format.extension}.\n`);
  const doc = await collectExport(store.db, job.organization_id, job.workspace_id, menus, { withoutDiscarded });
  const content = await format.encode(doc);
  const name = exportFileName(format, job.workspace_id, job.id);
  // The file is the job's output, like its log: written even if read-only mode came on meanwhile.
  await store.transaction('shared', (trx) => putJobFile(trx, job.id, EXPORT_FILE_ROLE, name, content));
  const summary = doc.menus.map((m) => ({
    menu: m.definition.menu,
    records: m.records.length,
    discarded: m.records.filter((r) => r.discard === '1').length,
  }));
  for (const s of summary) await ctx.log('system', `Menu ${s.menu}: ${s.records} record(s), ${s.discarded} of them discarded.\n`);
  await ctx.log('system', `Wrote ${name} (${content.length} bytes).\n`);
  return {
    statusId: MENU_STATUS.completed,
    result: { file_name: name, content_type: format.contentType, bytes: content.length, exported_at: doc.exported_at, menus: summary },
  };
}

async function runImport(ctx: ExecutionContext, format: TransferFormat, spec: Extract<MenuTransferSpec, { action: 'import' }>): Promise<Outcome> {
  const { job, store } = ctx;
  await ctx.log('system', `Importing ${spec.file_name} (upload ${spec.upload_id}) into workspace ${job.workspace_id}.\n`);
  const upload = await loadUpload(store.db, job.organization_id, job.workspace_id, spec.upload_id, format.uploadKind);
  const plan = selectMenus(await format.decode(upload.content), spec.menus);
  if (ctx.signal.aborted) throw new Error(`stopped before writing (${String(ctx.signal.reason)})`);
  const history = await keepsHistory(store);
  const imported = await gatedWrite(store, format.importWrites, (trx) => importPlan(trx, job.organization_id, job.workspace_id, plan, job.created_by, history));
  for (const m of imported) {
    await ctx.log(
      'system',
      `Menu ${m.menu}: ${m.created ? 'created' : 'existed'}; its records replaced by ${m.records} record(s).` +
        (m.renumbered ? ` ${m.renumbered} of them got a new uuid: their uuid is held by another menu's record (record ids are unique across drydock).` : '') +
        '\n',
    );
  }
  return { statusId: MENU_STATUS.completed, result: { menus: imported } };
}

export const menuExportImportExecutor: Executor = transferExecutor(MENU_FORMAT);
export const excelExportImportExecutor: Executor = transferExecutor(EXCEL_FORMAT);
