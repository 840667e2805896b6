import { sendFile } from '../send-file.js';
import { z } from 'zod';
import { createMenu, deleteMenu, getMenu, listMenus, menuDefinitionSchema } from '../../menus/definitions.js';
import { keepsHistory, loadJournal } from '../../menus/journal.js';
import { applyBatch, applyOne, loadRecords, maintenanceBatchSchema, singleItemSchema } from '../../menus/records.js';
import { readRecordFile, withRecordFiles } from '../../menus/record-files.js';
import { keyedView } from '../../menus/record-view.js';
import { applyFilter, filterSchema, page, recordQuerySchema, queryFilter, sortRecords } from '../../menus/search.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { parseOrThrow } from '../validation.js';
import { ITA, menuParams, workspaceParams } from './params.js';
import { nothingSchema } from '../wire/common.js';
import {
  batchResultSchema,
  columnNamesSchema,
  journalEntrySchema,
  menuInfoSchema,
  menuRecordSchema,
  menuSchema,
  pulldownsSchema,
  recordCountsSchema,
  searchCandidatesSchema,
} from '../wire/menus.js';
import { columnNames, menuInfo, pulldowns, searchCandidates } from '../../menus/menu-info.js';

/** A record named in the path. */
const recordParams = menuParams.extend({ uuid: z.string().min(1).max(64) });
/** A file column of a record named in the path. */
const fileParams = recordParams.extend({ column: z.string().min(1).max(64) });
/** GET filter: paging plus `?column=value` exact matches (any other key is a column name). */
const getFilterQuery = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

