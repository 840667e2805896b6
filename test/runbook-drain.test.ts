/**
 * `drydock drain` and `drydock resume` end to end (issue 4): a real `drydock serve`, a real
 * `drydock worker` running Ansible playbooks, and the real CLI, on both backends.
 * - `drain --read-only` returns only once the jobs in flight have finished — with their real status,
 *   Completed — and turns read-only on only then: writes sent while it waits are accepted, writes
 *   after it are refused with 498 / 498-00001.
 * - A job that never finishes makes `drain --timeout 3s` exit 3 naming that job; the switches are
 *   left as they are (jobs stopped, read-only still off); a retried drain keeps the first record.
 * - `resume` restores what the drain found, also when read-only or jobs-stop was on before it.
 * - Ctrl-C (SIGINT) exits 130 and says how to go on.
 * - Exit codes for bad flags (2) and an unreachable API (4).
 * Jobs are "gated": each runs until the test creates its release file, then `sleep 4` more, so the
 * drain is provably waiting on them however slowly the machine starts the CLI.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { commandPlaybook, getExecution, registerAnsibleMovement, startAnsible, waitForStatus } from './support/ansible-jobs.js';
import { ADMIN, ITA1, SEED, seedTenants } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { adminEnv, describeRun, runCli, spawnCli } from './support/cli.js';
import { freePort } from './support/serve-process.js';
import { gatedPlaybook, hosts, readSetting, registerRecord, startStack, type Stack } from './support/runbook.js';
import { waitFor } from './support/wait-for.js';

/** How long a started job may take to reach Executing on a loaded machine (ansible start included). */
const START_MS = 90_000;

