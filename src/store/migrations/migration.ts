/**
 * A versioned schema step with each backend's SQL side by side.
 *
 * Rules (docs/decisions/migrations.md): forward-only, each step runs once inside one transaction
 * with the migration lock held, and each step declares whether the release before it can still run
 * on the schema once the step is applied.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /**
   * `expand`: the previous release runs on the schema with this step applied (it only adds: a
   * table, a nullable column, a column with a default, an index, a function). `contract`: it does
   * not (the step drops or tightens something the previous release still uses). Recorded in the
   * store with the step, so a release that does not know the step can still tell whether it may
   * start on it.
   */
  readonly compatibility: Compatibility;
  readonly sqlite: readonly string[];
  readonly postgres: readonly string[];
}

export type Compatibility = 'expand' | 'contract';

/** A step as the store recorded it when it was applied. */
export interface AppliedStep {
  readonly version: number;
  readonly name: string;
  readonly compatibility: Compatibility;
}

/** What happened to one migration in a run. */
export type MigrationStatus = 'Success' | 'Error' | 'NotExecuted' | 'AlreadyApplied';

/** The result of a migration run, step by step, instead of throwing half-way. */
export interface MigrationReport {
  readonly results: ReadonlyArray<{ version: number; name: string; status: MigrationStatus }>;
  readonly schemaVersion: number;
  /**
   * Steps the store has that this binary does not know (a newer release applied them). Every one is
   * an expand step, or the report carries an error instead.
   */
  readonly ahead?: readonly AppliedStep[];
  readonly error?: Error;
}
