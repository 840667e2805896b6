/**
 * Upgrades and restarts that never stop serving reads (issue 9), end to end with real processes on
 * both backends. The "previous release" is this source on the previous schema version
 * (test/support/upgrade.ts); a read + write load (test/support/read-write-load.ts: a menu's
 * records, the execute-check, the console's HTML and a script; pooled and fresh connections) runs
 * across each of:
 * - `drydock upgrade local` (hand-over): 0 failed reads; writes answered 200, or 498 with
 *   Retry-After and a 498 code only while read-only mode was on; the store afterwards is the store
 *   before plus exactly the accepted writes, table by table;
 * - the rollback path — a new release that cannot open its store, so it reports not ready: 0 failed
 *   reads, exit 1, the old process still serves (on the migrated schema: expand steps only);
 * - a successor SIGKILLed during the hand-over (at a random moment of its start): the same;
 * - `drydock restart`: 0 failed requests of any kind; its event streams end with a retry hint;
 * - `drydock restart` of `serve --workers`: the old process claims nothing more and finishes the job it
 *   runs (Completed, not Unexpected error) before it exits; the new one runs new jobs meanwhile.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { LATEST_SCHEMA_VERSION } from '../src/store/migrations/index.js';
import { commandPlaybook, getExecution, registerAnsibleMovement, startAnsible, waitForStatus } from './support/ansible-jobs.js';
import { ADMIN, seedTenants } from './support/app.js';
import { BACKENDS, createTestDatabase, type BackendName } from './support/backends.js';
import { describeRun, DRYDOCK_COMMAND, onTestProcessExit, runCli, spawnCli } from './support/cli.js';
import { startReadWriteLoad, type LoadResult } from './support/read-write-load.js';
import { FAST_BACKYARD_ENV, gatedPlaybook, readSetting, registerRecord, startServer } from './support/runbook.js';
import { dumpStore, type StoreDump } from './support/tables.js';
import { stopDetached } from './support/serve-process.js';
import {
  addData,
  assertLoadClean,
  assertStoreAfterLoad,
  at,
  consoleScript,
  health,
  installPrevious,
  PREVIOUS_SCHEMA,
  readOnlyWindow,
  type OldInstall,
} from './support/upgrade.js';
import { waitFor } from './support/wait-for.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface UpgradeReport {
  ok: boolean;
  mode: string;
  rolledBack: boolean;
  serving: 'new' | 'old' | 'none';
  schemaVersion?: number;
  backupFile?: string;
  steps: Array<{ step: string; status: string; detail?: string }>;
}

/** An install of the previous release with data, its store dumped, and a load running against it. */
async function underLoad(backend: BackendName, prefix: string): Promise<{ old: OldInstall; before: StoreDump; stopLoad: () => Promise<LoadResult> }> {
  const old = await installPrevious(backend);
  await addData(old);
  const script = await consoleScript(old.serve.url);
  const before = await dumpStore(old.db.location);
  const load = startReadWriteLoad(old.serve.url, { consoleAsset: script, hostPrefix: prefix });
  // Let the load reach a steady state before anything changes.
  await sleep(1000);
  return {
    old,
    before,
    stopLoad: async () => {
      // And keep it running a moment after, on the server that answers now.
      await sleep(1500);
      return load.stop();
    },
  };
}

