import type { AppliedStep, Migration, MigrationReport, MigrationStatus } from './migration.js';

/** What a backend provides so the one migration algorithm can run on it. */
export interface MigrationRunner {
  /** Runs `fn` holding the cross-process migration lock, so two processes starting together don't race. */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  /** The highest applied version; creates the bookkeeping table when missing. */
  appliedVersion(): Promise<number>;
  /**
   * The applied steps above `version`, as recorded. Only asked for steps a newer release applied,
   * so the store has the `compatibility` column (migration 7) whenever there are any.
   */
  appliedSteps(aboveVersion: number): Promise<AppliedStep[]>;
  /** Runs the step's statements and records it (with its compatibility), in one transaction. */
  apply(migration: Migration): Promise<void>;
}

/**
 * Whether a release that knows steps up to `latest` may run on a store that also has `ahead`
 * (steps a newer release applied): yes when every one of them is an expand step. Returns the
 * refusal, naming the first contract step, or undefined.
 */
export function checkAhead(latest: number, ahead: readonly AppliedStep[]): Error | undefined {
  const contract = ahead.find((s) => s.compatibility === 'contract');
  if (!contract) return undefined;
  const applied = ahead.at(-1)?.version ?? latest;
  return new Error(
    `The store's schema is version ${applied}; step ${contract.version} (${contract.name}) is a contract step ` +
      `that this drydock (schema ${latest}) cannot run on. Run the drydock release that applied it, or a newer one.`,
  );
}

/**
 * Applies every pending migration in order, up to `targetVersion` when given (forward-only: a store
 * already past it is left as it is). Returns a result per step; stops at the first error (the
 * failing step rolled back, later steps NotExecuted). A store a newer release migrated further is
 * accepted when every step this binary does not know is an expand step (`ahead` in the report) and
 * refused, naming the step, when one is a contract step: old code on a contracted schema is how
 * data gets lost.
 */
export async function migrate(runner: MigrationRunner, migrations: readonly Migration[], targetVersion?: number): Promise<MigrationReport> {
  return runner.withLock(async () => {
    const applied = await runner.appliedVersion();
    const latest = migrations.at(-1)?.version ?? 0;
    if (applied > latest) {
      const ahead = await runner.appliedSteps(latest);
      const error = checkAhead(latest, ahead);
      return error ? { results: [], schemaVersion: applied, ahead, error } : { results: [], schemaVersion: applied, ahead };
    }
    const results: Array<{ version: number; name: string; status: MigrationStatus }> = [];
    let version = applied;
    let error: Error | undefined;
    for (const m of migrations) {
      if (m.version <= applied) {
        results.push({ version: m.version, name: m.name, status: 'AlreadyApplied' });
      } else if (error || (targetVersion !== undefined && m.version > targetVersion)) {
        results.push({ version: m.version, name: m.name, status: 'NotExecuted' });
      } else {
        try {
          await runner.apply(m);
          version = m.version;
          results.push({ version: m.version, name: m.name, status: 'Success' });
        } catch (err) {
          error = new Error(`Migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
          results.push({ version: m.version, name: m.name, status: 'Error' });
        }
      }
    }
    return error ? { results, schemaVersion: version, error } : { results, schemaVersion: version };
  });
}
