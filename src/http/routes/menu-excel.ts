import { z } from 'zod';
import { RESULT, RecordProblems, refused } from '../../errors.js';
import { MESSAGES } from '../../i18n/server-messages.js';
import { getMenu, type Menu } from '../../menus/definitions.js';
import { keepsHistory, loadJournal } from '../../menus/journal.js';
import { journalWorkbook, maintenanceFromWorkbook, problemsByRow, recordsWorkbook } from '../../menus/menu-workbook.js';
import { applyBatch, loadRecords } from '../../menus/records.js';
import { applyFilter, filterSchema } from '../../menus/search.js';
import { decodeBase64 } from '../../util/base64.js';
import { defineRoute, type AnyRoute, type RouteContext } from '../route.js';
import { sendFile } from '../send-file.js';
import { batchResultSchema } from '../wire/menus.js';
import { ITA, menuParams } from './params.js';

/** `?file=binary` answers the workbook itself; without it, `data` is the workbook in base64 (Exastro's older form). */
const fileQuery = z.object({ file: z.enum(['binary']).optional() }).strict();

/** The base64 answer's schema; `?file=binary` answers the .xlsx instead. */
const workbookSchema = z.string().describe('The .xlsx workbook in base64 (or, with ?file=binary, the workbook itself)');

/** Answers a workbook as `?file=` asks. */
type Workbook = { readonly name: string; readonly content: Buffer };

function answer(ctx: Pick<RouteContext<unknown, { file?: 'binary' | undefined }, unknown>, 'query' | 'reply'>, file: Workbook) {
  return ctx.query.file === 'binary' ? sendFile(ctx.reply, file) : file.content.toString('base64');
}

const menuOf = (ctx: { params: z.infer<typeof menuParams>; db: RouteContext<unknown, unknown, unknown>['db'] }): Promise<Menu> =>
  getMenu(ctx.db, ctx.params.organization_id, ctx.params.workspace_id, ctx.params.menu);

/**
 * One menu's records as an Excel workbook, and back (menus/menu-workbook.ts): Exastro's per-menu
 * Excel. Downloads are reads; `excel/maintenance/` writes the records like `maintenance/all/`.
 */
/** A GET of a workbook of the menu (a read, `?file=` as `answer` takes it). */
const download = (path: string, summary: string, build: (ctx: RouteContext<z.infer<typeof menuParams>, unknown, unknown>, menu: Menu) => Promise<Workbook>) =>
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/${path}`,
    summary,
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: menuParams,
    query: fileQuery,
    response: workbookSchema,
    handler: async (ctx) => answer(ctx, await build(ctx, await menuOf(ctx))),
  });

export const menuExcelRoutes: AnyRoute[] = [
  download('excel/', "The menu's records (discarded ones too) as a workbook; fill _type on a row and upload it to excel/maintenance/", async (ctx, menu) =>
    recordsWorkbook(menu, await loadRecords(ctx.db, menu), ''),
  ),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/excel/`,
    summary: 'The records a filter body finds (as POST filter/ takes it) as a workbook (a read: allowed in read-only mode)',
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: menuParams,
    query: fileQuery,
    body: filterSchema,
    response: workbookSchema,
    handler: async (ctx) => {
      const menu = await menuOf(ctx);
      return answer(ctx, await recordsWorkbook(menu, applyFilter(menu, await loadRecords(ctx.db, menu), ctx.body), ''));
    },
  }),
  download(
    'excel/format/',
    'An empty workbook of the menu, for new records: write Register in _type on each row and upload it to excel/maintenance/',
    async (_ctx, menu) => recordsWorkbook(menu, [], '_format'),
  ),
  download(
    'excel/journal/',
    'The history of every record of the menu as a workbook, newest first (journal_id, journal_datetime, journal_action, then the record)',
    async (ctx, menu) => journalWorkbook(menu, await loadJournal(ctx.db, menu, undefined, await keepsHistory(ctx.deps.store), false)),
  ),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/excel/maintenance/`,
    summary:
      'Apply a workbook: each row whose _type says Register, Update, Discard or Restore (登録, 更新, 廃止, 復活), all or nothing; {"excel": base64} or a multipart form with the file as `excel`',
    tag: 'menus',
    access: 'workspace',
    writes: 'menu_record_maintenance',
    params: menuParams,
    accepts: 'multipart-files',
    body: z.object({ excel: z.string().min(1, 'send the workbook (.xlsx) as excel, in base64 or as a multipart file') }).strict(),
    response: batchResultSchema,
    handler: async (ctx) => {
      const content = decodeBase64(ctx.body.excel);
      if (!content) {
        throw refused(RESULT.invalidRequest, MESSAGES.invalidRequest.excelNotBase64);
      }
      const menu = await menuOf(ctx);
      const { items, rows } = await maintenanceFromWorkbook(menu, content);
      if (items.length === 0) {
        throw refused(RESULT.invalidRequest, MESSAGES.invalidRequest.workbookNoRowToApply);
      }
      const history = await keepsHistory(ctx.deps.store);
      try {
        return await ctx.write(async (trx) =>
          applyBatch(trx, await getMenu(trx, ctx.params.organization_id, ctx.params.workspace_id, menu.menu), items, ctx.principal.username, history),
        );
      } catch (err) {
        throw err instanceof RecordProblems ? problemsByRow(err, rows) : err;
      }
    },
  }),
];
