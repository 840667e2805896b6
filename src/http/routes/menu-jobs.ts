import { z } from 'zod';
import { statusName } from '../../backyard/kinds/registry.js';
import { MENU_STATUS } from '../../backyard/kinds/status-families.js';
import { getJob, getJobFile, registerJob } from '../../backyard/jobs.js';
import {
  EXCEL_FORMAT,
  EXPORT_FILE_ROLE,
  MENU_FORMAT,
  planImport,
  readUpload,
  requireMenuNameFree,
  requireMenusExist,
  storeUpload,
  type MenuCreateSpec,
  type MenuTransferSpec,
  type TransferFormat,
} from '../../backyard/menu-jobs.js';
import { RESULT, badRequest, notFound } from '../../errors.js';
import { MESSAGES } from '../../i18n/server-messages.js';
import { inEachLanguage } from '../../i18n/language.js';
import { textIn, type Language } from '../../i18n/language.js';
import { decodeBase64 } from '../../util/base64.js';
import { listMenus, menuDefinitionSchema, menuNameSchema } from '../../menus/definitions.js';
import { MENU_GROUP, userMenus } from '../../menus/menu-info.js';
import { userMenusSchema } from '../wire/ita.js';
import { definitionFromExastro, exastroMenuCreateSchema } from '../../menus/exastro-menu-definition.js';
import type { ImportPlan } from '../../menus/transfer.js';
import { defineRoute, type AnyRoute, type RouteContext } from '../route.js';
import { ITA, workspaceParams } from './params.js';
import { registeredExecutionSchema } from '../wire/backyard.js';
import { registeredImportSchema, registeredMenuCreateSchema, storedUploadSchema } from '../wire/menu-jobs.js';

const executionParams = workspaceParams.extend({ execution_no: z.uuid() });

const menuListSchema = z
  .array(menuNameSchema)
  .min(1, 'name at least one menu')
  .max(500)
  .refine((names) => new Set(names).size === names.length, 'each menu once');

/** Names the menus once: drydock's `menus`, or Exastro's name for it, `menu`. */
const oneMenuList = (b: { menus?: string[] | undefined; menu?: string[] | undefined }) => (b.menus === undefined) !== (b.menu === undefined);
const ONE_MENU_LIST = { message: 'name the menus once: in menus (or menu, as Exastro calls it)' };

/**
 * An export: drydock's `{"menus"}` or Exastro's `{"menu", "mode", "abolished_type", "journal_type"}`.
 * Of Exastro's modes drydock does "1" (every record, to move an environment); `abolished_type` "2"
 * leaves the discarded records out. A record's history is not exported, so `journal_type` changes nothing.
 */
const exportSchema = z
  .object({
    menus: menuListSchema.optional(),
    menu: menuListSchema.optional(),
    mode: z.literal('1', 'only mode "1" (every record): drydock does not export the records changed since a time (mode "2")').optional(),
    abolished_type: z.enum(['1', '2'], 'must be "1" (every record) or "2" (without the discarded ones)').optional(),
    journal_type: z.enum(['1', '2'], 'must be "1" or "2"').optional(),
  })
  .strict()
  .refine(oneMenuList, ONE_MENU_LIST)
  .transform((b) => ({ menus: (b.menus ?? b.menu)!, withoutDiscarded: b.abolished_type === '2' }));

/** A file as Exastro's JSON uploads carry it: `{"name", "base64"}`. */
const exastroFileSchema = z.object({ name: z.string().min(1).max(255), base64: z.string().min(1, 'the file is empty') }).strict();

/** An upload: drydock's `{"name", "content_base64"}`, or Exastro's `{"file": {"name", "base64"}}` (`"zipfile"` for Excel). */
const uploadSchema = z
  .object({
    name: z.string().min(1).max(255).optional(),
    content_base64: z.string().min(1, 'the file is empty').optional(),
    file: exastroFileSchema.optional(),
    zipfile: exastroFileSchema.optional(),
  })
  .strict()
  .refine((b) => [b.content_base64 !== undefined && b.name !== undefined, b.file !== undefined, b.zipfile !== undefined].filter(Boolean).length === 1, {
    message: "send the file once: name and content_base64 (or Exastro's file: {name, base64})",
  })
  .transform((b) => {
    const f = b.file ?? b.zipfile;
    return f ? { name: f.name, content_base64: f.base64 } : { name: b.name!, content_base64: b.content_base64! };
  });

