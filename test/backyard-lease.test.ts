/**
 * A `drydock worker` process and what happens to its jobs when it dies or is told to stop
 * (issue 3, docs/decisions/backyard.md):
 * - SIGKILL mid-job: the lease stops being renewed; the execute-check marks the job lease_expired;
 *   a reaper (any process) ends it as Unexpected error within the lease bound plus a reaper period;
 *   the execute-check no longer lists it; nothing the job started survives.
 * - SIGTERM drains: the job in flight finishes, nothing new is claimed, exit 0.
 * - SIGTERM with a short grace: the job is stopped after the grace and ends as Unexpected error.
 * - A second SIGTERM during the drain forces the stop at once.
 * - stop() while a claim is under way drains the job that claim takes (in-process worker).
 * Real processes: the worker is src/main.ts through tsx, the job is ansible-playbook.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { reapExpiredLeases } from '../src/backyard/lease.js';
import { createWorker } from '../src/backyard/start-worker.js';
import { compileOptions } from '../src/config/compile.js';
import { commandPlaybook, getExecution, registerAnsibleMovement, startAnsible, waitForStatus } from './support/ansible-jobs.js';
import { ITA1, SEED, seedTenants, startTestApp, type TestApp } from './support/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { waitFor } from './support/wait-for.js';
import { markedProcesses, startWorkerProcess, type WorkerProcess } from './support/worker-process.js';

const LEASE_SECONDS = 3;
/** How often `drydock serve` (and every worker) reaps expired leases: half the lease. */
const REAPER_MS = (LEASE_SECONDS * 1000) / 2;
/** Slack on top of documented bounds, for a loaded CI machine. */
const SLACK_MS = 10_000;
const BACKYARD = 'ita-by-ansible-execute';

interface CheckedJob {
  id: string;
  status_id: string;
  status_name: string;
  lease_expired: boolean;
  last_update_timestamp: string;
}

