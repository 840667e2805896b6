import { z } from 'zod';
import { switchFlagsSchema } from './maintenance.js';

/** `GET /api/livez`. */
export const livenessSchema = z.strictObject({ status: z.literal('alive') });

/** `GET /api/readyz` while ready (not ready: a 503 whose `data` is `{status: "not-ready", reason}`). */
export const readinessSchema = z.strictObject({ status: z.literal('ready'), schema_version: z.number().int() });

/** `GET /api/healthz` (the store unavailable: a 503 whose `data` is `{status: "unavailable"}`). */
export const healthSchema = z.strictObject({
  status: z.literal('ok'),
  /** The store's kind only: the route is public. */
  store: z.enum(['sqlite', 'postgres']),
  schema_version: z.number().int(),
  maintenance_mode: switchFlagsSchema,
  /** Whether this process trusts its copy of the switches (its change feed is live). */
  maintenance_cache_trusted: z.boolean(),
});