/**
 * An import: drydock's `{"upload_id", "menus"?}`, Exastro's menu import `{"upload_id", "menu":
 * [names], "file_name"}`, or its Excel import `{"upload_id", "data_portability_upload_file_name",
 * "menu": {"<menu group id>": [menu ids]}}` — the ids its upload answered in `import_list`, which
 * for drydock are the menus' names. The file is the upload's, so the file names are not needed.
 */
const importSchema = z
  .object({
    upload_id: z.uuid(),
    menus: menuListSchema.optional(),
    menu: z.union([menuListSchema, z.record(z.string(), z.array(menuNameSchema))]).optional(),
    file_name: z.string().max(255).optional(),
    data_portability_upload_file_name: z.string().max(255).optional(),
  })
  .strict()
  .refine((b) => b.menus === undefined || b.menu === undefined, ONE_MENU_LIST)
  .transform((b) => ({
    upload_id: b.upload_id,
    menus: b.menus ?? (Array.isArray(b.menu) || b.menu === undefined ? b.menu : [...new Set(Object.values(b.menu).flat())]),
  }));

function contentOf(text: string): Buffer {
  const content = decodeBase64(text);
  if (content === undefined)
    throw badRequest(MESSAGES.invalidValue.invalidPart('body', MESSAGES.invalidValue.notBase64('content_base64')), RESULT.invalidValue);
  return content;
}

function summary(plan: ImportPlan) {
  return plan.menus.map((m) => ({
    menu: m.definition.menu,
    columns: m.definition.columns.length,
    records: m.records.length,
    discarded: m.records.filter((r) => r.discard).length,
  }));
}

type Ctx<B> = RouteContext<z.infer<typeof workspaceParams>, unknown, B>;

/** Registers an export: the menus must exist now (a 400 names the missing ones). */
async function registerExport(ctx: Ctx<z.infer<typeof exportSchema>>, format: TransferFormat) {
  const { organization_id: org, workspace_id: ws } = ctx.params;
  await requireMenusExist(ctx.db, org, ws, ctx.body.menus);
  const spec: MenuTransferSpec = { action: 'export', menus: ctx.body.menus, ...(ctx.body.withoutDiscarded && { without_discarded: true }) };
  const job = await ctx.write((trx) =>
    registerJob(ctx.deps.store, trx, { organizationId: org, workspaceId: ws, backyard: format.backyard, spec, createdBy: ctx.principal.username }),
  );
  return { execution_no: job.id };
}

/** The export's file once the job is Completed; 404 before (saying why). */
async function downloadExport(ctx: RouteContext<z.infer<typeof executionParams>, unknown, unknown>, format: TransferFormat) {
  const { organization_id: org, workspace_id: ws, execution_no: id } = ctx.params;
  const job = await getJob(ctx.db, org, ws, id, [format.backyard]);
  if ((job.spec as MenuTransferSpec).action !== 'export') throw notFound(MESSAGES.notFound.executionIsImport(id));
  if (job.status_id !== MENU_STATUS.completed) {
    const status = inEachLanguage((language) => `${job.status_id} ${statusName(job.backyard, job.status_id, language)}`);
    throw notFound(
      job.status_id === MENU_STATUS.completedError
        ? MESSAGES.notFound.executionEndedInError(id, status, `${ITA.replace(':organization_id', org).replace(':workspace_id', ws)}/executions/${id}/`)
        : MESSAGES.notFound.executionNotFinished(id, status),
    );
  }
  const file = await getJobFile(ctx.db, id, EXPORT_FILE_ROLE);
  if (!file) throw notFound(MESSAGES.notFound.executionNoFile(id));
  void ctx.reply
    .header('content-type', format.contentType)
    .header('content-disposition', `attachment; filename="${file.name}"`)
    .header('cache-control', 'no-store')
    .send(file.content);
  return undefined;
}

