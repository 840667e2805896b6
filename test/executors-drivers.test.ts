/**
 * The Ansible and Terraform CLI drivers against the real binaries (ansible-playbook, terraform), on
 * both backends, driven as a user drives them: movements and operations registered in the
 * workspace's movement_list / operation_list menus, an execution registered through
 * `…/menu/execution_ansible_legacy/driver/execute/` (or execution_terraform_cli), a worker running
 * it, and the execution followed through `GET …/driver/{execution_no}/` until it ends. Covered: success (variables from the operation and
 * from a menu record reach the run and show in the log), failure, emergency stop (the process
 * group dies: no `sleep` survives), scheduled start (not claimed before its time; cancel), the
 * Executing (delayed) transition, status names in ja/en, and a binary missing from the worker's PATH.
 *
 * The binaries are required: a missing one fails this file with the command that installs it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import JSZip from 'jszip';
import pino from 'pino';
import { createWorker } from '../src/backyard/start-worker.js';
import type { Worker } from '../src/backyard/worker.js';
import { compileOptions } from '../src/config/compile.js';
import { ITA1, SEED, seedTenants, startTestApp, type CallResult, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { requireAnsible, requireBinary } from './support/binaries.js';
import { waitFor } from './support/wait-for.js';

const ANSIBLE_MENU = 'execution_ansible_legacy';
const TERRAFORM_MENU = 'execution_terraform_cli';
const TERMINAL = new Set(['5', '6', '7', '8', '10']);
const logger = pino({ level: process.env.DRYDOCK_TEST_LOG ?? 'silent' });

/** Processes whose command line matches `pattern`, as `pgrep -f` sees them. */
function pgrep(pattern: string): string[] {
  const r = spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' });
  if (r.error) throw new Error(`pgrep could not run (${r.error.message}); install it: apt-get install -y procps`);
  return r.stdout.split('\n').filter(Boolean);
}

