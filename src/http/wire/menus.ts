import { z } from 'zod';
import { columnSchema } from '../../menus/columns.js';
import { timestampSchema } from './common.js';

/** A stored value: JSON scalars only. */
export const valueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A menu (parameter sheet): its name, title and typed columns. */
export const menuSchema = z.strictObject({
  id: z.string(),
  organization_id: z.string(),
  workspace_id: z.string(),
  menu: z.string(),
  title: z.string(),
  columns: z.array(columnSchema),
  last_update_timestamp: timestampSchema,
});

/** A record as Exastro returns it: the row (its columns' values and the system columns), and its files (none yet). */
export const menuRecordSchema = z.strictObject({
  parameter: z
    .object({
      uuid: z.string(),
      discard: z.enum(['0', '1']),
      remarks: z.string().nullable(),
      /** Exastro's form: `YYYY/MM/DD hh:mm:ss.ffffff`. */
      last_update_date_time: z.string(),
      last_updated_user: z.string(),
    })
    .catchall(valueSchema),
  file: z.strictObject({}),
});

/** `POST …/maintenance/all/`: counts per type (after `discard` decided Discard or Restore) and the uuid each item touched, in order. */
export const batchResultSchema = z.strictObject({
  Register: z.number().int(),
  Update: z.number().int(),
  Restore: z.number().int(),
  Discard: z.number().int(),
  Delete: z.number().int(),
  IdList: z.array(z.string()),
});

/** `POST …/maintenance/` and `PATCH …/maintenance/{uuid}/`: the counts alone, as Exastro answers the one-record calls. */
export const recordCountsSchema = batchResultSchema.omit({ IdList: true });

/** `GET …/filter/journal/{uuid}/`: the record after each of its changes, newest first. */
export const journalEntrySchema = z.strictObject({
  parameter: menuRecordSchema.shape.parameter.extend({
    journal_id: z.string(),
    /** When the change was made, in Exastro's form `YYYY/MM/DD hh:mm:ss.ffffff`. */
    journal_datetime: z.string(),
    journal_action: z.enum(['INSERT', 'UPDATE']),
  }),
  file: z.strictObject({}),
});