/** Stores an upload after checking it is a document that can be imported (a 400 names every problem). */
async function upload(ctx: Ctx<z.infer<typeof uploadSchema>>, format: TransferFormat) {
  const { organization_id: org, workspace_id: ws } = ctx.params;
  const content = contentOf(ctx.body.content_base64);
  const plan = await readUpload(format, content);
  const id = await ctx.write((trx) => storeUpload(trx, { org, ws, kind: format.uploadKind, name: ctx.body.name, content, createdBy: ctx.principal.username }));
  return {
    upload_id: id,
    name: ctx.body.name,
    bytes: content.length,
    exported_at: plan.exportedAt ?? null,
    menus: summary(plan),
    ...importList(plan, ctx.body.name, ctx.language),
  };
}

/**
 * What Exastro's upload answers for its import dialog: the menus the file holds by menu group
 * (drydock's in one group, each menu's id its name — what the import then names), and the file's
 * name to send back. drydock refuses an upload with a problem outright, so nothing is unimportable.
 */
function importList(plan: ImportPlan, fileName: string, language: Language) {
  return {
    data_portability_upload_file_name: fileName,
    import_list: {
      [MENU_GROUP.id]: {
        menu_group_id: MENU_GROUP.id,
        menu_group_name: textIn(MENU_GROUP.name, language),
        parent_id: null,
        disp_seq: 10,
        menu: Object.fromEntries(
          plan.menus.map((m, i) => [String(i), { disp_seq: (i + 1) * 10, menu_id: m.definition.menu, menu_name: m.definition.title, file_name: fileName }]),
        ),
      },
    },
    umimport_list: {},
  };
}

/**
 * Registers an import of an upload: checked again now against the workspace as it is (a menu
 * that exists with other columns is a 400), and once more by the job when it runs.
 */
async function registerImport(ctx: Ctx<z.infer<typeof importSchema>>, format: TransferFormat) {
  const { organization_id: org, workspace_id: ws } = ctx.params;
  const { fileName, plan } = await planImport(ctx.db, org, ws, format, ctx.body.upload_id, ctx.body.menus);
  const spec: MenuTransferSpec = {
    action: 'import',
    upload_id: ctx.body.upload_id,
    file_name: fileName,
    ...(ctx.body.menus && { menus: ctx.body.menus }),
  };
  const job = await ctx.write((trx) =>
    registerJob(ctx.deps.store, trx, { organizationId: org, workspaceId: ws, backyard: format.backyard, spec, createdBy: ctx.principal.username }),
  );
  return { execution_no: job.id, menus: summary(plan) };
}

const statusHint = 'poll GET …/ita/executions/{execution_no}/ for its status and log';

/**
 * Menu creation, menu export/import and Excel export/import jobs, in Exastro IT Automation's paths.
 * Each registration answers at once with `execution_no`; a backyard worker does the work.
 */
