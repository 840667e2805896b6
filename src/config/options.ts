import { z } from 'zod';

/**
 * Everything an operator can set, as it arrives from a file, the environment or flags.
 * Every field is optional here; `compileOptions` fills defaults and normalises units.
 */
export const optionsSchema = z
  .object({
    host: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65535),
    dataDir: z.string().min(1),
    /** A SQLite file path (or `sqlite:` URL) or a `postgres://` URL. */
    databaseUrl: z.string().min(1),
    adminUser: z.string().min(1).max(128),
    adminPassword: z.string().min(8, 'must be at least 8 characters'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /** Retry-After sent with maintenance refusals when no end time is announced. */
    retryAfterSeconds: z.coerce.number().int().min(1),
    /**
     * The HTTP status of a maintenance refusal: 498, Exastro's (its clients and its web UI know it),
     * or 503 for proxies and tools that only understand the standard status. The result code is
     * 498-xxxxx either way.
     */
    refusalHttpStatus: z.coerce
      .string()
      .pipe(z.enum(['498', '503'], "must be 498 (Exastro's) or 503"))
      .transform((v) => (v === '503' ? 503 : 498)),
    bodyLimitBytes: z.coerce.number().int().min(1024),
    /** How often a SQLite process looks for commits made by other processes. */
    sqlitePollMs: z.coerce.number().int().min(10),
    /** Failed sign-ins of one account from one address before each further attempt waits (1 s, 2, 4 …). */
    loginFailuresBeforeDelay: z.coerce.number().int().min(1),
    loginMaxFailuresPerAddress: z.coerce.number().int().min(1),
    loginWindowSeconds: z.coerce.number().int().min(1),
    /**
     * Which proxies' X-Forwarded-For to believe for the client address (sign-in throttling, logs):
     * `false` (none: the address is the connection's), `true` (any — only behind a proxy that sets
     * the header itself), a hop count, or comma-separated addresses/CIDRs of the proxies.
     */
    trustProxy: z
      .string()
      .regex(/^(true|false|\d+|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, 'must be false, true, a hop count, or comma-separated proxy addresses/CIDRs'),
    sessionTtlSeconds: z.coerce.number().int().min(60),
    /** Jobs one worker process runs at once. */
    workerConcurrency: z.coerce.number().int().min(1).max(1000),
    /** A dead worker's jobs end as Unexpected error this long after its last heartbeat. */
    leaseSeconds: z.coerce.number().min(1),
    /** Fallback poll for new jobs (they normally wake workers through the change feed). */
    workerPollMs: z.coerce.number().int().min(10),
    /** How long a worker's SIGTERM waits for jobs in flight before stopping them. */
    workerGraceSeconds: z.coerce.number().min(0),
    /** Terraform Cloud / Enterprise API base URL and token, for `ita-by-terraform-cloud-ep-execute`. */
    terraformCloudUrl: z.url(),
    terraformCloudToken: z.string().min(1),
    /** A fleet run stays owned by its orchestrator this long without renewal; then another one resumes it. */
    fleetLeaseSeconds: z.coerce.number().min(0.5),
    /** How often an orchestrator looks for new runs and operator changes (pause, resume, retry). */
    fleetPollMs: z.coerce.number().int().min(10),
  })
  .partial()
  .strict();

export type Options = z.infer<typeof optionsSchema>;

/** Options with every default applied and units spelled out in the names. */
export interface CompiledOptions {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly database: DatabaseLocation;
  readonly adminUser: string;
  /** Undefined when the operator gave none: the first start generates one and prints it once. */
  readonly adminPassword: string | undefined;
  readonly logLevel: NonNullable<Options['logLevel']>;
  readonly retryAfterSeconds: number;
  readonly refusalHttpStatus: 498 | 503;
  readonly bodyLimitBytes: number;
  readonly sqlitePollMs: number;
  /** Fastify's trustProxy. */
  readonly trustProxy: boolean | number | string;
  readonly loginRateLimit: {
    readonly failuresBeforeDelay: number;
    readonly maxFailuresPerAddress: number;
    readonly windowMs: number;
  };
  readonly sessionTtlMs: number;
  readonly worker: {
    readonly concurrency: number;
    readonly leaseMs: number;
    readonly pollMs: number;
    readonly graceMs: number;
  };
  readonly terraformCloud: { readonly url: string | undefined; readonly token: string | undefined };
  readonly fleetLeaseMs: number;
  readonly fleetPollMs: number;
}

/** Where the store lives. Only `store/open-store.ts` turns this into an adapter. */
export type DatabaseLocation = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };
