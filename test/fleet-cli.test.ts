import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from './support/backends.js';
import { describeRun, runCli, spawnCli, type CliProcess } from './support/cli.js';
import { startStack, type Stack } from './support/runbook.js';
import { waitFor } from './support/wait-for.js';

/**
 * `drydock fleet …` end to end: the CLI against a real server, a real `drydock fleet orchestrator`
 * process, and the `command` driver running real shell commands (one pair's secondary upgrade
 * fails until a marker file exists, so failure, the report and retry are real).
 */
function fleetYaml(dir: string): string {
  const pairs = ['001', '002', '003'];
  return [
    'environments:',
    '  - name: PROD',
    '    gate: QA_OK and not Blocked',
    '    concurrency: 2',
    '    driver:',
    '      type: command',
    `      upgrade: "sleep 0.1 && {{ test {node} != PROD_S_002 || test -f ${dir}/fixed; }}"`,
    '      switch: "true"',
    '      health: "true"',
    '    phases:',
    '      1: { steps: [health-active, upgrade, health-upgraded, { name: smoke, run: "echo smokeTest=passed" }] }',
    '      2: { requires: [{ property: smokeTest, equals: passed }] }',
    'nodes:',
    ...pairs.flatMap((id) => [`  - { name: PROD_P_${id}, version: 1.0.0 }`, `  - { name: PROD_S_${id}, version: 1.0.0 }`]),
    '',
  ].join('\n');
}

const runIdOf = (text: string) => /run-\d{8}-[0-9a-f]{8}/.exec(text)?.[0];

