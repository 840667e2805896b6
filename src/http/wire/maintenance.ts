import { z } from 'zod';
import { SWITCH_IDS, type SwitchId } from '../../maintenance/switches.js';
import { timestampSchema } from './common.js';

/** A switch on the wire: the string "1" (on) or "0" (off). */
export const wireFlagSchema = z.enum(['0', '1']);

/** Every switch (maintenance/switches.ts) in its wire form. */
export const switchFlagsSchema = z.strictObject(Object.fromEntries(SWITCH_IDS.map((id) => [id, wireFlagSchema])) as Record<SwitchId, typeof wireFlagSchema>);

/** What every user may read of the setting (the banner): the switches, the message, the announced end. */
export const maintenanceModeViewSchema = switchFlagsSchema.extend({
  /** Exastro's message: for every language (the Japanese one when per-language messages are set, else the English one). */
  message: z.string().nullable(),
  announced_end: timestampSchema.nullable(),
  /** drydock: the message in Japanese and in English; a viewer sees theirs, else the other, else `message`. */
  message_ja: z.string().nullable(),
  message_en: z.string().nullable(),
});

/** `GET /api/platform/maintenance-mode-setting`: the setting as a system administrator reads it. */
export const settingViewSchema = maintenanceModeViewSchema.extend({
  last_update_user: z.string(),
  last_update_timestamp: timestampSchema,
  /** The switches as a drain found them, until the drain ends; null otherwise. */
  drain_prior: switchFlagsSchema.nullable(),
});

/** The setting as the audit keeps it; an entry written before a switch existed does not name it. */
const switchBooleans = Object.fromEntries(SWITCH_IDS.map((id) => [id, z.boolean().optional()])) as Record<SwitchId, z.ZodOptional<z.ZodBoolean>>;
const auditedStateSchema = z.strictObject({
  ...switchBooleans,
  message: z.string().nullable(),
  announced_end: timestampSchema.nullable(),
  message_ja: z.string().nullable().optional(),
  message_en: z.string().nullable().optional(),
  /** The switches as a drain found them, while a drain is recorded. */
  drain_prior: z.strictObject(switchBooleans).nullable().optional(),
});

/** One change of the setting: who, when, before, after. */
export const auditEntrySchema = z.strictObject({
  id: z.number().int(),
  changed_at: timestampSchema,
  changed_by: z.string(),
  before: auditedStateSchema,
  after: auditedStateSchema,
});