// The backends run side by side: most of each one's time is waiting for processes.
describe('drain / resume on every backend', { concurrency: true }, () => {
  for (const backend of BACKENDS) {
    describe(`drydock drain / resume (${backend})`, { concurrency: 1 }, () => {
      let s: Stack;
      let env: Record<string, string>;
      const release = (name: string) => writeFileSync(path.join(s.dataDir, `release-${name}`), '');
      const gated = async (name: string) => registerAnsibleMovement(s.serve, `gated-${name}`, gatedPlaybook(path.join(s.dataDir, `release-${name}`)));

      before(async () => {
        s = await startStack(backend, { worker: 'ansible' });
        env = s.cliEnv();
        await seedTenants(s.serve);
      });
      after(async () => {
        // Let whatever a failed test left running finish, so the worker can be killed cleanly.
        if (s) for (const name of ['drain', 'sigint']) release(name);
        await s?.close();
      });

      it('drain --read-only returns only after the jobs in flight finished (Completed); writes are accepted while it waits and refused once read-only is on; resume reopens', async () => {
        const movement = await gated('drain');
        const ids = [await startAnsible(s.serve, movement), await startAnsible(s.serve, movement)];
        for (const id of ids) await waitForStatus(s.serve, id, ['3'], START_MS);

        const drain = spawnCli(['drain', '--read-only', '--json', '--timeout', '5m'], env);
        await waitFor('the drain stopped server-side jobs', async () => (await readSetting(s.serve)).backyard_execute_stop === '1', {
          timeoutMs: 60_000,
          retryErrors: true,
        });

        // A user keeps writing during the whole drain, one write at a time.
        const writes: Array<{ host: string; status: number; result: string; answeredAt: number }> = [];
        let writing = true;
        const writer = (async () => {
          for (let i = 0; writing; i++) {
            const host = `during-drain-${i}`;
            const r = await registerRecord(s.serve, host);
            writes.push({ host, status: r.status, result: r.body?.result, answeredAt: Date.now() });
            await new Promise((r2) => setTimeout(r2, 50));
          }
        })();

        await new Promise((r) => setTimeout(r, 500));
        assert.equal(drain.child.exitCode, null, `the drain waits while the jobs run:\n${drain.stderr()}`);
        assert.equal((await readSetting(s.serve)).data_update_stop, '0', 'read-only stays off while jobs are in flight');
        release('drain'); // the jobs now run `sleep 4` and finish

        const result = await drain.result;
        // Writes right after the drain returned are refused too.
        await new Promise((r) => setTimeout(r, 300));
        writing = false;
        await writer;
        assert.equal(result.code, 0, describeRun(result));

        const report = JSON.parse(result.stdout) as {
          ok: boolean;
          prior: { backyard_execute_stop: boolean; data_update_stop: boolean };
          steps: Array<{ step: string; status: string }>;
        };
        assert.equal(report.ok, true);
        assert.deepEqual(report.prior, { backyard_execute_stop: false, data_update_stop: false });
        assert.deepEqual(
          report.steps.map((st) => st.status),
          ['Success', 'Success', 'Success'],
          JSON.stringify(report.steps),
        );

        // The jobs ended with their real status, before the drain returned.
        let lastEnd = 0;
        for (const id of ids) {
          const job = await getExecution(s.serve, id);
          assert.equal(job.status_id, '5', `job ${id} Completed: ${job.status_name}\n${job.log}`);
          const ended = Date.parse(job.time_end);
          assert.ok(ended <= result.endedAt, `job ${id} ended (${job.time_end}) before the drain returned (${new Date(result.endedAt).toISOString()})`);
          lastEnd = Math.max(lastEnd, ended);
        }
        const setting = await readSetting(s.serve);
        assert.equal(setting.backyard_execute_stop, '1');
        assert.equal(setting.data_update_stop, '1');
        assert.deepEqual(setting.drain_prior, { backyard_execute_stop: '0', data_update_stop: '0' }, 'the drain recorded what it found');

        // Accepted while the drain waited, refused (498, 498-00001) once read-only was on, never both ways.
        const firstRefused = writes.findIndex((w) => w.status !== 200);
        assert.ok(firstRefused > 0, `some writes were accepted during the drain, then refused: ${JSON.stringify(writes.map((w) => w.status))}`);
        for (const w of writes.slice(firstRefused)) {
          assert.equal(w.status, 498, `after the first refusal every write is refused: ${JSON.stringify(w)}`);
          assert.equal(w.result, '498-00001');
        }
        for (const w of writes)
          if (w.answeredAt < lastEnd) assert.equal(w.status, 200, `a write answered while jobs were still running is accepted: ${JSON.stringify(w)}`);
        assert.ok(writes.at(-1)!.answeredAt > result.endedAt && writes.at(-1)!.status === 498, 'writes after the drain returned are refused');
        const stored = await hosts(s.serve);
        for (const w of writes) assert.equal(stored.includes(w.host), w.status === 200, `${w.host} (${w.status}) stored exactly when accepted`);
        const late = await registerRecord(s.serve, 'after-drain');
        assert.equal(late.status, 498, late.text);
        assert.equal(late.body.result, '498-00001');

        const resumed = await runCli(['resume', '--json'], env);
        assert.equal(resumed.code, 0, describeRun(resumed));
        assert.deepEqual((JSON.parse(resumed.stdout) as { kept: string[] }).kept, []);
        const after = await readSetting(s.serve);
        assert.deepEqual([after.data_update_stop, after.backyard_execute_stop, after.drain_prior], ['0', '0', null]);
        const again = await registerRecord(s.serve, 'after-resume');
        assert.equal(again.status, 200, again.text);
      });

      it('a job that never finishes: drain --timeout 3s exits 3 naming it; jobs stay stopped and read-only stays off; a retried drain keeps the first record', async () => {
        const forever = await registerAnsibleMovement(s.serve, 'forever', commandPlaybook('sleep 600'));
        const id = await startAnsible(s.serve, forever);
        await waitForStatus(s.serve, id, ['3'], START_MS);

        const human = await runCli(['drain', '--read-only', '--timeout', '3s'], env);
        assert.equal(human.code, 3, describeRun(human));
        assert.match(
          human.stdout,
          new RegExp(`${SEED.org1}\\s+${SEED.ws1}\\s+ita-by-ansible-execute\\s+${id}\\s+3 `),
          `the table names the job:\n${human.stdout}`,
        );
        assert.match(human.stderr, /timed out/i);
        assert.match(human.stderr, /drydock resume/);
        let setting = await readSetting(s.serve);
        assert.equal(setting.backyard_execute_stop, '1', 'jobs stay stopped');
        assert.equal(setting.data_update_stop, '0', 'read-only was not turned on');

        const json = await runCli(['drain', '--read-only', '--timeout', '2s', '--json'], env);
        assert.equal(json.code, 3, describeRun(json));
        const report = JSON.parse(json.stdout) as { ok: boolean; blocking: Array<{ id: string; organization: string; workspace: string; backyard: string }> };
        assert.equal(report.ok, false);
        assert.deepEqual(
          report.blocking.map((b) => [b.organization, b.workspace, b.backyard, b.id]),
          [[SEED.org1, SEED.ws1, 'ita-by-ansible-execute', id]],
        );
        setting = await readSetting(s.serve);
        assert.deepEqual(
          setting.drain_prior,
          { backyard_execute_stop: '0', data_update_stop: '0' },
          'the retried drain did not record its own "jobs stopped" as the prior state',
        );
        assert.equal((await getExecution(s.serve, id)).status_id, '3', 'the drain leaves the job alone');

        const scram = await s.serve.call({ method: 'PATCH', url: `${ITA1}/menu/execution_ansible_legacy/driver/${id}/scram/`, auth: SEED.member1 });
        assert.equal(scram.status, 200, scram.text);
        await waitForStatus(s.serve, id, ['8'], 60_000);
        const resumed = await runCli(['resume'], env);
        assert.equal(resumed.code, 0, describeRun(resumed));
        setting = await readSetting(s.serve);
        assert.deepEqual([setting.data_update_stop, setting.backyard_execute_stop, setting.drain_prior], ['0', '0', null]);
      });

      it('resume leaves read-only on when it was on before the drain', async () => {
        const set = await runCli(['maintenance', 'set', '--read-only', 'on', '--json'], env);
        assert.equal(set.code, 0, describeRun(set));
        assert.equal((JSON.parse(set.stdout) as { data_update_stop: string }).data_update_stop, '1');

        const drained = await runCli(['drain', '--read-only', '--json'], env);
        assert.equal(drained.code, 0, describeRun(drained));
        const report = JSON.parse(drained.stdout) as { prior: unknown; steps: Array<{ status: string }> };
        assert.deepEqual(report.prior, { backyard_execute_stop: false, data_update_stop: true });
        assert.equal(report.steps.at(-1)!.status, 'AlreadyDone');

        const resumed = await runCli(['resume'], env);
        assert.equal(resumed.code, 0, describeRun(resumed));
        assert.match(resumed.stdout, /left on \(it was on before the drain\): data_update_stop/);
        const setting = await readSetting(s.serve);
        assert.equal(setting.data_update_stop, '1', 'the read-only window the administrator opened is still open');
        assert.equal(setting.backyard_execute_stop, '0', 'jobs run again');
        assert.equal(setting.drain_prior, null);
        assert.equal((await registerRecord(s.serve, 'still-read-only')).status, 498);

        const off = await runCli(['maintenance', 'set', '--read-only', 'off'], env);
        assert.equal(off.code, 0, describeRun(off));
      });

      it('resume leaves jobs stopped when they were stopped before the drain', async () => {
        const set = await runCli(['maintenance', 'set', '--jobs', 'on'], env);
        assert.equal(set.code, 0, describeRun(set));
        const drained = await runCli(['drain', '--read-only', '--json'], env);
        assert.equal(drained.code, 0, describeRun(drained));
        assert.deepEqual((JSON.parse(drained.stdout) as { prior: unknown }).prior, { backyard_execute_stop: true, data_update_stop: false });
        assert.equal((await readSetting(s.serve)).data_update_stop, '1');

        const resumed = await runCli(['resume', '--json'], env);
        assert.equal(resumed.code, 0, describeRun(resumed));
        assert.deepEqual((JSON.parse(resumed.stdout) as { kept: string[] }).kept, ['backyard_execute_stop']);
        const setting = await readSetting(s.serve);
        assert.equal(setting.backyard_execute_stop, '1', 'jobs stay stopped, as they were before the drain');
        assert.equal(setting.data_update_stop, '0', 'read-only is off again');
        assert.equal(setting.drain_prior, null);

        const off = await runCli(['maintenance', 'set', '--jobs', 'off'], env);
        assert.equal(off.code, 0, describeRun(off));
      });

      it('Ctrl-C during a drain exits 130, leaves jobs stopped and read-only off, and says how to go on', async () => {
        const movement = await gated('sigint');
        const id = await startAnsible(s.serve, movement);
        await waitForStatus(s.serve, id, ['3'], START_MS);
        const drain = spawnCli(['drain', '--read-only'], env);
        await waitFor('the drain stopped server-side jobs', async () => (await readSetting(s.serve)).backyard_execute_stop === '1', {
          timeoutMs: 60_000,
          retryErrors: true,
        });
        await new Promise((r) => setTimeout(r, 300));
        drain.child.kill('SIGINT');
        const result = await drain.result;
        assert.equal(result.code, 130, describeRun(result));
        assert.match(result.stderr, /interrupted/i);
        assert.match(result.stderr, /drydock drain/, 'says how to keep waiting');
        assert.match(result.stderr, /drydock resume/, 'says how to undo');
        assert.match(result.stdout, new RegExp(id), 'names what still ran');
        const setting = await readSetting(s.serve);
        assert.deepEqual([setting.backyard_execute_stop, setting.data_update_stop], ['1', '0']);
        assert.equal((await getExecution(s.serve, id)).status_id, '3', 'the job still runs');

        release('sigint');
        await waitForStatus(s.serve, id, ['5'], 60_000);
        const resumed = await runCli(['resume'], env);
        assert.equal(resumed.code, 0, describeRun(resumed));
        const final = await readSetting(s.serve);
        assert.deepEqual([final.backyard_execute_stop, final.data_update_stop], ['0', '0']);
      });
    });
  }
});

describe('drydock drain: exit codes', () => {
  it('bad flags exit 2', async () => {
    for (const args of [
      ['drain', '--no-such-flag'],
      ['drain', '--timeout', 'soon'],
      ['maintenance', 'set', '--jobs', 'maybe'],
      ['resume', 'extra-argument'],
    ]) {
      const r = await runCli(args, adminEnv('http://127.0.0.1:9', ADMIN));
      assert.equal(r.code, 2, `drydock ${args.join(' ')}: ${describeRun(r)}`);
      assert.notEqual(r.stderr.trim(), '', 'says what is wrong');
    }
  });

  it('an unreachable API exits 4', async () => {
    const port = await freePort();
    for (const args of [['drain'], ['resume'], ['maintenance', 'status']]) {
      const r = await runCli(args, adminEnv(`http://127.0.0.1:${port}`, ADMIN));
      assert.equal(r.code, 4, `drydock ${args.join(' ')}: ${describeRun(r)}`);
      assert.match(r.stderr, new RegExp(`Cannot reach drydock at http://127.0.0.1:${port}`));
    }
  });
});
