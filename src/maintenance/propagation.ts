import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { readMaintenance, type MaintenanceState } from './mode.js';
import { writesRefused } from './switches.js';

/**
 * Each process's in-memory copy of the switches, for refusals that cost no query.
 *
 * It is refreshed on every `settings` change (LISTEN/NOTIFY on PostgreSQL, in-process events plus a
 * data_version poll on SQLite) and on `resync`. While the PostgreSQL change feed is reconnecting the
 * copy is *untrusted*: the guard then lets writes through to the in-transaction gate, which reads the
 * store itself. After reconnecting, the copy is re-read before it is trusted again.
 */
export class MaintenanceCache {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #events = new EventEmitter();
  readonly #unsubscribe: Array<() => void> = [];
  #state: MaintenanceState;
  #trusted = true;
  #reloading: Promise<void> | undefined;
  #again = false;

  private constructor(store: Store, logger: Logger, initial: MaintenanceState) {
    this.#store = store;
    this.#logger = logger;
    this.#state = initial;
    this.#events.setMaxListeners(0);
  }

  /** Loads the current state and starts following changes. */
  static async start(store: Store, logger: Logger): Promise<MaintenanceCache> {
    const cache = new MaintenanceCache(store, logger, await readMaintenance(store.db));
    cache.#trusted = store.feedState() === 'live';
    cache.#unsubscribe.push(
      store.onChange((e) => {
        if (e.topic !== 'jobs') void cache.reload();
      }),
      store.onFeedState((state) => {
        if (state !== 'live') cache.#trusted = false;
      }),
    );
    return cache;
  }

  /** The last state seen. For display; decisions that must be exact read the store. */
  get state(): MaintenanceState {
    return this.#state;
  }

  /** Whether `state` is known to be current (no change can have been missed). */
  get trusted(): boolean {
    return this.#trusted;
  }

  /** True when writes may be refused without asking the store. */
  refusesWrites(): boolean {
    return this.#trusted && writesRefused(this.#state);
  }

  /** Called after every refresh with the new state. */
  onUpdate(listener: (state: MaintenanceState) => void): () => void {
    this.#events.on('update', listener);
    return () => this.#events.off('update', listener);
  }

  /** Re-reads the store. Coalesces overlapping calls; a call during a read triggers one more read. */
  reload(): Promise<void> {
    if (this.#reloading) {
      this.#again = true;
      return this.#reloading;
    }
    this.#reloading = (async () => {
      do {
        this.#again = false;
        const liveBefore = this.#store.feedState() === 'live';
        try {
          this.#state = await readMaintenance(this.#store.db);
          // Trust only a read that started while the feed was live: a change committed
          // before the read is in it, and any later one will arrive as an event.
          this.#trusted = liveBefore && this.#store.feedState() === 'live';
          this.#events.emit('update', this.#state);
        } catch (err) {
          this.#trusted = false;
          this.#logger.warn({ err }, 'could not re-read maintenance settings');
        }
      } while (this.#again);
    })().finally(() => {
      this.#reloading = undefined;
    });
    return this.#reloading;
  }

  close(): void {
    for (const u of this.#unsubscribe.splice(0)) u();
  }
}
