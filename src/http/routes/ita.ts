import { z } from 'zod';
import { textIn } from '../../i18n/language.js';
import { MESSAGES } from '../../i18n/server-messages.js';
import { LOG_LEVELS, LOG_SERVICES, logLevelPatchSchema, settingsOf } from '../../logging/log-levels.js';
import { maintenanceModeView, readMaintenance } from '../../maintenance/mode.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { ITA, workspaceParams } from './params.js';
import { logLevelsSchema, userMenusSchema, versionSchema, workspaceUserSchema } from '../wire/ita.js';
import { listMenus } from '../../menus/definitions.js';
import { userMenus } from '../../menus/menu-info.js';
import { VERSION } from '../../version.js';

/** Exastro IT Automation's system-level and per-workspace utility endpoints. */
export const itaRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/api/ita/loglevel-settings/',
    summary: "Each service's log level",
    tag: 'log levels',
    access: 'system_admin',
    writes: 'read',
    response: logLevelsSchema,
    handler: async ({ deps }) => ({ ...deps.logLevels.current }),
  }),
  defineRoute({
    method: 'PATCH',
    url: '/api/ita/loglevel-settings/',
    summary: `Set log levels: {"<service>": ${Object.keys(LOG_LEVELS)
      .map((l) => `"${l}"`)
      .join(' | ')}}; drydock's services: ${LOG_SERVICES.join(', ')} (other well-formed names are skipped, as Exastro does)`,
    tag: 'log levels',
    access: 'system_admin',
    writes: 'loglevel_change',
    body: logLevelPatchSchema,
    response: z.string(),
    handler: async (ctx) => {
      const settings = settingsOf(ctx.body);
      await ctx.write((trx) => ctx.deps.logLevels.change(trx, settings, ctx.principal.username));
      await ctx.deps.logLevels.reload();
      // As Exastro answers it: a sentence saying it is done.
      return textIn(MESSAGES.success.settingCompleted, ctx.language);
    },
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/user/`,
    summary: 'The caller, its roles, and the maintenance mode (what the console banner reads)',
    tag: 'workspace',
    access: 'workspace',
    writes: 'read',
    params: workspaceParams,
    response: workspaceUserSchema,
    handler: async ({ principal, db, params }) => {
      const m = await readMaintenance(db);
      return {
        user_id: principal.userId,
        user_name: principal.username,
        organization_id: params.organization_id,
        workspace_id: params.workspace_id,
        roles: [principal.role],
        maintenance_mode: maintenanceModeView(m),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/user/menus/`,
    summary: "The workspace's menus, as Exastro's menu groups list them",
    tag: 'workspace',
    access: 'workspace',
    writes: 'read',
    params: workspaceParams,
    response: userMenusSchema,
    handler: async ({ params, db, language }) => userMenus(await listMenus(db, params.organization_id, params.workspace_id), language),
  }),
  defineRoute({
    method: 'GET',
    url: `${ITA}/version/`,
    summary: "drydock's release, and the drivers it runs (Exastro's names)",
    tag: 'workspace',
    access: 'workspace',
    writes: 'read',
    params: workspaceParams,
    response: versionSchema,
    handler: async () => ({ version: VERSION, installed_driver: [...INSTALLED_DRIVERS] }),
  }),
];

/** The drivers drydock runs, by the names Exastro's version lists them. */
const INSTALLED_DRIVERS = ['Ansible', 'Terraform-Cloud/EP', 'Terraform-CLI'] as const;
