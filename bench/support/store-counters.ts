import { performance } from 'node:perf_hooks';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, Transaction, UnknownRow } from 'kysely';
import type { Database } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';

/** What a counted store was asked to do since the last reset. */
export interface StoreCounts {
  /** Calls of `store.transaction` that committed or rolled back. */
  readonly transactions: number;
  /** Of those, the ones that rolled back (the body or the commit threw: an error, a deadlock, a lost lease). */
  readonly rolledBack: number;
  /**
   * Statements sent inside those transactions by the caller. Not counted: BEGIN/COMMIT and, on
   * PostgreSQL, the store's own gate-lock statement (one per transaction).
   */
  readonly statementsInTransactions: number;
  /** Statements sent through `store.db`, outside any transaction (reads). */
  readonly statementsOutside: number;
  /** Statements by Kysely node kind (`SelectQueryNode`, `UpdateQueryNode`, …), inside and outside. */
  readonly byKind: Readonly<Record<string, number>>;
  /** Summed over transactions: call → commit, including the wait for the connection (and the gate lock). */
  readonly transactionMs: number;
  /** Summed over transactions: the caller's body starts → commit, i.e. while it held a connection. */
  readonly heldMs: number;
}

/** A store that counts what goes through it, and how to read and reset the counts. */
export interface CountedStore {
  readonly store: Store;
  counts(): StoreCounts;
  reset(): void;
}

/**
 * Wraps a store so that every transaction and every statement is counted (benchmarks only). The
 * statements are seen by a Kysely plugin on `db` and on each transaction handed to the caller; the
 * cost is a counter increment per statement and two `performance.now()` per transaction, far
 * below a statement's. Everything else is the store's own (a proxy, like `withoutGateLock`).
 */
export function withCounters(store: Store): CountedStore {
  let transactions = 0;
  let rolledBack = 0;
  let inside = 0;
  let outside = 0;
  let byKind: Record<string, number> = {};
  let transactionMs = 0;
  let heldMs = 0;

  const plugin = (onStatement: () => void): KyselyPlugin => ({
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      onStatement();
      byKind[args.node.kind] = (byKind[args.node.kind] ?? 0) + 1;
      return args.node;
    },
    transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return Promise.resolve(args.result);
    },
  });
  const insidePlugin = plugin(() => inside++);
  const db = store.db.withPlugin(plugin(() => outside++));
  // notifyOnCommit must see the store's own transaction object, not the counting wrapper of it.
  const original = new WeakMap<Transaction<Database>, Transaction<Database>>();

  const transaction: Store['transaction'] = async (lock, fn) => {
    const called = performance.now();
    let entered = called;
    try {
      return await store.transaction(lock, (trx, switches) => {
        entered = performance.now();
        const counted = trx.withPlugin(insidePlugin);
        original.set(counted, trx);
        return fn(counted, switches);
      });
    } catch (err) {
      rolledBack++;
      throw err;
    } finally {
      const ended = performance.now();
      transactions++;
      transactionMs += ended - called;
      heldMs += ended - entered;
    }
  };
  const notifyOnCommit: Store['notifyOnCommit'] = (trx, topic) => store.notifyOnCommit(original.get(trx) ?? trx, topic);

  const counted = new Proxy(store, {
    get(target, prop) {
      if (prop === 'db') return db;
      if (prop === 'transaction') return transaction;
      if (prop === 'notifyOnCommit') return notifyOnCommit;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    store: counted,
    counts: () => ({ transactions, rolledBack, statementsInTransactions: inside, statementsOutside: outside, byKind: { ...byKind }, transactionMs, heldMs }),
    reset: () => {
      transactions = rolledBack = inside = outside = 0;
      transactionMs = heldMs = 0;
      byKind = {};
    },
  };
}
