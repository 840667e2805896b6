import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import { MIGRATIONS } from '../migrations/index.js';
import { migrate } from '../migrations/migrator.js';
import { claimInGateTransaction } from '../job-claim.js';
import type { BackyardJobsTable, Database } from '../schema.js';
import {
  SchemaWatermark,
  type ChangeListener,
  type ChangeTopic,
  type FeedState,
  type GateLock,
  type JobClaim,
  type Store,
  type StoreCapabilities,
} from '../store.js';
import { fromColumns, type SwitchColumns, type SwitchValues } from '../../maintenance/switches.js';
import { immediateSqliteDialect } from './sqlite-dialect.js';
import { sqliteAppliedSteps, sqliteMigrationRunner } from './sqlite-migrator.js';
import type { AppliedStep, Migration } from '../migrations/migration.js';
import { snapshotSqlite } from './sqlite-snapshot.js';
import { withStatementCache } from './statement-cache.js';

export interface SqliteStoreOptions {
  readonly path: string;
  /** How often to look for commits by other processes on the same file. */
  readonly pollMs: number;
  readonly logger: Logger;
}

/** Opens (and creates) a SQLite store: WAL journal, foreign keys on, a busy timeout for other processes. */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  return new SqliteStore(options);
}

/**
 * SQLite adapter. One connection per process (Kysely serialises its use); other processes on the
 * same file are ordered by SQLite's writer lock, waited for up to `busy_timeout`.
 */
class SqliteStore implements Store {
  readonly db: Kysely<Database>;
  readonly capabilities: StoreCapabilities;
  readonly #raw: BetterSqlite3.Database;
  readonly #events = new EventEmitter();
  readonly #pending = new WeakMap<Transaction<Database>, Set<ChangeTopic>>();
  readonly #poller: ReturnType<typeof setInterval> | undefined;
  readonly #watcher: BetterSqlite3.Database | undefined;
  #switchStatement: BetterSqlite3.Statement | undefined;

  constructor(options: SqliteStoreOptions) {
    const inMemory = options.path === ':memory:';
    if (!inMemory) mkdirSync(path.dirname(options.path), { recursive: true });
    this.#raw = new BetterSqlite3(options.path);
    this.#raw.pragma('journal_mode = WAL');
    this.#raw.pragma('synchronous = NORMAL');
    this.#raw.pragma('foreign_keys = ON');
    // Another process holding the writer lock makes BEGIN IMMEDIATE wait this long, not fail.
    this.#raw.pragma('busy_timeout = 10000');
    // Kysely prepares every statement it runs; the cache prepares each text once (statement-cache.ts).
    this.db = new Kysely<Database>({ dialect: immediateSqliteDialect({ database: withStatementCache(this.#raw) }) });
    this.capabilities = { changeDelivery: 'poll', multiHost: false, skipLocked: false, description: `sqlite ${options.path}`, kind: 'sqlite' };
    this.#events.setMaxListeners(0);

    if (!inMemory) {
      // `PRAGMA data_version` changes on this connection whenever any *other* connection commits,
      // our own writer connection included: one cheap query tells whether anything changed.
      const watcher = new BetterSqlite3(options.path, { readonly: false });
      watcher.pragma('busy_timeout = 1000');
      this.#watcher = watcher;
      let seen = watcher.pragma('data_version', { simple: true }) as number;
      this.#poller = setInterval(() => {
        try {
          const now = watcher.pragma('data_version', { simple: true }) as number;
          if (now !== seen) {
            seen = now;
            this.#events.emit('change', { topic: 'resync' });
          }
        } catch (err) {
          options.logger.warn({ err }, 'sqlite change poll failed');
        }
      }, options.pollMs);
      this.#poller.unref();
    }
  }

  async transaction<T>(_lock: GateLock, fn: (trx: Transaction<Database>, switches: SwitchValues) => Promise<T>): Promise<T> {
    // Both lock kinds are the writer lock taken by BEGIN IMMEDIATE (see sqlite-dialect.ts).
    let topics: Set<ChangeTopic> | undefined;
    const result = await this.db.transaction().execute(async (trx) => {
      topics = new Set();
      this.#pending.set(trx, topics);
      return fn(trx, this.#readSwitches());
    });
    for (const topic of topics ?? []) this.#events.emit('change', { topic });
    return result;
  }

  /**
   * The switches, read on the writer connection inside the open transaction with a prepared
   * statement (a few microseconds; a Kysely query costs several times that). The whole row, so that
   * a switch this release knows but the schema does not have yet (before its migration) reads as off.
   */
  #readSwitches(): SwitchValues {
    this.#switchStatement ??= this.#raw.prepare('SELECT * FROM maintenance_settings WHERE id = 1');
    return fromColumns(this.#switchStatement.get() as Partial<SwitchColumns> | undefined);
  }

  claimJobs(claim: JobClaim): Promise<BackyardJobsTable[]> {
    // A transaction is the claim's cheapest exact form here: BEGIN IMMEDIATE orders it against a
    // toggle, and none of its statements leaves the process.
    return claimInGateTransaction(this, claim);
  }

  async notifyOnCommit(trx: Transaction<Database>, topic: ChangeTopic): Promise<void> {
    const topics = this.#pending.get(trx);
    if (!topics) throw new Error('notifyOnCommit called outside a store transaction');
    topics.add(topic);
  }

  onChange(listener: ChangeListener): () => void {
    this.#events.on('change', listener);
    return () => this.#events.off('change', listener);
  }

  onFeedState(_listener: (state: FeedState) => void): () => void {
    // Polling a local file cannot lose a connection: the feed is always live.
    return () => {};
  }

  feedState(): FeedState {
    return 'live';
  }

  async migrate(targetVersion?: number, migrations: readonly Migration[] = MIGRATIONS) {
    return migrate(sqliteMigrationRunner(this.#raw), migrations, targetVersion);
  }

  async appliedSteps(aboveVersion: number): Promise<AppliedStep[]> {
    return sqliteAppliedSteps(this.#raw, aboveVersion);
  }

  readonly #schema = new SchemaWatermark();

  async hasSchema(version: number): Promise<boolean> {
    return this.#schema.reached(version, () => this.schemaVersion());
  }

  async schemaVersion(): Promise<number> {
    const table = this.#raw.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
    if (!table) return 0;
    return (this.#raw.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  }

  async snapshot(destination: string): Promise<{ format: 'sqlite' }> {
    await snapshotSqlite(this.#raw, destination);
    return { format: 'sqlite' };
  }

  isUnavailableError(err: unknown): boolean {
    const code = (err as { code?: unknown } | null)?.code;
    return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
  }

  constraintViolation(err: unknown): 'unique' | 'foreign-key' | undefined {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
    return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ? 'foreign-key' : undefined;
  }

  async close(): Promise<void> {
    if (this.#poller) clearInterval(this.#poller);
    this.#watcher?.close();
    await this.db.destroy();
  }
}
