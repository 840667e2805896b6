/**
 * `drydock backup` / `drydock restore` end to end (issue 4), on both backends, with data in every
 * part of the store: organizations, workspaces, users, menus and records, finished jobs with their
 * logs (Ansible, one failed) and an Excel export with its file.
 * - backup is refused (exit 5) unless the system is read-only and nothing is in flight; `--force`
 *   backs up anyway, says so loudly and records it in the manifest;
 * - after `drain --read-only`, `backup` then `restore` into a fresh store (a new SQLite file / a new
 *   PostgreSQL database) gives identical data, compared table by table straight from the database
 *   (every table the catalog lists, every column, rows sorted; sequences, indexes and functions too) —
 *   except the maintenance settings and audit, which restore changes on purpose: read-only with jobs
 *   stopped, and an audit entry for the restore;
 * - a server started on the restored store is read-only until `drydock resume`;
 * - restore refuses a corrupt archive (a byte flipped in the snapshot), a backup of a newer schema,
 *   and a non-empty target without --force (exit 5 each, the target untouched); --force replaces it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tar from 'tar';
import { LATEST_SCHEMA_VERSION } from '../src/store/migrations/index.js';
import { commandPlaybook, getExecution, registerAnsibleMovement, startAnsible, waitForStatus } from './support/ansible-jobs.js';
import { ADMIN, ITA1, SEED, seedTenants } from './support/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { adminEnv, describeRun, runCli } from './support/cli.js';
import type { ServeProcess } from './support/serve-process.js';
import { gatedPlaybook, hosts, readSetting, registerRecord, startServer, startStack, type Stack } from './support/runbook.js';
import { differingTables, dumpStore, type StoreDump } from './support/tables.js';
import { waitFor } from './support/wait-for.js';

/** Tables a restore changes on purpose (checked separately), and SQLite's AUTOINCREMENT bookkeeping. */
const CHANGED_BY_RESTORE = ['maintenance_settings', 'maintenance_audit'];
const START_MS = 90_000;

interface Manifest {
  format: string;
  schema_version: number;
  backend: string;
  snapshot_format: string;
  switches: { backyard_execute_stop: boolean; data_update_stop: boolean };
  job_counts: { in_flight: number; by_status: Array<{ backyard: string; status_id: string; count: number }> };
  forced: boolean;
  parts: Array<{ name: string; bytes: number; sha256: string }>;
}

/**
 * Asserts that `restored` holds what `source` held: every table identical except the maintenance
 * settings and audit, which must say what a restore does (read-only, jobs stopped, one audit entry
 * more, by "drydock restore").
 */
function assertRestoredCopy(source: StoreDump, restored: StoreDump): void {
  assert.deepEqual(Object.keys(restored.rows), Object.keys(source.rows), 'the same tables');
  assert.deepEqual(restored.columns, source.columns, 'the same columns');
  assert.deepEqual(restored.objects, source.objects, 'the same indexes (and functions)');
  assert.deepEqual(differingTables(source, restored, [...CHANGED_BY_RESTORE, 'sqlite_sequence']), [], 'every other table is identical');

  // The audit: every entry of the source, plus the restore's own.
  const srcAudit = source.rows.maintenance_audit!;
  const dstAudit = restored.rows.maintenance_audit!;
  assert.equal(dstAudit.length, srcAudit.length + 1);
  const added = dstAudit.filter((r) => !srcAudit.includes(r));
  assert.equal(added.length, 1, 'exactly one new audit entry');
  const entry = JSON.parse(added[0]!) as { changed_by: string; after_state: string | object };
  assert.equal(entry.changed_by, 'drydock restore');
  const afterState = (typeof entry.after_state === 'string' ? JSON.parse(entry.after_state) : entry.after_state) as Record<string, unknown>;
  assert.equal(afterState.backyard_execute_stop, true);
  assert.equal(afterState.data_update_stop, true);

  // The settings: read-only and jobs stopped, the rest as in the source.
  const [src] = source.rows.maintenance_settings!.map((r) => JSON.parse(r) as Record<string, unknown>);
  const [dst] = restored.rows.maintenance_settings!.map((r) => JSON.parse(r) as Record<string, unknown>);
  assert.equal(String(dst!.backyard_execute_stop), '1');
  assert.equal(String(dst!.data_update_stop), '1');
  assert.equal(dst!.last_update_user, 'drydock restore');
  for (const column of ['message', 'announced_end', 'drain_prior']) assert.deepEqual(dst![column], src![column], column);

  // AUTOINCREMENT / identity counters: as in the source, the audit's one step further.
  const auditCounter = (d: StoreDump) => {
    const fromSqlite = d.rows.sqlite_sequence?.map((r) => JSON.parse(r) as { name: string; seq: number }).find((r) => r.name === 'maintenance_audit')?.seq;
    return Number(fromSqlite ?? d.sequences.maintenance_audit_id_seq);
  };
  assert.equal(auditCounter(restored), auditCounter(source) + 1);
  const others = (d: StoreDump) => ({
    sqlite: (d.rows.sqlite_sequence ?? []).filter((r) => !r.includes('"maintenance_audit"')),
    postgres: Object.entries(d.sequences).filter(([name]) => name !== 'maintenance_audit_id_seq'),
  });
  assert.deepEqual(others(restored), others(source), 'every other sequence as in the source');
}

