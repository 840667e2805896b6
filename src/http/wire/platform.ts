import { z } from 'zod';
import { roleSchema } from './auth.js';
import { timestampSchema } from './common.js';

/** An organization, in Exastro's shape (tenancy/organizations.ts): managers, plan, status; `plan`, `options` and `optionsIta` as they were sent. */
export const organizationSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  organization_managers: z.array(
    z.strictObject({
      id: z.string(),
      username: z.string(),
      name: z.string(),
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
      email: z.string().nullable(),
      enabled: z.boolean(),
      create_timestamp: timestampSchema,
    }),
  ),
  active_plan: z.strictObject({ id: z.string().optional() }),
  plans: z.array(z.strictObject({ id: z.string(), start_datetime: timestampSchema })),
  status: z.literal('Organization Create Complete'),
  enabled: z.literal(true),
  plan: z.looseObject({ id: z.string().optional() }).nullable(),
  options: z.record(z.string(), z.unknown()).nullable(),
  optionsIta: z.record(z.string(), z.unknown()).nullable(),
  create_timestamp: timestampSchema,
  last_update_timestamp: timestampSchema,
});

/** A workspace, in Exastro's shape: `informations` as it was sent. */
export const workspaceSchema = z.strictObject({
  id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  informations: z.looseObject({ description: z.string().optional() }).nullable(),
  create_timestamp: timestampSchema,
  /** The user id of who created it / last changed it; null for workspaces made before drydock recorded them. */
  create_user: z.string().nullable(),
  last_update_timestamp: timestampSchema,
  last_update_user: z.string().nullable(),
});

/** A user of an organization in Exastro's platform shape (never the password hash), with drydock's role and the workspaces it is a member of. */
export const organizationUserSchema = z.strictObject({
  id: z.string(),
  username: z.string(),
  preferred_username: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  affiliation: z.string().nullable(),
  description: z.string().nullable(),
  service_account_user_type: z.null(),
  role: roleSchema,
  organization_id: z.string().nullable(),
  enabled: z.boolean(),
  workspaces: z.array(z.string()),
  create_timestamp: timestampSchema,
  last_update_timestamp: timestampSchema,
});
