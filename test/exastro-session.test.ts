/**
 * An Exastro-style client session, request for request as a script against Exastro IT Automation
 * sends it (curl, JSON, Bearer token), over real HTTP, on both stores, with a real worker running
 * the real ansible-playbook:
 * sign in at the token endpoint → register an operation (operation_list) and an Ansible-Legacy
 * movement (movement_list_ansible_legacy) through `maintenance/all` → execute the driver → poll its
 * status → download its result and input data → change the operation and read its journal.
 * The one thing an Exastro script would do otherwise: drydock's movement carries its playbook
 * (`playbook`), where Exastro links a playbook file from another menu.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import JSZip from 'jszip';
import pino from 'pino';
import { createWorker } from '../src/backyard/start-worker.js';
import type { Worker } from '../src/backyard/worker.js';
import { compileOptions } from '../src/config/compile.js';
import { commandPlaybook } from './support/ansible-jobs.js';
import { SEED, seedTenants, startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { requireAnsible } from './support/binaries.js';
import { waitFor } from './support/wait-for.js';

const ORG = SEED.org1;
const WS = SEED.ws1;

for (const backend of BACKENDS) {
  describe(`an Exastro-style session over HTTP (${backend})`, () => {
    let t: TestApp;
    let base: string;
    let worker: Worker;
    let workRoot: string;
    let bearer = '';

    before(async () => {
      requireAnsible();
      workRoot = mkdtempSync(path.join(os.tmpdir(), 'drydock-session-'));
      t = await startTestApp(backend, { dataDir: workRoot });
      await seedTenants(t);
      base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      worker = createWorker(t.deps.store, pino({ level: 'silent' }), compileOptions({ dataDir: workRoot, workerPollMs: 100, leaseSeconds: 10 }), {
        backyards: ['ita-by-ansible-execute'],
      });
      worker.start();
    });
    after(async () => {
      await worker?.stop();
      await t?.close();
      if (workRoot) rmSync(workRoot, { recursive: true, force: true });
    });

    /** `curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -X METHOD $ITA/path -d body`, answer parsed. */
    async function ita(method: string, pathAndQuery: string, body?: unknown): Promise<{ status: number; json: any }> {
      const res = await fetch(`${base}/api/${ORG}/workspaces/${WS}/ita/${pathAndQuery}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: res.status, json: await res.json() };
    }

    it('runs through, each answer as Exastro gives it', async () => {
      // 1. A refresh token (password grant, offline), then an access token from it.
      const token = async (form: Record<string, string>) => {
        const res = await fetch(`${base}/auth/realms/${ORG}/protocol/openid-connect/token`, { method: 'POST', body: new URLSearchParams(form) });
        assert.equal(res.status, 200);
        return (await res.json()) as { access_token: string; refresh_token: string };
      };
      const { refresh_token } = await token({
        grant_type: 'password',
        client_id: `_${ORG}-api`,
        scope: 'openid offline_access',
        username: 'member1',
        password: 'member1-password',
      });
      bearer = (await token({ grant_type: 'refresh_token', client_id: `_${ORG}-api`, refresh_token })).access_token;

      // 2. The operation, as Exastro's operation_list takes it.
      const op = await ita('POST', 'menu/operation_list/maintenance/all/', [
        { type: 'Register', parameter: { operation_name: 'op01', scheduled_date_for_execution: '2025/01/31 10:00:00', remarks: 'session' }, file: {} },
      ]);
      assert.equal(op.status, 200, JSON.stringify(op.json));
      assert.deepEqual({ ...op.json.data, IdList: op.json.data.IdList.length }, { Register: 1, Update: 0, Restore: 0, Discard: 0, Delete: 0, IdList: 1 });
      const operationId = op.json.data.IdList[0] as string;

      // 3. The movement, through Exastro's Ansible-Legacy movement menu.
      const playbook = commandPlaybook('echo session-ran');
      const mv = await ita('POST', 'menu/movement_list_ansible_legacy/maintenance/all/', [
        { type: 'Register', parameter: { movement_name: 'mv01', host_specific_format: 'IP', playbook } },
      ]);
      assert.equal(mv.status, 200, JSON.stringify(mv.json));
      const movements = await ita('POST', 'menu/movement_list_ansible_legacy/filter/?file=no', { discard: { NORMAL: '0' } });
      const movement = movements.json.data.find((r: { parameter: { movement_name: string } }) => r.parameter.movement_name === 'mv01').parameter;
      assert.equal(movement.movement_id, mv.json.data.IdList[0], 'keyed movement_id, as Exastro');
      assert.equal(movement.host_specific_format, 'IP');
      assert.ok(!('uuid' in movement) && !('orchestrator' in movement), `Exastro's columns only: ${Object.keys(movement).join(', ')}`);
      const info = await ita('GET', 'menu/movement_list_ansible_legacy/info/');
      assert.equal(info.json.data.menu_info.pk_column_name_rest, 'movement_id');

      // 4. Execute, then poll the status as Exastro's UI does.
      const run = await ita('POST', 'menu/execution_ansible_legacy/driver/execute/', { movement_name: 'mv01', operation_name: 'op01' });
      assert.equal(run.status, 200, JSON.stringify(run.json));
      const no = run.json.data.execution_no as string;
      const done = await waitFor(
        `execution ${no} completes`,
        async () => {
          const s = await ita('GET', `menu/check_operation_status_ansible_legacy/driver/${no}/`);
          assert.equal(s.status, 200, JSON.stringify(s.json));
          assert.ok(!['6', '7', '8'].includes(s.json.data.status_id), `ended badly: ${JSON.stringify(s.json.data.progress)}`);
          return s.json.data.status_id === '5' ? s.json.data : undefined;
        },
        { timeoutMs: 90_000, everyMs: 500 },
      );
      assert.equal(done.execution_list.parameter.result_data, `ResultData_${no}.zip`);
      assert.match(done.progress.execution_log.exec_log['exec.log'], /PLAY RECAP[\s\S]*changed=1/);

      // 5. The result and the input data, base64 zips.
      const result = await ita('GET', `menu/check_operation_status_ansible_legacy/driver/${no}/result_data`);
      const out = await JSZip.loadAsync(Buffer.from(result.json.data, 'base64'));
      assert.match(await out.file('out/exec.log')!.async('string'), /PLAY RECAP[\s\S]*changed=1/);
      const input = await ita('GET', `menu/check_operation_status_ansible_legacy/driver/${no}/populated_data`);
      const inZip = await JSZip.loadAsync(Buffer.from(input.json.data, 'base64'));
      assert.equal(await inZip.file('in/playbook.yml')!.async('string'), playbook);

      // 6. Change the operation as Exastro's clients do (its key and the time they read), then read its journal.
      const ops = await ita('POST', 'menu/operation_list/filter/', { operation_id: { LIST: [operationId] } });
      const row = ops.json.data[0].parameter;
      assert.equal(row.scheduled_date_for_execution, '2025/01/31 10:00:00');
      const updated = await ita('POST', 'menu/operation_list/maintenance/all/', [
        {
          type: 'Update',
          parameter: { operation_id: operationId, operation_name: 'op01', remarks: 'ran once', last_update_date_time: row.last_update_date_time },
        },
      ]);
      assert.equal(updated.json.data.Update, 1, JSON.stringify(updated.json));
      const journal = await ita('GET', `menu/operation_list/filter/journal/${operationId}/`);
      assert.deepEqual(
        journal.json.data.map((e: { parameter: { journal_action: string; remarks: string; operation_id: string } }) => [
          e.parameter.journal_action,
          e.parameter.remarks,
          e.parameter.operation_id,
        ]),
        [
          ['UPDATE', 'ran once', operationId],
          ['INSERT', 'session', operationId],
        ],
      );

      // 7. A movement of another driver is Exastro's 499-00901 there.
      const elsewhere = await ita('POST', 'menu/execution_terraform_cli/driver/execute/', { movement_name: 'mv01', operation_name: 'op01' });
      assert.equal(elsewhere.status, 499);
      assert.equal(elsewhere.json.result, '499-00901');
    });
  });
}
