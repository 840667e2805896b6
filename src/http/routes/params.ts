import { z } from 'zod';
import { menuNameSchema } from '../../menus/definitions.js';
import { tenantIdSchema } from '../../tenancy/ids.js';

/** Path parameters shared by many routes. */
export const orgParams = z.object({ organization_id: tenantIdSchema });
export const workspaceParams = orgParams.extend({ workspace_id: tenantIdSchema });
export const menuParams = workspaceParams.extend({ menu: menuNameSchema });

/** The prefix of the Exastro IT Automation workspace API. */
export const ITA = '/api/:organization_id/workspaces/:workspace_id/ita';
