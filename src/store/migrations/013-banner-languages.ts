import type { Migration } from './migration.js';

/**
 * The banner message in Japanese and in English (`message_ja`, `message_en`), beside Exastro's single
 * `message`, which stays what Exastro clients read and write (maintenance/mode.ts keeps the three in
 * step). Additive: two nullable columns. A release on the schema before them never writes them; one
 * that does not know them leaves them alone and changes `message` only — which the readers of this
 * release notice (the per-language messages no longer match `message`) and then show `message`.
 */
export const bannerLanguages: Migration = {
  version: 13,
  name: 'banner-languages',
  compatibility: 'expand',
  sqlite: [`ALTER TABLE maintenance_settings ADD COLUMN message_ja TEXT`, `ALTER TABLE maintenance_settings ADD COLUMN message_en TEXT`],
  postgres: [`ALTER TABLE maintenance_settings ADD COLUMN message_ja text`, `ALTER TABLE maintenance_settings ADD COLUMN message_en text`],
};
