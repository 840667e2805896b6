import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { conflict, forbidden, notFound } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { nowTimestamp } from '../store/clock.js';
import type { Database, UsersTable } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { hashPassword, randomSecret } from './passwords.js';
import type { Role } from './roles.js';

/**
 * A user as the API shows it (never the hash): Exastro's platform user (`preferred_username`,
 * `name`, `affiliation`, `description`, `service_account_user_type`, `create_timestamp`) with
 * drydock's role, organization and workspaces.
 */
export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly preferred_username: string;
  readonly name: string;
  readonly email: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly affiliation: string | null;
  readonly description: string | null;
  readonly service_account_user_type: null;
  readonly role: Role;
  readonly organization_id: string | null;
  readonly enabled: boolean;
  readonly workspaces: string[];
  readonly create_timestamp: string;
  readonly last_update_timestamp: string;
}

/**
 * A user to insert. The password arrives already hashed: scrypt takes ~100 ms and must not run
 * inside a write transaction, where it would hold the writer lock (SQLite) or the gate lock.
 */
export interface NewUser {
  readonly organizationId: string | null;
  readonly username: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly email?: string | null | undefined;
  readonly firstName?: string | null | undefined;
  readonly lastName?: string | null | undefined;
  readonly affiliation?: string | undefined;
  readonly description?: string | undefined;
  readonly enabled?: boolean | undefined;
}

/** Inserts a user; a duplicate name in the same organization (or among administrators) is a 409. */
export async function insertUser(trx: Transaction<Database>, user: NewUser): Promise<string> {
  let existing = trx.selectFrom('users').select('id').where('username', '=', user.username);
  existing = user.organizationId === null ? existing.where('organization_id', 'is', null) : existing.where('organization_id', '=', user.organizationId);
  if (await existing.executeTakeFirst()) {
    throw conflict(
      user.organizationId ? MESSAGES.conflict.userExistsInOrganization(user.username, user.organizationId) : MESSAGES.conflict.userExists(user.username),
    );
  }
  const id = randomUUID();
  const now = nowTimestamp();
  await trx
    .insertInto('users')
    .values({
      id,
      organization_id: user.organizationId,
      username: user.username,
      email: user.email ?? null,
      first_name: user.firstName ?? null,
      last_name: user.lastName ?? null,
      // Set only when given, so a user is created on a store still at an earlier schema too (an upgrade's window).
      ...(user.affiliation !== undefined && { affiliation: user.affiliation }),
      ...(user.description !== undefined && { description: user.description }),
      password_hash: user.passwordHash,
      role: user.role,
      enabled: user.enabled === false ? 0 : 1,
      created_at: now,
      last_update_timestamp: now,
    })
    .execute();
  return id;
}

/** Finds an enabled user by name: in an organization, or among system administrators when `organizationId` is null. */
export async function findUserForLogin(db: Kysely<Database>, organizationId: string | null, username: string): Promise<UsersTable | undefined> {
  let q = db.selectFrom('users').selectAll().where('username', '=', username).where('enabled', '=', 1);
  q = organizationId === null ? q.where('organization_id', 'is', null) : q.where('organization_id', '=', organizationId);
  return q.executeTakeFirst();
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<UsersTable | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).where('enabled', '=', 1).executeTakeFirst();
}

/** The users of an organization with their workspaces. */
export async function listOrganizationUsers(db: Kysely<Database>, organizationId: string): Promise<UserView[]> {
  const users = await db.selectFrom('users').selectAll().where('organization_id', '=', organizationId).orderBy('username').execute();
  const members = await db.selectFrom('workspace_members').select(['user_id', 'workspace_id']).where('organization_id', '=', organizationId).execute();
  return users.map((u) =>
    toView(
      u,
      members.filter((m) => m.user_id === u.id).map((m) => m.workspace_id),
    ),
  );
}

export async function getOrganizationUser(db: Kysely<Database>, organizationId: string, userId: string): Promise<UserView> {
  const user = await db.selectFrom('users').selectAll().where('organization_id', '=', organizationId).where('id', '=', userId).executeTakeFirst();
  if (!user) throw notFound(MESSAGES.notFound.user(userId, organizationId));
  const members = await db.selectFrom('workspace_members').select('workspace_id').where('user_id', '=', userId).execute();
  return toView(
    user,
    members.map((m) => m.workspace_id),
  );
}

/**
 * Creates a user of an organization, a member of `workspaces`, inside the caller's gated write;
 * returns it as the API shows it. The password is hashed beforehand (see NewUser).
 */
export async function createOrganizationUser(
  trx: Transaction<Database>,
  organizationId: string,
  user: Omit<NewUser, 'organizationId'> & { readonly workspaces?: readonly string[] | undefined },
): Promise<UserView> {
  const id = await insertUser(trx, { ...user, organizationId });
  await setMemberships(trx, organizationId, id, user.workspaces ?? []);
  return getOrganizationUser(trx, organizationId, id);
}