export const menuJobRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    url: `${ITA}/create/define/execute/`,
    summary: `Register a menu-create job from a menu definition (checked now: a bad definition or a taken name is a 400); ${statusHint}`,
    tag: 'menu jobs',
    access: 'workspace',
    writes: 'menu_definition',
    params: workspaceParams,
    // drydock's definition, or Exastro's menu-creation body (menus/exastro-menu-definition.ts).
    body: z.union([menuDefinitionSchema, exastroMenuCreateSchema]),
    response: registeredMenuCreateSchema,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws } = ctx.params;
      const definition = 'type' in ctx.body ? definitionFromExastro(ctx.body) : ctx.body;
      await requireMenuNameFree(ctx.db, org, ws, definition.menu);
      const spec: MenuCreateSpec = { definition };
      const job = await ctx.write((trx) =>
        registerJob(ctx.deps.store, trx, { organizationId: org, workspaceId: ws, backyard: 'ita-by-menu-create', spec, createdBy: ctx.principal.username }),
      );
      // Exastro answers the menu and its creation's history id: here, the job.
      return { execution_no: job.id, history_id: job.id, menu_name_rest: definition.menu };
    },
  }),

  ...(['menu/export/info/', 'excel/bulk/export/info/'] as const).map((path) =>
    defineRoute({
      method: 'GET',
      url: `${ITA}/${path}`,
      summary: `The menus ${path.startsWith('excel') ? 'an Excel export' : 'a menu export'} can take, by menu group (as GET user/menus/)`,
      tag: 'menu jobs',
      access: 'workspace',
      writes: 'read',
      params: workspaceParams,
      response: userMenusSchema,
      handler: async ({ params, db, language }) => userMenus(await listMenus(db, params.organization_id, params.workspace_id), language),
    }),
  ),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/bulk/export/execute/`,
    summary: `Register a menu export job: {"menus": [names]} → a JSON document of their definitions and records; ${statusHint}`,
    tag: 'menu jobs',
    access: 'workspace',
    writes: 'menu_export',
    params: workspaceParams,
    body: exportSchema,
    response: registeredExecutionSchema,
    handler: (ctx) => registerExport(ctx, MENU_FORMAT),
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/bulk/export/:execution_no/file/`,
    summary: "Download a menu export's JSON document (404 until the job is Completed)",
    tag: 'menu jobs',
    access: 'workspace',
    writes: 'read',
    params: executionParams,
    response: { contentTypes: [MENU_FORMAT.contentType], description: 'The export document (the JSON a menu import reads), as an attachment' },
    handler: (ctx) => downloadExport(ctx, MENU_FORMAT),
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/import/upload/`,
    summary: 'Upload a menu export document for import: {"name", "content_base64"}; checked now (a 400 names every problem) → upload_id',
    tag: 'menu jobs',
    access: 'workspace',
    writes: 'menu_import',
    params: workspaceParams,
    body: uploadSchema,
    response: storedUploadSchema,
    handler: (ctx) => upload(ctx, MENU_FORMAT),
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/import/execute/`,
    summary: `Register a menu import job: {"upload_id", "menus"?: [names]}; creates missing menus and replaces the records of imported ones, all or nothing; ${statusHint}`,
    tag: 'menu jobs',
    access: 'workspace',
    writes: 'menu_import',
    params: workspaceParams,
    body: importSchema,
    response: registeredImportSchema,
    handler: (ctx) => registerImport(ctx, MENU_FORMAT),
  }),

  defineRoute({
    method: 'POST',
    url: `${ITA}/excel/bulk/export/execute/`,
    summary: `Register an Excel export job: {"menus": [names]} → an .xlsx workbook, a sheet per menu; ${statusHint}`,
    tag: 'menu jobs',
    access: 'workspace',
    writes: 'excel_export',
    params: workspaceParams,
    body: exportSchema,
    response: registeredExecutionSchema,
    handler: (ctx) => registerExport(ctx, EXCEL_FORMAT),
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/excel/bulk/export/:execution_no/file/`,
    summary: "Download an Excel export's .xlsx workbook (404 until the job is Completed)",
    tag: 'menu jobs',
    access: 'workspace',
    writes: 'read',
    params: executionParams,
    response: {
      contentTypes: [EXCEL_FORMAT.contentType],
      description: 'The export workbook (a sheet per menu, as an Excel import reads it), as an attachment',
    },
    handler: (ctx) => downloadExport(ctx, EXCEL_FORMAT),
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/excel/bulk/upload/`,
    summary: 'Upload an .xlsx workbook for import: {"name", "content_base64"}; checked now (a 400 names sheets, rows and columns) → upload_id',
    tag: 'menu jobs',
    access: 'workspace',
    writes: 'excel_import',
    params: workspaceParams,
    body: uploadSchema,
    response: storedUploadSchema,
    handler: (ctx) => upload(ctx, EXCEL_FORMAT),
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/excel/bulk/import/execute/`,
    summary: `Register an Excel import job: {"upload_id", "menus"?: [names]}; like the menu import; ${statusHint}`,
    tag: 'menu jobs',
    access: 'workspace',
    writes: 'excel_import',
    params: workspaceParams,
    body: importSchema,
    response: registeredImportSchema,
    handler: (ctx) => registerImport(ctx, EXCEL_FORMAT),
  }),
];