for (const backend of BACKENDS) {
  describe(`drydock worker process: lease, reaper and drain (${backend})`, () => {
    let db: TestDatabase;
    let t: TestApp;
    let dataDir: string;
    let long: { movement: string; operation: string };
    let short: { movement: string; operation: string };
    const spawned: WorkerProcess[] = [];

    before(async () => {
      db = await createTestDatabase(backend);
      t = await startTestApp(backend, {}, db);
      await seedTenants(t);
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'drydock-lease-'));
      long = await registerAnsibleMovement(t, 'sixty-seconds', commandPlaybook('sleep 60'));
      short = await registerAnsibleMovement(t, 'three-seconds', commandPlaybook('sleep 3'));
    });
    after(async () => {
      for (const w of spawned) {
        w.signal('SIGKILL');
        await w.exited;
        for (const p of markedProcesses(w.mark)) process.kill(p.pid, 'SIGKILL');
      }
      await t?.close();
      await db?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const worker = async (extra: Record<string, string> = {}) => {
      const w = await startWorkerProcess(
        {
          DRYDOCK_DATABASE_URL: db.url,
          DRYDOCK_DATA_DIR: dataDir,
          DRYDOCK_LEASE_SECONDS: String(LEASE_SECONDS),
          DRYDOCK_WORKER_POLL_MS: '100',
          DRYDOCK_SQLITE_POLL_MS: '50',
          ...extra,
        },
        ['--backyard', BACKYARD],
      );
      spawned.push(w);
      return w;
    };

    const check = async () => {
      const r = await t.admin({ url: '/api/ita/backyard-execute-check/' });
      assert.equal(r.status, 200, r.text);
      return r.body.data;
    };
    const listed = async (id: string): Promise<CheckedJob | undefined> => {
      const data = await check();
      for (const o of data.organizations) for (const w of o.workspaces) for (const j of w.backyards[BACKYARD]) if (j.id === id) return j;
      return undefined;
    };
    /** Waits until the job runs its playbook: Executing, with its sleep started by the worker. */
    const waitRunning = async (w: WorkerProcess, id: string) => {
      await waitForStatus(t, id, ['3'], 60_000);
      await waitFor('the playbook runs its sleep', () => markedProcesses(w.mark).some((p) => /^sleep /.test(p.cmdline)), {
        timeoutMs: 60_000,
        retryErrors: true,
      });
    };
    const noSurvivors = async (w: WorkerProcess) => {
      await waitFor('nothing the worker started is still running', () => markedProcesses(w.mark).length === 0, {
        timeoutMs: SLACK_MS,
        retryErrors: true,
      }).catch(() => assert.fail(`processes left behind: ${JSON.stringify(markedProcesses(w.mark))}`));
    };

    it('SIGKILL mid-job: marked lease_expired, then Unexpected error within the lease plus a reaper period; the execute-check clears; nothing survives', async () => {
      const w = await worker();
      const id = await startAnsible(t, long);
      await waitRunning(w, id);
      const running = await listed(id);
      assert.equal(running?.status_id, '3');
      assert.equal(running?.lease_expired, false, 'a live worker keeps its lease');
      assert.equal((await check()).execute_count, 1);

      w.signal('SIGKILL');
      const killedAt = Date.now();
      assert.equal((await w.exited).signal, 'SIGKILL');

      // Before any reaper ran: still listed (a drain is right to wait), and marked.
      const expired = await waitFor(
        'the execute-check marks the job lease_expired',
        async () => {
          const j = await listed(id);
          return j?.lease_expired ? j : undefined;
        },
        { timeoutMs: LEASE_SECONDS * 1000 + SLACK_MS, retryErrors: true },
      );
      assert.equal(expired.status_id, '3');
      assert.equal(expired.status_name, 'Executing');
      assert.equal((await check()).execute_count, 1, 'still counted until reaped');
      assert.equal((await getExecution(t, id)).status_id, '3');

      // A reaper, as every `drydock serve` and worker runs one, every half lease.
      const reaper = setInterval(() => void reapExpiredLeases(t.deps.store).catch(() => {}), REAPER_MS);
      try {
        const ended = await waitForStatus(t, id, ['5', '6', '7', '8'], LEASE_SECONDS * 1000 + REAPER_MS + SLACK_MS);
        const tookMs = Date.now() - killedAt;
        assert.equal(ended.status_id, '7', ended.log);
        assert.equal(ended.status_name, 'Unexpected error');
        assert.ok(tookMs <= LEASE_SECONDS * 1000 + REAPER_MS + SLACK_MS, `reaped ${tookMs} ms after the kill`);
        assert.match(ended.log, /stopped renewing its lease/);
        assert.ok(ended.time_end, 'it has an end time');
      } finally {
        clearInterval(reaper);
      }

      // The execute-check clears: a drain waiting on it finishes.
      assert.equal(await listed(id), undefined, 'no longer listed');
      const after = await check();
      assert.equal(after.execute_count, 0);
      const org1 = after.organizations.find((o: { id: string }) => o.id === SEED.org1);
      assert.equal(org1.execute_count, 0);

      // Nothing the dead worker started (ansible-playbook, its forks, the sleep) is left running.
      await noSurvivors(w);
    });

    it('SIGTERM drains: the job in flight finishes Completed, nothing new is claimed, exit 0', async () => {
      const w = await worker();
      const id = await startAnsible(t, short);
      await waitRunning(w, id);
      w.signal('SIGTERM');
      await waitFor('the worker says it is draining', () => w.output().includes('"msg":"worker draining"'), { timeoutMs: SLACK_MS, retryErrors: true });
      // Registered during the drain: the draining worker leaves it alone.
      const late = await startAnsible(t, short);

      const { code } = await w.exited;
      assert.equal(code, 0, w.output());
      const e = await getExecution(t, id);
      assert.equal(e.status_id, '5', e.log);
      assert.equal(e.status_name, 'Completed');
      assert.match(e.log, /PLAY RECAP/);
      assert.match(w.output(), /"msg":"worker stopped"/);
      assert.equal((await getExecution(t, late)).status_id, '1', 'nothing was claimed during the drain');
      assert.equal((await check()).execute_count, 0);
      await noSurvivors(w);

      // Not left for the next test's worker: an emergency stop ends a job that has not started.
      const scram = await t.call({ method: 'PATCH', url: `${ITA1}/menu/execution_ansible_legacy/driver/${late}/scram/`, auth: SEED.member1 });
      assert.equal(scram.status, 200, scram.text);
      assert.equal((await getExecution(t, late)).status_id, '8');
    });

    it('SIGTERM with DRYDOCK_WORKER_GRACE_SECONDS=1: after the grace the job ends Unexpected error, its log says the worker shut down, exit 0', async () => {
      const w = await worker({ DRYDOCK_WORKER_GRACE_SECONDS: '1' });
      const id = await startAnsible(t, long);
      await waitRunning(w, id);
      w.signal('SIGTERM');
      // The grace, then SIGTERM to the job's process group and SIGKILL 5 s later at worst.
      const { code } = await waitFor('the worker exits', async () => (w.child.exitCode !== null || w.child.signalCode !== null) && w.exited, {
        timeoutMs: 1000 + 5000 + SLACK_MS,
        retryErrors: true,
      });
      assert.equal(code, 0, w.output());
      const e = await getExecution(t, id);
      assert.equal(e.status_id, '7', e.log);
      assert.equal(e.status_name, 'Unexpected error');
      assert.match(e.log, /The worker shut down before the job finished/);
      assert.ok(e.time_end);
      assert.equal(await listed(id), undefined);
      await noSurvivors(w);
    });

    it('a second SIGTERM during the drain forces the stop at once', async () => {
      const w = await worker({ DRYDOCK_WORKER_GRACE_SECONDS: '600' });
      const id = await startAnsible(t, long);
      await waitRunning(w, id);
      w.signal('SIGTERM');
      await waitFor('the worker says it is draining', () => w.output().includes('"msg":"worker draining"'), { timeoutMs: SLACK_MS, retryErrors: true });
      // Still draining: the grace is ten minutes and the job a minute.
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(w.child.exitCode, null, 'the first SIGTERM waits for the job');
      assert.equal((await getExecution(t, id)).status_id, '3');

      w.signal('SIGTERM');
      const { code } = await waitFor('the worker exits', async () => (w.child.exitCode !== null || w.child.signalCode !== null) && w.exited, {
        timeoutMs: 5000 + SLACK_MS,
        retryErrors: true,
      });
      assert.equal(code, 0, w.output());
      assert.match(w.output(), /"msg":"forcing stop"/);
      const e = await getExecution(t, id);
      assert.equal(e.status_id, '7', e.log);
      assert.match(e.log, /The worker shut down before the job finished/);
      await noSurvivors(w);
    });

    it('stop() while a claim is under way: the job it claims drains to Completed before stop() resolves (in-process worker)', async () => {
      const id = await startAnsible(t, short);
      const w = createWorker(
        t.deps.store,
        pino({ level: 'silent' }),
        compileOptions({ dataDir, workerPollMs: 100, leaseSeconds: LEASE_SECONDS, workerGraceSeconds: 600 }),
        { backyards: [BACKYARD], concurrency: 1 },
      );
      w.start(); // its first claim is on its way to the store now
      await w.stop();
      assert.equal(w.state, 'stopped');
      assert.equal(w.inFlight, 0);
      const e = await getExecution(t, id);
      assert.equal(e.status_id, '5', `the claimed job was drained, not left ${e.status_id} ${e.status_name}:\n${e.log}`);
      assert.equal((await check()).execute_count, 0);
    });
  });
}
