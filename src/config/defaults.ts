import type { Options } from './options.js';

/** Defaults for a single-machine, all-in-one install. */
export const defaults = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: './data',
  adminUser: 'admin',
  logLevel: 'info',
  retryAfterSeconds: 300,
  refusalHttpStatus: 498,
  bodyLimitBytes: 1024 * 1024,
  // A `PRAGMA data_version` read costs microseconds; 100 ms keeps a drain's end within the
  // runbook's 200 ms goal when the job ends in another process (`npm run bench -- drain`).
  sqlitePollMs: 100,
  loginFailuresBeforeDelay: 5,
  trustProxy: 'false',
  loginMaxFailuresPerAddress: 20,
  loginWindowSeconds: 15 * 60,
  sessionTtlSeconds: 12 * 60 * 60,
  workerConcurrency: 4,
  leaseSeconds: 30,
  workerPollMs: 1000,
  workerGraceSeconds: 60,
  fleetLeaseSeconds: 15,
  fleetPollMs: 250,
} as const satisfies Options;
