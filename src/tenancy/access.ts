import type { Kysely } from 'kysely';
import { forbidden, notFound } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import type { Database } from '../store/schema.js';
import type { Principal } from './roles.js';

/**
 * What a route requires of its caller:
 * - `public`: nothing (health, sign-in);
 * - `authenticated`: any user;
 * - `system_admin`: a system administrator;
 * - `organization`: a user of the path's organization (or a system administrator);
 * - `organization_manager`: a manager of the path's organization (or a system administrator);
 * - `workspace`: a member of the path's workspace, a manager of its organization, or a system administrator;
 * - `fleet_node`: a system administrator, or a system administrator's token scoped `fleet-node` (a
 *   fleet node's agent announcing itself). Such a token is refused everywhere else.
 */
export type Access = 'public' | 'authenticated' | 'system_admin' | 'organization' | 'organization_manager' | 'workspace' | 'fleet_node';

/**
 * Throws 403 when `principal` may not make a call needing `access` on the path's tenant, and 404
 * when the tenant does not exist. Another organization's resources answer 403 whether or not they
 * exist, so ids cannot be probed.
 */
export async function authorize(
  db: Kysely<Database>,
  principal: Principal,
  access: Access,
  tenant: { organizationId?: string | undefined; workspaceId?: string | undefined },
): Promise<void> {
  if (principal.scope === 'fleet-node' && access !== 'fleet_node' && access !== 'public') throw forbidden(MESSAGES.forbidden.fleetNodeTokenOnly);
  switch (access) {
    case 'public':
    case 'authenticated':
      return;
    case 'fleet_node':
    case 'system_admin':
      if (principal.role !== 'system_admin') throw forbidden(MESSAGES.forbidden.systemAdminOnly);
      return;
    case 'organization':
    case 'organization_manager':
    case 'workspace': {
      const org = tenant.organizationId;
      if (org === undefined) throw new Error(`route with access "${access}" has no organization in its path`);
      if (principal.role !== 'system_admin' && principal.organizationId !== org) {
        throw forbidden(MESSAGES.forbidden.notOrganizationUser(org));
      }
      if (access === 'organization_manager' && principal.role === 'workspace_member') {
        throw forbidden(MESSAGES.forbidden.organizationManagerOnly(org));
      }
      if (principal.role === 'system_admin' || access !== 'workspace') {
        if (!(await db.selectFrom('organizations').select('id').where('id', '=', org).executeTakeFirst())) {
          throw notFound(MESSAGES.notFound.organization(org));
        }
      }
      if (access === 'workspace') await authorizeWorkspace(db, principal, org, tenant.workspaceId);
      return;
    }
    default: {
      const never: never = access;
      throw new Error(`unknown access ${String(never)}`);
    }
  }
}

async function authorizeWorkspace(db: Kysely<Database>, principal: Principal, org: string, ws: string | undefined): Promise<void> {
  if (ws === undefined) throw new Error('route with access "workspace" has no workspace in its path');
  const exists = await db.selectFrom('workspaces').select('id').where('organization_id', '=', org).where('id', '=', ws).executeTakeFirst();
  if (principal.role === 'workspace_member') {
    const member = await db
      .selectFrom('workspace_members')
      .select('user_id')
      .where('organization_id', '=', org)
      .where('workspace_id', '=', ws)
      .where('user_id', '=', principal.userId)
      .executeTakeFirst();
    if (!member) throw forbidden(MESSAGES.forbidden.notWorkspaceMember(ws));
  }
  if (!exists) throw notFound(MESSAGES.notFound.workspace(ws, org));
}
