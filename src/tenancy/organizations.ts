import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { conflict, notFound } from '../errors.js';
import { nowTimestamp } from '../store/clock.js';
import type { Database, OrganizationsTable } from '../store/schema.js';
import { parseJson } from '../store/store.js';
import { passwordSchema, tenantIdSchema, usernameSchema } from './ids.js';
import { hashPassword } from './passwords.js';
import { insertUser } from './users.js';

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
    plan: z
      .object({ id: z.string().min(1).max(255) })
      .loose()
      .optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    optionsIta: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** An organization as the API shows it: `plan`, `options` and `optionsIta` as they were sent. */
export interface OrganizationView {
  readonly id: string;
  readonly name: string;
  readonly plan: { readonly id?: string; readonly [key: string]: unknown } | null;
  readonly options: Readonly<Record<string, unknown>> | null;
  readonly optionsIta: Readonly<Record<string, unknown>> | null;
  readonly create_timestamp: string;
  readonly last_update_timestamp: string;
}

export async function listOrganizations(db: Kysely<Database>, only?: string): Promise<OrganizationView[]> {
  let q = db.selectFrom('organizations').selectAll().orderBy('id');
  if (only !== undefined) q = q.where('id', '=', only);
  return (await q.execute()).map(toView);
}

export async function getOrganization(db: Kysely<Database>, id: string): Promise<OrganizationView> {
  const row = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Organization ${id} does not exist.`);
  return toView(row);
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
    throw conflict(`Organization ${body.id} already exists.`);
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
  return toView(row);
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
  if (Number(r.numDeletedRows) === 0) throw notFound(`Organization ${id} does not exist.`);
}

function toView(r: OrganizationsTable): OrganizationView {
  return {
    id: r.id,
    name: r.name,
    plan: parseJson<OrganizationView['plan']>(r.plan),
    options: parseJson<OrganizationView['options']>(r.options),
    optionsIta: parseJson<OrganizationView['optionsIta']>(r.options_ita),
    create_timestamp: r.created_at,
    last_update_timestamp: r.last_update_timestamp,
  };
}
