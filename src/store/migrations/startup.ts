import type { Logger } from 'pino';
import { ConfigError } from '../../errors.js';
import type { Store } from '../store.js';
import { LATEST_SCHEMA_VERSION } from './index.js';
import type { AppliedStep } from './migration.js';
import { checkAhead } from './migrator.js';

/**
 * Brings the store's schema to this release's (`migrate`), or — for a process that must not migrate
 * (`--no-migrate`: the API pods and workers on Kubernetes, where a migration Job migrates) — checks
 * that this release runs on it: on its predecessor's schema until `drydock migrate`, and on a newer
 * release's as long as every step it does not know is an expand step. Throws a ConfigError naming
 * the refusal otherwise.
 */
export async function prepareSchema(s: Store, logger: Logger, migrate: boolean): Promise<void> {
  if (!migrate) {
    const { version, ahead, refusal } = await readSchemaState(s);
    if (refusal) throw new ConfigError(refusal.message);
    if (ahead.length) logAhead(logger, ahead);
    if (version < LATEST_SCHEMA_VERSION) logger.warn({ schema: version, latest: LATEST_SCHEMA_VERSION }, 'running on an older schema; run drydock migrate');
  } else {
    const report = await s.migrate();
    if (report.error) throw new ConfigError(report.error.message);
    if (report.ahead?.length) logAhead(logger, report.ahead);
  }
}

/** The store's schema as this release sees it. */
export interface SchemaState {
  readonly version: number;
  /** The steps applied beyond this release's schema (a newer release migrated the store). */
  readonly ahead: readonly AppliedStep[];
  /** Why this release cannot run on the schema (a step ahead that is not an expand step), if it cannot. */
  readonly refusal: Error | undefined;
}

/** Reads the store's schema version and, when it is ahead of this release, whether this release runs on it. */
export async function readSchemaState(s: Store): Promise<SchemaState> {
  const version = await s.schemaVersion();
  if (version <= LATEST_SCHEMA_VERSION) return { version, ahead: [], refusal: undefined };
  const ahead = await s.appliedSteps(LATEST_SCHEMA_VERSION);
  return { version, ahead, refusal: checkAhead(LATEST_SCHEMA_VERSION, ahead) };
}

function logAhead(logger: Logger, ahead: readonly AppliedStep[]): void {
  logger.warn(
    { latest: LATEST_SCHEMA_VERSION, ahead: ahead.map((s) => `${s.version} ${s.name}`) },
    'the store is ahead of this release by expand steps only: running on it',
  );
}
