import { z } from 'zod';
import { listAudit } from '../../maintenance/audit.js';
import { changeMaintenance, maintenanceModeView, readMaintenance, settingView } from '../../maintenance/mode.js';
import { MESSAGE_MAX_LENGTH, sanitizeMessage } from '../../maintenance/sanitize.js';
import { SWITCH_IDS, changeFromFlags, listOf, type SwitchId } from '../../maintenance/switches.js';
import { normalizeTimestamp } from '../../store/clock.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { EMPTY_BODY } from '../validation.js';
import { orgParams } from './params.js';
import { nothingSchema } from '../wire/common.js';
import { auditEntrySchema, maintenanceModeViewSchema, settingViewSchema } from '../wire/maintenance.js';

const flag = z.enum(['0', '1'], { error: 'must be the string "0" (off) or "1" (on)' });

/** Every switch (maintenance/switches.ts), each an optional "0"/"1". */
const switchFields = Object.fromEntries(SWITCH_IDS.map((id) => [id, flag.optional()])) as Record<SwitchId, z.ZodOptional<typeof flag>>;

/**
 * PATCH body: Exastro's switches and message, plus drydock's messages per language and announced end.
 * Any other key is refused (400-00026); a switch that is not "0"/"1" is 400-00027.
 */
const bannerMessage = z.string().max(MESSAGE_MAX_LENGTH, `must be at most ${MESSAGE_MAX_LENGTH} characters`).nullable().optional();

/** A banner message as stored: sanitized, and null when nothing is left. */
const cleanMessage = (m: string | null | undefined) => (m === undefined ? undefined : m === null ? null : sanitizeMessage(m) || null);

const settingPatchSchema = z
  .object({
    ...switchFields,
    /** Exastro's message, for every language (clears the per-language ones). */
    message: bannerMessage,
    /** drydock's messages in Japanese and in English (`message` follows them). */
    message_ja: bannerMessage,
    message_en: bannerMessage,
    announced_end: z
      .string()
      .refine((s) => normalizeTimestamp(s) !== undefined, 'must be a date and time such as 2026-11-24T06:00:00Z')
      .nullable()
      .optional(),
    /** drydock's drain bookkeeping (see `drydock drain` / `drydock resume`). */
    drain: z.enum(['start', 'end']).optional(),
  })
  .strict()
  .refine((o) => Object.keys(o).length > 0, {
    message: `name ${listOf(SWITCH_IDS, 'and/or')} ("0" or "1")`,
    params: { [EMPTY_BODY]: true },
  })
  .refine((o) => o.message === undefined || (o.message_ja === undefined && o.message_en === undefined), {
    message: 'send message (one text for every language) or message_ja / message_en, not both',
    path: ['message'],
  });

/** The GET view (`settingView`): Exastro's string flags first, then drydock's extra fields. */
export const maintenanceRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/api/platform/maintenance-mode-setting',
    summary: 'The maintenance switches (read from the store, not a cache)',
    tag: 'maintenance',
    access: 'system_admin',
    writes: 'read',
    response: settingViewSchema,
    handler: async ({ db }) => settingView(await readMaintenance(db)),
  }),
  defineRoute({
    method: 'PATCH',
    url: '/api/platform/maintenance-mode-setting',
    summary: 'Turn the switches on or off; when this returns, every process enforces the change',
    tag: 'maintenance',
    access: 'system_admin',
    writes: { exempt: 'the setting itself must stay changeable, or nobody could turn read-only mode off' },
    body: settingPatchSchema,
    response: nothingSchema,
    handler: async ({ body, deps, principal }) => {
      await changeMaintenance(
        deps.store,
        {
          ...changeFromFlags(body),
          ...(body.message !== undefined && { message: cleanMessage(body.message) }),
          ...(body.message_ja !== undefined && { message_ja: cleanMessage(body.message_ja) }),
          ...(body.message_en !== undefined && { message_en: cleanMessage(body.message_en) }),
          ...(body.announced_end !== undefined && {
            announced_end: body.announced_end === null ? null : normalizeTimestamp(body.announced_end)!,
          }),
          ...(body.drain !== undefined && { drain: body.drain }),
        },
        principal.username,
      );
      // This process enforces it before answering; other processes get it by notification, and
      // the in-transaction gate enforces it everywhere from the commit on.
      await deps.maintenance.reload();
      return null;
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/platform/maintenance-mode-setting/audit',
    summary: 'Every change of the maintenance settings, newest first: who, when, before, after',
    tag: 'maintenance',
    access: 'system_admin',
    writes: 'read',
    query: z
      .object({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        before_id: z.coerce.number().int().min(1).optional(),
      })
      .strict(),
    response: z.array(auditEntrySchema),
    handler: async ({ query, db }) => listAudit(db, { limit: query.limit, beforeId: query.before_id }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/:organization_id/platform/maintenance-mode-setting',
    summary: "The maintenance switches as an organization's users see them (for the banner)",
    tag: 'maintenance',
    access: 'organization',
    writes: 'read',
    params: orgParams,
    response: maintenanceModeViewSchema,
    handler: async ({ db }) => maintenanceModeView(await readMaintenance(db)),
  }),
];
