import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { MIGRATIONS } from '../migrations/index.js';
import { migrate } from '../migrations/migrator.js';
import type { Database } from '../schema.js';
import type { ChangeListener, ChangeTopic, FeedState, GateLock, Store, StoreCapabilities } from '../store.js';
import { PostgresChangeFeed } from './postgres-change-feed.js';
import { ADVISORY_LOCK, CHANGE_CHANNEL } from './postgres-locks.js';
import { postgresMigrationRunner, postgresSchemaVersion } from './postgres-migrator.js';
import { connectionConfig } from './postgres-types.js';

export interface PostgresStoreOptions {
  readonly url: string;
  readonly logger: Logger;
  readonly poolSize?: number;
}

/** Opens a PostgreSQL store and its change feed (LISTEN/NOTIFY). */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({ ...connectionConfig(options.url), max: options.poolSize ?? 20 });
  pool.on('error', (err) => options.logger.warn({ err }, 'idle PostgreSQL connection failed'));
  const feed = new PostgresChangeFeed(options.url, options.logger);
  try {
    await feed.start();
  } catch (err) {
    await pool.end();
    throw err;
  }
  return new PostgresStore(pool, feed);
}

/**
 * PostgreSQL adapter. Transactions are READ COMMITTED and take the gate lock first:
 * `pg_advisory_xact_lock_shared` for writes, `pg_advisory_xact_lock` for a switch toggle. Both are
 * released at commit, so a toggle waits for every write in flight and every later write waits for
 * the toggle — and, because READ COMMITTED gives each statement a fresh snapshot, the first
 * statement after the lock sees the toggle that was committed while it waited.
 */
class PostgresStore implements Store {
  readonly db: Kysely<Database>;
  readonly capabilities: StoreCapabilities = {
    changeDelivery: 'push',
    multiHost: true,
    skipLocked: true,
    description: 'postgres',
  };
  readonly #pool: pg.Pool;
  readonly #feed: PostgresChangeFeed;

  constructor(pool: pg.Pool, feed: PostgresChangeFeed) {
    this.#pool = pool;
    this.#feed = feed;
    this.db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }

  async transaction<T>(lock: GateLock, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      // The lock must be its own statement: a snapshot taken in the same statement as the wait
      // would predate the toggle it waited for.
      const key = ADVISORY_LOCK.gate.toString();
      if (lock === 'exclusive') await sql`SELECT pg_advisory_xact_lock(${key}::bigint)`.execute(trx);
      else await sql`SELECT pg_advisory_xact_lock_shared(${key}::bigint)`.execute(trx);
      return fn(trx);
    });
  }

  async notifyOnCommit(trx: Transaction<Database>, topic: ChangeTopic): Promise<void> {
    // NOTIFY is transactional: delivered to every listener (this process's included) at commit.
    await sql`SELECT pg_notify(${CHANGE_CHANNEL}, ${topic})`.execute(trx);
  }

  onChange(listener: ChangeListener): () => void {
    return this.#feed.onChange(listener);
  }

  onFeedState(listener: (state: FeedState) => void): () => void {
    return this.#feed.onState(listener);
  }

  feedState(): FeedState {
    return this.#feed.state;
  }

  async migrate() {
    return migrate(postgresMigrationRunner(this.#pool), MIGRATIONS);
  }

  async schemaVersion(): Promise<number> {
    return postgresSchemaVersion(this.#pool);
  }

  isUnavailableError(err: unknown): boolean {
    const e = err as { code?: unknown; message?: unknown } | null;
    const code = typeof e?.code === 'string' ? e.code : '';
    // Class 08: connection exceptions; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
    if (code.startsWith('08') || ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)) {
      return true;
    }
    return typeof e?.message === 'string' && /Connection terminated|timeout exceeded when trying to connect/i.test(e.message);
  }

  async close(): Promise<void> {
    await this.#feed.close();
    await this.db.destroy();
  }
}
