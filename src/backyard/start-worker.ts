import path from 'node:path';
import type { Logger } from 'pino';
import type { CompiledOptions } from '../config/options.js';
import type { Store } from '../store/store.js';
import { EXECUTORS } from './executors/index.js';
import { backyardNames, type Backyard } from './kinds/registry.js';
import { Worker } from './worker.js';

/** Builds a worker from compiled options: the given backyards (default: every one) and their executors. */
export function createWorker(
  store: Store,
  logger: Logger,
  options: CompiledOptions,
  overrides: { backyards?: readonly Backyard[]; concurrency?: number } = {},
): Worker {
  return new Worker(
    store,
    logger,
    {
      backyards: overrides.backyards ?? backyardNames().filter((b) => EXECUTORS.some((e) => e.backyard === b)),
      concurrency: overrides.concurrency ?? options.worker.concurrency,
      leaseMs: options.worker.leaseMs,
      pollMs: options.worker.pollMs,
      graceMs: options.worker.graceMs,
      workDir: path.resolve(options.dataDir, 'work'),
      settings: {
        terraformCloudUrl: options.terraformCloud.url,
        terraformCloudToken: options.terraformCloud.token,
        pollMs: 500,
      },
    },
    EXECUTORS,
  );
}
