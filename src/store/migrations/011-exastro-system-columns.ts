import type { Migration } from './migration.js';

/**
 * Columns of Exastro's system menus that ITA-shaped registrations send: `host_specific_format` of a
 * movement ("IP" or "Host name") and `scheduled_date_for_execution` of an operation, added to every
 * workspace's `movement_list` and `operation_list` (new workspaces get them from
 * backyard/system-menus.ts). Additive: a menu's columns are data to every release, and a column a
 * record lacks reads as null.
 */
const MOVEMENT_COLUMN = '{"name":"host_specific_format","type":"string","max_length":32}';
const OPERATION_COLUMN = '{"name":"scheduled_date_for_execution","type":"datetime"}';

export const exastroSystemColumns: Migration = {
  version: 11,
  name: 'exastro-system-columns',
  compatibility: 'expand',
  sqlite: [
    `UPDATE menus SET columns = json_insert(columns, '$[#]', json('${MOVEMENT_COLUMN}'))
       WHERE name = 'movement_list' AND columns NOT LIKE '%"host_specific_format"%'`,
    `UPDATE menus SET columns = json_insert(columns, '$[#]', json('${OPERATION_COLUMN}'))
       WHERE name = 'operation_list' AND columns NOT LIKE '%"scheduled_date_for_execution"%'`,
  ],
  postgres: [
    `UPDATE menus SET columns = columns || '[${MOVEMENT_COLUMN}]'::jsonb
       WHERE name = 'movement_list' AND NOT columns @> '[{"name":"host_specific_format"}]'::jsonb`,
    `UPDATE menus SET columns = columns || '[${OPERATION_COLUMN}]'::jsonb
       WHERE name = 'operation_list' AND NOT columns @> '[{"name":"scheduled_date_for_execution"}]'::jsonb`,
  ],
};