/** An empty store: no file, or a file / database without tables. */
async function isEmptyStore(db: TestDatabase): Promise<boolean> {
  if (db.location.kind === 'sqlite' && !existsSync(db.location.path)) return true;
  return Object.keys((await dumpStore(db.location)).rows).length === 0;
}

// The backends run side by side: most of each one's time is waiting for processes.
describe('backup / restore on every backend', { concurrency: true }, () => {
  for (const backend of BACKENDS) {
    describe(`drydock backup / restore (${backend})`, { concurrency: 1 }, () => {
      let s: Stack;
      let env: Record<string, string>;
      let work: string;
      let archive: string;
      let source: StoreDump;
      let restoredDb: TestDatabase | undefined;
      let restoredServe: ServeProcess | undefined;
      const fresh: TestDatabase[] = [];
      const finished: Record<string, string> = {};
      const storeEnv = (db: TestDatabase) => ({ DRYDOCK_DATABASE_URL: db.url });

      before(async () => {
        s = await startStack(backend, { worker: 'all' });
        env = s.cliEnv();
        work = mkdtempSync(path.join(os.tmpdir(), 'drydock-backup-test-'));
        await seedTenants(s.serve);
        // Data everywhere: records, another organization and workspace (through the CLI), finished
        // jobs with logs (one failed), an Excel export with its workbook.
        for (const host of ['alpha', 'beta', 'gamma']) assert.equal((await registerRecord(s.serve, host)).status, 200);
        for (const args of [
          ['org', 'create', 'org3', '--name', 'Org 3', '--manager', 'manager3', '--manager-password', 'manager3-password'],
          ['workspace', 'create', 'org3', 'ws3', '--name', 'Workspace 3', '--description', 'made by the CLI'],
        ]) {
          const r = await runCli(args, env);
          assert.equal(r.code, 0, describeRun(r));
        }
        const hello = await registerAnsibleMovement(s.serve, 'hello', commandPlaybook('echo hello'));
        const fails = await registerAnsibleMovement(s.serve, 'fails', commandPlaybook('/bin/false'));
        finished.hello = await startAnsible(s.serve, hello);
        finished.fails = await startAnsible(s.serve, fails);
        const exported = await s.serve.call({ method: 'POST', url: `${ITA1}/excel/bulk/export/execute/`, auth: SEED.member1, body: { menus: [SEED.menu] } });
        assert.equal(exported.status, 200, exported.text);
        finished.excel = String(exported.body.data.execution_no);
        assert.equal((await waitForStatus(s.serve, finished.hello, ['5', '6', '7'], START_MS)).status_id, '5');
        assert.equal((await waitForStatus(s.serve, finished.fails, ['5', '6', '7'], START_MS)).status_id, '6');
        await waitFor(
          'the Excel export completed',
          async () => (await s.serve.call({ url: `${ITA1}/executions/${finished.excel}/`, auth: SEED.member1 })).body.data.status_id === '3',
          { timeoutMs: START_MS, retryErrors: true },
        );
      });
      after(async () => {
        if (s) writeFileSync(path.join(s.dataDir, 'release-backup'), '');
        await restoredServe?.stop('SIGKILL');
        for (const db of fresh) await db.drop();
        await s?.close();
        if (work) rmSync(work, { recursive: true, force: true });
      });

      it('backup is refused unless read-only and drained; --force backs up anyway and says so', async () => {
        const notReadOnly = path.join(work, 'not-read-only.tar');
        const r1 = await runCli(['backup', '--out', notReadOnly], storeEnv(s.db));
        assert.equal(r1.code, 5, describeRun(r1));
        assert.match(r1.stderr, /read-only mode is off/);
        assert.match(r1.stderr, /drydock drain --read-only/);
        assert.equal(existsSync(notReadOnly), false, 'nothing written');

        // Read-only, but a job still runs: still refused.
        const job = await startAnsible(
          s.serve,
          await registerAnsibleMovement(s.serve, 'gated-backup', gatedPlaybook(path.join(s.dataDir, 'release-backup'), 0)),
        );
        await waitForStatus(s.serve, job, ['3'], START_MS);
        const ro = await runCli(['maintenance', 'set', '--read-only', 'on'], env);
        assert.equal(ro.code, 0, describeRun(ro));
        const r2 = await runCli(['backup', '--out', notReadOnly], storeEnv(s.db));
        assert.equal(r2.code, 5, describeRun(r2));
        assert.match(r2.stderr, /1 job\(s\) are in flight/);
        assert.equal(existsSync(notReadOnly), false);

        const forced = path.join(work, 'forced.tar');
        const r3 = await runCli(['backup', '--force', '--json', '--out', forced], storeEnv(s.db));
        assert.equal(r3.code, 0, describeRun(r3));
        assert.match(r3.stderr, /WARNING: backing up anyway \(--force\): 1 job\(s\) are in flight/);
        const { manifest } = JSON.parse(r3.stdout) as { manifest: Manifest };
        assert.equal(manifest.forced, true, 'the manifest records the override');
        assert.equal(manifest.job_counts.in_flight, 1);
        assert.ok(existsSync(forced));

        writeFileSync(path.join(s.dataDir, 'release-backup'), '');
        await waitForStatus(s.serve, job, ['5'], 60_000);
        const off = await runCli(['maintenance', 'set', '--read-only', 'off'], env);
        assert.equal(off.code, 0, describeRun(off));
      });

      it('after drain --read-only, backup then restore into a fresh store gives identical data, table by table', async () => {
        const drained = await runCli(['drain', '--read-only'], env);
        assert.equal(drained.code, 0, describeRun(drained));
        archive = path.join(work, 'drydock.tar');
        const b = await runCli(['backup', '--out', archive, '--json'], storeEnv(s.db));
        assert.equal(b.code, 0, describeRun(b));
        assert.doesNotMatch(b.stderr, /WARNING/);
        const { manifest } = JSON.parse(b.stdout) as { manifest: Manifest };
        assert.equal(manifest.format, 'drydock-backup');
        assert.equal(manifest.schema_version, LATEST_SCHEMA_VERSION);
        assert.equal(manifest.backend, backend);
        assert.equal(manifest.snapshot_format, backend === 'sqlite' ? 'sqlite' : 'pg_dump');
        assert.deepEqual(manifest.switches, { backyard_execute_stop: true, data_update_stop: true });
        assert.equal(manifest.forced, false);
        assert.equal(manifest.job_counts.in_flight, 0);
        const count = (status: string) =>
          manifest.job_counts.by_status.filter((c) => c.backyard === 'ita-by-ansible-execute' && c.status_id === status).reduce((n, c) => n + c.count, 0);
        assert.deepEqual([count('5'), count('6')], [2, 1], JSON.stringify(manifest.job_counts));
        const listed: string[] = [];
        await tar.list({ file: archive, onReadEntry: (e) => void listed.push(e.path) });
        assert.deepEqual(listed.sort(), ['manifest.json', manifest.parts[0]!.name].sort());

        source = await dumpStore(s.db.location);
        for (const table of ['organizations', 'workspaces', 'users', 'menus', 'menu_records', 'backyard_jobs', 'backyard_job_logs', 'backyard_job_files']) {
          assert.ok(source.rows[table]!.length > 0, `the source has rows in ${table}, so the comparison means something`);
        }

        restoredDb = await createTestDatabase(backend);
        fresh.push(restoredDb);
        const r = await runCli(['restore', archive, '--json'], storeEnv(restoredDb));
        assert.equal(r.code, 0, describeRun(r));
        assert.equal((JSON.parse(r.stdout) as { schemaVersion: number }).schemaVersion, LATEST_SCHEMA_VERSION);
        assert.deepEqual(await dumpStore(s.db.location), source, 'the backup did not change the source');
        assertRestoredCopy(source, await dumpStore(restoredDb.location));
      });

      it('a server started on the restored store is read-only with jobs stopped until drydock resume', async () => {
        assert.ok(restoredDb, 'the restore test ran');
        restoredServe = await startServer({ ...s.processEnv, DRYDOCK_DATABASE_URL: restoredDb.url });
        const restoredEnv = adminEnv(restoredServe.url, ADMIN);
        const status = await runCli(['maintenance', 'status', '--json'], restoredEnv);
        assert.equal(status.code, 0, describeRun(status));
        const st = JSON.parse(status.stdout) as { backyard_execute_stop: string; data_update_stop: string };
        assert.deepEqual([st.backyard_execute_stop, st.data_update_stop], ['1', '1']);

        // Reads work and show the source's data; writes are refused.
        assert.deepEqual(await hosts(restoredServe), await hosts(s.serve));
        for (const id of [finished.hello!, finished.fails!]) {
          const restoredJob = await getExecution(restoredServe, id);
          assert.deepEqual(restoredJob, await getExecution(s.serve, id), `execution ${id} with its log`);
        }
        assert.match((await getExecution(restoredServe, finished.hello!)).log, /PLAY RECAP[\s\S]*ok=1 /, 'the job log came along');
        const file = await restoredServe.call({ url: `${ITA1}/excel/bulk/export/${finished.excel}/file/`, auth: SEED.member1 });
        assert.equal(file.status, 200, 'the Excel workbook came along');
        const refused = await registerRecord(restoredServe, 'on-the-restored-store');
        assert.equal(refused.status, 498, refused.text);
        assert.equal(refused.body.result, '498-00001');

        const resumed = await runCli(['resume'], restoredEnv);
        assert.equal(resumed.code, 0, describeRun(resumed));
        const setting = await readSetting(restoredServe);
        assert.deepEqual([setting.backyard_execute_stop, setting.data_update_stop], ['0', '0']);
        const accepted = await registerRecord(restoredServe, 'on-the-restored-store');
        assert.equal(accepted.status, 200, accepted.text);
      });

      it('restore refuses a corrupt archive, a newer schema and a non-empty target (exit 5, target untouched); --force replaces', async () => {
        assert.ok(archive && restoredDb && restoredServe, 'the earlier tests ran');
        const unpacked = mkdtempSync(path.join(work, 'unpacked-'));
        await tar.extract({ file: archive, cwd: unpacked });
        const manifest = JSON.parse(readFileSync(path.join(unpacked, 'manifest.json'), 'utf8')) as Manifest;
        const part = path.join(unpacked, manifest.parts[0]!.name);
        const original = readFileSync(part);
        const repack = async (name: string, change: () => void) => {
          change();
          const file = path.join(work, name);
          await tar.create({ file, cwd: unpacked, portable: true }, ['manifest.json', manifest.parts[0]!.name]);
          writeFileSync(part, original);
          writeFileSync(path.join(unpacked, 'manifest.json'), JSON.stringify(manifest));
          return file;
        };
        const corrupt = await repack('corrupt.tar', () => {
          const bytes = Buffer.from(original);
          const at = Math.floor(bytes.length / 2);
          bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
          writeFileSync(part, bytes);
        });
        const newer = await repack('newer.tar', () =>
          writeFileSync(path.join(unpacked, 'manifest.json'), JSON.stringify({ ...manifest, schema_version: LATEST_SCHEMA_VERSION + 1 })),
        );

        const target = await createTestDatabase(backend);
        fresh.push(target);
        const c = await runCli(['restore', corrupt], storeEnv(target));
        assert.equal(c.code, 5, describeRun(c));
        assert.match(c.stderr, /corrupt \(checksum mismatch\)/);
        assert.ok(await isEmptyStore(target), 'nothing was restored');

        const n = await runCli(['restore', newer], storeEnv(target));
        assert.equal(n.code, 5, describeRun(n));
        assert.match(n.stderr, new RegExp(`schema version ${LATEST_SCHEMA_VERSION + 1}, newer than this drydock`));
        assert.ok(await isEmptyStore(target), 'nothing was restored');

        // The restored store now holds a write made after the restore: a restore without --force must not touch it.
        await restoredServe.stop();
        restoredServe = undefined;
        const before = await dumpStore(restoredDb.location);
        const ne = await runCli(['restore', archive], storeEnv(restoredDb));
        assert.equal(ne.code, 5, describeRun(ne));
        assert.match(ne.stderr, /--force/);
        assert.deepEqual(await dumpStore(restoredDb.location), before, 'the non-empty target is untouched');

        const forced = await runCli(['restore', archive, '--force'], storeEnv(restoredDb));
        assert.equal(forced.code, 0, describeRun(forced));
        assert.match(forced.stdout, /read-only with jobs stopped/);
        assertRestoredCopy(source, await dumpStore(restoredDb.location));
      });
    });
  }
});
