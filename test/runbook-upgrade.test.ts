/**
 * `drydock upgrade local` end to end on both backends, beside test/upgrade-handover.test.ts (which
 * covers the default hand-over under load). The "previous release" is this source on the previous
 * schema version (test/support/upgrade.ts).
 * - expand/contract: the current code on the previous schema's store reads and writes
 *   (organizations, workspaces, menus, records) and drains, as docs/decisions/migrations.md promises;
 * - `--mode stop-start` with data present: exit 0, the new schema, the data intact (through the API
 *   and table by table), writable again, the pre-upgrade backup written;
 * - `--mode stop-start` with a forced health-check failure (the "new release" is a wrapper that
 *   migrates for real but cannot serve): exit 1, rolled back — the backup restored, the old release
 *   answers again on the previous schema with the data exactly as before (schema included), writable;
 * - a store one expand step ahead of this release: `serve` starts on it; one a contract step ahead:
 *   `serve` refuses, naming the step;
 * - a new release whose plan has a contract step before an expand step: the hand-over upgrade
 *   refuses before changing anything and says what to do.
 * The servers the upgrade starts are detached from it (they outlive it): the test stops them by
 * their pid file.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../src/store/migrations/index.js';
import type { Migration } from '../src/store/migrations/migration.js';
import { openStore } from '../src/store/open-store.js';
import { ITA1, SEED, seedTenants } from './support/app.js';
import { BACKENDS, createTestDatabase } from './support/backends.js';
import { describeRun, DRYDOCK_COMMAND, runCli } from './support/cli.js';
import { hosts, readSetting, registerRecord, startServer } from './support/runbook.js';
import { snapshotData } from './support/snapshot.js';
import { differingTables, dumpStore, withoutAddedColumns, type StoreDump } from './support/tables.js';
import { addData, at, health, installPrevious, MAINTENANCE_TABLES, PREVIOUS_SCHEMA, type OldInstall } from './support/upgrade.js';

/**
 * Every table of `before` is in `after` with the same rows. With `upgraded`, `after` may also have
 * the tables the new migrations add (expand steps), and they must be empty: a migration adds
 * structure, it does not invent data.
 */
