import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { MIGRATIONS } from '../migrations/index.js';
import { migrate } from '../migrations/migrator.js';
import type { Database } from '../schema.js';
import type { ChangeListener, ChangeTopic, FeedState, GateLock, Store, StoreCapabilities, Switches } from '../store.js';
import { PostgresChangeFeed } from './postgres-change-feed.js';
import { ADVISORY_LOCK, CHANGE_CHANNEL } from './postgres-locks.js';
import { postgresMigrationRunner, postgresSchemaVersion } from './postgres-migrator.js';
import { connectionConfig } from './postgres-types.js';
import { snapshotPostgres } from './postgres-snapshot.js';

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
  return new PostgresStore(pool, feed, options.url);
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
  #gateFunction: Promise<boolean> | undefined;

  readonly #url: string;

  constructor(pool: pg.Pool, feed: PostgresChangeFeed, url: string) {
    this.#url = url;
    this.#pool = pool;
    this.#feed = feed;
    this.db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }

  async transaction<T>(lock: GateLock, fn: (trx: Transaction<Database>, switches: Switches) => Promise<T>): Promise<T> {
    const gateFunction = await this.#hasGateFunction();
    return this.db.transaction().execute(async (trx) => {
      const key = ADVISORY_LOCK.gate.toString();
      let row: { backyard_execute_stop: number; data_update_stop: number } | undefined;
      if (lock === 'shared' && gateFunction) {
        // Lock and read in one round trip (migration 003 explains why it is still exact).
        row = (await sql<typeof row & object>`SELECT * FROM drydock_gate_shared(${key}::bigint)`.execute(trx)).rows[0];
      } else {
        // The read must be a statement of its own after the lock: a snapshot taken in the same
        // statement as the wait would predate the toggle it waited for.
        if (lock === 'exclusive') await sql`SELECT pg_advisory_xact_lock(${key}::bigint)`.execute(trx);
        else await sql`SELECT pg_advisory_xact_lock_shared(${key}::bigint)`.execute(trx);
        row = await trx
          .selectFrom('maintenance_settings')
          .select(['backyard_execute_stop', 'data_update_stop'])
          .where('id', '=', 1)
          .executeTakeFirst();
      }
      return fn(trx, { backyard_execute_stop: row?.backyard_execute_stop === 1, data_update_stop: row?.data_update_stop === 1 });
    });
  }

  /**
   * Whether the store's schema has the one-round-trip gate function (migration 003). Asked once;
   * an older schema (a release running against its predecessor's schema during an upgrade) uses two
   * statements instead.
   */
  #hasGateFunction(): Promise<boolean> {
    this.#gateFunction ??= sql<{ f: string | null }>`SELECT to_regprocedure('drydock_gate_shared(bigint)')::text AS f`
      .execute(this.db)
      .then((r) => Boolean(r.rows[0]?.f))
      .catch(() => false);
    const known = this.#gateFunction;
    // Until a migration adds it, keep asking (cheap, and only before the schema is current).
    void known.then((has) => {
      if (!has && this.#gateFunction === known) this.#gateFunction = undefined;
    });
    return known;
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

  async migrate(targetVersion?: number) {
    return migrate(postgresMigrationRunner(this.#pool), MIGRATIONS, targetVersion);
  }

  async schemaVersion(): Promise<number> {
    return postgresSchemaVersion(this.#pool);
  }

  async snapshot(destination: string): Promise<{ format: 'pg_dump' }> {
    await snapshotPostgres(this.#url, destination);
    return { format: 'pg_dump' };
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
