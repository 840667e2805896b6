import { copyFile, rm, stat } from 'node:fs/promises';
import BetterSqlite3 from 'better-sqlite3';
import { RestoreRefusedError } from '../../errors.js';

/**
 * A consistent copy of a live SQLite store through SQLite's online backup API: other processes may
 * keep reading (and, if the operator forced it, writing) while it runs.
 */
export async function snapshotSqlite(raw: BetterSqlite3.Database, destination: string): Promise<void> {
  await raw.backup(destination);
}

/**
 * Puts a snapshot in place of the store file. The store must not be open in any process (stop
 * drydock first); a non-empty target is replaced only with `force`.
 */
export async function restoreSqlite(snapshot: string, target: string, force: boolean): Promise<void> {
  const existing = await stat(target).catch(() => undefined);
  if (existing && existing.size > 0 && !force) {
    const db = new BetterSqlite3(target, { readonly: true });
    const tables = (db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number }).n;
    db.close();
    if (tables > 0) {
      throw new RestoreRefusedError(`${target} already holds a drydock store: restore into a fresh location, or pass --force to replace it.`);
    }
  }
  for (const suffix of ['-wal', '-shm']) await rm(target + suffix, { force: true });
  await copyFile(snapshot, target);
}
