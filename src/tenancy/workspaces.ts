import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { badRequest, conflict, notFound } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { nowTimestamp } from '../store/clock.js';
import type { Database, WorkspacesTable } from '../store/schema.js';
import { parseJson, type Store } from '../store/store.js';
import { tenantIdSchema } from './ids.js';
import type { Principal } from './roles.js';

const informationsSchema = z
  .object({
    description: z.string().max(4000).optional(),
    environments: z.array(z.unknown()).optional(),
    /** Users (by id or user name) who administer the workspace; they become its members. */
    workspace_administrators: z.array(z.object({ id: z.string().min(1) }).loose()).optional(),
  })
  .strict();

/** The body of `POST /api/{org}/platform/workspaces`, as Exastro clients send it. */
export const workspaceCreateSchema = z.object({ id: tenantIdSchema, name: z.string().min(1).max(255), informations: informationsSchema.optional() }).strict();

/** The body of `PUT /api/{org}/platform/workspaces/{ws}`. */
export const workspaceUpdateSchema = z.object({ name: z.string().min(1).max(255).optional(), informations: informationsSchema.optional() }).strict();

/** A workspace as the API shows it: `informations` as it was sent. */
export interface WorkspaceView {
  readonly id: string;
  readonly organization_id: string;
  readonly name: string;
  readonly informations: { readonly description?: string; readonly [key: string]: unknown } | null;
  readonly create_timestamp: string;
  readonly create_user: string | null;
  readonly last_update_timestamp: string;
  readonly last_update_user: string | null;
}

/** The schema step that records who created and changed a workspace (migration 12). */
const WORKSPACE_USERS_SCHEMA = 12;

/**
 * Who makes a change: their user id, recorded when the store has the columns for it (`recorded`
 * false while a release runs on its predecessor's schema during an upgrade).
 */
export interface WorkspaceActor {
  readonly userId: string;
  readonly recorded: boolean;
}

/** The actor of a workspace change by `principal`, recorded when `store` has the columns for it. */
export async function workspaceActor(store: Pick<Store, 'hasSchema'>, principal: Pick<Principal, 'userId'>): Promise<WorkspaceActor> {
  return { userId: principal.userId, recorded: await store.hasSchema(WORKSPACE_USERS_SCHEMA) };
}

/** The workspaces of an organization that `principal` may see. */
export async function listWorkspaces(db: Kysely<Database>, organizationId: string, principal: Principal): Promise<WorkspaceView[]> {
  let q = db.selectFrom('workspaces').selectAll('workspaces').where('workspaces.organization_id', '=', organizationId);
  if (principal.role === 'workspace_member') {
    q = q
      .innerJoin('workspace_members as m', (j) => j.onRef('m.organization_id', '=', 'workspaces.organization_id').onRef('m.workspace_id', '=', 'workspaces.id'))
      .where('m.user_id', '=', principal.userId);
  }
  return (await q.orderBy('workspaces.id').execute()).map(toView);
}

export async function getWorkspace(db: Kysely<Database>, organizationId: string, id: string): Promise<WorkspaceView> {
  const row = await db.selectFrom('workspaces').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(MESSAGES.notFound.workspace(id, organizationId));
  return toView(row);
}

export async function createWorkspace(
  trx: Transaction<Database>,
  organizationId: string,
  body: z.infer<typeof workspaceCreateSchema>,
  actor: WorkspaceActor,
): Promise<WorkspaceView> {
  if (!(await trx.selectFrom('organizations').select('id').where('id', '=', organizationId).executeTakeFirst())) {
    throw notFound(MESSAGES.notFound.organization(organizationId));
  }
  const exists = await trx.selectFrom('workspaces').select('id').where('organization_id', '=', organizationId).where('id', '=', body.id).executeTakeFirst();
  if (exists) throw conflict(MESSAGES.conflict.workspaceExists(body.id, organizationId));
  const now = nowTimestamp();
  const row: WorkspacesTable = {
    organization_id: organizationId,
    id: body.id,
    name: body.name,
    informations: JSON.stringify(body.informations ?? {}),
    created_at: now,
    last_update_timestamp: now,
    ...(actor.recorded && { create_user: actor.userId, last_update_user: actor.userId }),
  };
  await trx.insertInto('workspaces').values(row).execute();
  await addAdministrators(trx, organizationId, body.id, body.informations?.workspace_administrators ?? []);
  return toView(row);
}

export async function updateWorkspace(
  trx: Transaction<Database>,
  organizationId: string,
  id: string,
  body: z.infer<typeof workspaceUpdateSchema>,
  actor: WorkspaceActor,
): Promise<WorkspaceView> {
  const current = await getWorkspace(trx, organizationId, id);
  await trx
    .updateTable('workspaces')
    .set({
      name: body.name ?? current.name,
      informations: JSON.stringify(body.informations ?? current.informations),
      last_update_timestamp: nowTimestamp(),
      ...(actor.recorded && { last_update_user: actor.userId }),
    })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .execute();
  await addAdministrators(trx, organizationId, id, body.informations?.workspace_administrators ?? []);
  return getWorkspace(trx, organizationId, id);
}

export async function deleteWorkspace(trx: Transaction<Database>, organizationId: string, id: string): Promise<void> {
  const r = await trx.deleteFrom('workspaces').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw notFound(MESSAGES.notFound.workspace(id, organizationId));
}

async function addAdministrators(
  trx: Transaction<Database>,
  organizationId: string,
  workspaceId: string,
  administrators: ReadonlyArray<{ id: string }>,
): Promise<void> {
  for (const { id } of administrators) {
    const user = await trx
      .selectFrom('users')
      .select('id')
      .where('organization_id', '=', organizationId)
      .where((eb) => eb.or([eb('id', '=', id), eb('username', '=', id)]))
      .executeTakeFirst();
    if (!user) throw badRequest(MESSAGES.invalidRequest.noWorkspaceAdministrator(id, organizationId));
    const member = await trx
      .selectFrom('workspace_members')
      .select('user_id')
      .where('organization_id', '=', organizationId)
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    if (!member) {
      await trx.insertInto('workspace_members').values({ organization_id: organizationId, workspace_id: workspaceId, user_id: user.id }).execute();
    }
  }
}

function toView(r: WorkspacesTable): WorkspaceView {
  return {
    id: r.id,
    organization_id: r.organization_id,
    name: r.name,
    informations: parseJson<WorkspaceView['informations']>(r.informations),
    create_timestamp: r.created_at,
    create_user: r.create_user ?? null,
    last_update_timestamp: r.last_update_timestamp,
    last_update_user: r.last_update_user ?? null,
  };
}
