import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from 'pino';
import type { ChangeListener, ChangeTopic, FeedState } from '../store.js';
import { CHANGE_CHANNEL } from './postgres-locks.js';
import { connectionConfig } from './postgres-types.js';

const TOPICS: ReadonlySet<string> = new Set<ChangeTopic>(['settings', 'jobs']);

/**
 * LISTEN on a dedicated connection. When the connection is lost the feed goes to `reconnecting`
 * (caches built on it must stop trusting themselves), reconnects with backoff, and after LISTEN is
 * back emits `resync` so every cache re-reads the state it may have missed.
 *
 * A ping every `pingMs` finds connections that died without a FIN (a cut network).
 */
export class PostgresChangeFeed {
  readonly #events = new EventEmitter();
  readonly #url: string;
  readonly #logger: Logger;
  readonly #pingMs: number;
  #client: pg.Client | undefined;
  #state: FeedState = 'reconnecting';
  #closed = false;
  #retryMs = 50;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ping: ReturnType<typeof setInterval> | undefined;

  constructor(url: string, logger: Logger, pingMs = 2000) {
    this.#url = url;
    this.#logger = logger;
    this.#pingMs = pingMs;
    this.#events.setMaxListeners(0);
  }

  /** Connects; resolves once LISTEN is in place (or rejects if the first attempt fails). */
  async start(): Promise<void> {
    await this.#connect();
  }

  get state(): FeedState {
    return this.#state;
  }

  onChange(listener: ChangeListener): () => void {
    this.#events.on('change', listener);
    return () => this.#events.off('change', listener);
  }

  onState(listener: (state: FeedState) => void): () => void {
    this.#events.on('state', listener);
    return () => this.#events.off('state', listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#ping) clearInterval(this.#ping);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(connectionConfig(this.#url));
    client.on('notification', (msg) => {
      if (msg.channel === CHANGE_CHANNEL && msg.payload && TOPICS.has(msg.payload)) {
        this.#events.emit('change', { topic: msg.payload as ChangeTopic });
      }
    });
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client, undefined));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    this.#client = client;
    this.#retryMs = 50;
    this.#ping = setInterval(() => {
      client.query('SELECT 1').catch((err: Error) => this.#lost(client, err));
    }, this.#pingMs);
    this.#ping.unref();
    this.#setState('live');
    // Anything may have changed while we were not listening.
    this.#events.emit('change', { topic: 'resync' });
  }

  #lost(client: pg.Client, err: Error | undefined): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = undefined;
    if (this.#ping) clearInterval(this.#ping);
    client.end().catch(() => {});
    this.#logger.warn({ err }, 'change feed connection lost; reconnecting');
    this.#setState('reconnecting');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#connect().catch((err: Error) => {
        this.#logger.warn({ err, retryMs: this.#retryMs }, 'change feed reconnect failed');
        this.#retryMs = Math.min(this.#retryMs * 2, 5000);
        this.#scheduleReconnect();
      });
    }, this.#retryMs);
    this.#timer.unref();
  }

  #setState(state: FeedState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#events.emit('state', state);
  }
}
