import type { Migration, MigrationReport, MigrationStatus } from './migration.js';

/** What a backend provides so the one migration algorithm can run on it. */
export interface MigrationRunner {
  /** Runs `fn` holding the cross-process migration lock, so two processes starting together don't race. */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  /** The highest applied version; creates the bookkeeping table when missing. */
  appliedVersion(): Promise<number>;
  /** Runs the step's statements and records it, in one transaction. */
  apply(migration: Migration): Promise<void>;
}

/**
 * Applies every pending migration in order, up to `targetVersion` when given (forward-only: a store
 * already past it is left as it is). Returns a result per step; stops at the first error (the
 * failing step rolled back, later steps NotExecuted). Refuses a store whose schema is newer
 * than this binary knows: running old code on a newer schema is how data gets lost.
 */
export async function migrate(
  runner: MigrationRunner,
  migrations: readonly Migration[],
  targetVersion?: number,
): Promise<MigrationReport> {
  return runner.withLock(async () => {
    const applied = await runner.appliedVersion();
    const latest = migrations.at(-1)?.version ?? 0;
    if (applied > latest) {
      return {
        results: [],
        schemaVersion: applied,
        error: new Error(
          `The store's schema is version ${applied} but this drydock knows only up to ${latest}. ` +
            'Run the drydock release that wrote it (or newer).',
        ),
      };
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
