import { EventEmitter } from 'node:events';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { LANGUAGES, type Language } from '../i18n/language.js';
import { nowTimestamp } from '../store/clock.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { backyardKinds, backyardNames, familyOf, isCounted, statusName, type Backyard } from './kinds/registry.js';

/** One in-flight job as the execute-check lists it. */
export interface InFlightJob {
  readonly id: string;
  readonly last_update_timestamp: string;
  readonly status_id: string;
  readonly status_name: string;
  /** drydock: the job's worker stopped renewing its lease; it will end as an unexpected error. */
  readonly lease_expired: boolean;
  /** drydock: when the job started, for "how long has it been running". */
  readonly started_at: string | null;
}

/** The columns of a job row the execute-check shows. */
export interface InFlightJobRow {
  readonly id: string;
  readonly last_update_timestamp: string;
  readonly status_id: string;
  readonly lease_expires_at: string | null;
  readonly started_at: string | null;
}

/** A job row as the execute-check lists it, `now` deciding whether its lease expired. */
export function toInFlightJob(j: InFlightJobRow, backyard: Backyard, language: Language, now: string): InFlightJob {
  return {
    id: j.id,
    last_update_timestamp: j.last_update_timestamp,
    status_id: j.status_id,
    status_name: statusName(backyard, j.status_id, language),
    lease_expired: j.lease_expires_at !== null && j.lease_expires_at < now,
    started_at: j.started_at,
  };
}

/** drydock: the jobs of one workspace and backyard that could start now and have not (`selectHeldBack`). */
export interface HeldBack {
  readonly organization_id: string;
  readonly workspace_id: string;
  readonly backyard: string;
  readonly count: number;
}

export interface ExecuteCheck {
  readonly execute_count: number;
  readonly organizations: ReadonlyArray<{
    readonly id: string;
    readonly execute_count: number;
    readonly workspaces: ReadonlyArray<{
      readonly id: string;
      readonly execute_count: number;
      /** Read-only: the workspaces without jobs in flight share one frozen value (see NO_JOBS). */
      readonly backyards: Readonly<Record<Backyard, readonly InFlightJob[]>>;
    }>;
  }>;
  /**
   * drydock: how many jobs could start now and have not — Unexecuted, or scheduled and due — apart
   * from the jobs in flight: while a switch stops claims they are held back and start when it goes
   * off; otherwise a worker takes them shortly. Every job counts here (a conductor that has not
   * started has no driver jobs yet).
   */
  readonly held_back_count: number;
  /** drydock: the same per organization, workspace and backyard (only where there are some), in that order. */
  readonly held_back: readonly HeldBack[];
}

/**
 * Every in-flight job across every organization and workspace (empty ones listed too, every backyard
 * key present), with counts that exclude conductor rows but include the driver jobs a conductor
 * started.
 *
 * Two set-based statements whatever the number of tenants: the tenants, and the in-flight jobs
 * through the partial index on `in_flight = 1`, so a million finished jobs cost nothing. (The
 * original system loops over workspaces with a query each.)
 *
 * At 100 organizations × 100 workspaces the Node side is most of the cost, so it is kept lean
 * (bench/execute-check.ts measures it against the straightforward construction, which
 * test/support/execute-check-reference.ts keeps and test/execute-check.test.ts checks it against,
 * byte for byte): 10,000 workspace rows cost more to receive than the one row per organization of
 * selectTenants, and each workspace's object is built with as few allocations as it can be.
 */
