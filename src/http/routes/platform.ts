import { z } from 'zod';
import {
  createOrganization,
  hashManagerPasswords,
  deleteOrganization,
  getOrganization,
  listOrganizations,
  organizationCreateSchema,
  organizationUpdateSchema,
  updateOrganization,
} from '../../tenancy/organizations.js';
import { passwordSchema, tenantIdSchema, usernameSchema } from '../../tenancy/ids.js';
import { hashPassword } from '../../tenancy/passwords.js';
import { createOrganizationUser, deleteOrganizationUser, getOrganizationUser, listOrganizationUsers, updateOrganizationUser } from '../../tenancy/users.js';
import {
  createWorkspace,
  workspaceActor,
  deleteWorkspace,
  getWorkspace,
  listWorkspaces,
  updateWorkspace,
  workspaceCreateSchema,
  workspaceUpdateSchema,
} from '../../tenancy/workspaces.js';
import { createSystemMenus } from '../../backyard/system-menus.js';
import { forbidden } from '../../errors.js';
import { MESSAGES } from '../../i18n/server-messages.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { orgParams, workspaceParams } from './params.js';
import { nothingSchema } from '../wire/common.js';
import { organizationSchema, organizationUserSchema, workspaceSchema } from '../wire/platform.js';

const organizationIdParams = z.object({ organization_id: tenantIdSchema });
const userParams = orgParams.extend({ user_id: z.uuid() });

/** Exastro's platform user fields (`userCreate` / `userUpdate`), with drydock's role and workspaces. */
const userFields = {
  password: passwordSchema,
  /**
   * Taken, but drydock does not make the user change a temporary password at the first sign-in
   * (docs/decisions/exastro-compatibility.md): hand such a password over as you would any other.
   */
  password_temporary: z.boolean().optional(),
  email: z.email().max(255).optional(),
  firstName: z.string().max(100).optional(),
  lastName: z.string().max(100).optional(),
  affiliation: z.string().max(255).optional(),
  description: z.string().max(255).optional(),
  enabled: z.boolean().optional(),
  workspaces: z.array(tenantIdSchema).optional(),
};

const userCreateSchema = z
  .object({
    username: usernameSchema,
    ...userFields,
    /** drydock's role; a platform client sends none and creates a workspace member. */
    role: z.enum(['organization_manager', 'workspace_member']).default('workspace_member'),
  })
  .strict();

/** `PUT …/users/{id}`: the create body without the user name, every field optional (absent = unchanged); nobody changes their own role. */
const userUpdateSchema = z
  .object({ ...userFields, password: passwordSchema.optional(), role: z.enum(['organization_manager', 'workspace_member']).optional() })
  .strict();

