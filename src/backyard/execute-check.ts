import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Language } from '../maintenance/write-functions.js';
import { nowTimestamp } from '../store/clock.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { BACKYARDS, COUNTED, statusName, type Backyard } from './job-status.js';

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

export interface ExecuteCheck {
  readonly execute_count: number;
  readonly organizations: ReadonlyArray<{
    readonly id: string;
    readonly execute_count: number;
    readonly workspaces: ReadonlyArray<{
      readonly id: string;
      readonly execute_count: number;
      readonly backyards: Readonly<Record<Backyard, InFlightJob[]>>;
    }>;
  }>;
}

/**
 * Every in-flight job across every organization and workspace (empty ones listed too, every backyard
 * key present), with counts that exclude conductor rows but include the driver jobs a conductor
 * started.
 *
 * Three set-based queries whatever the number of tenants: organizations, workspaces, and the
 * in-flight jobs — the last through the partial index on `in_flight = 1`, so a million finished
 * jobs cost nothing. (The original system loops over workspaces with a query each.)
 */
export async function executeCheck(db: Kysely<Database>, language: Language): Promise<ExecuteCheck> {
  const [organizations, workspaces, jobs] = await Promise.all([
    db.selectFrom('organizations').select('id').orderBy('id').execute(),
    db.selectFrom('workspaces').select(['organization_id', 'id']).orderBy('organization_id').orderBy('id').execute(),
    db
      .selectFrom('backyard_jobs')
      .select(['id', 'organization_id', 'workspace_id', 'backyard', 'status_id', 'last_update_timestamp', 'lease_expires_at', 'started_at'])
      .where('in_flight', '=', 1)
      .orderBy('created_at')
      .execute(),
  ]);
  const now = nowTimestamp();
  const byWorkspace = new Map<string, typeof jobs>();
  for (const j of jobs) {
    const key = `${j.organization_id}\0${j.workspace_id}`;
    const list = byWorkspace.get(key);
    if (list) list.push(j);
    else byWorkspace.set(key, [j]);
  }
  const wsByOrg = new Map<string, string[]>();
  for (const w of workspaces) {
    const list = wsByOrg.get(w.organization_id);
    if (list) list.push(w.id);
    else wsByOrg.set(w.organization_id, [w.id]);
  }
  let total = 0;
  const orgs = organizations.map((o) => {
    let orgCount = 0;
    const wss = (wsByOrg.get(o.id) ?? []).map((wsId) => {
      const backyards = Object.fromEntries(BACKYARDS.map((b) => [b, [] as InFlightJob[]])) as Record<Backyard, InFlightJob[]>;
      let count = 0;
      for (const j of byWorkspace.get(`${o.id}\0${wsId}`) ?? []) {
        const backyard = j.backyard as Backyard;
        backyards[backyard]?.push({
          id: j.id,
          last_update_timestamp: j.last_update_timestamp,
          status_id: j.status_id,
          status_name: statusName(backyard, j.status_id, language),
          lease_expired: j.lease_expires_at !== null && j.lease_expires_at < now,
          started_at: j.started_at,
        });
        if (COUNTED[backyard]) count++;
      }
      orgCount += count;
      return { id: wsId, execute_count: count, backyards };
    });
    total += orgCount;
    return { id: o.id, execute_count: orgCount, workspaces: wss };
  });
  return { execute_count: total, organizations: orgs };
}

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

  constructor(store: Store, logger: Logger, readonly pollMs = 1000) {
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
    for (const language of ['ja', 'en'] as const) {
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
