import { z } from 'zod';
import { timestampSchema } from './common.js';

/** What a document holds of one menu. */
const documentMenuSchema = z.strictObject({
  menu: z.string(),
  columns: z.number().int(),
  records: z.number().int(),
  discarded: z.number().int(),
});

/** `POST …/menu/import/upload/` and `…/excel/bulk/upload/`: the stored upload and what it holds. */
export const storedUploadSchema = z.strictObject({
  upload_id: z.string(),
  name: z.string(),
  bytes: z.number().int(),
  exported_at: timestampSchema.nullable(),
  menus: z.array(documentMenuSchema),
});

/** `POST …/menu/import/execute/` and `…/excel/bulk/import/execute/`: the job, and what it will import. */
export const registeredImportSchema = z.strictObject({
  execution_no: z.string(),
  menus: z.array(documentMenuSchema),
});

/** `POST …/create/define/execute/`: the job; Exastro's clients read it as `history_id`, with the menu's name. */
export const registeredMenuCreateSchema = z.strictObject({ execution_no: z.string(), history_id: z.string(), menu_name_rest: z.string() });