/** Exastro's schedule_date, UTC, with seconds: "YYYY/MM/DD hh:mm:ss". */
function scheduleDate(at: Date, withSeconds = true): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, withSeconds ? 19 : 16)}`;
}

function assertOk(r: CallResult, what: string): void {
  assert.equal(r.status, 200, `${what}: ${r.text}`);
  assert.equal(r.body.result, '000-00000', `${what}: ${r.text}`);
}

const yaml = (lines: string[]) => lines.join('\n') + '\n';

for (const [index, backend] of BACKENDS.entries()) {
  describe(`Ansible and Terraform CLI drivers with the real binaries (${backend})`, () => {
    let t: TestApp;
    let worker: Worker;
    let workRoot: string;
    let counter = 0;
    let recordUuid: string;
    /** Unique per backend and test, so concurrent runs never see each other's processes. */
    const marker = (n: number) => `60.${process.pid}${index}${n}`;

    before(async () => {
      requireAnsible();
      requireBinary('terraform', ['version'], 'install Terraform so `terraform` is on PATH (https://developer.hashicorp.com/terraform/install)');
      requireBinary('pgrep', ['-V'], 'apt-get install -y procps');
      t = await startTestApp(backend);
      await seedTenants(t);
      // A parameter sheet whose record an operation names: its columns become variables.
      assertOk(
        await t.call({
          method: 'POST',
          url: `${ITA1}/menu/`,
          auth: SEED.manager1,
          body: {
            menu: 'app_params',
            title: 'App parameters',
            columns: [
              { name: 'app_greeting', type: 'string' },
              { name: 'app_port', type: 'integer' },
            ],
          },
        }),
        'define app_params',
      );
      const r = await maintain('app_params', [{ type: 'Register', parameter: { app_greeting: 'こんにちは-from-record', app_port: '8081' } }]);
      recordUuid = r.body.data.IdList[0];
      workRoot = mkdtempSync(path.join(os.tmpdir(), 'drydock-drivers-'));
      worker = createWorker(
        t.deps.store,
        logger,
        compileOptions({ dataDir: workRoot, leaseSeconds: 5, workerPollMs: 100, workerGraceSeconds: 2, workerConcurrency: 4 }),
        { backyards: ['ita-by-ansible-execute', 'ita-by-terraform-cli-execute'] },
      );
      worker.start();
    });
    after(async () => {
      await worker?.stop();
      await t?.close();
      if (workRoot) rmSync(workRoot, { recursive: true, force: true });
    });

    async function maintain(menu: string, items: unknown): Promise<CallResult> {
      const r = await t.call({ method: 'POST', url: `${ITA1}/menu/${menu}/maintenance/all/`, auth: SEED.member1, body: items });
      assertOk(r, `maintain ${menu}`);
      return r;
    }

    /** Registers a movement and an operation; returns their names. */
    async function define(
      movement: Record<string, unknown>,
      operation: Record<string, unknown> = {},
    ): Promise<{ movement_name: string; operation_name: string }> {
      const n = counter++;
      const names = { movement_name: `movement-${n}`, operation_name: `operation-${n}` };
      await maintain('movement_list', [{ type: 'Register', parameter: { movement_name: names.movement_name, ...movement } }]);
      await maintain('operation_list', [{ type: 'Register', parameter: { operation_name: names.operation_name, ...operation } }]);
      return names;
    }

    async function execute(
      menu: string,
      body: Record<string, unknown>,
      action: 'execute' | 'execute_dry_run' | 'execute_check_parameter' = 'execute',
    ): Promise<string> {
      const r = await t.call({ method: 'POST', url: `${ITA1}/menu/${menu}/driver/${action}/`, auth: SEED.member1, body });
      assertOk(r, `execute ${JSON.stringify(body)}`);
      assert.match(r.body.data.execution_no, /^[0-9a-f-]{36}$/);
      return r.body.data.execution_no;
    }

    /** drydock's view of an execution (status name, times, log); `menu`'s Exastro-shaped view is checked on its own below. */
    async function get(_menu: string, id: string, language: 'en' | 'ja' = 'en'): Promise<any> {
      const r = await t.call({ url: `${ITA1}/executions/${id}/`, auth: SEED.member1, headers: { 'accept-language': language } });
      assertOk(r, `get ${id}`);
      return r.body.data;
    }

    async function waitTerminal(menu: string, id: string, timeoutMs = 120_000): Promise<any> {
      return waitFor(
        `execution ${id} ends`,
        async () => {
          const e = await get(menu, id);
          return TERMINAL.has(e.status_id) ? e : undefined;
        },
        { timeoutMs },
      );
    }

    /** Follows an execution to its end, recording every status it was seen in (and calling `onStatus` on each new one). */
    async function watch(
      menu: string,
      id: string,
      onStatus: (statusId: string) => Promise<void> = async () => {},
    ): Promise<{ seen: string[]; end: Awaited<ReturnType<typeof get>> }> {
      const seen: string[] = [];
      const end = await waitFor(
        `execution ${id} ends`,
        async () => {
          const e = await get(menu, id);
          if (seen.at(-1) !== e.status_id) {
            seen.push(e.status_id);
            await onStatus(e.status_id);
          }
          return TERMINAL.has(e.status_id) ? e : undefined;
        },
        { timeoutMs: 120_000 },
      );
      return { seen, end };
    }

    /** Emergency-stops a running execution whose process is `sleep <marker>` and checks the group died. */
    async function scramRunning(menu: string, id: string, sleepMarker: string): Promise<void> {
      const pattern = `sleep ${sleepMarker.replaceAll('.', '\\.')}`;
      await waitFor(`the job's sleep process runs`, () => pgrep(pattern).length > 0, { timeoutMs: 60_000 });
      const running = await get(menu, id, 'ja');
      assert.equal(running.status_id, '3');
      assert.equal(running.status_name, '実行中');
      const started = Date.now();
      assertOk(await t.call({ method: 'PATCH', url: `${ITA1}/menu/${menu}/driver/${id}/scram/`, auth: SEED.member1 }), 'scram');
      const end = await waitTerminal(menu, id, 30_000);
      const took = Date.now() - started;
      assert.equal(end.status_id, '8', end.log);
      assert.ok(took < 8000, `the emergency stop took ${took} ms`);
      assert.equal((await get(menu, id, 'ja')).status_name, '緊急停止');
      assert.equal((await get(menu, id, 'en')).status_name, 'Emergency stop');
      // The process group went with it: the sleep that the job started is gone.
      await waitFor('the sleep process is gone', () => pgrep(pattern).length === 0, { timeoutMs: 5000 });
      assert.deepEqual(pgrep(pattern), []);
    }

    describe('Ansible (ansible-playbook)', () => {
      it('runs a playbook with variables from the operation and from a menu record, and shows them in the log', async () => {
        const names = await define(
          {
            orchestrator: 'ansible',
            playbook: yaml([
              '- hosts: all',
              '  gather_facts: false',
              '  tasks:',
              '    - ansible.builtin.debug:',
              '        msg: "operation says {{ op_message }}; record says {{ app_greeting }} on {{ app_port }}"',
              '    - ansible.builtin.command: echo "command saw {{ op_message }}"',
              '      register: echoed',
              '    - ansible.builtin.debug:',
              '        var: echoed.stdout',
            ]),
          },
          {
            inventory: 'localhost,',
            variables: JSON.stringify({ op_message: 'hello-from-operation' }),
            variables_menu: 'app_params',
            variables_record: recordUuid,
          },
        );
        const id = await execute(ANSIBLE_MENU, names);
        const end = await waitTerminal(ANSIBLE_MENU, id);
        assert.equal(end.status_id, '5', end.log);
        assert.equal(end.status_name, 'Completed');
        assert.equal((await get(ANSIBLE_MENU, id, 'ja')).status_name, '完了');
        assert.match(end.log, /operation says hello-from-operation; record says こんにちは-from-record on 8081/);
        assert.match(end.log, /command saw hello-from-operation/);
        assert.match(end.log, /\$ ansible-playbook -i inventory -e @vars\.json playbook\.yml/);
        assert.match(end.log, /localhost\s+: ok=3\s+changed=1\s+unreachable=0\s+failed=0/);
        assert.deepEqual(end.result, { exit_code: 0 });
        assert.ok(end.time_start && end.time_end && end.time_start <= end.time_end, JSON.stringify(end));

        // The same run as Exastro's clients read it, from either of Exastro's two menus for it.
        for (const menu of [ANSIBLE_MENU, 'check_operation_status_ansible_legacy']) {
          const ita = await t.call({ url: `${ITA1}/menu/${menu}/driver/${id}/`, auth: SEED.member1, headers: { language: 'ja' } });
          assertOk(ita, `Exastro's view from ${menu}`);
          const { execution_list, status_id, progress } = ita.body.data;
          assert.equal(status_id, '5');
          assert.equal(execution_list.parameter.status, '完了');
          assert.equal(execution_list.parameter.execution_no, id);
          assert.equal(execution_list.parameter.movement_name, names.movement_name);
          assert.equal(execution_list.parameter.operation_name, names.operation_name);
          assert.equal(execution_list.parameter.abort_execute_flag, 'False');
          assert.match(execution_list.parameter.end_date_time, /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
          assert.match(progress.execution_log.exec_log['exec.log'], /operation says hello-from-operation/);
        }
        assert.equal(end.spec.variables.op_message, 'hello-from-operation');
        assert.equal(end.spec.variables.app_greeting, 'こんにちは-from-record');
      });

      it('a dry run runs the playbook in check mode: it reports the change it would make and makes none', async () => {
        const target = path.join(workRoot, `dry-run-${counter}.txt`);
        const names = await define({
          orchestrator: 'ansible',
          playbook: yaml([
            '- hosts: all',
            '  gather_facts: false',
            '  tasks:',
            '    - ansible.builtin.copy:',
            `        dest: ${target}`,
            '        content: "written\\n"',
          ]),
        });
        const dry = await waitTerminal(ANSIBLE_MENU, await execute(ANSIBLE_MENU, names, 'execute_dry_run'));
        assert.equal(dry.status_id, '5', dry.log);
        assert.match(dry.log, /\$ ansible-playbook -i inventory -e @vars\.json --check --diff playbook\.yml/);
        assert.match(dry.log, /changed=1/, 'the change it would make is reported');
        assert.ok(!existsSync(target), 'the dry run wrote nothing');
        const ita = await t.call({ url: `${ITA1}/menu/${ANSIBLE_MENU}/driver/${dry.execution_no}/`, auth: SEED.member1, headers: { language: 'ja' } });
        assert.equal(ita.body.data.execution_list.parameter.execution_type, 'ドライラン');

        const real = await waitTerminal(ANSIBLE_MENU, await execute(ANSIBLE_MENU, names));
        assert.equal(real.status_id, '5', real.log);
        assert.equal(readFileSync(target, 'utf8'), 'written\n', 'the execution itself writes it');
        const normal = await t.call({ url: `${ITA1}/menu/${ANSIBLE_MENU}/driver/${real.execution_no}/`, auth: SEED.member1 });
        assert.equal(normal.body.data.execution_list.parameter.execution_type, 'Normal');
      });

      it('a parameter check prepares the input and runs nothing: Completed, its populated_data holds the playbook', async () => {
        const target = path.join(workRoot, `parameter-check-${counter}.txt`);
        const playbook = yaml([
          '- hosts: all',
          '  gather_facts: false',
          '  tasks:',
          '    - ansible.builtin.copy:',
          `        dest: ${target}`,
          '        content: "x"',
        ]);
        const names = await define({ orchestrator: 'ansible', playbook });
        const end = await waitTerminal(ANSIBLE_MENU, await execute(ANSIBLE_MENU, names, 'execute_check_parameter'));
        assert.equal(end.status_id, '5', end.log);
        assert.match(end.log, /Parameter confirmation: the input is prepared/);
        assert.ok(!end.log.includes('$ ansible-playbook'), `nothing ran:\n${end.log}`);
        assert.ok(!existsSync(target));
        const ita = await t.call({ url: `${ITA1}/menu/${ANSIBLE_MENU}/driver/${end.execution_no}/`, auth: SEED.member1 });
        assert.equal(ita.body.data.execution_list.parameter.execution_type, 'Parameter confirmation');
        const input = await t.call({ url: `${ITA1}/menu/${ANSIBLE_MENU}/driver/${end.execution_no}/populated_data`, auth: SEED.member1 });
        const zip = await JSZip.loadAsync(Buffer.from(input.body.data, 'base64'));
        assert.equal(await zip.file('in/playbook.yml')!.async('string'), playbook);
      });

      it('a failing task ends the execution as Completed (error)', async () => {
        const names = await define({
          orchestrator: 'ansible',
          playbook: yaml(['- hosts: all', '  gather_facts: false', '  tasks:', '    - ansible.builtin.fail:', '        msg: deliberate failure for the test']),
        });
        const id = await execute(ANSIBLE_MENU, names);
        const end = await waitTerminal(ANSIBLE_MENU, id);
        assert.equal(end.status_id, '6', end.log);
        assert.equal(end.status_name, 'Completed (error)');
        assert.equal((await get(ANSIBLE_MENU, id, 'ja')).status_name, '完了(異常)');
        assert.match(end.log, /deliberate failure for the test/);
        assert.equal(end.result.exit_code, 2);
      });

      it('an emergency stop while Executing kills the playbook and what it started: Emergency stop', async () => {
        const sleepMarker = marker(1);
        const names = await define({
          orchestrator: 'ansible',
          playbook: yaml([
            '- hosts: all',
            '  gather_facts: false',
            '  tasks:',
            `    - ansible.builtin.command: sleep ${sleepMarker}`,
            '    - ansible.builtin.debug:',
            '        msg: never reached',
          ]),
        });
        const id = await execute(ANSIBLE_MENU, names);
        await scramRunning(ANSIBLE_MENU, id, sleepMarker);
        assert.doesNotMatch((await get(ANSIBLE_MENU, id)).log, /never reached/);
      });

      it('passes through Executing (delayed) when the run outlives its delay timer, then completes', async () => {
        const names = await define({
          orchestrator: 'ansible',
          delay_timer: '0.02', // minutes: 1.2 s
          playbook: yaml(['- hosts: all', '  gather_facts: false', '  tasks:', '    - ansible.builtin.command: sleep 3']),
        });
        const id = await execute(ANSIBLE_MENU, names);
        const names4: string[] = [];
        const { seen, end } = await watch(ANSIBLE_MENU, id, async (statusId) => {
          if (statusId !== '4') return;
          names4.push((await get(ANSIBLE_MENU, id, 'ja')).status_name, (await get(ANSIBLE_MENU, id, 'en')).status_name);
        });
        assert.equal(end.status_id, '5', end.log);
        assert.equal(end.delay_timer, 0.02);
        assert.ok(seen.includes('4'), `statuses seen: ${seen.join(' → ')}`);
        assert.deepEqual(names4, ['実行中(遅延)', 'Executing (delayed)']);
        // Never back from delayed to executing: the order is the master's, and delayed is the last before the end.
        const order = ['1', '2', '3', '4', '5'];
        assert.deepEqual(
          [...seen].sort((x, y) => order.indexOf(x) - order.indexOf(y)),
          seen,
          `statuses seen: ${seen.join(' → ')}`,
        );
        assert.equal(seen.at(-2), '4', `statuses seen: ${seen.join(' → ')}`);
      });

      it('an execution that ends within its delay timer is never delayed', async () => {
        const names = await define({
          orchestrator: 'ansible',
          delay_timer: '5',
          playbook: yaml(['- hosts: all', '  gather_facts: false', '  tasks:', '    - ansible.builtin.debug: msg=quick']),
        });
        const id = await execute(ANSIBLE_MENU, names);
        const { seen, end } = await watch(ANSIBLE_MENU, id);
        assert.equal(end.status_id, '5', end.log);
        assert.ok(!seen.includes('4'), `statuses seen: ${seen.join(' → ')}`);
      });

      it('a scheduled execution waits in Unexecuted (scheduled) and can be cancelled', async () => {
        const names = await define({
          orchestrator: 'ansible',
          playbook: yaml(['- hosts: all', '  gather_facts: false', '  tasks:', '    - ansible.builtin.debug: msg=scheduled']),
        });
        const at = new Date(Date.now() + 3 * 60_000);
        const id = await execute(ANSIBLE_MENU, { ...names, schedule_date: scheduleDate(at, false) });
        const waiting = await get(ANSIBLE_MENU, id, 'ja');
        assert.equal(waiting.status_id, '9');
        assert.equal(waiting.status_name, '未実行(予約)');
        assert.equal(waiting.schedule_date, `${at.toISOString().slice(0, 16)}:00.000000Z`);
        // The worker is running and polling every 100 ms: it leaves the job alone.
        await new Promise((r) => setTimeout(r, 1000));
        const still = await get(ANSIBLE_MENU, id);
        assert.equal(still.status_id, '9');
        assert.equal(still.time_start, null);
        assertOk(await t.call({ method: 'PATCH', url: `${ITA1}/menu/${ANSIBLE_MENU}/driver/${id}/cancel/`, auth: SEED.member1 }), 'cancel');
        const cancelled = await get(ANSIBLE_MENU, id, 'ja');
        assert.equal(cancelled.status_id, '10');
        assert.equal(cancelled.status_name, '予約取消');
        assert.equal((await get(ANSIBLE_MENU, id, 'en')).status_name, 'Schedule cancelled');
        // A cancelled execution cannot be cancelled again.
        const again = await t.call({ method: 'PATCH', url: `${ITA1}/menu/${ANSIBLE_MENU}/driver/${id}/cancel/`, auth: SEED.member1 });
        assert.equal(again.status, 499, again.text);
        assert.equal(again.body.result, '499-00910', 'Exastro: the status does not allow a schedule cancellation');
      });

      it('a missing ansible-playbook ends the execution as Unexpected error naming the install command', async () => {
        const names = await define({
          orchestrator: 'ansible',
          playbook: yaml(['- hosts: all', '  gather_facts: false', '  tasks:', '    - ansible.builtin.debug: msg=x']),
        });
        const savedPath = process.env.PATH;
        const emptyBin = mkdtempSync(path.join(os.tmpdir(), 'drydock-empty-path-'));
        process.env.PATH = emptyBin;
        let end;
        try {
          const id = await execute(ANSIBLE_MENU, names);
          end = await waitTerminal(ANSIBLE_MENU, id, 30_000);
        } finally {
          process.env.PATH = savedPath;
          rmSync(emptyBin, { recursive: true, force: true });
        }
        assert.equal(end.status_id, '7', end.log);
        assert.equal(end.status_name, 'Unexpected error');
        assert.match(end.log, /ansible-playbook/);
        assert.match(end.log, /apt-get install -y ansible/);
      });
    });

    describe('Terraform CLI (terraform init/plan/apply)', () => {
      const module = (resource: string[], extra: string[] = []) =>
        JSON.stringify({
          'main.tf': [
            'variable "greeting" {',
            '  type = string',
            '}',
            'resource "terraform_data" "step" {',
            '  input = var.greeting',
            ...resource,
            '}',
            ...extra,
          ].join('\n'),
        });

      it('runs init, plan and apply with the variables, streams the output, and keeps the outputs', async () => {
        const names = await define(
          {
            orchestrator: 'terraform-cli',
            terraform_files: module(
              ['  provisioner "local-exec" {', '    command = "echo GREETING=${var.greeting}"', '  }'],
              ['output "shout" {', '  value = upper(terraform_data.step.output)', '}'],
            ),
          },
          {
            // app_greeting and app_port (from the record) are not declared by the module: warnings, not a failure.
            variables: JSON.stringify({ greeting: 'hello-terraform' }),
            variables_menu: 'app_params',
            variables_record: recordUuid,
          },
        );
        const id = await execute(TERRAFORM_MENU, names);
        const { seen, end } = await watch(TERRAFORM_MENU, id);
        assert.equal(end.status_id, '5', end.log);
        assert.equal(end.status_name, 'Completed');
        assert.equal((await get(TERRAFORM_MENU, id, 'ja')).status_name, '完了');
        assert.ok(!seen.includes('4') && !seen.includes('6'), seen.join(' → '));
        for (const step of [
          'init -input=false -no-color',
          'plan -input=false -no-color -out=plan.tfplan',
          'apply -input=false -no-color -auto-approve plan.tfplan',
        ]) {
          assert.ok(end.log.includes(`$ terraform ${step}\n`), `log shows terraform ${step}:\n${end.log}`);
        }
        assert.match(end.log, /Terraform has been successfully initialized/);
        assert.match(end.log, /GREETING=hello-terraform/);
        assert.match(end.log, /Apply complete! Resources: 1 added, 0 changed, 0 destroyed/);
        assert.match(end.log, /undeclared variable/i);
        assert.deepEqual(end.result, { exit_code: 0, outputs: { shout: 'HELLO-TERRAFORM' } });
      });

      it("a dry run (Exastro's plan confirmation) runs init and plan, never apply", async () => {
        const names = await define(
          { orchestrator: 'terraform-cli', terraform_files: module(['  provisioner "local-exec" {', '    command = "echo APPLIED=${var.greeting}"', '  }']) },
          { variables: JSON.stringify({ greeting: 'planned' }) },
        );
        const end = await waitTerminal(TERRAFORM_MENU, await execute(TERRAFORM_MENU, names, 'execute_dry_run'));
        assert.equal(end.status_id, '5', end.log);
        assert.ok(end.log.includes('$ terraform plan -input=false -no-color -out=plan.tfplan\n'), end.log);
        assert.match(end.log, /Plan: 1 to add, 0 to change, 0 to destroy/);
        assert.ok(!end.log.includes('$ terraform apply'), `no apply:\n${end.log}`);
        assert.doesNotMatch(end.log, /APPLIED=planned|Apply complete/);
        const ita = await t.call({ url: `${ITA1}/menu/${TERRAFORM_MENU}/driver/${end.execution_no}/`, auth: SEED.member1 });
        assert.equal(ita.body.data.execution_list.parameter.execution_type, 'Plan confirmation');
      });

      it('a failing local-exec ends the execution as Completed (error) at apply', async () => {
        const names = await define(
          {
            orchestrator: 'terraform-cli',
            terraform_files: module(['  provisioner "local-exec" {', '    command = "echo about to fail; exit 3"', '  }']),
          },
          { variables: JSON.stringify({ greeting: 'x' }) },
        );
        const id = await execute(TERRAFORM_MENU, names);
        const end = await waitTerminal(TERRAFORM_MENU, id);
        assert.equal(end.status_id, '6', end.log);
        assert.equal((await get(TERRAFORM_MENU, id, 'ja')).status_name, '完了(異常)');
        assert.match(end.log, /about to fail/);
        assert.match(end.log, /exit status 3/);
        assert.match(end.log, /terraform apply failed/);
        assert.equal(end.result.step, 'apply');
        assert.equal(end.result.exit_code, 1);
      });

      it('an invalid module fails before apply, naming the step', async () => {
        const names = await define(
          { orchestrator: 'terraform-cli', terraform_files: JSON.stringify({ 'main.tf': 'resource "terraform_data" "broken" {\n  input = \n}\n' }) },
          {},
        );
        const id = await execute(TERRAFORM_MENU, names);
        const end = await waitTerminal(TERRAFORM_MENU, id);
        assert.equal(end.status_id, '6', end.log);
        assert.match(end.result.step, /^(init|plan)$/);
        assert.doesNotMatch(end.log, /\$ terraform apply/);
        assert.match(end.log, /Error/);
      });

      it('an emergency stop while Executing kills terraform and its local-exec: Emergency stop', async () => {
        const sleepMarker = marker(2);
        const names = await define(
          {
            orchestrator: 'terraform-cli',
            terraform_files: module(['  provisioner "local-exec" {', `    command = "sleep ${sleepMarker}"`, '  }']),
          },
          { variables: JSON.stringify({ greeting: 'x' }) },
        );
        const id = await execute(TERRAFORM_MENU, names);
        await scramRunning(TERRAFORM_MENU, id, sleepMarker);
        assert.doesNotMatch((await get(TERRAFORM_MENU, id)).log, /Apply complete/);
      });

      it('a scheduled execution is not claimed before its time, and runs when due', async () => {
        const names = await define(
          {
            orchestrator: 'terraform-cli',
            terraform_files: module(['  provisioner "local-exec" {', '    command = "echo ran on schedule"', '  }']),
          },
          { variables: JSON.stringify({ greeting: 'x' }) },
        );
        const at = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
        const id = await execute(TERRAFORM_MENU, { ...names, schedule_date: scheduleDate(at) });
        // Until its time the running worker leaves it in Unexecuted (scheduled).
        let looks = 0;
        while (Date.now() < at.getTime() - 200) {
          const e = await get(TERRAFORM_MENU, id);
          if (Date.now() < at.getTime()) {
            assert.equal(e.status_id, '9', `claimed before ${at.toISOString()} (now ${new Date().toISOString()})`);
            looks++;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(looks >= 3, `looked ${looks} times before the start time`);
        const end = await waitTerminal(TERRAFORM_MENU, id);
        assert.equal(end.status_id, '5', end.log);
        assert.match(end.log, /ran on schedule/);
        assert.ok(end.time_start >= at.toISOString().replace('Z', '000Z'), `started ${end.time_start}, scheduled ${at.toISOString()}`);
      });
    });
  });
}
