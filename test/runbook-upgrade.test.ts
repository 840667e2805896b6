/**
 * `drydock upgrade local` end to end (issue 4), on both backends. The "previous release" is this
 * source on the previous schema version: the store is created with `drydock migrate --to 3` and
 * served with `serve --no-migrate --pid-file`, as a release-3 install would run.
 * - expand/contract: the current code on the schema-3 store reads and writes (organizations,
 *   workspaces, menus, records) and drains, as docs/decisions/migrations.md promises;
 * - the upgrade with data present: exit 0, schema 4, the data intact (through the API and table by
 *   table), writable again, the pre-upgrade backup written;
 * - a forced health-check failure (the "new release" is a wrapper that migrates for real but cannot
 *   serve): exit 1, rolled back — the old release answers again on schema 3 with the data exactly as
 *   before (table by table, schema included) and writable.
 * The servers the upgrade starts are detached from it (they outlive it): the test stops them by
 * their pid file.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LATEST_SCHEMA_VERSION } from '../src/store/migrations/index.js';
import { ADMIN, ITA1, SEED, seedTenants } from './support/app.js';
import { BACKENDS, createTestDatabase, type BackendName, type TestDatabase } from './support/backends.js';
import { adminEnv, describeRun, DRYDOCK_COMMAND, onTestProcessExit, runCli } from './support/cli.js';
import { httpCall } from './support/http.js';
import { FAST_BACKYARD_ENV, hosts, readSetting, registerRecord, startServer } from './support/runbook.js';
import type { ServeProcess } from './support/serve-process.js';
import { snapshotData } from './support/snapshot.js';
import { differingTables, dumpStore, type StoreDump } from './support/tables.js';

const PREVIOUS_SCHEMA = LATEST_SCHEMA_VERSION - 1;

/** A release-N install: a store at the previous schema and a server of it, with data. */
interface OldInstall {
  db: TestDatabase;
  dir: string;
  pidFile: string;
  serve: ServeProcess;
  port: string;
  /** The environment `drydock upgrade local` (and so the servers it starts) runs with. */
  env: Record<string, string>;
  close(): Promise<void>;
}

