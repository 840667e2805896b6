import type { Logger } from 'pino';
import { z } from 'zod';
import { RESULT, refused } from '../errors.js';
import { MESSAGES, listOf } from '../i18n/server-messages.js';
import { backyardKinds, type BackyardLogService } from '../backyard/kinds/registry.js';
import { nowTimestamp } from '../store/clock.js';
import type { Store } from '../store/store.js';
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

/** The API's services, by Exastro's names. */
const API_SERVICES = ['ita-api-admin', 'ita-api-organization'] as const;

/**
 * The services whose level `/api/ita/loglevel-settings/` sets, by Exastro's names: the API's, then
 * each backyard kind's (its `logService` in the registry).
 */
export const LOG_SERVICES: readonly LogService[] = [...API_SERVICES, ...backyardKinds().map((k) => k.logService as BackyardLogService)];
export type LogService = (typeof API_SERVICES)[number] | BackyardLogService;

/** Exastro's level names (Python's) and the pino level each maps to. */
export const LOG_LEVELS = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', ERROR: 'error', CRITICAL: 'fatal' } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

/** Body of PATCH `/api/ita/loglevel-settings/`: `{"<service>": "<level>", …}`, checked by `settingsOf`. */
export const logLevelPatchSchema = z.record(z.string(), z.unknown()).refine((o) => Object.keys(o).length > 0, 'name at least one service and its level');

/** Exastro's rule for a service name in a log-level setting. */
const SERVICE_NAME = /^[A-Za-z0-9-]{1,255}$/;

/**
 * The settings a PATCH makes, as Exastro applies one: each of drydock's services it names gets its
 * level; a well-formed name drydock runs no service of (Exastro has more services) is skipped, as
 * Exastro skips names it lacks; a malformed name or an unknown level is Exastro's 499-01401, naming
 * the pair.
 */
export function settingsOf(body: Readonly<Record<string, unknown>>): Partial<Record<LogService, LogLevelName>> {
  const out: Partial<Record<LogService, LogLevelName>> = {};
  for (const [service, level] of Object.entries(body)) {
    if (!SERVICE_NAME.test(service) || typeof level !== 'string' || !Object.hasOwn(LOG_LEVELS, level)) {
      throw refused(RESULT.invalidLogLevel, MESSAGES.invalidLogLevel.invalidLogLevel(service, String(level), listOf(Object.keys(LOG_LEVELS))));
    }
    const known = LOG_SERVICES.find((s) => s === service);
    if (known) out[known] = level as LogLevelName;
  }
  return out;
}

/**
 * Stored per-service log levels, applied to this process's loggers. A change made through one
 * process reaches the others with the `settings` change topic. A service nobody set through the
 * API keeps the level its process was started with (DRYDOCK_LOG_LEVEL) and reads as INFO.
 */
export class LogLevels {
  readonly #store: Store;
  readonly #loggers = new Map<LogService, Logger[]>();
  #current: Partial<Record<LogService, LogLevelName>>;

  private constructor(store: Store, current: Partial<Record<LogService, LogLevelName>>) {
    this.#store = store;
    this.#current = current;
  }

  static async start(store: Store): Promise<LogLevels> {
    const levels = new LogLevels(store, await readLevels(store));
    store.onChange((e) => {
      if (e.topic !== 'jobs') void levels.reload().catch(() => {});
    });
    return levels;
  }

  /** Makes `logger` follow the level set for `service`. */
  attach(service: LogService, logger: Logger): void {
    this.#loggers.set(service, [...(this.#loggers.get(service) ?? []), logger]);
    const level = this.#current[service];
    if (level) logger.level = LOG_LEVELS[level];
  }

  /** Every service's level, INFO where none was set. */
  get current(): Readonly<Record<LogService, LogLevelName>> {
    return Object.fromEntries(LOG_SERVICES.map((s) => [s, this.#current[s] ?? 'INFO'])) as Record<LogService, LogLevelName>;
  }

  /** Stores a change inside the caller's (gated) transaction; applied here and elsewhere on commit. */
  async change(trx: Transaction<Database>, patch: Partial<Record<LogService, LogLevelName>>, actor: string): Promise<void> {
    const now = nowTimestamp();
    for (const [service, level] of Object.entries(patch)) {
      if (level === undefined) continue;
      await trx
        .insertInto('log_levels')
        .values({ service, level, last_update_timestamp: now, last_update_user: actor })
        .onConflict((oc) => oc.column('service').doUpdateSet({ level, last_update_timestamp: now, last_update_user: actor }))
        .execute();
    }
    await this.#store.notifyOnCommit(trx, 'settings');
  }

  async reload(): Promise<void> {
    this.#current = await readLevels(this.#store);
    for (const [service, loggers] of this.#loggers) {
      const level = this.#current[service];
      if (level) for (const logger of loggers) logger.level = LOG_LEVELS[level];
    }
  }
}

async function readLevels(store: Store): Promise<Partial<Record<LogService, LogLevelName>>> {
  const rows = await store.db.selectFrom('log_levels').select(['service', 'level']).execute();
  const out: Partial<Record<LogService, LogLevelName>> = {};
  for (const r of rows) {
    if ((LOG_SERVICES as readonly string[]).includes(r.service) && r.level in LOG_LEVELS) {
      out[r.service as LogService] = r.level as LogLevelName;
    }
  }
  return out;
}