/** Follows the execute-check stream as the console does; `ended` resolves with everything it received once the server ends it. */
function followStream(url: string): { firstEvent: Promise<string>; ended: Promise<string>; abort(): void } {
  const controller = new AbortController();
  let text = '';
  let onFirst: (t: string) => void = () => {};
  const firstEvent = new Promise<string>((resolve) => (onFirst = resolve));
  const ended = (async () => {
    const res = await fetch(`${url}/api/ita/backyard-execute-check/stream/`, {
      headers: { accept: 'text/event-stream', authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}` },
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (text.includes('event: execute-check')) onFirst(text);
    }
    return text;
  })();
  ended.catch(() => {});
  return { firstEvent, ended, abort: () => controller.abort() };
}

/** A "new release": a shell script that runs `setup` for `serve` and then this source as drydock. */
function release(dir: string, name: string, serveSetup: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, ['#!/bin/sh', `if [ "$1" = serve ]; then ${serveSetup}; fi`, `exec ${DRYDOCK_COMMAND} "$@"`, ''].join('\n'));
  chmodSync(file, 0o755);
  return file;
}

const upgradeArgs = (old: OldInstall, newCommand: string) => [
  ...['upgrade', 'local', '--new', newCommand, '--pid-file', old.pidFile, '--backup-dir', old.dir],
  ...['--log-file', path.join(old.dir, 'upgrade.log'), '--health-timeout', '120s', '--json'],
];

const upgradeLog = (old: OldInstall) => {
  const file = path.join(old.dir, 'upgrade.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '(no log)';
};

describe('upgrades and restarts under load on every backend', { concurrency: 2 }, () => {
  for (const backend of BACKENDS) {
    describe(`hand-over (${backend})`, { concurrency: 1 }, () => {
      const installs: OldInstall[] = [];
      after(async () => {
        for (const i of installs) await i.close();
      });

      it(`drydock upgrade local from schema ${PREVIOUS_SCHEMA}: 0 failed reads, 498 only while read-only, the store as before plus every accepted write`, async () => {
        const { old, before, stopLoad } = await underLoad(backend, 'upgrade');
        installs.push(old);
        const oldPid = old.serve.child.pid;
        const r = await runCli(upgradeArgs(old, DRYDOCK_COMMAND), old.env, { timeoutMs: 300_000 });
        const load = await stopLoad();
        assert.equal(r.code, 0, `${describeRun(r)}\nlog:\n${upgradeLog(old)}`);
        const report = JSON.parse(r.stdout) as UpgradeReport;
        assert.deepEqual(
          report.steps.map((s) => [s.step, s.status]),
          [
            ['check the plan', 'Success'],
            ['drain', 'Success'],
            ['backup', 'Success'],
            ['migrate', 'Success'],
            ['hand over', 'Success'],
            ['health check', 'Success'],
            ['the old release exits', 'Success'],
            ['resume', 'Success'],
          ],
        );
        assert.equal(report.serving, 'new');
        assert.equal(report.schemaVersion, LATEST_SCHEMA_VERSION);
        assert.ok(report.backupFile && existsSync(report.backupFile), 'the pre-upgrade backup exists');

        // The new release answers on the same address; the old process is gone.
        assert.deepEqual(await health(old.serve.url), { status: 200, schema: LATEST_SCHEMA_VERSION });
        assert.notEqual(old.servingPid(), oldPid, 'another process serves now');
        assert.equal(await old.serve.stop(), 0, 'the old server exited by itself, with 0');

        assertLoadClean(load, await readOnlyWindow(old.serve.url));
        assert.ok(load.refusedWrites.length > 0, 'writes were refused while read-only was on (the load ran across the window)');
        assert.ok(load.acceptedHosts.length > 0, 'writes were accepted before and after');
        const afterDump = await dumpStore(old.db.location);
        assertStoreAfterLoad(before, afterDump, load, { migrated: true });
        assert.equal(afterDump.rows.schema_migrations!.length, before.rows.schema_migrations!.length + 1, 'one migration applied');
        const setting = await readSetting(at(old.serve.url));
        assert.deepEqual([setting.backyard_execute_stop, setting.data_update_stop, setting.drain_prior], ['0', '0', null]);
        assert.equal((await registerRecord(at(old.serve.url), 'after-upgrade')).status, 200, 'writable');
      });

      it('a new release that cannot become ready: the old process never stops serving, exit 1, 0 failed reads', async () => {
        const { old, before, stopLoad } = await underLoad(backend, 'rollback');
        installs.push(old);
        const oldPid = old.serve.child.pid!;
        // It migrates for real, but its server cannot reach its store: it reports "not ready".
        const broken = release(old.dir, 'unready-release.sh', 'export DRYDOCK_DATABASE_URL=postgres://drydock@127.0.0.1:9/unreachable');
        const r = await runCli(upgradeArgs(old, broken), old.env, { timeoutMs: 300_000 });
        const load = await stopLoad();
        assert.equal(r.code, 1, `${describeRun(r)}\nlog:\n${upgradeLog(old)}`);
        const report = JSON.parse(r.stdout) as UpgradeReport;
        assert.equal(report.serving, 'old');
        const steps = Object.fromEntries(report.steps.map((s) => [s.step, s]));
        assert.equal(steps.migrate?.status, 'Success', 'the expand step was applied while the old release served');
        assert.equal(steps['hand over']?.status, 'Error');
        assert.match(steps['hand over'].detail!, /not ready: .*(ECONNREFUSED|connect)/i, 'the reason the new release gave');
        assert.match(steps['hand over'].detail!, new RegExp(`old release \\(pid ${oldPid}\\) was never stopped`));
        assert.equal(steps.resume?.status, 'Success');
        assert.match(r.stderr, /^$/, 'nothing on stderr with --json');

        assert.equal(old.servingPid(), oldPid, 'the old process still serves');
        assert.equal(old.serve.child.exitCode, null, 'and still runs');
        assert.deepEqual(await health(old.serve.url), { status: 200, schema: LATEST_SCHEMA_VERSION }, 'on the migrated schema (expand steps only)');
        assertLoadClean(load, await readOnlyWindow(old.serve.url));
        assertStoreAfterLoad(before, await dumpStore(old.db.location), load, { migrated: true });
        assert.equal((await registerRecord(at(old.serve.url), 'after-rollback')).status, 200, 'writable again');
      });

      it('a successor SIGKILLed during the hand-over: the old process goes on serving, exit 1, 0 failed reads', async () => {
        const { old, before, stopLoad } = await underLoad(backend, 'killed');
        installs.push(old);
        const oldPid = old.serve.child.pid!;
        const pidOfSuccessor = path.join(old.dir, 'successor.pid');
        const marked = release(old.dir, 'marked-release.sh', `echo $$ > ${pidOfSuccessor}`);
        const upgrade = spawnCli(upgradeArgs(old, marked), old.env);
        // Kill it at a random moment of its start (it takes seconds to load; the kill comes within 0.8 s).
        while (!existsSync(pidOfSuccessor) && upgrade.child.exitCode === null) await sleep(20);
        assert.ok(existsSync(pidOfSuccessor), `the successor started:\n${upgrade.stderr()}`);
        await sleep(Math.floor(Math.random() * 800));
        process.kill(Number(readFileSync(pidOfSuccessor, 'utf8').trim()), 'SIGKILL');
        const r = await upgrade.result;
        const load = await stopLoad();
        assert.equal(r.code, 1, `${describeRun(r)}\nlog:\n${upgradeLog(old)}`);
        const report = JSON.parse(r.stdout) as UpgradeReport;
        assert.equal(report.serving, 'old');
        const handOver = report.steps.find((s) => s.step === 'hand over')!;
        assert.equal(handOver.status, 'Error');
        assert.match(handOver.detail!, /exited \(SIGKILL\) before it was ready/);
        assert.equal(old.servingPid(), oldPid, 'the old process still serves');
        assert.deepEqual(await health(old.serve.url), { status: 200, schema: LATEST_SCHEMA_VERSION });
        assertLoadClean(load, await readOnlyWindow(old.serve.url));
        assertStoreAfterLoad(before, await dumpStore(old.db.location), load, { migrated: true });
      });

      it('restart with --workers: the old process claims nothing more and finishes its job; the new one runs new jobs', async () => {
        const db = await createTestDatabase(backend);
        const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-restart-workers-'));
        const pidFile = path.join(dir, 'drydock.pid');
        const forget = onTestProcessExit(() => stopDetached(pidFile));
        const serve = await startServer({ DRYDOCK_DATABASE_URL: db.url, DRYDOCK_DATA_DIR: dir, ...FAST_BACKYARD_ENV }, ['--workers', '--pid-file', pidFile]);
        try {
          await seedTenants(serve);
          const releaseFile = path.join(dir, 'release');
          const gated = await registerAnsibleMovement(serve, 'gated', gatedPlaybook(releaseFile, 1));
          const quick = await registerAnsibleMovement(serve, 'quick', commandPlaybook('echo quick'));
          const running = await startAnsible(serve, gated);
          await waitForStatus(serve, running, ['3'], 90_000);

          const restart = spawnCli(['restart', '--pid-file', pidFile], {});
          // The old process says when it stopped accepting (and its worker stopped claiming).
          await waitFor('the old process stopped accepting', () => /stopped accepting/.test(restart.stderr()), { timeoutMs: 120_000, retryErrors: true });
          const newPid = await waitFor(
            'the pid file names the new process',
            () => {
              const pid = Number(readFileSync(pidFile, 'utf8').trim());
              return pid > 0 && pid !== serve.child.pid ? pid : undefined;
            },
            { timeoutMs: 30_000, retryErrors: true },
          );
          // This client's pooled connection to the old process sat idle while the restart ran. A
          // stopping process closes a connection idle for 1 s (IDLE_CLOSE_MS, graceful-close.ts), and a
          // request sent at that very instant meets the close: keep-alive's own race, which no server
          // can close (a load that keeps its connections busy never meets it: the next test). Come back
          // once it has been closed, as a client would that registers its next job a moment later.
          await sleep(1500);
          // The old process is draining: it claims nothing, so this job can only run on the new one.
          const later = await startAnsible(serve, quick);
          const ran = await waitForStatus(serve, later, ['5', '6', '7'], 90_000);
          assert.equal(ran.status_id, '5', `the new job completed:\n${JSON.stringify(ran.log ?? ran).slice(-1500)}`);
          assert.match(String(ran.log), new RegExp(`Started by worker [^:]+:${newPid}:`), 'the new process ran it');
          assert.equal(serve.child.exitCode, null, 'the old process is still there, finishing its job');
          assert.equal((await getExecution(serve, running)).status_id, '3', 'its job still runs');

          writeFileSync(releaseFile, '');
          const finished = await waitForStatus(serve, running, ['5', '6', '7'], 90_000);
          assert.equal(finished.status_id, '5', 'the job finished normally (Completed, not Unexpected error)');
          assert.match(String(finished.log), new RegExp(`Started by worker [^:]+:${serve.child.pid}:`), 'on the old process');
          const r = await restart.result;
          assert.equal(r.code, 0, describeRun(r));
          assert.equal(r.stdout.trim(), `restarted: pid ${serve.child.pid} → ${newPid}`, 'and the old one has exited');
          assert.equal(await serve.stop(), 0, 'the old process exited by itself once its job ended');
        } finally {
          await serve.stop('SIGKILL');
          stopDetached(pidFile);
          forget();
          await db.drop();
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('drydock restart under load: 0 failed requests of any kind, every accepted write kept', async () => {
        const { old, before, stopLoad } = await underLoad(backend, 'restart');
        installs.push(old);
        const oldPid = old.serve.child.pid;
        const stream = followStream(old.serve.url);
        await stream.firstEvent;
        const r = await runCli(['restart', '--pid-file', old.pidFile, '--json'], old.env, { timeoutMs: 300_000 });
        const load = await stopLoad();
        // The old process ended its event stream with a reconnect hint; a new one comes from the new process.
        const ended = await stream.ended;
        assert.match(ended, /^retry: \d+$/m, `the stream ended with a retry hint:\n${ended.slice(-300)}`);
        const again = followStream(old.serve.url);
        assert.match(await again.firstEvent, /event: execute-check/);
        again.abort();
        assert.equal(r.code, 0, describeRun(r));
        const outcome = JSON.parse(r.stdout) as { ok: boolean; oldPid: number; newPid: number; oldExited: boolean; schemaVersion: number };
        assert.equal(outcome.ok, true);
        assert.equal(outcome.oldPid, oldPid);
        assert.equal(outcome.newPid, old.servingPid(), 'the pid file names the new process');
        assert.equal(outcome.oldExited, true);
        assert.equal(outcome.schemaVersion, PREVIOUS_SCHEMA, 'the same release on the same schema (it was started with --no-migrate)');
        assert.equal(await old.serve.stop(), 0, 'the old server exited by itself');
        assertLoadClean(load, undefined);
        assertStoreAfterLoad(before, await dumpStore(old.db.location), load, { migrated: false });
      });
    });
  }
});
