import { execFile, spawn } from 'node:child_process';
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
    if (e.code === 'ENOENT') throw new ConfigError(`${name} is not installed: apt-get install -y postgresql-client`, { cause: err });
    throw new Error(`${name} failed: ${e.stderr?.trim() || e.message}`, { cause: err });
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
 * that already holds tables is replaced only with `force` (then all its objects are dropped first,
 * in the same transaction).
 */
export async function restorePostgres(snapshot: string, url: string, force: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let tables: number;
  try {
    tables = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = current_schema()`)).rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
  if (tables > 0 && !force) {
    throw new RestoreRefusedError('The target database already holds tables: restore into a fresh database, or pass --force to replace them.');
  }
  if (tables === 0) {
    await tool('pg_restore', ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${url}`, snapshot]);
    return;
  }
  // Replacing: drop every object of the schema and restore, in ONE transaction. `pg_restore --clean`
  // would drop only the objects the snapshot has, leaving tables a newer schema added (a rolled-back
  // upgrade) behind, and the next upgrade's migration would then fail on them. pg_restore writes the
  // script, psql runs it after the drops with --single-transaction: any error rolls all of it back.
  await restoreReplacing(snapshot, url);
}

/** Drops every table, sequence and function of the current schema (the store's objects). */
const DROP_SCHEMA_OBJECTS = `DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', r.tablename);
  END LOOP;
  FOR r IN SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema() LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS %I CASCADE', r.sequence_name);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = current_schema() LOOP
    EXECUTE 'DROP FUNCTION IF EXISTS ' || r.sig || ' CASCADE';
  END LOOP;
END $$;`;

function restoreReplacing(snapshot: string, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const missing = (name: string) => new ConfigError(`${name} is not installed: apt-get install -y postgresql-client`);
    const dump = spawn('pg_restore', ['--no-owner', '--no-privileges', '--file=-', snapshot], { stdio: ['ignore', 'pipe', 'pipe'] });
    const psql = spawn(
      'psql',
      ['--no-psqlrc', '--quiet', '--single-transaction', '--set=ON_ERROR_STOP=1', `--dbname=${url}`, '--command', DROP_SCHEMA_OBJECTS, '--file=-'],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let errors = '';
    dump.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    psql.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    dump.stdout.pipe(psql.stdin);
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      dump.kill();
      psql.kill();
      reject(err);
    };
    dump.on('error', (err: NodeJS.ErrnoException) => fail(err.code === 'ENOENT' ? missing('pg_restore') : err));
    psql.on('error', (err: NodeJS.ErrnoException) => fail(err.code === 'ENOENT' ? missing('psql') : err));
    dump.on('exit', (code) => {
      if (code !== 0) fail(new Error(`pg_restore failed (exit ${code}): ${errors.trim()}`));
    });
    psql.on('exit', (code) => {
      if (code !== 0) fail(new Error(`psql failed while restoring (exit ${code}), nothing was changed: ${errors.trim()}`));
      else if (!failed) resolve();
    });
  });
}
