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
    };
  }
  if (!postgresAdminUrl) throw new Error('a PostgreSQL database needs a cluster');
  const admin = await postgresAdminUrl();
  const name = `bench_${process.pid}_${counter++}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  return {
    backend,
    url: admin.replace(/\/postgres$/, `/${name}`),
    drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
