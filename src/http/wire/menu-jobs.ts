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
  /** Exastro's import dialog's view of the same: the file's name, and its menus by menu group (ids are names). */
  data_portability_upload_file_name: z.string(),
  import_list: z.record(
    z.string(),
    z.strictObject({
      menu_group_id: z.string(),
      menu_group_name: z.string(),
      parent_id: z.null(),
      disp_seq: z.number().int(),
      menu: z.record(z.string(), z.strictObject({ disp_seq: z.number().int(), menu_id: z.string(), menu_name: z.string(), file_name: z.string() })),
    }),
  ),
  umimport_list: z.strictObject({}),
});

/** `POST …/menu/import/execute/` and `…/excel/bulk/import/execute/`: the job, and what it will import. */
export const registeredImportSchema = z.strictObject({
  execution_no: z.string(),
  menus: z.array(documentMenuSchema),
});

/** `POST …/create/define/execute/`: the job; Exastro's clients read it as `history_id`, with the menu's name. */
export const registeredMenuCreateSchema = z.strictObject({ execution_no: z.string(), history_id: z.string(), menu_name_rest: z.string() });
