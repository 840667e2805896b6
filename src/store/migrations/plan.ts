import type { Store } from '../store.js';
import { MIGRATIONS } from './index.js';
import type { AppliedStep } from './migration.js';
import { checkAhead } from './migrator.js';

/** What `drydock migrate` would do to a store, without doing it (`migrate --plan`). */
export interface MigrationPlan {
  /** The store's schema version now. */
  readonly schemaVersion: number;
  /** This release's latest schema version. */
  readonly latest: number;
  /** The steps this release would apply, in order, with their compatibility. */
  readonly pending: readonly AppliedStep[];
  /** Why this release would refuse the store (it is ahead by a contract step), if it would. */
  readonly refusal?: string;
}

export async function migrationPlan(store: Store): Promise<MigrationPlan> {
  const schemaVersion = await store.schemaVersion();
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  const pending = MIGRATIONS.filter((m) => m.version > schemaVersion).map(({ version, name, compatibility }) => ({ version, name, compatibility }));
  const refusal = schemaVersion > latest ? checkAhead(latest, await store.appliedSteps(latest))?.message : undefined;
  return refusal ? { schemaVersion, latest, pending, refusal } : { schemaVersion, latest, pending };
}
