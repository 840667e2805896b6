import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import type { DatabaseLocation } from '../../src/config/options.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

/** Every store test runs once per backend. */
export const BACKENDS = ['sqlite', 'postgres'] as const;
export type BackendName = (typeof BACKENDS)[number];

let ownCluster: Promise<PostgresCluster> | undefined;

/**
 * The admin URL of the test cluster: the one `npm test` started (DRYDOCK_TEST_PG_URL), or, when a
 * file is run on its own, one started for this process and stopped when it ends.
 */
async function adminUrl(): Promise<string> {
  const fromRunner = process.env.DRYDOCK_TEST_PG_URL;
  if (fromRunner) return fromRunner;
  if (!ownCluster) {
    ownCluster = startPostgresCluster();
    after(async () => (await ownCluster!).stop());
  }
  return (await ownCluster).adminUrl;
}

/** A fresh, empty database of one backend, and how to remove it. */
export interface TestDatabase {
  readonly location: DatabaseLocation;
  /** What DRYDOCK_DATABASE_URL would say for it (for subprocesses). */
  readonly url: string;
  drop(): Promise<void>;
}

let counter = 0;

export async function createTestDatabase(backend: BackendName): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-sqlite-'));
    const file = path.join(dir, 'drydock.sqlite');
    return {
      location: { kind: 'sqlite', path: file },
      url: file,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = await adminUrl();
  const name = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = admin.replace(/\/postgres$/, `/${name}`);
  return {
    location: { kind: 'postgres', url },
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
