import type { Logger } from 'pino';
import type { ExecuteCheckFeed } from '../backyard/execute-check.js';
import type { CompiledOptions } from '../config/options.js';
import type { MaintenanceCache } from '../maintenance/propagation.js';
import type { Store } from '../store/store.js';
import type { Authenticator } from '../tenancy/authenticate.js';
import type { LogLevels } from '../logging/log-levels.js';
import type { EventStreams } from './event-streams.js';
import type { Metrics } from './metrics.js';

/** What the HTTP layer is built from; `buildApp` takes it so tests can pass their own store. */
export interface AppDeps {
  readonly store: Store;
  readonly maintenance: MaintenanceCache;
  readonly authenticator: Authenticator;
  readonly options: CompiledOptions;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly logLevels: LogLevels;
  readonly executeCheckFeed: ExecuteCheckFeed;
  /** Open server-sent-event streams, ended with a reconnect hint when this process hands over. */
  readonly eventStreams: EventStreams;
  /** Where this process is in its life: `/api/readyz` answers 503 once it is stopping. */
  readonly lifecycle: { stopping: boolean };
}
