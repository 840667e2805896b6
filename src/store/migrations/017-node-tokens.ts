import type { Migration } from './migration.js';

/**
 * A `fleet-node` token is bound to one node (`access_tokens.node`, `PROD_P_017`): it may announce
 * that name and no other, so a token taken from one node cannot re-point another node's address
 * (docs/decisions/fleet-upgrades.md, "Who may announce"). Additive: a nullable column, which a
 * release that does not know it never reads (it refuses scoped tokens by their prefix anyway).
 */
export const nodeTokens: Migration = {
  version: 17,
  name: 'node-tokens',
  compatibility: 'expand',
  sqlite: [`ALTER TABLE access_tokens ADD COLUMN node TEXT`],
  postgres: [`ALTER TABLE access_tokens ADD COLUMN node text`],
};
