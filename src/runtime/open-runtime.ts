import type { Logger } from 'pino';
import { ExecuteCheckFeed } from '../backyard/execute-check.js';
import type { CompiledOptions } from '../config/options.js';
import type { AppDeps } from '../http/deps.js';
import { EventStreams } from '../http/event-streams.js';
import { Metrics } from '../http/metrics.js';
import { LogLevels } from '../logging/log-levels.js';
import { MaintenanceCache } from '../maintenance/propagation.js';
import { prepareSchema } from '../store/migrations/startup.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { Authenticator } from '../tenancy/authenticate.js';
import { LoginRateLimiter } from '../tenancy/login-rate-limit.js';
import { bootstrapAdmin } from '../tenancy/users.js';

/** Everything a drydock process runs on, opened in order and closed in reverse. */
export interface Runtime {
  readonly deps: AppDeps;
  /** Set on the first start of a store when drydock generated the administrator's password. */
  readonly generatedAdminPassword: string | undefined;
  close(): Promise<void>;
}

/**
 * Opens the store, brings its schema up to date (under the migration lock), creates the first
 * administrator if there is none, and starts following the maintenance switches.
 */
export async function openRuntime(options: CompiledOptions, logger: Logger, store?: Store, startup: { migrate?: boolean } = {}): Promise<Runtime> {
  const s = store ?? (await openStore(options.database, { logger, sqlitePollMs: options.sqlitePollMs }));
  try {
    await prepareSchema(s, logger, startup.migrate !== false);
    const admin = await bootstrapAdmin(s, options.adminUser, options.adminPassword);
    const maintenance = await MaintenanceCache.start(s, logger);
    const logLevels = await LogLevels.start(s);
    logLevels.attach('ita-api-organization', logger);
    const deps: AppDeps = {
      store: s,
      maintenance,
      logLevels,
      authenticator: new Authenticator(s, new LoginRateLimiter(options.loginRateLimit)),
      options,
      logger,
      metrics: new Metrics(maintenance),
      executeCheckFeed: new ExecuteCheckFeed(s, logger),
      eventStreams: new EventStreams(),
      lifecycle: { stopping: false },
    };
    return {
      deps,
      generatedAdminPassword: admin.generatedPassword,
      close: async () => {
        maintenance.close();
        await s.close();
      },
    };
  } catch (err) {
    await s.close().catch(() => {});
    throw err;
  }
}
