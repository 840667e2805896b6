/**
 * The Terraform Cloud/EP executor (`ita-by-terraform-cloud-ep-execute`) against an in-test server
 * speaking the runs API subset it uses (no real Terraform Cloud can run here; see
 * support/terraform-cloud-server.ts), over real HTTP, on both backends: a run that applies, one
 * that errors, an emergency stop that cancels the run, a wrong token, and a worker without the
 * settings. Executions are registered and read through the API as a user would.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { EXECUTORS } from '../src/backyard/executors/index.js';
import { Worker } from '../src/backyard/worker.js';
import { ITA1, SEED, seedTenants, startTestApp, type CallResult, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { startTerraformCloudServer, type TerraformCloudServer } from './support/terraform-cloud-server.js';
import { waitFor } from './support/wait-for.js';

const TOKEN = 'tfc-test-token.atlasv1.abcdef';
const MENU = `${ITA1}/menu/execution_terraform_cloud_ep/driver`;

function ok(r: CallResult, what: string): CallResult {
  assert.equal(r.status, 200, `${what}: ${r.text}`);
  return r;
}

for (const backend of BACKENDS) {
  describe(`Terraform Cloud/EP executor (${backend})`, () => {
    let t: TestApp;
    let tfc: TerraformCloudServer;
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'drydock-tfc-work-'));

    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
      // Steps four times slower than the executor polls, so it sees every status.
      tfc = await startTerraformCloudServer({ token: TOKEN, stepMs: 200 });
      tfc.workspace('acme', 'app');
      tfc.workspace('acme', 'broken', { error: true });
      tfc.workspace('acme', 'slow', { holdAt: 'planning' });
      const register = (menu: string, parameter: Record<string, unknown>) =>
        t.call({ method: 'POST', url: `${ITA1}/menu/${menu}/maintenance/all/`, auth: SEED.member1, body: [{ type: 'Register', parameter }] });
      for (const ws of ['app', 'broken', 'slow']) {
        ok(
          await register('movement_list', { movement_name: `tfc-${ws}`, orchestrator: 'terraform-cloud-ep', tfc_organization: 'acme', tfc_workspace: ws }),
          `movement ${ws}`,
        );
      }
      ok(
        await register('operation_list', {
          operation_name: 'tfc-op',
          variables: JSON.stringify({ replicas: 2, name: 'web ${x}', tags: ['a', 'b'], limits: { cpu: 1.5, burst: true } }),
        }),
        'operation',
      );
    });
    after(async () => {
      await tfc?.close();
      await t?.close();
      rmSync(workDir, { recursive: true, force: true });
    });

    /** Runs `fn` with one worker of this backyard whose settings point at the test server (or not). */
    async function withWorker<T>(settings: { url?: string; token?: string }, fn: () => Promise<T>): Promise<T> {
      const worker = new Worker(
        t.deps.store,
        pino({ level: 'silent' }),
        {
          backyards: ['ita-by-terraform-cloud-ep-execute'],
          concurrency: 2,
          leaseMs: 5000,
          pollMs: 100,
          graceMs: 2000,
          workDir,
          settings: { terraformCloudUrl: settings.url, terraformCloudToken: settings.token, pollMs: 50 },
        },
        EXECUTORS,
      );
      worker.start();
      try {
        return await fn();
      } finally {
        await worker.stop();
      }
    }

    const configured = () => ({ url: tfc.url, token: TOKEN });

    async function execute(movement: string, action: 'execute' | 'execute_dry_run' = 'execute'): Promise<string> {
      const r = ok(
        await t.call({ method: 'POST', url: `${MENU}/${action}/`, auth: SEED.member1, body: { movement_name: movement, operation_name: 'tfc-op' } }),
        `execute ${movement}`,
      );
      return String(r.body.data.execution_no);
    }

    // The response body is whatever JSON the route returns.

    async function execution(id: string): Promise<any> {
      return ok(await t.call({ url: `${ITA1}/executions/${id}/`, auth: SEED.member1 }), `get ${id}`).body.data;
    }

    async function waitForStatus(id: string, statuses: readonly string[]): Promise<any> {
      let last: any;
      return waitFor(
        `execution ${id} is in ${statuses.join('/')}`,
        async () => {
          last = await execution(id);
          return statuses.includes(last.status_id) ? last : undefined;
        },
        { timeoutMs: 20_000, explain: () => `it is ${last?.status_id}; log:\n${last?.log}` },
      );
    }

    it('applies a run: Completed, every status change logged, the token and HCL variables reached the server', async () => {
      const sent = tfc.requests.length;
      const job = await withWorker(configured(), async () => waitForStatus(await execute('tfc-app'), ['5', '6', '7']));
      assert.equal(job.status_id, '5', job.log);
      const run = [...tfc.runs.values()].at(-1)!;
      assert.deepEqual(run.statuses, ['pending', 'planning', 'planned', 'applying', 'applied']);
      assert.equal(job.result.run_id, run.id);
      for (const [from, to] of [
        ['pending', 'planning'],
        ['planning', 'planned'],
        ['planned', 'applying'],
        ['applying', 'applied'],
      ]) {
        assert.match(job.log, new RegExp(`${run.id}: ${from} → ${to}`), job.log);
      }

      const calls = tfc.requests.slice(sent);
      assert.ok(calls.length >= 3, 'workspace lookup, run creation and at least one poll');
      for (const c of calls) assert.equal(c.authorization, `Bearer ${TOKEN}`, `${c.method} ${c.path}`);
      assert.equal(calls[0]!.method, 'GET');
      assert.equal(calls[0]!.path, '/api/v2/organizations/acme/workspaces/app');
      const create = calls.find((c) => c.method === 'POST' && c.path === '/api/v2/runs')!;
      assert.equal(create.contentType, 'application/vnd.api+json');
      const data = (create.body as { data: { type: string; attributes: Record<string, unknown>; relationships: unknown } }).data;
      assert.equal(data.type, 'runs');
      assert.equal(data.attributes['auto-apply'], true);
      assert.match(String(data.attributes.message), new RegExp(job.execution_no));
      assert.deepEqual(data.relationships, { workspace: { data: { type: 'workspaces', id: run.workspaceId } } });
      assert.deepEqual(data.attributes.variables, [
        { key: 'limits', value: '{ "burst" = true, "cpu" = 1.5 }' },
        { key: 'name', value: '"web $${x}"' },
        { key: 'replicas', value: '2' },
        { key: 'tags', value: '["a", "b"]' },
      ]);
      assert.ok(
        calls.some((c) => c.method === 'GET' && c.path === `/api/v2/runs/${run.id}`),
        'the run was polled',
      );
    });

    it("a dry run (Exastro's plan confirmation) creates a plan-only run: planned_and_finished, Completed, nothing applied", async () => {
      const sent = tfc.requests.length;
      const job = await withWorker(configured(), async () => waitForStatus(await execute('tfc-app', 'execute_dry_run'), ['5', '6', '7']));
      assert.equal(job.status_id, '5', job.log);
      const run = [...tfc.runs.values()].at(-1)!;
      assert.deepEqual(run.statuses, ['pending', 'planning', 'planned_and_finished']);
      const create = tfc.requests.slice(sent).find((c) => c.method === 'POST' && c.path === '/api/v2/runs')!;
      const attributes = (create.body as { data: { attributes: Record<string, unknown> } }).data.attributes;
      assert.equal(attributes['plan-only'], true);
      assert.equal(attributes['auto-apply'], undefined, 'a plan-only run is never applied');
      assert.match(job.log, /planning → planned_and_finished/);
    });

    it('a run that errors ends in Completed (error) with the status in the log', async () => {
      const job = await withWorker(configured(), async () => waitForStatus(await execute('tfc-broken'), ['5', '6', '7']));
      assert.equal(job.status_id, '6', job.log);
      assert.match(job.log, /planning → errored/);
      assert.match(job.log, /ended: errored/);
    });

    it('an emergency stop cancels the run through the API and ends in Emergency stop', async () => {
      const job = await withWorker(configured(), async () => {
        const id = await execute('tfc-slow');
        await waitFor(
          'the run is planning',
          async () => {
            const e = await execution(id);
            return e.status_id === '3' && /pending → planning/.test(e.log) ? e : undefined;
          },
          { timeoutMs: 20_000 },
        );
        ok(await t.call({ method: 'PATCH', url: `${MENU}/${id}/scram/`, auth: SEED.member1 }), 'scram');
        return waitForStatus(id, ['5', '6', '7', '8']);
      });
      assert.equal(job.status_id, '8', job.log);
      const runId = String(job.result.run_id);
      assert.ok(
        tfc.requests.some((r) => r.method === 'POST' && r.path === `/api/v2/runs/${runId}/actions/cancel` && r.authorization === `Bearer ${TOKEN}`),
        'cancel was sent with the token',
      );
      assert.equal(tfc.runs.get(runId)?.status, 'canceled');
      assert.match(job.log, /cancel accepted/);
    });

    it('a wrong token ends in Completed (error) with the HTTP status and a hint', async () => {
      const job = await withWorker({ url: tfc.url, token: 'wrong' }, async () => waitForStatus(await execute('tfc-app'), ['5', '6', '7']));
      assert.equal(job.status_id, '6', job.log);
      assert.match(job.log, /HTTP 401 \(check DRYDOCK_TFC_TOKEN\)/);
    });

    it('a worker without the settings ends the job in Completed (error) naming DRYDOCK_TFC_URL and DRYDOCK_TFC_TOKEN', async () => {
      const requests = tfc.requests.length;
      const job = await withWorker({}, async () => waitForStatus(await execute('tfc-app'), ['5', '6', '7']));
      assert.equal(job.status_id, '6', job.log);
      assert.match(job.log, /DRYDOCK_TFC_URL/);
      assert.match(job.log, /DRYDOCK_TFC_TOKEN/);
      assert.equal(tfc.requests.length, requests, 'nothing was sent anywhere');

      const onlyUrl = await withWorker({ url: tfc.url }, async () => waitForStatus(await execute('tfc-app'), ['5', '6', '7']));
      assert.equal(onlyUrl.status_id, '6');
      assert.match(onlyUrl.log, /set DRYDOCK_TFC_TOKEN/);
      assert.doesNotMatch(onlyUrl.log, /DRYDOCK_TFC_URL/);
    });
  });
}
