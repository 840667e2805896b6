/**
 * What the upgrade and restart tests share: a "previous release" install (this source on the
 * previous schema version, as release N would run: a store made with `drydock migrate --to N`,
 * served with `serve --no-migrate --pid-file`), the checks on what a load saw during an upgrade,
 * and the table-by-table comparison of the store before and after.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LATEST_SCHEMA_VERSION } from '../../src/store/migrations/index.js';
import { ADMIN, seedTenants } from './app.js';
import { createTestDatabase, type BackendName, type TestDatabase } from './backends.js';
import { adminEnv, describeRun, onTestProcessExit, runCli } from './cli.js';
import { ensureConsoleBuilt } from './console-build.js';
import { httpCall } from './http.js';
import { describeSamples, type LoadResult, type LoadSample } from './read-write-load.js';
import { FAST_BACKYARD_ENV, registerRecord, startServer } from './runbook.js';
import { stopDetached, type ServeProcess } from './serve-process.js';
import { differingTables, withoutAddedColumns, type StoreDump } from './tables.js';

export const PREVIOUS_SCHEMA = LATEST_SCHEMA_VERSION - 1;

/** A release-N install: a store at `schema` and a server of it (with a pid file, so with a control socket). */
export interface OldInstall {
  readonly db: TestDatabase;
  readonly dir: string;
  readonly pidFile: string;
  readonly serve: ServeProcess;
  readonly port: string;
  /** The environment `drydock upgrade local` (and so the servers it starts) runs with. */
  readonly env: Record<string, string>;
  /** The pid in the pid file now (the server answering, after hand-overs). */
  servingPid(): number;
  close(): Promise<void>;
}