/** Menus (parameter sheets) of a workspace and their records, in Exastro IT Automation's shape. */
export const menuRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/`,
    summary: 'The menus of a workspace',
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: workspaceParams,
    response: z.array(menuSchema),
    handler: async ({ params, db }) => listMenus(db, params.organization_id, params.workspace_id),
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/`,
    summary: 'Define a menu: its name, title and typed columns (required / unique)',
    tag: 'menus',
    access: 'workspace',
    writes: 'menu_definition',
    params: workspaceParams,
    body: menuDefinitionSchema,
    response: menuSchema,
    handler: async (ctx) => ctx.write((trx) => createMenu(trx, ctx.params.organization_id, ctx.params.workspace_id, ctx.body)),
  }),
  defineRoute({
    method: 'DELETE',
    url: `${ITA}/menu/:menu/`,
    summary: 'Delete a menu and its records',
    tag: 'menus',
    access: 'workspace',
    writes: 'menu_definition',
    params: menuParams,
    response: nothingSchema,
    handler: async (ctx) => ctx.write((trx) => deleteMenu(trx, ctx.params.organization_id, ctx.params.workspace_id, ctx.params.menu)).then(() => null),
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/`,
    summary: "A menu's definition: its typed columns (drydock's; Exastro's description of it is …/info/)",
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: menuParams,
    response: menuSchema,
    handler: async ({ params, db }) => getMenu(db, params.organization_id, params.workspace_id, params.menu),
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/info/`,
    summary: 'The menu as Exastro IT Automation describes one: menu_info, column_info (c1…), column_group_info',
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: menuParams,
    response: menuInfoSchema,
    handler: async ({ params, db, language }) => menuInfo(await getMenu(db, params.organization_id, params.workspace_id, params.menu), language),
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/info/column/`,
    summary: "Each column's REST name and its name in the request's language",
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: menuParams,
    response: columnNamesSchema,
    handler: async ({ params, db, language }) => columnNames(await getMenu(db, params.organization_id, params.workspace_id, params.menu), language),
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/info/pulldown/`,
    summary: 'The choices of each pulldown column (a boolean column offers True and False)',
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: menuParams,
    response: pulldownsSchema,
    handler: async ({ params, db }) => pulldowns(await getMenu(db, params.organization_id, params.workspace_id, params.menu)),
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/info/search/candidates/:column/`,
    summary: 'The distinct values a column holds (what a search field offers)',
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: menuParams.extend({ column: z.string().min(1).max(64) }),
    response: searchCandidatesSchema,
    handler: async ({ params, db }) => {
      const menu = await getMenu(db, params.organization_id, params.workspace_id, params.menu);
      return searchCandidates(menu, await loadRecords(db, menu), params.column);
    },
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/filter/`,
    summary: 'Records, oldest first or ?sort=[-]column; ?limit=&offset= page, ?column=value filters by exact value',
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: menuParams,
    query: getFilterQuery,
    response: z.array(menuRecordSchema),
    handler: async ({ params, query, db }) => {
      const menu = await getMenu(db, params.organization_id, params.workspace_id, params.menu);
      const paging = parseOrThrow(recordQuerySchema, { limit: query.limit, offset: query.offset, sort: query.sort, file: query.file }, 'query');
      const found = page(sortRecords(menu, applyFilter(menu, await loadRecords(db, menu), queryFilter(query)), paging.sort), paging);
      return (await withRecordFiles(db, menu, found, paging.file !== 'no')).map((r) => keyedView(menu, r));
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/filter/`,
    summary: 'Search records with a filter body; ?sort=[-]column orders, ?limit=&offset= page (a read: allowed in read-only mode)',
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: menuParams,
    query: recordQuerySchema,
    body: filterSchema,
    response: z.array(menuRecordSchema),
    handler: async ({ params, query, body, db }) => {
      const menu = await getMenu(db, params.organization_id, params.workspace_id, params.menu);
      const found = page(sortRecords(menu, applyFilter(menu, await loadRecords(db, menu), body), query.sort), query);
      return (await withRecordFiles(db, menu, found, query.file !== 'no')).map((r) => keyedView(menu, r));
    },
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/filter/count/`,
    summary: 'Count the records; ?column=value counts those with that exact value',
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: menuParams,
    query: getFilterQuery,
    response: z.number().int(),
    handler: async ({ params, query, db }) => {
      const menu = await getMenu(db, params.organization_id, params.workspace_id, params.menu);
      return applyFilter(menu, await loadRecords(db, menu), queryFilter(query)).length;
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/filter/count/`,
    summary: 'Count the records a filter body matches',
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: menuParams,
    body: filterSchema,
    response: z.number().int(),
    handler: async ({ params, body, db }) => {
      const menu = await getMenu(db, params.organization_id, params.workspace_id, params.menu);
      return applyFilter(menu, await loadRecords(db, menu), body).length;
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/maintenance/all/`,
    summary: 'Register / Update / Discard / Restore / Delete records, all or nothing (optimistic lock on last_update_date_time)',
    tag: 'menus',
    access: 'workspace',
    writes: 'menu_record_maintenance',
    params: menuParams,
    accepts: 'multipart-records',
    body: maintenanceBatchSchema,
    response: batchResultSchema,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, menu: name } = ctx.params;
      const history = await keepsHistory(ctx.deps.store);
      return ctx.write(async (trx) => applyBatch(trx, await getMenu(trx, org, ws, name), ctx.body, ctx.principal.username, history));
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/maintenance/`,
    summary: 'Register one record (or apply one item of another type): {"parameter": {…}, "type"?}',
    tag: 'menus',
    access: 'workspace',
    writes: 'menu_record_maintenance',
    params: menuParams,
    accepts: 'multipart-record',
    body: singleItemSchema,
    response: recordCountsSchema,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, menu: name } = ctx.params;
      const history = await keepsHistory(ctx.deps.store);
      return ctx.write(async (trx) => applyOne(trx, await getMenu(trx, org, ws, name), ctx.body, ctx.principal.username, history));
    },
  }),
  defineRoute({
    method: 'PATCH',
    url: `${ITA}/menu/:menu/maintenance/:uuid/`,
    summary: 'Update one record (discard "1" discards it, "0" restores it) with the last_update_date_time you read',
    tag: 'menus',
    access: 'workspace',
    writes: 'menu_record_maintenance',
    params: recordParams,
    accepts: 'multipart-record',
    body: singleItemSchema,
    response: recordCountsSchema,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, menu: name, uuid } = ctx.params;
      const history = await keepsHistory(ctx.deps.store);
      return ctx.write(async (trx) => applyOne(trx, await getMenu(trx, org, ws, name), ctx.body, ctx.principal.username, history, uuid));
    },
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/filter/journal/:uuid/`,
    summary: "A record's history: the record after each registration and change, newest first (empty for a uuid the menu never had)",
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: recordParams,
    query: recordQuerySchema.pick({ file: true }),
    response: z.array(journalEntrySchema),
    handler: async ({ params, query, db, deps }) => {
      const menu = await getMenu(db, params.organization_id, params.workspace_id, params.menu);
      return (await loadJournal(db, menu, params.uuid, await keepsHistory(deps.store), query.file !== 'no')).map((e) => keyedView(menu, e));
    },
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/:uuid/:column/file/`,
    summary: "Download a record's file (a file column's content), as application/octet-stream",
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: fileParams,
    response: { contentTypes: ['application/octet-stream'], description: 'The file, as an attachment under its name' },
    handler: async ({ params, db, reply }) => {
      const menu = await getMenu(db, params.organization_id, params.workspace_id, params.menu);
      return sendFile(reply, await readRecordFile(db, menu, params.uuid, params.column));
    },
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/:uuid/:column/file/journal/:journal_id/`,
    summary: 'Download the file a record had at one entry of its history',
    tag: 'menus',
    access: 'workspace',
    writes: 'read',
    params: fileParams.extend({ journal_id: z.string().min(1).max(64) }),
    response: { contentTypes: ['application/octet-stream'], description: 'The file, as an attachment under its name then' },
    handler: async ({ params, db, reply }) => {
      const menu = await getMenu(db, params.organization_id, params.workspace_id, params.menu);
      return sendFile(reply, await readRecordFile(db, menu, params.uuid, params.column, params.journal_id));
    },
  }),
];