/** Organizations (system administrators) and workspaces and users (inside an organization). */
export const platformRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/api/platform/organizations',
    summary: 'List organizations',
    tag: 'organizations',
    access: 'system_admin',
    writes: 'read',
    response: z.array(organizationSchema),
    handler: async ({ db }) => listOrganizations(db),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/platform/organizations',
    summary: 'Create an organization and its managers',
    tag: 'organizations',
    access: 'system_admin',
    writes: 'organization_create',
    body: organizationCreateSchema,
    response: organizationSchema,
    handler: async (ctx) => {
      const hashes = await hashManagerPasswords(ctx.body);
      return ctx.write((trx) => createOrganization(trx, ctx.body, hashes));
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/platform/organizations/:organization_id',
    summary: 'An organization',
    tag: 'organizations',
    access: 'system_admin',
    writes: 'read',
    params: organizationIdParams,
    response: organizationSchema,
    handler: async ({ params, db }) => getOrganization(db, params.organization_id),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/platform/organizations/:organization_id',
    summary: 'Update an organization',
    tag: 'organizations',
    access: 'system_admin',
    writes: 'organization_update',
    params: organizationIdParams,
    body: organizationUpdateSchema,
    response: organizationSchema,
    handler: async (ctx) => ctx.write((trx) => updateOrganization(trx, ctx.params.organization_id, ctx.body)),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/platform/organizations/:organization_id',
    summary: 'Delete an organization with all its workspaces, users and data',
    tag: 'organizations',
    access: 'system_admin',
    writes: 'organization_delete',
    params: organizationIdParams,
    response: nothingSchema,
    handler: async (ctx) => ctx.write((trx) => deleteOrganization(trx, ctx.params.organization_id)).then(() => null),
  }),

  defineRoute({
    method: 'GET',
    url: '/api/:organization_id/platform/workspaces',
    summary: 'The workspaces of an organization you may see',
    tag: 'workspaces',
    access: 'organization',
    writes: 'read',
    params: orgParams,
    response: z.array(workspaceSchema),
    handler: async ({ params, db, principal }) => listWorkspaces(db, params.organization_id, principal),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/:organization_id/platform/workspaces',
    summary: 'Create a workspace',
    tag: 'workspaces',
    access: 'organization_manager',
    writes: 'workspace_create',
    params: orgParams,
    body: workspaceCreateSchema,
    response: workspaceSchema,
    handler: async (ctx) => {
      const actor = await workspaceActor(ctx.deps.store, ctx.principal);
      return ctx.write(async (trx) => {
        const workspace = await createWorkspace(trx, ctx.params.organization_id, ctx.body, actor);
        await createSystemMenus(trx, ctx.params.organization_id, ctx.body.id);
        return workspace;
      });
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/:organization_id/platform/workspaces/:workspace_id',
    summary: 'A workspace',
    tag: 'workspaces',
    access: 'workspace',
    writes: 'read',
    params: workspaceParams,
    response: workspaceSchema,
    handler: async ({ params, db }) => getWorkspace(db, params.organization_id, params.workspace_id),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/:organization_id/platform/workspaces/:workspace_id',
    summary: 'Update a workspace',
    tag: 'workspaces',
    access: 'organization_manager',
    writes: 'workspace_update',
    params: workspaceParams,
    body: workspaceUpdateSchema,
    response: workspaceSchema,
    handler: async (ctx) => {
      const actor = await workspaceActor(ctx.deps.store, ctx.principal);
      return ctx.write((trx) => updateWorkspace(trx, ctx.params.organization_id, ctx.params.workspace_id, ctx.body, actor));
    },
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/:organization_id/platform/workspaces/:workspace_id',
    summary: 'Delete a workspace with its menus and records',
    tag: 'workspaces',
    access: 'organization_manager',
    writes: 'workspace_delete',
    params: workspaceParams,
    response: nothingSchema,
    handler: async (ctx) => ctx.write((trx) => deleteWorkspace(trx, ctx.params.organization_id, ctx.params.workspace_id)).then(() => null),
  }),

  defineRoute({
    method: 'GET',
    url: '/api/:organization_id/platform/users',
    summary: 'The users of an organization',
    tag: 'users',
    access: 'organization_manager',
    writes: 'read',
    params: orgParams,
    response: z.array(organizationUserSchema),
    handler: async ({ params, db }) => listOrganizationUsers(db, params.organization_id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/:organization_id/platform/users',
    summary: 'Create a user of the organization, optionally a member of some workspaces',
    tag: 'users',
    access: 'organization_manager',
    writes: 'user_create',
    params: orgParams,
    body: userCreateSchema,
    response: organizationUserSchema,
    handler: async (ctx) => {
      const { password, password_temporary: _temporary, ...user } = ctx.body;
      const passwordHash = await hashPassword(password);
      return ctx.write((trx) => createOrganizationUser(trx, ctx.params.organization_id, { ...user, passwordHash }));
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/:organization_id/platform/users/:user_id',
    summary: 'A user of the organization',
    tag: 'users',
    access: 'organization_manager',
    writes: 'read',
    params: userParams,
    response: organizationUserSchema,
    handler: async ({ params, db }) => getOrganizationUser(db, params.organization_id, params.user_id),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/:organization_id/platform/users/:user_id',
    summary: 'Change a user: password, names, e-mail, affiliation, description, enabled, role, workspaces (what the body leaves out stays)',
    tag: 'users',
    access: 'organization_manager',
    writes: 'user_update',
    params: userParams,
    body: userUpdateSchema,
    response: organizationUserSchema,
    handler: async (ctx) => {
      const { organization_id: org, user_id: id } = ctx.params;
      const { password, password_temporary: _temporary, ...change } = ctx.body;
      const passwordHash = password === undefined ? undefined : await hashPassword(password);
      return ctx.write((trx) => updateOrganizationUser(trx, org, id, { ...change, passwordHash }, ctx.principal.userId));
    },
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/:organization_id/platform/users/:user_id',
    summary: 'Delete a user of the organization',
    tag: 'users',
    access: 'organization_manager',
    writes: 'user_delete',
    params: userParams,
    response: nothingSchema,
    handler: async (ctx) => {
      const { organization_id: org, user_id: id } = ctx.params;
      if (id === ctx.principal.userId) throw forbidden(MESSAGES.forbidden.cannotDeleteSelf);
      await ctx.write((trx) => deleteOrganizationUser(trx, org, id));
      return null;
    },
  }),
];