export async function installPrevious(backend: BackendName, schema = PREVIOUS_SCHEMA): Promise<OldInstall> {
  const db = await createTestDatabase(backend);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-upgrade-'));
  const migrated = await runCli(['migrate', '--to', String(schema), '--json'], { DRYDOCK_DATABASE_URL: db.url });
  assert.equal(migrated.code, 0, describeRun(migrated));
  assert.equal((JSON.parse(migrated.stdout) as { schemaVersion: number }).schemaVersion, schema);
  const pidFile = path.join(dir, 'drydock.pid');
  // The servers a hand-over or `upgrade local` starts are detached from this test: stop them by
  // the pid file whatever happens to this test process.
  const forget = onTestProcessExit(() => stopDetached(pidFile));
  const processEnv = { DRYDOCK_DATABASE_URL: db.url, DRYDOCK_DATA_DIR: dir, ...FAST_BACKYARD_ENV };
  const serve = await startServer(processEnv, ['--no-migrate', '--pid-file', pidFile]);
  const port = new URL(serve.url).port;
  assert.equal(readFileSync(pidFile, 'utf8').trim(), String(serve.child.pid), 'serve --pid-file wrote its pid');
  return {
    db,
    dir,
    pidFile,
    serve,
    port,
    env: {
      ...processEnv,
      ...adminEnv(serve.url, ADMIN),
      DRYDOCK_HOST: '127.0.0.1',
      DRYDOCK_PORT: port,
      DRYDOCK_ADMIN_USER: ADMIN.user,
      DRYDOCK_ADMIN_PASSWORD: ADMIN.password,
    },
    servingPid: () => Number(readFileSync(pidFile, 'utf8').trim()),
    close: async () => {
      await serve.stop('SIGKILL');
      stopDetached(pidFile);
      forget();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The server at `url` as a test caller (the one a hand-over started is not a child of this test). */
export const at = (url: string) => ({
  call: (o: Parameters<typeof httpCall>[1]) => httpCall(url, o),
  admin: (o: Omit<Parameters<typeof httpCall>[1], 'auth'>) => httpCall(url, { ...o, auth: { basic: [ADMIN.user, ADMIN.password] } }),
});

export async function health(url: string): Promise<{ status: number; schema: number | undefined }> {
  const r = await httpCall(url, { url: '/api/healthz' });
  return { status: r.status, schema: r.body?.data?.schema_version };
}

/** Data in every part the API offers: tenants, users, a menu with records, one more organization made with the CLI. */
export async function addData(i: OldInstall): Promise<void> {
  await seedTenants(i.serve);
  for (const host of ['alpha', 'beta']) assert.equal((await registerRecord(i.serve, host)).status, 200);
  const r = await runCli(['org', 'create', 'org9', '--name', 'Org 9'], i.env);
  assert.equal(r.code, 0, describeRun(r));
}

/** The path of one of the console's scripts, named in its index.html (built first if needed). */
export async function consoleScript(url: string): Promise<string> {
  ensureConsoleBuilt();
  const html = await (await fetch(`${url}/`)).text();
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(script, `the console's HTML names a script:\n${html.slice(0, 500)}`);
  return script;
}

/** Tables a maintenance run changes on purpose: the switches, their audit, and (SQLite) the audit's counter. */
export const MAINTENANCE_TABLES = ['maintenance_settings', 'maintenance_audit', 'sqlite_sequence'];

/** Tables the load writes to: its records, and their unique values. */
const LOAD_TABLES = ['menu_records', 'menu_record_unique_values'];

/**
 * The store after an upgrade (or a rolled-back one) under load, table by table: every table the
 * upgrade and the load did not touch is identical; the tables an upgrade adds are empty (but the
 * records' history, which holds the registrations made after the migration); the
 * records are those from before plus exactly the ones whose registration was answered 200 (none
 * lost, none invented), and the records from before are unchanged.
 */
export function assertStoreAfterLoad(
  before: StoreDump,
  after: StoreDump,
  load: LoadResult,
  options: {
    migrated: boolean;
    /** Tables the test itself changed on purpose (and checks otherwise), e.g. a job that ran to its end. */ alsoChanged?: readonly string[];
  },
): void {
  const added = Object.keys(after.rows).filter((t) => !(t in before.rows));
  for (const t of added.filter((x) => x !== HISTORY_TABLE)) assert.deepEqual(after.rows[t], [], `${t}, added by the upgrade, is empty`);
  if (HISTORY_TABLE in after.rows) assertHistoryOfAcceptedWrites(before, after);
  assert.deepEqual(
    Object.keys(before.rows).filter((t) => !(t in after.rows)),
    [],
    'no table was dropped',
  );
  const except = [
    ...MAINTENANCE_TABLES,
    ...LOAD_TABLES,
    HISTORY_TABLE,
    ...added,
    ...(options.migrated ? ['schema_migrations'] : []),
    ...(options.alsoChanged ?? []),
  ];
  assert.deepEqual(differingTables(before, withoutAddedColumns(before, after), except), [], 'every table but the maintenance and load tables identical');

  const hostsOf = (dump: StoreDump) => dump.rows.menu_records!.map((row) => (JSON.parse(JSON.parse(row).parameter as string) as { host: string }).host).sort();
  assert.deepEqual(hostsOf(after), [...hostsOf(before), ...load.acceptedHosts].sort(), 'the records: those from before and every accepted write, nothing else');
  const afterRows = new Set(after.rows.menu_records);
  for (const row of before.rows.menu_records!) assert.ok(afterRows.has(row), `a record from before is unchanged: ${row}`);
}

/** The records' history (migration 8): the load's registrations add to it, whether the upgrade added it or it was there. */
const HISTORY_TABLE = 'menu_record_journal';

/**
 * The records' history after the load: what it held before is kept as it was (the migration, if it
 * added the table, invents none), and each entry since is one INSERT of a registered record as it is.
 */
function assertHistoryOfAcceptedWrites(before: StoreDump, after: StoreDump): void {
  const old = new Set(before.rows[HISTORY_TABLE] ?? []);
  const kept = new Set(after.rows[HISTORY_TABLE]);
  for (const row of old) assert.ok(kept.has(row), `history from before the upgrade is kept as it was: ${row}`);
  const records = new Map(
    after.rows.menu_records!.map((row) => {
      const r = JSON.parse(row) as { id: string; parameter: string };
      return [r.id, r.parameter] as const;
    }),
  );
  const seen = new Set<string>();
  for (const row of after.rows[HISTORY_TABLE]!.filter((r) => !old.has(r))) {
    const h = JSON.parse(row) as { record_id: string; action: string; parameter: string };
    assert.equal(h.action, 'INSERT', `the load only registers: ${row}`);
    assert.equal(h.parameter, records.get(h.record_id), `history of a record that is in the store, as it is: ${row}`);
    assert.ok(!seen.has(h.record_id), `one entry per registration: ${row}`);
    seen.add(h.record_id);
  }
}

/** When read-only mode was on, from the audit: the last time it went on, and when it went off after that. */
export async function readOnlyWindow(url: string): Promise<{ on: number; off: number }> {
  const r = await at(url).admin({ url: '/api/platform/maintenance-mode-setting/audit?limit=100' });
  assert.equal(r.status, 200, r.text);
  const flag = (v: unknown) => v === true || v === '1' || v === 1;
  const entries = (r.body.data as Array<{ changed_at: string; before: { data_update_stop: unknown }; after: { data_update_stop: unknown } }>).reverse();
  let onIndex = -1;
  entries.forEach((e, i) => {
    if (!flag(e.before.data_update_stop) && flag(e.after.data_update_stop)) onIndex = i;
  });
  assert.ok(onIndex >= 0, 'read-only mode was turned on');
  const off = entries.slice(onIndex).find((e) => flag(e.before.data_update_stop) && !flag(e.after.data_update_stop));
  assert.ok(off, 'read-only mode was turned off again');
  return { on: Date.parse(entries[onIndex]!.changed_at), off: Date.parse(off.changed_at) };
}

/**
 * How long after read-only mode went off a process's cached switches may still say on: the time a
 * NOTIFY (or SQLite's data_version poll) takes to reach it under load. Only the guard reads that
 * cache; the transaction reads the store (docs/decisions/maintenance-gate.md).
 */
const GUARD_CACHE_LAG_MS = 1000;

/**
 * What the load saw is what the issue promises: no read failed; every write got 200, or 498 with
 * Retry-After and a 498 code; and a 498 only while read-only mode was on (answered after it went
 * on, sent before it went off; 5 ms for the clocks of two processes) — or, refused by the guard
 * from its cached switches, within the cache's documented lag after it went off. A refusal by the
 * transaction after the switch went off would be a real fault, and fails.
 */
export function assertLoadClean(load: LoadResult, window: { on: number; off: number } | undefined): void {
  assert.ok(load.reads > 50, `the load sent reads (${load.reads})`);
  assert.deepEqual(load.failedReads.length, 0, `0 failed reads of ${load.reads}:\n${describeSamples(load.failedReads)}`);
  assert.deepEqual(load.badWrites.length, 0, `every write was 200 or a read-only refusal:\n${describeSamples(load.badWrites)}`);
  if (window === undefined) {
    assert.equal(load.refusedWrites.length, 0, 'no write was refused');
    return;
  }
  const afterOff = (s: LoadSample) => s.sentAt > window.off + (s.refusedBy === 'guard' ? GUARD_CACHE_LAG_MS : 5);
  const outside = load.refusedWrites.filter((s) => s.doneAt < window.on - 5 || afterOff(s));
  assert.deepEqual(
    outside.length,
    0,
    `498 only while read-only was on (${new Date(window.on).toISOString()} – ${new Date(window.off).toISOString()}):\n${describeSamples(outside)}`,
  );
}