/** What `PUT …/platform/users/{id}` changes; what it leaves out stays as it is. The password arrives hashed (see NewUser). */
export interface UserChange {
  readonly passwordHash?: string | undefined;
  readonly email?: string | undefined;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly affiliation?: string | undefined;
  readonly description?: string | undefined;
  readonly enabled?: boolean | undefined;
  /** An organization's role (never `system_admin`: the route's schema allows only these two). */
  readonly role?: 'organization_manager' | 'workspace_member' | undefined;
  readonly workspaces?: readonly string[] | undefined;
}

/**
 * Changes a user of an organization inside the caller's gated write; `actorId` (the caller) cannot
 * disable itself nor change its own role (a manager demoting itself would lock the organization's
 * management out). Returns the user as it is now.
 */
export async function updateOrganizationUser(
  trx: Transaction<Database>,
  organizationId: string,
  userId: string,
  change: UserChange,
  actorId: string,
): Promise<UserView> {
  const before = await getOrganizationUser(trx, organizationId, userId);
  if (userId === actorId && change.enabled === false) throw forbidden(MESSAGES.forbidden.cannotDisableSelf);
  if (userId === actorId && change.role !== undefined && change.role !== before.role) throw forbidden(MESSAGES.forbidden.cannotChangeOwnRole);
  const set = {
    ...(change.passwordHash !== undefined && { password_hash: change.passwordHash }),
    ...(change.email !== undefined && { email: change.email }),
    ...(change.firstName !== undefined && { first_name: change.firstName }),
    ...(change.lastName !== undefined && { last_name: change.lastName }),
    ...(change.affiliation !== undefined && { affiliation: change.affiliation }),
    ...(change.description !== undefined && { description: change.description }),
    ...(change.enabled !== undefined && { enabled: change.enabled ? 1 : 0 }),
    ...(change.role !== undefined && { role: change.role }),
  };
  if (Object.keys(set).length > 0) {
    await trx
      .updateTable('users')
      .set({ ...set, last_update_timestamp: nowTimestamp() })
      .where('id', '=', userId)
      .execute();
  }
  if (change.workspaces !== undefined) await setMemberships(trx, organizationId, userId, change.workspaces);
  return getOrganizationUser(trx, organizationId, userId);
}

/** Deletes a user of an organization inside the caller's gated write; 404 when it has none of that id. */
export async function deleteOrganizationUser(trx: Transaction<Database>, organizationId: string, userId: string): Promise<void> {
  const r = await trx.deleteFrom('users').where('organization_id', '=', organizationId).where('id', '=', userId).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw notFound(MESSAGES.notFound.user(userId, organizationId));
}

/** Replaces a user's workspace memberships; every workspace must exist in the user's organization. */
export async function setMemberships(trx: Transaction<Database>, organizationId: string, userId: string, workspaceIds: readonly string[]): Promise<void> {
  if (workspaceIds.length > 0) {
    const found = await trx
      .selectFrom('workspaces')
      .select('id')
      .where('organization_id', '=', organizationId)
      .where('id', 'in', [...workspaceIds])
      .execute();
    const missing = workspaceIds.filter((w) => !found.some((f) => f.id === w));
    if (missing.length) throw notFound(MESSAGES.notFound.workspaces(missing.join(', '), organizationId));
  }
  await trx.deleteFrom('workspace_members').where('user_id', '=', userId).execute();
  for (const workspaceId of new Set(workspaceIds)) {
    await trx.insertInto('workspace_members').values({ organization_id: organizationId, workspace_id: workspaceId, user_id: userId }).execute();
  }
}

/**
 * Creates the first system administrator when there is none. Returns the generated password when
 * the operator gave none (to be printed once), else undefined. Runs outside the maintenance gate:
 * it only ever runs on a store with no administrator.
 */
export async function bootstrapAdmin(store: Store, username: string, password: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
  const hasAdmin = async () => (await store.db.selectFrom('users').select('id').where('role', '=', 'system_admin').executeTakeFirst()) !== undefined;
  if (await hasAdmin()) return { created: false };
  const chosen = password ?? randomSecret(12);
  const passwordHash = await hashPassword(chosen);
  return store.transaction('shared', async (trx) => {
    // Another process may have created it while we hashed.
    if (await trx.selectFrom('users').select('id').where('role', '=', 'system_admin').executeTakeFirst()) {
      return { created: false };
    }
    await insertUser(trx, { organizationId: null, username, passwordHash, role: 'system_admin' });
    return password === undefined ? { created: true, generatedPassword: chosen } : { created: true };
  });
}

/** A user's name as Exastro's platform shows it: first and last name, else whichever there is, else the user name. */
export function displayName(u: Pick<UsersTable, 'first_name' | 'last_name' | 'username'>): string {
  return [u.first_name, u.last_name].filter((n) => n).join(' ') || u.username;
}

function toView(u: UsersTable, workspaces: string[]): UserView {
  return {
    id: u.id,
    username: u.username,
    preferred_username: u.username,
    name: displayName(u),
    email: u.email,
    firstName: u.first_name,
    lastName: u.last_name,
    affiliation: u.affiliation ?? null,
    description: u.description ?? null,
    service_account_user_type: null,
    role: u.role as Role,
    organization_id: u.organization_id,
    enabled: u.enabled === 1,
    workspaces,
    create_timestamp: u.created_at,
    last_update_timestamp: u.last_update_timestamp,
  };
}