export async function executeCheck(db: Kysely<Database>, language: Language): Promise<ExecuteCheck> {
  const now = nowTimestamp();
  const [tenants, jobs, heldBackRows] = await Promise.all([selectTenants(db), selectInFlightJobs(db), selectHeldBack(db, now)]);
  // Jobs by organization, then workspace: lookups by the ids we hold, where one map keyed by
  // `${org}\0${ws}` built and hashed a new string for each of the 10,000 workspaces (1 ms).
  const jobsByOrg = new Map<string, Map<string, typeof jobs>>();
  for (const j of jobs) {
    let byWorkspace = jobsByOrg.get(j.organization_id);
    if (!byWorkspace) jobsByOrg.set(j.organization_id, (byWorkspace = new Map<string, typeof jobs>()));
    const list = byWorkspace.get(j.workspace_id);
    if (list) list.push(j);
    else byWorkspace.set(j.workspace_id, [j]);
  }
  let total = 0;
  const orgs = tenants.map((o) => {
    let orgCount = 0;
    const jobsByWorkspace = jobsByOrg.get(o.id);
    const wss = (o.workspace_ids === null ? [] : o.workspace_ids.split(',')).map((wsId) => {
      const mine = jobsByWorkspace?.get(wsId);
      if (!mine) return { id: wsId, execute_count: 0, backyards: NO_JOBS };
      const backyards = emptyBackyards();
      let count = 0;
      for (const j of mine) {
        const backyard = j.backyard as Backyard;
        backyards[backyard]?.push(toInFlightJob(j, backyard, language, now));
        if (isCounted(backyard)) count++;
      }
      orgCount += count;
      return { id: wsId, execute_count: count, backyards };
    });
    total += orgCount;
    return { id: o.id, execute_count: orgCount, workspaces: wss };
  });
  const heldBack = heldBackRows.map((r) => ({
    organization_id: r.organization_id,
    workspace_id: r.workspace_id,
    backyard: r.backyard,
    count: Number(r.count),
  }));
  return { execute_count: total, organizations: orgs, held_back_count: heldBack.reduce((n, r) => n + r.count, 0), held_back: heldBack };
}

/**
 * Every organization in id order, with its workspaces' ids in id order joined by commas (null when
 * it has none). A comma cannot occur in an id (tenancy/ids.ts: letters, digits, `_` and `-`), so
 * splitting gives the ids back. `string_agg(… ORDER BY …)` is the same on PostgreSQL and on SQLite
 * (3.44 and later; better-sqlite3 bundles its own), and orders with the column's collation as an
 * ORDER BY over the rows would. One row per organization instead of one per workspace, because rows
 * cost more to receive than to aggregate: on the bench's data the 10,000 workspace rows took
 * 3–5 ms at best (6–11 ms p50 on a loaded machine), the 100 aggregated rows 1.5–2.5 ms (3–7 ms).
 */
function selectTenants(db: Kysely<Database>) {
  return db
    .selectFrom('organizations as o')
    .select((eb) => [
      'o.id',
      eb
        .selectFrom('workspaces as w')
        .whereRef('w.organization_id', '=', 'o.id')
        .select(sql<string>`string_agg(w.id, ',' ORDER BY w.id)`.as('ids'))
        .as('workspace_ids'),
    ])
    .orderBy('o.id')
    .execute();
}

/** The in-flight jobs, oldest first, through the partial index on `in_flight = 1`. */
function selectInFlightJobs(db: Kysely<Database>) {
  return db
    .selectFrom('backyard_jobs')
    .select(['id', 'organization_id', 'workspace_id', 'backyard', 'status_id', 'last_update_timestamp', 'lease_expires_at', 'started_at'])
    .where('in_flight', '=', 1)
    .orderBy('created_at')
    .execute();
}

/**
 * The jobs that could start now and have not, counted per organization, workspace and backyard: in
 * Unexecuted (`1` in every family), or in their family's scheduled status with the time come — what
 * the claim selects (store/job-claim.ts). Through the claimable partial index (statuses 1, 2, 9).
 */
export function selectHeldBack(db: Kysely<Database>, now: string) {
  const scheduled = scheduledStatuses();
  return db
    .selectFrom('backyard_jobs')
    .select(['organization_id', 'workspace_id', 'backyard', (eb) => eb.fn.countAll<number>().as('count')])
    .where('status_id', 'in', ['1', ...scheduled.keys()])
    .where((w) =>
      w.or([
        w('status_id', '=', '1'),
        ...[...scheduled].map(([status, backyards]) => w.and([w('status_id', '=', status), w('backyard', 'in', backyards), w('scheduled_at', '<=', now)])),
      ]),
    )
    .groupBy(['organization_id', 'workspace_id', 'backyard'])
    .orderBy('organization_id')
    .orderBy('workspace_id')
    .orderBy('backyard')
    .execute();
}

/** Each family's scheduled status with the backyards whose jobs wait in it. */
function scheduledStatuses(): Map<string, string[]> {
  const byStatus = new Map<string, string[]>();
  for (const kind of backyardKinds()) {
    const status = familyOf(kind.name as Backyard).scheduled;
    if (status === null) continue;
    byStatus.set(status, [...(byStatus.get(status) ?? []), kind.name]);
  }
  return byStatus;
}