function assertSameData(before: StoreDump, after: StoreDump, alsoExcept: string[] = [], upgraded = false): void {
  const added = Object.keys(after.rows).filter((t) => !(t in before.rows));
  if (upgraded) {
    for (const t of added) assert.deepEqual(after.rows[t], [], `${t}, added by the upgrade, is empty`);
    assert.deepEqual(
      Object.keys(before.rows).filter((t) => !(t in after.rows)),
      [],
      'no table was dropped',
    );
  } else {
    assert.deepEqual(Object.keys(after.rows), Object.keys(before.rows), 'the same tables');
  }
  // An upgrade's expand steps may add nullable columns: the rows from before hold null in them.
  const compared = upgraded ? withoutAddedColumns(before, after) : after;
  assert.deepEqual(differingTables(before, compared, [...MAINTENANCE_TABLES, ...alsoExcept, ...added]), [], 'every data table identical');
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
        assert.deepEqual(
          (JSON.parse(listed.stdout) as Array<{ id: string }>).map((w) => w.id),
          ['ws8'],
        );
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
        assert.equal((await registerRecord(old.serve, 'refused')).status, 498);
        const resumed = await runCli(['resume'], old.env);
        assert.equal(resumed.code, 0, describeRun(resumed));
        const setting = await readSetting(old.serve);
        assert.deepEqual([setting.backyard_execute_stop, setting.data_update_stop], ['0', '0']);

        const rule = readFileSync(new URL('../docs/decisions/migrations.md', import.meta.url), 'utf8');
        assert.match(rule, /expand\/contract/i);
        assert.match(rule, /Release N\+1 must run against release N's schema/);
        assert.match(rule, /only \*adds\*/);
      });

      it('a new release whose plan has a contract step before an expand step: refused before anything changes (exit 5), saying what to do', async () => {
        // A release N+3 as `upgrade local` sees it: its migration plan (the contract between the two
        // releases) names a contract step followed by an expand step.
        const plan = {
          schemaVersion: PREVIOUS_SCHEMA,
          latest: PREVIOUS_SCHEMA + 3,
          pending: [
            { version: PREVIOUS_SCHEMA + 1, name: 'add-things', compatibility: 'expand' },
            { version: PREVIOUS_SCHEMA + 2, name: 'drop-legacy', compatibility: 'contract' },
            { version: PREVIOUS_SCHEMA + 3, name: 'add-more', compatibility: 'expand' },
          ],
        };
        const release = path.join(old.dir, 'contracting-release.sh');
        writeFileSync(
          release,
          ['#!/bin/sh', `if [ "$1" = migrate ] && [ "$2" = --plan ]; then echo '${JSON.stringify(plan)}'; exit 0; fi`, `exec ${DRYDOCK_COMMAND} "$@"`, ''].join(
            '\n',
          ),
        );
        chmodSync(release, 0o755);
        const r = await runCli(
          ['upgrade', 'local', '--new', release, '--pid-file', old.pidFile, '--backup-dir', old.dir, '--log-file', logFile, '--json'],
          old.env,
        );
        assert.equal(r.code, 5, describeRun(r));
        const report = JSON.parse(r.stdout) as { serving: string; steps: Array<{ step: string; status: string; detail?: string }> };
        assert.deepEqual(
          report.steps.map((s) => [s.step, s.status]),
          [['check the plan', 'Error']],
        );
        assert.match(report.steps[0]!.detail!, new RegExp(`step ${PREVIOUS_SCHEMA + 2} \\(drop-legacy\\) is a contract step`));
        assert.match(report.steps[0]!.detail!, /Upgrade to the release that introduced step .* first|--mode stop-start/);
        assert.match(report.steps[0]!.detail!, /nothing was changed/);
        assert.equal(report.serving, 'old');
        const setting = await readSetting(old.serve);
        assert.deepEqual([setting.backyard_execute_stop, setting.data_update_stop], ['0', '0'], 'not even drained');
        assert.deepEqual(await health(old.serve.url), { status: 200, schema: PREVIOUS_SCHEMA });
      });

      it(`--mode stop-start upgrades from schema ${PREVIOUS_SCHEMA} with data present: exit 0, schema ${LATEST_SCHEMA_VERSION}, data intact, writable, backup written`, async () => {
        const before = await snapshotData(old.serve);
        const tablesBefore = await dumpStore(old.db.location);
        const backupDir = path.join(old.dir, 'backups');
        mkdirSync(backupDir);

        const r = await runCli(
          [
            'upgrade',
            'local',
            '--mode',
            'stop-start',
            '--old',
            DRYDOCK_COMMAND,
            '--new',
            DRYDOCK_COMMAND,
            '--pid-file',
            old.pidFile,
            '--backup-dir',
            backupDir,
            '--log-file',
            logFile,
            '--health-timeout',
            '90s',
            '--json',
          ],
          old.env,
          { timeoutMs: 300_000 },
        );
        const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '(no log)');
        assert.equal(r.code, 0, `${describeRun(r)}\nlog:\n${log()}`);
        const report = JSON.parse(r.stdout) as {
          ok: boolean;
          rolledBack: boolean;
          schemaVersion: number;
          backupFile: string;
          steps: Array<{ step: string; status: string }>;
        };
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

    describe(`drydock upgrade local --mode stop-start: a failed health check rolls back (${backend})`, { concurrency: 1 }, () => {
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
          [
            'upgrade',
            'local',
            '--mode',
            'stop-start',
            '--old',
            DRYDOCK_COMMAND,
            '--new',
            wrapper,
            '--pid-file',
            old.pidFile,
            '--backup-dir',
            old.dir,
            '--log-file',
            logFile,
            '--health-timeout',
            '5s',
            '--json',
          ],
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

    describe(`a store ahead of this release (${backend})`, () => {
      it('one expand step ahead: serve starts on it; one contract step ahead: serve refuses, naming the step', async () => {
        // A later release's steps, applied by the real migrator: one that only adds, then one that
        // drops (what a contract step does).
        const expand: Migration = {
          version: LATEST_SCHEMA_VERSION + 1,
          name: 'later-notes',
          compatibility: 'expand',
          sqlite: ['CREATE TABLE later_notes (id INTEGER PRIMARY KEY, note TEXT)'],
          postgres: ['CREATE TABLE later_notes (id integer PRIMARY KEY, note text)'],
        };
        const contract: Migration = {
          version: LATEST_SCHEMA_VERSION + 2,
          name: 'drop-legacy-columns',
          compatibility: 'contract',
          sqlite: ['ALTER TABLE maintenance_settings DROP COLUMN drain_prior'],
          postgres: ['ALTER TABLE maintenance_settings DROP COLUMN drain_prior'],
        };
        const db = await createTestDatabase(backend);
        const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-ahead-'));
        const env = { DRYDOCK_DATABASE_URL: db.url, DRYDOCK_DATA_DIR: dir };
        const laterRelease = async (steps: Migration[]) => {
          const store = await openStore(db.location, { logger: pino({ level: 'silent' }) });
          try {
            const report = await store.migrate(undefined, [...MIGRATIONS, ...steps]);
            assert.equal(report.error, undefined);
          } finally {
            await store.close();
          }
        };
        try {
          await laterRelease([expand]);
          for (const args of [[], ['--no-migrate']]) {
            const serve = await startServer(env, args);
            try {
              assert.deepEqual(
                await health(serve.url),
                { status: 200, schema: LATEST_SCHEMA_VERSION + 1 },
                `serve ${args.join(' ')} runs one expand step ahead`,
              );
              assert.equal((await registerRecordAfterSeed(serve)).status, 200, 'and writes');
            } finally {
              await serve.stop();
            }
          }

          await laterRelease([expand, contract]);
          for (const args of [['serve'], ['serve', '--no-migrate']]) {
            const r = await runCli(args, { ...env, DRYDOCK_PORT: '0' }, { timeoutMs: 60_000 });
            assert.equal(r.code, 2, describeRun(r));
            assert.match(
              r.stderr,
              new RegExp(
                `step ${contract.version} \\(drop-legacy-columns\\) is a contract step that this drydock \\(schema ${LATEST_SCHEMA_VERSION}\\) cannot run on`,
              ),
            );
            assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
          }
        } finally {
          await db.drop();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    });
  }
});

/** Seeds tenants on a fresh server and registers one record: a write through the whole stack. */
async function registerRecordAfterSeed(serve: Awaited<ReturnType<typeof startServer>>) {
  const seeded = await serve.admin({ url: '/api/platform/organizations' });
  if (((seeded.body?.data as unknown[] | undefined) ?? []).length === 0) await seedTenants(serve);
  return registerRecord(serve, `ahead-${Date.now()}`);
}
