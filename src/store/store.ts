import type { Kysely, Transaction } from 'kysely';
import type { SwitchValues } from '../maintenance/switches.js';
import type { AppliedStep, Migration, MigrationReport } from './migrations/migration.js';
import type { BackyardJobsTable, Database } from './schema.js';

/**
 * How a transaction relates to the maintenance gate.
 * - `shared`: an ordinary write. It holds the shared side of the gate lock until it commits, so it
 *   either commits before a toggle of the switches or starts after it (and then sees it).
 * - `exclusive`: a change of the maintenance switches. It waits for every write in flight and
 *   blocks new ones until it commits.
 * SQLite needs no extra lock for either: every transaction is BEGIN IMMEDIATE, so the single
 * writer lock already orders them.
 */
export type GateLock = 'shared' | 'exclusive';

/**
 * A claim of backyard jobs as the store runs it; the caller (backyard/claim.ts) decides the statuses
 * from the job's family. Runnable means Unexecuted (`'1'` in every family), or in `scheduledStatus`
 * and due. The store takes the timestamps from store/clock.ts.
 */
export interface JobClaim {
  readonly backyard: string;
  /** The status a claimed job enters. */
  readonly claimedStatus: string;
  /** The family's "waiting for its start time" status; null when the family has none. */
  readonly scheduledStatus: string | null;
  /** Written to `lease_owner`. */
  readonly owner: string;
  /** At most this many jobs, oldest first. */
  readonly limit: number;
  readonly leaseMs: number;
}

/** Topics announced to every process on commit: `settings` (switches, log levels), `jobs` (a job was registered or asked to stop). */
export type ChangeTopic = 'settings' | 'jobs';

/** What differs between backends, as flags instead of `if (backend)`. */
export interface StoreCapabilities {
  /** `push`: changes arrive by LISTEN/NOTIFY; `poll`: a process notices other processes' commits by polling. */
  readonly changeDelivery: 'push' | 'poll';
  /** Several processes on several machines may share this store. */
  readonly multiHost: boolean;
  /** Row locks with SKIP LOCKED, so concurrent claimers pass over each other's rows (PostgreSQL). */
  readonly skipLocked: boolean;
  /** A short description for logs and the operator (the SQLite file's path included): never used for branching. */
  readonly description: string;
  /**
   * The backend's name and nothing else, for answers anyone may read (GET /api/healthz is public):
   * the description's file path is this machine's business, not a caller's. Never used for branching.
   */
  readonly kind: 'sqlite' | 'postgres';
}

/** Called when a topic changed, or with `resync` when delivery may have missed changes. */
export type ChangeListener = (event: { topic: ChangeTopic | 'resync' }) => void;

/** State of the change feed: a cache built on it may be trusted only while `live`. */
export type FeedState = 'live' | 'reconnecting';

/** The store port. Domain code talks to this and to Kysely, never to a driver. */
export interface Store {
  /** For reads outside a transaction. */
  readonly db: Kysely<Database>;
  readonly capabilities: StoreCapabilities;

  /**
   * Runs `fn` in one transaction holding the gate lock, and hands it the switches read after the
   * lock was granted: the values the transaction is ordered against (see maintenance/gate.ts).
   * Commits when `fn` resolves, rolls back when it throws.
   */
  transaction<T>(lock: GateLock, fn: (trx: Transaction<Database>, switches: SwitchValues) => Promise<T>): Promise<T>;

  /**
   * Claims up to `claim.limit` runnable jobs of one backyard, oldest first, and returns them as
   * claimed. Gated like a `shared` transaction, with the maintenance predicate in the claim
   * statement: it claims nothing while either switch is on, and once a toggle turning one on has
   * committed, no claim commits. A port method rather than a statement in a transaction because it
   * is the workers' hot path and the backends run it differently: PostgreSQL in one round trip
   * (migration 006's function; a transaction of four round trips on an older schema), SQLite in a
   * BEGIN IMMEDIATE transaction, which costs no round trip (store/job-claim.ts).
   */
  claimJobs(claim: JobClaim): Promise<BackyardJobsTable[]>;

  /** Announces `topic` to every process (this one included) when `trx` commits. */
  notifyOnCommit(trx: Transaction<Database>, topic: ChangeTopic): Promise<void>;

  /** Subscribes to change events; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void;

  /** Subscribes to the state of change delivery. */
  onFeedState(listener: (state: FeedState) => void): () => void;

  /** The current feed state. */
  feedState(): FeedState;

  /**
   * Brings the schema to the latest version (or to `targetVersion`, for tests and staged upgrades)
   * under a cross-process lock. `migrations` is a release's list of steps: this binary's by default
   * (a test passes a later release's list to put the store ahead of this binary).
   */
  migrate(targetVersion?: number, migrations?: readonly Migration[]): Promise<MigrationReport>;

  /** The steps applied above `aboveVersion`, with the compatibility each recorded. */
  appliedSteps(aboveVersion: number): Promise<AppliedStep[]>;

  /** The schema version recorded in the store (0 for an empty store). */
  schemaVersion(): Promise<number>;

  /**
   * Whether the store's schema has reached `version`: what a release running on its predecessor's
   * schema (during an upgrade) asks before it uses something a later step added. Once true it is
   * remembered (a schema only moves forward), so the question costs nothing on an up-to-date store.
   */
  hasSchema(version: number): Promise<boolean>;

  /**
   * Whether an error means the store could not be reached or was too busy (connection refused or
   * cut, server shutting down, SQLite writer lock held past the busy timeout). The HTTP layer answers
   * those with 503 and Retry-After instead of 500: nothing was written, the caller may retry.
   */
  isUnavailableError(err: unknown): boolean;

  /**
   * Whether an error is the store refusing a write that would break a uniqueness or foreign-key
   * constraint. Handlers check before they write (name taken? workspace there?), but under READ
   * COMMITTED a concurrent request can get in between — two creates of one name, a menu created in
   * a workspace being deleted — and the constraint refuses the second write. The HTTP layer answers
   * 409 (nothing was written; read again and retry) instead of 500. Other constraints (NOT NULL,
   * CHECK) are not listed: breaking them is a bug.
   */
  constraintViolation(err: unknown): 'unique' | 'foreign-key' | undefined;

  /**
   * Writes a consistent snapshot of the whole store to `destination` (SQLite online backup;
   * pg_dump's custom format) and says which backend's format it is.
   */
  snapshot(destination: string): Promise<{ format: 'sqlite' | 'pg_dump' }>;

  /** Closes connections and stops the change feed. */
  close(): Promise<void>;
}

/** Parses a JSON column (text on both backends). */
export function parseJson<T = unknown>(text: string): T {
  return JSON.parse(text) as T;
}

/** Remembers the highest schema version a store has shown, so `hasSchema` asks the store only until it is reached. */
export class SchemaWatermark {
  #reached = 0;

  async reached(version: number, read: () => Promise<number>): Promise<boolean> {
    if (this.#reached >= version) return true;
    this.#reached = Math.max(this.#reached, await read());
    return this.#reached >= version;
  }
}
