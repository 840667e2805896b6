import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { defaults } from './defaults.js';
import { ENVIRONMENT_VARIABLES, configFileFromEnv, configureFromEnv } from './from-env.js';
import { optionsSchema, type CompiledOptions, type DatabaseLocation, type Options } from './options.js';

const VARIABLE_OF_OPTION = new Map<string, string>(Object.entries(ENVIRONMENT_VARIABLES).map(([variable, option]) => [option, variable]));

/** The sources options come from, lowest precedence first: file, environment, flags. */
export interface OptionSources {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Path of a JSON file; defaults to `DRYDOCK_CONFIG` from `env`. */
  readonly configFile?: string | undefined;
  readonly flags?: Readonly<Record<string, unknown>>;
}

/** Merges file, environment and flags (later wins), validates, and compiles. Throws ConfigError. */
export function loadOptions(sources: OptionSources = {}): CompiledOptions {
  const env = sources.env ?? {};
  const file = sources.configFile ?? configFileFromEnv(env);
  const layers: Array<[string, unknown]> = [];
  if (file !== undefined) layers.push([`config file ${file}`, readConfigFile(file)]);
  layers.push(['environment', configureFromEnv(env)]);
  if (sources.flags) layers.push(['command-line flags', dropUndefined(sources.flags)]);

  let merged: Options = {};
  for (const [where, layer] of layers) {
    const parsed = optionsSchema.safeParse(layer);
    if (!parsed.success) {
      // In the environment, name the variable the operator set, not the option it maps to.
      const name = (at: PropertyKey[]) => (where === 'environment' && VARIABLE_OF_OPTION.get(String(at[0]))) || at.map(String).join('.') || '(root)';
      const problems = parsed.error.issues.map((i) => `${name(i.path)}: ${i.message}`);
      throw new ConfigError(`Invalid configuration in ${where}: ${problems.join('; ')}`);
    }
    merged = { ...merged, ...parsed.data };
  }
  return compileOptions(merged);
}

/** Applies defaults and normalises units. Pure. */
export function compileOptions(options: Options): CompiledOptions {
  const o = { ...defaults, ...options };
  return {
    host: o.host,
    port: o.port,
    dataDir: o.dataDir,
    database: parseDatabaseUrl(o.databaseUrl ?? path.join(o.dataDir, 'drydock.sqlite')),
    adminUser: o.adminUser,
    adminPassword: o.adminPassword,
    logLevel: o.logLevel,
    retryAfterSeconds: o.retryAfterSeconds,
    refusalHttpStatus: o.refusalHttpStatus,
    bodyLimitBytes: o.bodyLimitBytes,
    sqlitePollMs: o.sqlitePollMs,
    trustProxy: o.trustProxy === 'true' ? true : o.trustProxy === 'false' ? false : /^\d+$/.test(o.trustProxy) ? Number(o.trustProxy) : o.trustProxy,
    loginRateLimit: {
      failuresBeforeDelay: o.loginFailuresBeforeDelay,
      maxFailuresPerAddress: o.loginMaxFailuresPerAddress,
      windowMs: o.loginWindowSeconds * 1000,
    },
    sessionTtlMs: o.sessionTtlSeconds * 1000,
    worker: {
      concurrency: o.workerConcurrency,
      leaseMs: Math.round(o.leaseSeconds * 1000),
      pollMs: o.workerPollMs,
      graceMs: Math.round(o.workerGraceSeconds * 1000),
    },
    terraformCloud: { url: o.terraformCloudUrl, token: o.terraformCloudToken },
    fleetLeaseMs: Math.round(o.fleetLeaseSeconds * 1000),
    fleetPollMs: o.fleetPollMs,
  };
}

/** `postgres://…` / `postgresql://…` → PostgreSQL; `sqlite:PATH`, `file:PATH` or a bare path → SQLite. */
export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  const bare = url.replace(/^(sqlite|file):(\/\/)?/i, '');
  if (bare === '') throw new ConfigError('DRYDOCK_DATABASE_URL names no SQLite file');
  return { kind: 'sqlite', path: bare === ':memory:' ? bare : path.resolve(bare) };
}

function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read config file ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`Config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function dropUndefined(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
