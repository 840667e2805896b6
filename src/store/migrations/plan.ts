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

/**
 * Splits a release's pending steps for an upgrade that keeps the older release serving (a
 * hand-over, a Kubernetes rolling update). Expand steps run while the old release serves (it runs on them: that is what `expand` declares); contract steps only once it has exited.
 * An expand step after a contract step cannot be placed (the new release may need it before it
 * serves, and the old one could not run on the contract step before it): that is a refusal.
 */
export function splitForHandover(pending: readonly AppliedStep[]): { before: AppliedStep[]; after: AppliedStep[] } | { refusal: string } {
  const firstContract = pending.findIndex((s) => s.compatibility === 'contract');
  if (firstContract < 0) return { before: [...pending], after: [] };
  const after = pending.slice(firstContract);
  const late = after.find((s) => s.compatibility === 'expand');
  if (late) {
    const c = pending[firstContract]!;
    return {
      refusal:
        `step ${c.version} (${c.name}) is a contract step the serving release cannot run on, and expand step ${late.version} (${late.name}) comes after it. ` +
        `Upgrade to the release that introduced step ${c.version} first, then to this one.`,
    };
  }
  return { before: pending.slice(0, firstContract), after };
}