for (const backend of BACKENDS) {
  describe(`drydock fleet CLI (${backend})`, () => {
    let stack: Stack;
    let dir: string;
    let orchestrator: CliProcess | undefined;
    before(async () => {
      stack = await startStack(backend);
      dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-fleet-cli-'));
      writeFileSync(path.join(dir, 'fleet.yaml'), fleetYaml(dir));
      writeFileSync(
        path.join(dir, 'bad.yaml'),
        'environments:\n  - { name: PROD, driver: { type: noop } }\nnodes:\n  - { name: PROD_P_001, version: 1.0.0 }\n  - { name: PROD_P_001, version: 1.0.0 }\n  - { name: QA_S_004, version: 1.0.0 }\n',
      );
      writeFileSync(
        path.join(dir, 'typo.yaml'),
        'statuses: [{ name: Blocked, description: do not deploy }]\nenvironments:\n  - { name: QA, driver: { type: noop } }\n  - { name: PROD, gate: QA_0K and not Blocked, driver: { type: noop } }\nnodes:\n  - { name: PROD_P_001, version: 1.0.0 }\n  - { name: PROD_S_001, version: 1.0.0 }\n',
      );
    });
    after(async () => {
      orchestrator?.child.kill('SIGKILL');
      await orchestrator?.result;
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('validate, apply, versions and plan: problems listed, the gate closed until QA_OK', async () => {
      const env = stack.cliEnv();
      const bad = await runCli(['fleet', 'validate', path.join(dir, 'bad.yaml')], env);
      assert.equal(bad.code, 1, describeRun(bad));
      assert.match(bad.stderr, /PROD_P_001 is declared twice/);
      assert.match(bad.stderr, /environment QA, which is not declared/);
      const typo = await runCli(['fleet', 'validate', path.join(dir, 'typo.yaml')], env);
      assert.equal(typo.code, 1, describeRun(typo));
      assert.match(typo.stderr, /environments\[1\]\.gate: gate of PROD names QA_0K, which is not a defined status; did you mean QA_OK\?/);
      const good = await runCli(['fleet', 'validate', path.join(dir, 'fleet.yaml')], env);
      assert.equal(good.code, 0, describeRun(good));
      assert.match(good.stdout, /is valid\nPROD: 3 pairs, driver command/);

      const apply = await runCli(['fleet', 'apply', path.join(dir, 'fleet.yaml')], env);
      assert.equal(apply.code, 0, describeRun(apply));
      assert.match(apply.stdout, /declared 1 environment\(s\), 3 pair\(s\); added 3, removed 0/);

      const closed = await runCli(['fleet', 'plan', '--env', 'PROD', '--version', '2.0.0'], env);
      assert.equal(closed.code, 5, describeRun(closed));
      assert.match(closed.stdout, /gate: QA_OK and not Blocked → CLOSED/);
      assert.match(closed.stdout, /PROD_001: active PROD_P_001/);

      const refused = await runCli(['fleet', 'run', '--env', 'PROD', '--version', '2.0.0', '--detach'], env);
      assert.equal(refused.code, 5, describeRun(refused));
      assert.match(refused.stderr, /HTTP 409 \S+: version 2\.0\.0 may not be deployed to PROD: the PROD gate is closed/);

      // A file without a statuses: list: what its gate names is defined, beside the phase statuses.
      const statuses = await runCli(['fleet', 'statuses'], env);
      assert.equal(statuses.code, 0, describeRun(statuses));
      assert.match(statuses.stdout, /PROD_Phase1_OK +drydock \(phase\) +drydock: phase 1 completed in PROD/);
      assert.match(statuses.stdout, /QA_OK +named by a gate/);
      const undefinedStatus = await runCli(['fleet', 'versions', '2.0.0', '--add', 'Blockd'], env);
      assert.equal(undefinedStatus.code, 1, describeRun(undefinedStatus));
      assert.match(undefinedStatus.stderr, /Blockd is not a defined status; did you mean Blocked\?/);
      const add = await runCli(['fleet', 'versions', '2.0.0', '--add', 'QA_OK'], env);
      assert.equal(add.code, 0, describeRun(add));
      assert.equal(add.stdout.trim(), '2.0.0: QA_OK');
      const list = await runCli(['fleet', 'versions', '--json'], env);
      assert.deepEqual(
        (JSON.parse(list.stdout) as Array<{ version: string; statuses: Array<{ status: string }> }>).map((v) => [v.version, v.statuses.map((s) => s.status)]),
        [['2.0.0', ['QA_OK']]],
      );
      const open = await runCli(['fleet', 'run', '--env', 'PROD', '--version', '2.0.0', '--dry-run'], env);
      assert.equal(open.code, 0, describeRun(open));
      assert.match(open.stdout, /gate: QA_OK and not Blocked → open/);
      assert.match(open.stdout, /3 of 3 pairs would complete all four phases/);
      // The custom step of phase 1 and phase 2's condition (the orchestrator runs them in the next test).
      assert.match(open.stdout, /phase 1 upgrade secondary\n( {4}- .*\n){3} {4}- command PROD_S_001: custom step smoke: echo smokeTest=passed\n/);
      assert.match(open.stdout, /phase 2 switch to secondary\n {4}requires smokeTest = passed on PROD_S_001\n/);
    });

    it('run follows the matrix to the end: one pair fails alone (exit 1, named); retry and status --watch finish it', async () => {
      const env = stack.cliEnv();
      orchestrator = spawnCli(['fleet', 'orchestrator', '--lease', '3s'], { ...stack.processEnv, DRYDOCK_FLEET_POLL_MS: '50' });
      const run = await runCli(['fleet', 'run', '--env', 'PROD', '--version', '2.0.0'], env);
      assert.equal(run.code, 1, describeRun(run));
      assert.match(run.stdout, /COMPLETED WITH FAILURES \(1\/3 pairs failed\) .*1 of 3 pairs failed: PROD_002/);
      assert.match(run.stdout, /PROD_002 +✗ +· +· +· +PROD_P_002 +1\.0\.0 +1\.0\.0 +phase 1: upgrade \(upgrade PROD_S_002\) failed/);
      const runId = runIdOf(run.stdout + run.stderr);
      assert.ok(runId, describeRun(run));

      const list = await runCli(['fleet', 'status'], env);
      assert.equal(list.code, 0, describeRun(list));
      // Never a plain "completed" while a pair failed.
      assert.match(list.stdout, new RegExp(`${runId} +PROD +2\\.0\\.0 +completed with failures \\(1/3 pairs failed\\)`));

      writeFileSync(path.join(dir, 'fixed'), '');
      const retry = await runCli(['fleet', 'retry', runId, 'PROD_002'], env);
      assert.equal(retry.code, 0, describeRun(retry));
      assert.equal(retry.stdout.trim(), 'PROD_002: waiting (attempt 2)');
      const watch = await runCli(['fleet', 'status', runId, '--watch', '--interval', '200ms'], env);
      assert.equal(watch.code, 0, describeRun(watch));
      const view = await runCli(['fleet', 'status', runId, '--json'], env);
      const v = JSON.parse(view.stdout) as {
        run: { state: string; reason: string | null };
        statuses: string[];
        pairs: Array<{ state: string; primaryVersion: string }>;
      };
      assert.equal(v.run.state, 'completed');
      assert.equal(v.run.reason, null);
      assert.deepEqual(v.statuses, ['PROD_OK', 'QA_OK']);
      assert.ok(v.pairs.every((p) => p.state === 'done' && p.primaryVersion === '2.0.0'));
    });

    it('pause and resume a detached run', async () => {
      const env = stack.cliEnv();
      assert.equal((await runCli(['fleet', 'versions', '3.0.0', '--add', 'QA_OK'], env)).code, 0);
      const start = await runCli(['fleet', 'run', '--env', 'PROD', '--version', '3.0.0', '--concurrency', '1', '--detach'], env);
      assert.equal(start.code, 0, describeRun(start));
      const runId = runIdOf(start.stdout);
      assert.ok(runId, describeRun(start));
      const pause = await runCli(['fleet', 'pause', runId], env);
      assert.equal(pause.code, 0, describeRun(pause));
      assert.equal(pause.stdout.trim(), `${runId}: paused`);
      const again = await runCli(['fleet', 'pause', runId], env);
      assert.equal(again.code, 0, 'pausing a paused run changes nothing');
      const paused = JSON.parse((await runCli(['fleet', 'status', runId, '--json'], env)).stdout) as { run: { state: string }; counts: { done: number } };
      assert.equal(paused.run.state, 'paused');
      assert.equal(paused.counts.done, 0);
      const resume = await runCli(['fleet', 'resume', runId], env);
      assert.equal(resume.code, 0, describeRun(resume));
      assert.equal(resume.stdout.trim(), `${runId}: running`);
      const watch = await runCli(['fleet', 'status', runId, '--watch', '--interval', '200ms'], env);
      assert.equal(watch.code, 0, describeRun(watch));
      assert.match(watch.stdout, /COMPLETED/);
      const refused = await runCli(['fleet', 'resume', runId], env);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /is completed: only a paused or halted run can become running/);
    });
    it('phases 1-2 holding after phase 1, then 3-4: refused while PROD_Phase2_OK is missing, status says holding until when, resume ends the hold', async () => {
      const env = stack.cliEnv();
      assert.equal((await runCli(['fleet', 'versions', '4.0.0', '--add', 'QA_OK'], env)).code, 0);
      const usage = await runCli(['fleet', 'run', '--env', 'PROD', '--version', '4.0.0', '--hold-after', '2', '--detach'], env);
      assert.equal(usage.code, 2, describeRun(usage));
      assert.match(usage.stderr, /--hold-after takes a phase and a duration, e\.g\. --hold-after 2 30m/);
      const reversed = await runCli(['fleet', 'run', '--env', 'PROD', '--version', '4.0.0', '--phases', '4-3', '--detach'], env);
      assert.equal(reversed.code, 1, describeRun(reversed));
      assert.match(reversed.stderr, /phases "4-3" is not a range of phases/);
      const early = await runCli(['fleet', 'run', '--env', 'PROD', '--version', '4.0.0', '--phases', '3-4', '--detach'], env);
      assert.equal(early.code, 5, describeRun(early));
      assert.match(early.stderr, /phase 3 needs PROD_Phase2_OK on 4\.0\.0; it carries QA_OK/);

      const start = await runCli(['fleet', 'run', '--env', 'PROD', '--version', '4.0.0', '--phases', '1-2', '--hold-after', '1', '2h', '--detach'], env);
      assert.equal(start.code, 0, describeRun(start));
      const runId = runIdOf(start.stdout);
      assert.ok(runId, describeRun(start));
      const holding = await waitFor('fleet status says the run holds', async () => {
        const status = await runCli(['fleet', 'status', runId], env);
        return /holding until \S+ \(after phase 1\)/.test(status.stdout) ? status.stdout : undefined;
      });
      assert.match(holding, /RUNNING +phase 1 of 1-2/);
      const during = await runCli(['fleet', 'run', '--env', 'PROD', '--version', '4.0.0', '--phases', '3-4', '--detach'], env);
      assert.equal(during.code, 5, describeRun(during));
      assert.match(during.stderr, new RegExp(`Run ${runId} for phases 1-2 is still running`));

      const resume = await runCli(['fleet', 'resume', runId], env);
      assert.equal(resume.code, 0, describeRun(resume));
      const watch = await runCli(['fleet', 'status', runId, '--watch', '--interval', '200ms'], env);
      assert.equal(watch.code, 0, describeRun(watch));
      assert.match(watch.stdout, /COMPLETED +phase 2 of 1-2/);
      assert.match(watch.stdout, /version statuses: PROD_Phase2_OK, QA_OK/);

      const rest = await runCli(['fleet', 'run', '--env', 'PROD', '--version', '4.0.0', '--phases', '3-4'], env);
      assert.equal(rest.code, 0, describeRun(rest));
      assert.match(rest.stdout, /COMPLETED +phase 4 of 3-4/);
      assert.match(rest.stdout, /version statuses: PROD_OK, QA_OK/);
    });
  });
}
