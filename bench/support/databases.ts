import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type Backend = 'sqlite' | 'postgres';

/** A fresh, empty database for one benchmark: what DRYDOCK_DATABASE_URL says for it, and how to remove it. */
export interface BenchDatabase {
  readonly backend: Backend;
  readonly url: string;
  drop(): Promise<void>;
  /**
   * Cancels every statement running on the database (PostgreSQL; nothing to do on SQLite, whose one
   * connection lives in this process): a stuck benchmark's blocked statements fail and roll back,
   * so its store can close. Unlike `drop`, no connection is cut, so no pooled client errors out.
   */
  cancelQueries(): Promise<void>;
}

let counter = 0;

/** A new SQLite file in a temporary directory, or a new database on the given PostgreSQL cluster. */
export async function createDatabase(backend: Backend, postgresAdminUrl?: () => Promise<string>): Promise<BenchDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-bench-'));
    return {
      backend,
      url: path.join(dir, 'drydock.sqlite'),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
      cancelQueries: async () => {},
    };
  }
  if (!postgresAdminUrl) throw new Error('a PostgreSQL database needs a cluster');
  const admin = await postgresAdminUrl();
  const name = `bench_${process.pid}_${counter++}`;
  const run = async (statement: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(statement, values);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  return {
    backend,
    url: admin.replace(/\/postgres$/, `/${name}`),
    drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    cancelQueries: () => run(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()`, [name]),
  };
}