/** Every backyard's name, in the registry's order: the order of the keys in the JSON. */
const BACKYARDS = backyardNames();

/**
 * A new object with an empty list under every backyard, keys in BACKYARDS order (the JSON's order).
 * Filled by plain assignment: `Object.fromEntries(BACKYARDS.map(…))` allocated an entry pair per key
 * and was most of the execute-check's time at 10,000 workspaces (on the bench's data, building
 * the response from the rows took 18–21 ms p50 that way, 2.4–3.9 ms this way with the maps of
 * executeCheck).
 */
function emptyBackyards(): Record<Backyard, InFlightJob[]> {
  const backyards = {} as Record<Backyard, InFlightJob[]>;
  for (const b of BACKYARDS) backyards[b] = [];
  return backyards;
}

/**
 * The backyards of every workspace with nothing in flight — nearly all of them (9,590 of the bench's
 * 10,000) — as one shared value instead of an object and seven arrays each. Those 80,000 objects
 * were what the garbage collector spent its time on: sharing this halved executeCheck's p50 on a
 * loaded machine (bench data, interleaved: PostgreSQL 20–24 → 9–12 ms, SQLite 9–18 → 6–10 ms).
 * Safe because nothing changes a check once built: the route and the stream only serialize it
 * (JSON.stringify, Fastify's default), and the type is read-only. Frozen, lists included, so
 * code that tried anyway would throw instead of changing every empty workspace at once.
 */
const NO_JOBS: Readonly<Record<Backyard, readonly InFlightJob[]>> = (() => {
  const backyards = emptyBackyards();
  for (const b of BACKYARDS) Object.freeze(backyards[b]);
  return Object.freeze(backyards);
})();

/**
 * Pushes the execute-check to subscribers (the server-sent-events stream) whenever it changes.
 * It recomputes on job notifications (coalesced) and on a slow poll as a fallback, once for all
 * subscribers of the process, and only while someone is subscribed.
 */
export class ExecuteCheckFeed {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #events = new EventEmitter();
  readonly #last = new Map<Language, string>();
  #subscribers = 0;
  #unsubscribe: (() => void) | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  #scheduled = false;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    store: Store,
    logger: Logger,
    readonly pollMs = 1000,
  ) {
    this.#store = store;
    this.#logger = logger;
    this.#events.setMaxListeners(0);
  }

  /** Calls `listener` with the current check at once and again after every change. */
  subscribe(language: Language, listener: (check: ExecuteCheck) => void): () => void {
    let last: string | undefined;
    const deliver = (lang: Language, check: ExecuteCheck, text: string) => {
      if (lang !== language || text === last) return;
      last = text;
      listener(check);
    };
    this.#events.on('check', deliver);
    if (this.#subscribers++ === 0) this.#startFollowing();
    // The first check goes out through the same ordered recomputation as every later one, so no
    // subscriber gets an older check after a newer one. Forgetting the last text makes it go out
    // even if nothing changed; subscribers that already have it skip it.
    this.#last.delete(language);
    this.#schedule();
    return () => {
      this.#events.off('check', deliver);
      if (--this.#subscribers === 0) this.#stopFollowing();
    };
  }

  #startFollowing(): void {
    this.#unsubscribe = this.#store.onChange((e) => {
      if (e.topic !== 'settings') this.#schedule();
    });
    this.#poll = setInterval(() => this.#schedule(), this.pollMs);
    this.#poll.unref();
  }

  #stopFollowing(): void {
    this.#unsubscribe?.();
    if (this.#poll) clearInterval(this.#poll);
    this.#last.clear();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      // One recomputation at a time, in order: checks reach subscribers in the order they were read.
      this.#chain = this.#chain.then(() => this.#recompute());
    });
  }

  async #recompute(): Promise<void> {
    for (const language of LANGUAGES) {
      if (this.#events.listenerCount('check') === 0) return;
      try {
        const check = await executeCheck(this.#store.db, language);
        const text = JSON.stringify(check);
        if (this.#last.get(language) === text) continue;
        this.#last.set(language, text);
        this.#events.emit('check', language, check, text);
      } catch (err) {
        this.#logger.warn({ err }, 'execute-check failed');
      }
    }
  }
}
