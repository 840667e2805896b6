import { z } from 'zod';
import { fromEditor, toEditor, type EditorClass } from '../../backyard/conductor-editor.js';
import { conductorInfo } from '../../backyard/conductor-view.js';
import { RESULT, refused } from '../../errors.js';
import { MESSAGES } from '../../i18n/server-messages.js';
import { getMenu } from '../../menus/definitions.js';
import { keepsHistory } from '../../menus/journal.js';
import { applyBatch, loadRecords, type MaintenanceItem } from '../../menus/records.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { ITA, menuParams } from './params.js';
import { itaConductorInfoSchema } from '../wire/backyard.js';

const CLASSES = 'conductor_class_list';
const classParams = menuParams.extend({ conductor_class_id: z.string().min(1).max(64) });
/** Exastro's editor JSON: checked by `fromEditor`, which names what to fix. */
const editorSchema = z.record(z.string(), z.unknown());
const registeredClassSchema = z.strictObject({ conductor_class_id: z.string() });

/** The record of a class registration or update in `conductor_class_list`. */
function classItem(type: 'Register' | 'Update', c: EditorClass, id?: string): MaintenanceItem {
  return {
    type,
    parameter: {
      ...(id !== undefined && { uuid: id }),
      conductor_class_name: c.name,
      definition: JSON.stringify(c.definition),
      remarks: c.note,
      ...(c.lastUpdate !== undefined && { last_update_date_time: c.lastUpdate }),
    },
  };
}

/**
 * Exastro's conductor class maintenance (its `conductor_class_edit` menu): classes in the editor's
 * JSON, stored as records of `conductor_class_list` in drydock's definition
 * (backyard/conductor-editor.ts converts both ways).
 */
export const conductorClassRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/conductor/class/info/`,
    summary: "The names behind a conductor class's ids: statuses, node types, orchestrators, the workspace's classes, operations and movements",
    tag: 'conductors',
    access: 'workspace',
    writes: 'read',
    params: menuParams,
    response: itaConductorInfoSchema,
    handler: async ({ params, db, language }) => conductorInfo(db, params.organization_id, params.workspace_id, language),
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/menu/:menu/conductor/class/:conductor_class_id/`,
    summary: "A conductor class as Exastro's editor JSON: conductor (id, name, note, last_update_date_time), node-…, line-…",
    tag: 'conductors',
    access: 'workspace',
    writes: 'read',
    params: classParams,
    response: z.record(z.string(), z.unknown()),
    handler: async ({ params, db }) => {
      const { organization_id: org, workspace_id: ws, conductor_class_id: id } = params;
      const record = (await loadRecords(db, await getMenu(db, org, ws, CLASSES))).find((r) => r.parameter.uuid === id);
      if (!record) {
        throw refused(RESULT.conductorClassNotFound, MESSAGES.conductorClassNotFound.conductorClassNotFound(id, ws));
      }
      const p = record.parameter;
      return toEditor(db, org, ws, {
        uuid: p.uuid,
        name: String(p.conductor_class_name),
        note: typeof p.remarks === 'string' ? p.remarks : null,
        lastUpdate: p.last_update_date_time,
        definition: String(p.definition),
      });
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${ITA}/menu/:menu/conductor/class/maintenance/`,
    summary: "Register a conductor class from Exastro's editor JSON (start, end, movement, pause, merge and parallel-branch nodes)",
    tag: 'conductors',
    access: 'workspace',
    writes: 'conductor_class_maintenance',
    params: menuParams,
    body: editorSchema,
    response: registeredClassSchema,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws } = ctx.params;
      const c = await fromEditor(ctx.db, org, ws, ctx.body);
      const history = await keepsHistory(ctx.deps.store);
      const done = await ctx.write(async (trx) =>
        applyBatch(trx, await getMenu(trx, org, ws, CLASSES), [classItem('Register', c)], ctx.principal.username, history),
      );
      return { conductor_class_id: done.IdList[0]! };
    },
  }),
  defineRoute({
    method: 'PATCH',
    url: `${ITA}/menu/:menu/conductor/class/maintenance/:conductor_class_id/`,
    summary: "Update a conductor class from Exastro's editor JSON, with the conductor.last_update_date_time read",
    tag: 'conductors',
    access: 'workspace',
    writes: 'conductor_class_maintenance',
    params: classParams,
    body: editorSchema,
    response: registeredClassSchema,
    handler: async (ctx) => {
      const { organization_id: org, workspace_id: ws, conductor_class_id: id } = ctx.params;
      const c = await fromEditor(ctx.db, org, ws, ctx.body);
      const history = await keepsHistory(ctx.deps.store);
      await ctx.write(async (trx) => applyBatch(trx, await getMenu(trx, org, ws, CLASSES), [classItem('Update', c, id)], ctx.principal.username, history));
      return { conductor_class_id: id };
    },
  }),
];
