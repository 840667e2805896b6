/**
 * A versioned schema step with each backend's SQL side by side.
 *
 * Rules (docs/decisions/migrations.md): forward-only, each step runs once inside one transaction
 * with the migration lock held, and steps are expand/contract so release N+1 can run against
 * release N's schema while replicas are replaced one by one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: readonly string[];
  readonly postgres: readonly string[];
}

/** What happened to one migration in a run. */
export type MigrationStatus = 'Success' | 'Error' | 'NotExecuted' | 'AlreadyApplied';

/** The result of a migration run, step by step, instead of throwing half-way. */
export interface MigrationReport {
  readonly results: ReadonlyArray<{ version: number; name: string; status: MigrationStatus }>;
  readonly schemaVersion: number;
  readonly error?: Error;
}
