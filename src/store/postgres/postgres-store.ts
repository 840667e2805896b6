import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { MIGRATIONS } from '../migrations/index.js';
import { migrate } from '../migrations/migrator.js';
import { nowTimestamp, timestampIn } from '../clock.js';
import { claimInGateTransaction } from '../job-claim.js';
import { SWITCH_IDS, fromColumns, type SwitchColumns, type SwitchValues } from '../../maintenance/switches.js';
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
import { PostgresChangeFeed } from './postgres-change-feed.js';
import { ADVISORY_LOCK, CHANGE_CHANNEL } from './postgres-locks.js';
import { postgresAppliedSteps, postgresMigrationRunner, postgresSchemaVersion } from './postgres-migrator.js';
import type { AppliedStep, Migration } from '../migrations/migration.js';
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

/** Functions later migrations add, by `to_regprocedure` signature: used once the schema has them. */
const GATE_FUNCTION = 'drydock_gate_shared(bigint)';
const CLAIM_FUNCTION = 'drydock_claim(bigint,text,text,text,text,timestamptz,timestamptz,integer)';

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
    kind: 'postgres',
  };
  readonly #pool: pg.Pool;
  readonly #feed: PostgresChangeFeed;
  readonly #functions = new Map<string, Promise<boolean>>();

  readonly #url: string;

  constructor(pool: pg.Pool, feed: PostgresChangeFeed, url: string) {
    this.#url = url;
    this.#pool = pool;
    this.#feed = feed;
    this.db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }

  async transaction<T>(lock: GateLock, fn: (trx: Transaction<Database>, switches: SwitchValues) => Promise<T>): Promise<T> {
    const gateFunction = await this.#hasFunction(GATE_FUNCTION);
    return this.db.transaction().execute(async (trx) => {
      const key = ADVISORY_LOCK.gate.toString();
      let row: Partial<SwitchColumns> | undefined;
      if (lock === 'shared' && gateFunction) {
        // Lock and read in one round trip (migration 003 explains why it is still exact).
        row = (await sql<Partial<SwitchColumns>>`SELECT * FROM drydock_gate_shared(${key}::bigint)`.execute(trx)).rows[0];
      } else if (lock === 'exclusive') {
        await sql`SELECT pg_advisory_xact_lock(${key}::bigint)`.execute(trx);
      } else {
        await sql`SELECT pg_advisory_xact_lock_shared(${key}::bigint)`.execute(trx);
      }
      const columns = Object.keys(row ?? {});
      if (SWITCH_IDS.some((id) => !columns.includes(id))) {
        // Without the function, or when it returns fewer switches than this release knows: read
        // them in a statement of their own after the lock (a snapshot taken in the same statement
        // as the wait would predate the toggle it waited for). The whole row, so that a switch this
        // release knows but the schema does not have yet (before its migration) reads as off.
        row = await trx.selectFrom('maintenance_settings').selectAll().where('id', '=', 1).executeTakeFirst();
      }
      return fn(trx, fromColumns(row));
    });
  }

  async claimJobs(claim: JobClaim): Promise<BackyardJobsTable[]> {
    if (!(await this.#hasFunction(CLAIM_FUNCTION))) return claimInGateTransaction(this, claim);
    // One autocommit statement, no BEGIN/COMMIT: the function takes the gate lock, and the claim
    // after it sees a toggle committed during the wait (migration 006). The times are taken here,
    // just before the call, from the clock every other timestamp comes from; `started_at` is then
    // raised past the last toggle under the lock, which keeps it in commit order with the toggles.
    const now = nowTimestamp();
    const result = await sql<BackyardJobsTable>`
      SELECT * FROM drydock_claim(${ADVISORY_LOCK.gate.toString()}::bigint, ${claim.backyard}::text, ${claim.claimedStatus}::text,
        ${claim.scheduledStatus}::text, ${claim.owner}::text, ${now}::timestamptz, ${timestampIn(claim.leaseMs)}::timestamptz,
        ${claim.limit}::integer)`.execute(this.db);
    return result.rows;
  }

  /**
   * Whether the store's schema has `signature`, a function a migration added: the one-round-trip
   * gate (003) and claim (006). Asked once per function; on an older schema (a release running
   * against its predecessor's during an upgrade) the caller uses the statements the function
   * stands for instead.
   */
  #hasFunction(signature: string): Promise<boolean> {
    const cached = this.#functions.get(signature);
    if (cached) return cached;
    const known = sql<{ f: string | null }>`SELECT to_regprocedure(${signature})::text AS f`
      .execute(this.db)
      .then((r) => Boolean(r.rows[0]?.f))
      .catch(() => false);
    this.#functions.set(signature, known);
    // Until a migration adds it, keep asking (cheap, and only before the schema is current).
    void known.then((has) => {
      if (!has && this.#functions.get(signature) === known) this.#functions.delete(signature);
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

  async migrate(targetVersion?: number, migrations: readonly Migration[] = MIGRATIONS) {
    return migrate(postgresMigrationRunner(this.#pool), migrations, targetVersion);
  }

  async appliedSteps(aboveVersion: number): Promise<AppliedStep[]> {
    return postgresAppliedSteps(this.#pool, aboveVersion);
  }

  readonly #schema = new SchemaWatermark();

  async hasSchema(version: number): Promise<boolean> {
    return this.#schema.reached(version, () => this.schemaVersion());
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

  constraintViolation(err: unknown): 'unique' | 'foreign-key' | undefined {
    const code = (err as { code?: unknown } | null)?.code;
    // SQLSTATE 23505 unique_violation, 23503 foreign_key_violation.
    return code === '23505' ? 'unique' : code === '23503' ? 'foreign-key' : undefined;
  }

  async close(): Promise<void> {
    await this.#feed.close();
    await this.db.destroy();
    // Kysely ends the pool only if it ever ran a query through it; a process that used the pool
    // alone (`drydock migrate`) would otherwise wait for pg's 10 s idle timeout before it exits.
    if (!this.#pool.ended) await this.#pool.end();
  }
}
