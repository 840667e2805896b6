import { z } from 'zod';
import { roleSchema } from './auth.js';
import { maintenanceModeViewSchema } from './maintenance.js';

/** `GET /api/ita/loglevel-settings/`: each service (by Exastro's name) and its level. */
export const logLevelsSchema = z.record(z.string(), z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']));

/** `GET …/ita/user/`: the caller, its roles, and the maintenance mode (what the console banner reads). */
export const workspaceUserSchema = z.strictObject({
  user_id: z.string(),
  user_name: z.string(),
  organization_id: z.string(),
  workspace_id: z.string(),
  roles: z.array(roleSchema),
  maintenance_mode: maintenanceModeViewSchema,
});

/** `GET …/user/menus/`: the menus the caller may open, by menu group. */
export const userMenusSchema = z.strictObject({
  menu_groups: z.array(
    z.strictObject({
      parent_id: z.string().nullable(),
      id: z.string(),
      menu_group_name: z.string(),
      disp_seq: z.number().int(),
      menus: z.array(z.strictObject({ id: z.string(), menu_name: z.string(), menu_name_rest: z.string(), disp_seq: z.number().int() })),
    }),
  ),
});

/** `GET …/version/`: the release and the drivers it has. */
export const versionSchema = z.strictObject({ version: z.string(), installed_driver: z.array(z.string()) });
