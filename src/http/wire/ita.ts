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
