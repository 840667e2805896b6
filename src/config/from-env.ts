import type { Options } from './options.js';
import { ownValue } from '../util/own-value.js';

/** Environment variable → option name. The one list of every variable drydock reads. */
export const ENVIRONMENT_VARIABLES = {
  DRYDOCK_HOST: 'host',
  DRYDOCK_PORT: 'port',
  DRYDOCK_DATA_DIR: 'dataDir',
  DRYDOCK_DATABASE_URL: 'databaseUrl',
  DRYDOCK_ADMIN_USER: 'adminUser',
  DRYDOCK_ADMIN_PASSWORD: 'adminPassword',
  DRYDOCK_LOG_LEVEL: 'logLevel',
  DRYDOCK_RETRY_AFTER_SECONDS: 'retryAfterSeconds',
  DRYDOCK_REFUSAL_HTTP_STATUS: 'refusalHttpStatus',
  DRYDOCK_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  DRYDOCK_SQLITE_POLL_MS: 'sqlitePollMs',
  DRYDOCK_LOGIN_FAILURES_BEFORE_DELAY: 'loginFailuresBeforeDelay',
  DRYDOCK_TRUST_PROXY: 'trustProxy',
  DRYDOCK_LOGIN_MAX_FAILURES_PER_ADDRESS: 'loginMaxFailuresPerAddress',
  DRYDOCK_LOGIN_WINDOW_SECONDS: 'loginWindowSeconds',
  DRYDOCK_SESSION_TTL_SECONDS: 'sessionTtlSeconds',
  DRYDOCK_WORKER_CONCURRENCY: 'workerConcurrency',
  DRYDOCK_LEASE_SECONDS: 'leaseSeconds',
  DRYDOCK_WORKER_POLL_MS: 'workerPollMs',
  DRYDOCK_WORKER_GRACE_SECONDS: 'workerGraceSeconds',
  DRYDOCK_TFC_URL: 'terraformCloudUrl',
  DRYDOCK_TFC_TOKEN: 'terraformCloudToken',
  DRYDOCK_FLEET_LEASE_SECONDS: 'fleetLeaseSeconds',
  DRYDOCK_FLEET_POLL_MS: 'fleetPollMs',
} as const satisfies Record<string, keyof Options>;

/**
 * Reads options from an environment. Pure: tests pass a plain object.
 * Values stay strings; `optionsSchema` coerces and validates them.
 */
export function configureFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [variable, option] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const value = ownValue(env, variable);
    if (value !== undefined && value !== '') out[option] = value;
  }
  return out;
}

/** The path of an optional JSON config file named by the environment. */
export function configFileFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = env.DRYDOCK_CONFIG;
  return value === undefined || value === '' ? undefined : value;
}
