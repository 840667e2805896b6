import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { conflict, notFound } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { nowTimestamp } from '../store/clock.js';
import type { Database, OrganizationsTable, UsersTable } from '../store/schema.js';
import { parseJson } from '../store/store.js';
import { passwordSchema, tenantIdSchema, usernameSchema } from './ids.js';
import { hashPassword } from './passwords.js';
import { displayName, insertUser } from './users.js';

/** An organization manager as Exastro's organization-create body carries it (Keycloak's user shape). */
const organizationManagerSchema = z
  .object({
    username: usernameSchema,
    email: z.email().optional(),
    firstName: z.string().max(255).optional(),
    lastName: z.string().max(255).optional(),
    credentials: z
      .array(z.object({ type: z.literal('password'), value: passwordSchema, temporary: z.boolean().optional() }).strict())
      .min(1, 'a password credential is required'),
    requiredActions: z.array(z.string()).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

/** The body of `POST /api/platform/organizations`, as Exastro clients send it. */
export const organizationCreateSchema = z
  .object({
    id: tenantIdSchema,
    name: z.string().min(1).max(255),
    organization_managers: z.array(organizationManagerSchema).optional(),
    plan: z
      .object({ id: z.string().min(1).max(255) })
      .loose()
      .optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    optionsIta: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** The body of `PUT /api/platform/organizations/{id}`. */
export const organizationUpdateSchema = z
  .object({
    name: z.string().min(1).max(255).optional(),
    /** Exastro's clients send it; drydock has no disabled organizations, so only `true` is taken. */
    enabled: z.literal(true, 'drydock does not disable organizations: disable their users, or delete the organization').optional(),
    plan: z
      .object({ id: z.string().min(1).max(255) })
      .loose()
      .optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    optionsIta: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** An organization manager as Exastro's organization answers list them. */
export interface OrganizationManagerView {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email: string | null;
  readonly enabled: boolean;
  readonly create_timestamp: string;
}

/**
 * An organization as the API shows it, in Exastro's shape: its managers, its plan (`active_plan`,
 * `plans`: the one plan it was given, from its creation), `status` and `enabled` — drydock creates
 * an organization in one transaction, so it is complete and enabled as soon as it exists — and
 * `plan`, `options` and `optionsIta` as they were sent.
 */
export interface OrganizationView {
  readonly id: string;
  readonly name: string;
  readonly organization_managers: readonly OrganizationManagerView[];
  readonly active_plan: { readonly id?: string };
  readonly plans: ReadonlyArray<{ readonly id: string; readonly start_datetime: string }>;
  readonly status: 'Organization Create Complete';
  readonly enabled: true;
  readonly plan: { readonly id?: string; readonly [key: string]: unknown } | null;
  readonly options: Readonly<Record<string, unknown>> | null;
  readonly optionsIta: Readonly<Record<string, unknown>> | null;
  readonly create_timestamp: string;
  readonly last_update_timestamp: string;
}

export async function listOrganizations(db: Kysely<Database>, only?: string): Promise<OrganizationView[]> {
  let q = db.selectFrom('organizations').selectAll().orderBy('id');
  if (only !== undefined) q = q.where('id', '=', only);
  let m = db.selectFrom('users').selectAll().where('role', '=', 'organization_manager').orderBy('username');
  if (only !== undefined) m = m.where('organization_id', '=', only);
  const managers = await m.execute();
  return (await q.execute()).map((r) =>
    toView(
      r,
      managers.filter((u) => u.organization_id === r.id),
    ),
  );
}

export async function getOrganization(db: Kysely<Database>, id: string): Promise<OrganizationView> {
  const [organization] = await listOrganizations(db, id);
  if (!organization) throw notFound(MESSAGES.notFound.organization(id));
  return organization;
}

/** Hashes the managers' passwords, in order; done before the write transaction (scrypt is slow). */
export async function hashManagerPasswords(body: z.infer<typeof organizationCreateSchema>): Promise<string[]> {
  return Promise.all((body.organization_managers ?? []).map((m) => hashPassword(m.credentials.find((c) => c.type === 'password')!.value)));
}

/** Creates an organization and its managers, who become its first users. */
export async function createOrganization(
  trx: Transaction<Database>,
  body: z.infer<typeof organizationCreateSchema>,
  managerPasswordHashes: readonly string[],
): Promise<OrganizationView> {
  if (await trx.selectFrom('organizations').select('id').where('id', '=', body.id).executeTakeFirst()) {
    throw conflict(MESSAGES.conflict.organizationExists(body.id));
  }
  const now = nowTimestamp();
  const row: OrganizationsTable = {
    id: body.id,
    name: body.name,
    plan: JSON.stringify(body.plan ?? {}),
    options: JSON.stringify(body.options ?? {}),
    options_ita: JSON.stringify(body.optionsIta ?? {}),
    created_at: now,
    last_update_timestamp: now,
  };
  await trx.insertInto('organizations').values(row).execute();
  for (const [i, m] of (body.organization_managers ?? []).entries()) {
    await insertUser(trx, {
      organizationId: body.id,
      username: m.username,
      passwordHash: managerPasswordHashes[i]!,
      role: 'organization_manager',
      email: m.email,
      firstName: m.firstName,
      lastName: m.lastName,
      enabled: m.enabled,
    });
  }
  return getOrganization(trx, body.id);
}

export async function updateOrganization(trx: Transaction<Database>, id: string, body: z.infer<typeof organizationUpdateSchema>): Promise<OrganizationView> {
  const current = await getOrganization(trx, id);
  await trx
    .updateTable('organizations')
    .set({
      name: body.name ?? current.name,
      plan: JSON.stringify(body.plan ?? current.plan),
      options: JSON.stringify(body.options ?? current.options),
      options_ita: JSON.stringify(body.optionsIta ?? current.optionsIta),
      last_update_timestamp: nowTimestamp(),
    })
    .where('id', '=', id)
    .execute();
  return getOrganization(trx, id);
}

/** Deletes an organization with its workspaces, users and menus (foreign keys cascade). */
export async function deleteOrganization(trx: Transaction<Database>, id: string): Promise<void> {
  const r = await trx.deleteFrom('organizations').where('id', '=', id).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw notFound(MESSAGES.notFound.organization(id));
}

function toView(r: OrganizationsTable, managers: readonly UsersTable[]): OrganizationView {
  const plan = parseJson<OrganizationView['plan']>(r.plan);
  const planId = typeof plan?.id === 'string' ? plan.id : undefined;
  return {
    id: r.id,
    name: r.name,
    organization_managers: managers.map((u) => ({
      id: u.id,
      username: u.username,
      name: displayName(u),
      firstName: u.first_name,
      lastName: u.last_name,
      email: u.email,
      enabled: u.enabled === 1,
      create_timestamp: u.created_at,
    })),
    active_plan: planId === undefined ? {} : { id: planId },
    plans: planId === undefined ? [] : [{ id: planId, start_datetime: r.created_at }],
    status: 'Organization Create Complete',
    enabled: true,
    plan,
    options: parseJson<OrganizationView['options']>(r.options),
    optionsIta: parseJson<OrganizationView['optionsIta']>(r.options_ita),
    create_timestamp: r.created_at,
    last_update_timestamp: r.last_update_timestamp,
  };
}
