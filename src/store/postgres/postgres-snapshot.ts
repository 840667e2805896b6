import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { ConfigError, RestoreRefusedError } from '../../errors.js';

const run = promisify(execFile);

/** pg_dump / pg_restore must be on PATH; a missing one is an error naming the install command. */
async function tool(name: 'pg_dump' | 'pg_restore', args: string[]): Promise<void> {
  try {
    await run(name, args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new ConfigError(`${name} is not installed: apt-get install -y postgresql-client`);
    throw new Error(`${name} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/**
 * A consistent snapshot of the whole database with pg_dump's custom format: every table, sequence
 * and function, taken in one repeatable-read transaction (so it is consistent even while readers
 * run).
 */
export async function snapshotPostgres(url: string, destination: string): Promise<void> {
  await tool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${destination}`, `--dbname=${url}`]);
}

/**
 * Restores a snapshot into the database at `url` in one transaction. The database must exist; one
 * that already holds tables is replaced only with `force` (then its objects are dropped first).
 */
export async function restorePostgres(snapshot: string, url: string, force: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let tables: number;
  try {
    tables = Number(
      (await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = current_schema()`)).rows[0]?.n ?? 0,
    );
  } finally {
    await client.end();
  }
  if (tables > 0 && !force) {
    throw new RestoreRefusedError('The target database already holds tables: restore into a fresh database, or pass --force to replace them.');
  }
  await tool('pg_restore', [
    '--no-owner',
    '--no-privileges',
    '--single-transaction',
    '--exit-on-error',
    ...(tables > 0 ? ['--clean', '--if-exists'] : []),
    `--dbname=${url}`,
    snapshot,
  ]);
}
