import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How many prepared statements a store keeps: every statement text the code has, with room for IN lists of several lengths. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Kysely's SQLite driver sees it, with prepared statements kept for reuse.
 *
 * Kysely's driver calls `prepare` for every statement it runs, and preparing (SQLite parsing and
 * planning the text) costs more than running most of ours. Kysely compiles the same query to the
 * same text with its values as parameters, so statements are kept by text, the least recently used
 * dropped past `capacity` (an IN list gives one text per length). Reuse is safe: a better-sqlite3
 * statement is reset after every run, whatever the outcome, so it carries nothing from one use (or
 * one transaction) to the next; whether it returns rows (`reader`, true for `… RETURNING`) belongs
 * to its text; SQLite prepares a kept statement again by itself when the schema changed under it. A
 * statement still busy (a streamed SELECT whose loop runs the same query) is not shared: that use
 * gets a statement of its own.
 */
export function withStatementCache(raw: BetterSqlite3.Database, capacity = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const kept = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      kept.clear();
      raw.close();
    },
    prepare(sql: string): SqliteStatement {
      const found = kept.get(sql);
      if (found && !found.busy) {
        // Map order is insertion order: taking it out and putting it back makes it the most recent.
        kept.delete(sql);
        kept.set(sql, found);
        return found;
      }
      const statement = raw.prepare(sql);
      if (found) return statement;
      kept.set(sql, statement);
      if (kept.size > capacity) kept.delete(kept.keys().next().value!);
      return statement;
    },
  };
}