async function installPrevious(backend: BackendName): Promise<OldInstall> {
  const db = await createTestDatabase(backend);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-upgrade-'));
  const migrated = await runCli(['migrate', '--to', String(PREVIOUS_SCHEMA), '--json'], { DRYDOCK_DATABASE_URL: db.url });
  assert.equal(migrated.code, 0, describeRun(migrated));
  assert.equal((JSON.parse(migrated.stdout) as { schemaVersion: number }).schemaVersion, PREVIOUS_SCHEMA);
  const pidFile = path.join(dir, 'drydock.pid');
  // The servers `upgrade local` starts are detached from it and from this test: stop them by their
  // pid file whatever happens to this test process.
  const forget = onTestProcessExit(() => stopDetached(pidFile));
  const processEnv = { DRYDOCK_DATABASE_URL: db.url, DRYDOCK_DATA_DIR: dir, ...FAST_BACKYARD_ENV };
  const serve = await startServer(processEnv, ['--no-migrate', '--pid-file', pidFile]);
  const port = new URL(serve.url).port;
  assert.equal(readFileSync(pidFile, 'utf8').trim(), String(serve.child.pid), 'serve --pid-file wrote its pid');
  const install: OldInstall = {
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
    close: async () => {
      await serve.stop('SIGKILL');
      stopDetached(pidFile);
      forget();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return install;
}

/** Kills the server a pid file names (one the upgrade started, detached from this test). */
function stopDetached(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** The server at `url` as a test caller (the one the upgrade started is not a child of this test). */
const at = (url: string) => ({
  call: (o: Parameters<typeof httpCall>[1]) => httpCall(url, o),
  admin: (o: Omit<Parameters<typeof httpCall>[1], 'auth'>) => httpCall(url, { ...o, auth: { basic: [ADMIN.user, ADMIN.password] } }),
});

async function health(url: string): Promise<{ status: number; schema: number | undefined }> {
  const r = await httpCall(url, { url: '/api/healthz' });
  return { status: r.status, schema: r.body?.data?.schema_version };
}

/** Data in every part the API offers: tenants, users, a menu with records, one more organization made with the CLI. */
async function addData(i: OldInstall): Promise<void> {
  await seedTenants(i.serve);
  for (const host of ['alpha', 'beta']) assert.equal((await registerRecord(i.serve, host)).status, 200);
  const r = await runCli(['org', 'create', 'org9', '--name', 'Org 9'], i.env);
  assert.equal(r.code, 0, describeRun(r));
}

/** Tables a maintenance run changes on purpose: the switches, their audit, and (SQLite) the audit's counter. */
const MAINTENANCE_TABLES = ['maintenance_settings', 'maintenance_audit', 'sqlite_sequence'];

/**
 * Every table of `before` is in `after` with the same rows. With `upgraded`, `after` may also have
 * the tables the new migrations add (expand steps), and they must be empty: a migration adds
 * structure, it does not invent data.
 */
function assertSameData(before: StoreDump, after: StoreDump, alsoExcept: string[] = [], upgraded = false): void {
  const added = Object.keys(after.rows).filter((t) => !(t in before.rows));
  if (upgraded) {
    for (const t of added) assert.deepEqual(after.rows[t], [], `${t}, added by the upgrade, is empty`);
    assert.deepEqual(Object.keys(before.rows).filter((t) => !(t in after.rows)), [], 'no table was dropped');
  } else {
    assert.deepEqual(Object.keys(after.rows), Object.keys(before.rows), 'the same tables');
  }
  assert.deepEqual(differingTables(before, after, [...MAINTENANCE_TABLES, ...alsoExcept, ...added]), [], 'every data table identical');
}

// The backends run side by side: most of each one's time is waiting for processes.
describe('upgrade local on every backend', { concurrency: 2 }, () => {
  for (const backend of BACKENDS) {
    describe(`drydock upgrade local (${backend})`, { concurrency: 1 }, () => {
      let old: OldInstall;
      let logFile: string;
      before(async () => {
        old = await installPrevious(backend);
        logFile = path.join(old.dir, 'upgrade.log');
        await addData(old);
      });
      after(async () => {
        await old?.close();
      });

      it(`expand/contract: the current code on a schema-${PREVIOUS_SCHEMA} store (serve --no-migrate) reads, writes and drains`, async () => {
        assert.deepEqual(await health(old.serve.url), { status: 200, schema: PREVIOUS_SCHEMA });
        // Organizations and workspaces through the CLI, a menu and its records through the API.
        for (const args of [
          ['org', 'create', 'org8', '--name', 'Org 8', '--manager', 'manager8', '--manager-password', 'manager8-password'],
          ['workspace', 'create', 'org8', 'ws8', '--name', 'Workspace 8'],
        ]) {
          const r = await runCli(args, old.env);
          assert.equal(r.code, 0, describeRun(r));
        }
        const listed = await runCli(['workspace', 'list', 'org8', '--json'], old.env);
        assert.equal(listed.code, 0, describeRun(listed));
        assert.deepEqual((JSON.parse(listed.stdout) as Array<{ id: string }>).map((w) => w.id), ['ws8']);
        const defined = await old.serve.call({
          method: 'POST',
          url: `${ITA1}/menu/`,
          auth: SEED.manager1,
          body: { menu: 'racks', title: 'Racks', columns: [{ name: 'rack', type: 'string', required: true, unique: true }] },
        });
        assert.equal(defined.status, 200, defined.text);
        assert.equal((await registerRecord(old.serve, 'delta')).status, 200);
        const records = await old.serve.call({ url: `${ITA1}/menu/${SEED.menu}/filter/`, auth: SEED.member1 });
        const delta = (records.body.data as Array<{ parameter: Record<string, string> }>).find((r) => r.parameter.host === 'delta')!.parameter;
        const updated = await old.serve.call({
          method: 'POST',
          url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
          auth: SEED.member1,
          body: [{ type: 'Update', parameter: { ...delta, port: '2222' } }],
        });
        assert.equal(updated.status, 200, updated.text);
        assert.deepEqual(await hosts(old.serve), ['alpha', 'beta', 'delta']);

        // A drain works too; the drain record needs schema 4, so on this schema it is not kept.
        const drained = await runCli(['drain', '--read-only'], old.env);
        assert.equal(drained.code, 0, describeRun(drained));
        assert.equal((await registerRecord(old.serve, 'refused')).status, 503);
        const resumed = await runCli(['resume'], old.env);
        assert.equal(resumed.code, 0, describeRun(resumed));
        const setting = await readSetting(old.serve);
        assert.deepEqual([setting.backyard_execute_stop, setting.data_update_stop], ['0', '0']);

        const rule = readFileSync(new URL('../docs/decisions/migrations.md', import.meta.url), 'utf8');
        assert.match(rule, /expand\/contract/i);
        assert.match(rule, /Release N\+1 must run against release N's schema/);
        assert.match(rule, /only \*adds\*/);
      });

      it(`upgrades from schema ${PREVIOUS_SCHEMA} with data present: exit 0, schema ${LATEST_SCHEMA_VERSION}, data intact, writable, backup written`, async () => {
        const before = await snapshotData(old.serve);
        const tablesBefore = await dumpStore(old.db.location);
        const backupDir = path.join(old.dir, 'backups');
        mkdirSync(backupDir);

        const r = await runCli(
          ['upgrade', 'local', '--old', DRYDOCK_COMMAND, '--new', DRYDOCK_COMMAND, '--pid-file', old.pidFile, '--backup-dir', backupDir, '--log-file', logFile, '--health-timeout', '90s', '--json'],
          old.env,
          { timeoutMs: 300_000 },
        );
        const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '(no log)');
        assert.equal(r.code, 0, `${describeRun(r)}\nlog:\n${log()}`);
        const report = JSON.parse(r.stdout) as { ok: boolean; rolledBack: boolean; schemaVersion: number; backupFile: string; steps: Array<{ step: string; status: string }> };
        assert.equal(report.ok, true);
        assert.equal(report.schemaVersion, LATEST_SCHEMA_VERSION);
        assert.deepEqual(
          report.steps.map((s) => [s.step, s.status]),
          [
            ['drain', 'Success'],
            ['backup', 'Success'],
            ['stop the old server', 'Success'],
            ['migrate', 'Success'],
            ['start the new server', 'Success'],
            ['health check', 'Success'],
            ['resume', 'Success'],
          ],
        );
        assert.ok(existsSync(report.backupFile), 'the pre-upgrade backup exists');
        assert.deepEqual(readdirSync(backupDir), [path.basename(report.backupFile)]);
        assert.notEqual(old.serve.child.exitCode, null, 'the old server was stopped');

        // The new server answers on the same address, with the new schema, writable, the data as before.
        const now = at(old.serve.url);
        assert.deepEqual(await health(old.serve.url), { status: 200, schema: LATEST_SCHEMA_VERSION });
        const newPid = Number(readFileSync(old.pidFile, 'utf8').trim());
        assert.notEqual(newPid, old.serve.child.pid, 'a new server process wrote the pid file');
        assert.deepEqual(await snapshotData(now), before, 'everything the API shows is unchanged');
        const tablesAfter = await dumpStore(old.db.location);
        assertSameData(tablesBefore, tablesAfter, ['schema_migrations'], true);
        assert.equal(tablesAfter.rows.schema_migrations!.length, tablesBefore.rows.schema_migrations!.length + 1, 'one migration applied');
        const setting = await readSetting(now);
        assert.deepEqual([setting.backyard_execute_stop, setting.data_update_stop, setting.drain_prior], ['0', '0', null]);
        const write = await registerRecord(now, 'after-upgrade');
        assert.equal(write.status, 200, write.text);
      });
    });

    describe(`drydock upgrade local: a failed health check rolls back (${backend})`, { concurrency: 1 }, () => {
      let old: OldInstall;
      before(async () => {
        old = await installPrevious(backend);
        await addData(old);
      });
      after(async () => {
        await old?.close();
      });

      it(`exit 1; the old release answers again on schema ${PREVIOUS_SCHEMA} with the data as before, writable`, async () => {
        // The "new release": migrates for real, but its server dies at once.
        const wrapper = path.join(old.dir, 'broken-drydock.sh');
        writeFileSync(
          wrapper,
          ['#!/bin/sh', 'if [ "$1" = serve ]; then echo "broken release: cannot serve" >&2; exit 1; fi', `exec ${DRYDOCK_COMMAND} "$@"`, ''].join('\n'),
        );
        chmodSync(wrapper, 0o755);
        const before = await snapshotData(old.serve);
        const tablesBefore = await dumpStore(old.db.location);
        const logFile = path.join(old.dir, 'upgrade.log');

        const r = await runCli(
          ['upgrade', 'local', '--old', DRYDOCK_COMMAND, '--new', wrapper, '--pid-file', old.pidFile, '--backup-dir', old.dir, '--log-file', logFile, '--health-timeout', '5s', '--json'],
          old.env,
          { timeoutMs: 300_000 },
        );
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '(no log)';
        assert.equal(r.code, 1, `${describeRun(r)}\nlog:\n${log}`);
        const report = JSON.parse(r.stdout) as { ok: boolean; rolledBack: boolean; steps: Array<{ step: string; status: string; detail?: string }> };
        assert.equal(report.ok, false);
        assert.equal(report.rolledBack, true);
        const steps = Object.fromEntries(report.steps.map((s) => [s.step, s.status]));
        assert.equal(steps.migrate, 'Success', 'the migration itself ran');
        assert.equal(steps['health check'], 'Error');
        for (const step of ['rollback: restore the backup', 'rollback: start the old server', 'rollback: resume']) assert.equal(steps[step], 'Success', step);
        assert.match(log, /broken release: cannot serve/, 'the new server did try to start');

        // The old release answers again, on the old schema, with the data exactly as before.
        const now = at(old.serve.url);
        assert.deepEqual(await health(old.serve.url), { status: 200, schema: PREVIOUS_SCHEMA });
        assert.deepEqual(await snapshotData(now), before, 'everything the API shows is unchanged');
        const tablesAfter = await dumpStore(old.db.location);
        assert.deepEqual(tablesAfter.columns, tablesBefore.columns, `the schema is release ${PREVIOUS_SCHEMA}'s again (no drain_prior column)`);
        assert.deepEqual(tablesAfter.objects, tablesBefore.objects);
        assertSameData(tablesBefore, tablesAfter);
        const setting = await readSetting(now);
        assert.deepEqual([setting.backyard_execute_stop, setting.data_update_stop], ['0', '0'], 'writable, jobs on');
        const write = await registerRecord(now, 'after-rollback');
        assert.equal(write.status, 200, write.text);
      });
    });
  }
});
