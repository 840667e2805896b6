/**
 * Conductors (`ita-by-conductor-synchronize`) on both backends, with real `ansible-playbook` runs
 * as their children: conductor classes registered through the conductor_class_list menu, executed
 * and read through the API as a user would. A sequence (and the delayed status), parallel branches
 * joined by a node waiting for both (one allowed to fail: Warning end), a failing branch (Abend,
 * nothing later started), pause and release, Exastro's view of a conductor (nodes, info, input and
 * result data), an emergency stop, invalid class definitions, the
 * execute-check while a conductor runs, and a conductor in flight across read-only mode.
 * ansible-playbook's start (seconds) dominates the runtime, so each test runs as few steps as its
 * point needs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import JSZip from 'jszip';
import pino from 'pino';
import { EXECUTORS } from '../src/backyard/executors/index.js';
import { Worker } from '../src/backyard/worker.js';
import { ITA1, SEED, seedTenants, setMaintenance, startTestApp, type CallResult, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { editorClass } from './support/driver-jobs.js';
import { waitFor } from './support/wait-for.js';

const CONDUCTOR = `${ITA1}/menu/conductor_class_edit/conductor`;
const OPERATION = 'conductor-op';

/** A fast playbook on localhost whose one task is `task` (YAML, indented under `tasks:`). */
function playbook(task: string): string {
  return ['- hosts: all', '  gather_facts: false', '  tasks:', `    - name: step`, `      ${task}`, ''].join('\n');
}

/** Movements the classes below use: name → [playbook, delay timer in minutes]. */
const MOVEMENTS: Record<string, [string, number?]> = {
  ok: [playbook('ansible.builtin.command: sleep 1')],
  slow: [playbook('ansible.builtin.command: sleep 3')],
  long: [playbook('ansible.builtin.command: sleep 120')],
  fail: [playbook('ansible.builtin.fail: { msg: "this step fails on purpose" }')],
  // 0.02 minutes = 1.2 s: ansible-playbook's own start takes longer, so the step is always delayed.
  late: [playbook('ansible.builtin.command: sleep 1'), 0.02],
};

interface NodeDef {
  id: string;
  type?: 'movement' | 'pause';
  movement_name?: string;
  depends_on?: string[];
  allow_failure?: boolean;
}

function ok(r: CallResult, what: string): CallResult {
  assert.equal(r.status, 200, `${what}: ${r.text}`);
  return r;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Conductor statuses after which it does nothing more. */
const FINISHED = ['6', '7', '8', '9', '10', '11'];

// Views are the API's JSON.

type View = any;

for (const backend of BACKENDS) {
  describe(`conductor executor (${backend})`, () => {
    let t: TestApp;
    let worker: Worker;
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'drydock-conductor-work-'));

    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
      const register = (menu: string, parameters: Array<Record<string, unknown>>) =>
        t.call({
          method: 'POST',
          url: `${ITA1}/menu/${menu}/maintenance/all/`,
          auth: SEED.member1,
          body: parameters.map((parameter) => ({ type: 'Register', parameter })),
        });
      ok(
        await register(
          'movement_list',
          Object.entries(MOVEMENTS).map(([name, [pb, delay]]) => ({
            movement_name: name,
            orchestrator: 'ansible',
            playbook: pb,
            ...(delay !== undefined && { delay_timer: delay }),
          })),
        ),
        'movements',
      );
      ok(await register('operation_list', [{ operation_name: OPERATION, inventory: 'localhost,' }]), 'operation');
      // One worker runs conductors and their children; pollMs 100 keeps the conductor's rounds short.
      worker = new Worker(
        t.deps.store,
        pino({ level: 'silent' }),
        {
          backyards: ['ita-by-conductor-synchronize', 'ita-by-ansible-execute'],
          concurrency: 6,
          leaseMs: 5000,
          pollMs: 100,
          graceMs: 5000,
          workDir,
          settings: { terraformCloudUrl: undefined, terraformCloudToken: undefined, pollMs: 100 },
        },
        EXECUTORS,
      );
      worker.start();
    });
    after(async () => {
      await worker?.stop();
      await t?.close();
      rmSync(workDir, { recursive: true, force: true });
    });

    let classes = 0;
    /** Registers a conductor class with these nodes; returns its name. */
    async function defineClass(nodes: NodeDef[]): Promise<string> {
      const name = `class-${classes++}`;
      ok(
        await t.call({
          method: 'POST',
          url: `${ITA1}/menu/conductor_class_list/maintenance/all/`,
          auth: SEED.member1,
          body: [{ type: 'Register', parameter: { conductor_class_name: name, definition: JSON.stringify({ nodes }) } }],
        }),
        `conductor class ${name}`,
      );
      return name;
    }

    const executeRaw = (className: string) =>
      t.call({ method: 'POST', url: `${CONDUCTOR}/execute/`, auth: SEED.member1, body: { conductor_class_name: className, operation_name: OPERATION } });

    const started: string[] = [];
    async function execute(nodes: NodeDef[]): Promise<string> {
      const r = ok(await executeRaw(await defineClass(nodes)), 'conductor execute');
      started.push(String(r.body.data.conductor_instance_id));
      return String(r.body.data.conductor_instance_id);
    }

    // A test that failed half-way must not leave work running into the next one (it would show in
    // the next execute-check): stop whatever it left in flight.
    afterEach(async () => {
      for (const id of started.splice(0)) {
        const c = await conductor(id);
        if (!FINISHED.includes(c.status_id)) {
          await t.call({ method: 'PATCH', url: `${CONDUCTOR}/${id}/scram/`, auth: SEED.member1 });
          await waitForStatus(id, FINISHED, 20_000);
        }
        await waitFor(
          `the children of ${id} ended`,
          async () => (await conductor(id)).children.every((x: View) => x.time_end !== null || ['8', '10'].includes(x.status_id)),
          { timeoutMs: 20_000 },
        );
      }
    });

    /** drydock's view of the conductor: its row, log, result (node states) and children. */
    async function conductor(id: string): Promise<View> {
      return ok(await t.call({ url: `${ITA1}/executions/${id}/`, auth: SEED.member1 }), `get execution ${id}`).body.data;
    }

    /** The first record a filter finds in a system menu: its parameter. */
    async function firstRecord(menu: string, filter: unknown): Promise<View> {
      return (ok(await t.call({ method: 'POST', url: `${ITA1}/menu/${menu}/filter/`, auth: SEED.member1, body: filter }), menu).body.data as View[])[0]
        .parameter;
    }

    /** Exastro's view of it, as its conductor_confirmation menu answers. */
    async function exastroView(id: string): Promise<View> {
      return ok(await t.call({ url: `${ITA1}/menu/conductor_confirmation/conductor/${id}/`, auth: SEED.member1 }), `get conductor ${id}`).body.data;
    }

    async function waitForStatus(id: string, statuses: readonly string[], timeoutMs = 60_000): Promise<View> {
      let last: View;
      return waitFor(
        `conductor ${id} is in ${statuses.join('/')}`,
        async () => {
          last = await conductor(id);
          return statuses.includes(last.status_id) ? last : undefined;
        },
        { timeoutMs, explain: () => `it is ${last?.status_id}; log:\n${last?.log}` },
      );
    }

    /** A node's progress in the conductor's result, and the child execution it started (if any). */
    function node(c: View, id: string): { state: string; status_id: string | null; child: View } {
      const p = c.result.nodes.find((n: View) => n.id === id);
      assert.ok(p, `node ${id} in ${JSON.stringify(c.result)}`);
      const child = p.execution_no === null ? undefined : c.children.find((x: View) => x.execution_no === p.execution_no);
      if (p.execution_no !== null) assert.ok(child, `child ${p.execution_no} of node ${id} is listed`);
      return { state: p.state, status_id: p.status_id, child };
    }

    it('runs a sequence A → B: B started after A ended; Executing (delayed) while A was; Normal end', async () => {
      const id = await execute([
        { id: 'A', movement_name: 'late' },
        { id: 'B', movement_name: 'ok', depends_on: ['A'] },
      ]);
      const delayed = await waitForStatus(id, ['4', ...FINISHED]);
      assert.equal(delayed.status_id, '4', `a conductor is delayed when its child is: ${delayed.log}`);
      assert.equal(delayed.status_name, 'Executing (delayed)');
      assert.ok(['4', '5'].includes(node(delayed, 'A').child.status_id));
      const c = await waitForStatus(id, FINISHED);
      assert.equal(c.status_id, '6', c.log);
      assert.equal(c.status_name, 'Normal end');
      assert.equal(c.children.length, 2);
      const a = node(c, 'A');
      const b = node(c, 'B');
      for (const n of [a, b]) {
        assert.equal(n.state, 'completed');
        assert.equal(n.child.status_id, '5');
        assert.equal(n.child.parent_execution_no, id);
        assert.equal(n.child.backyard, 'ita-by-ansible-execute');
      }
      assert.equal(a.child.delay_timer, 0.02);
      assert.ok(b.child.time_start > a.child.time_end, `B started ${b.child.time_start} after A ended ${a.child.time_end}`);
      assert.ok(c.time_end >= b.child.time_end);

      // The same conductor as Exastro's clients read it.
      const x = await exastroView(id);
      assert.equal(x.conductor.conductor_instance_id, id);
      assert.equal(x.conductor.status_id, '6');
      assert.equal(x.conductor.status, 'Normal end');
      assert.equal(x.conductor.operation_name, OPERATION);
      assert.match(x.conductor.operation_id, /^[0-9a-f-]{36}$/, 'the operation record named at execute');
      assert.match(x.conductor.time_end, /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d$/);
      assert.deepEqual(Object.keys(x.node), ['A', 'B']);
      for (const [nodeId, child] of [
        ['A', a.child],
        ['B', b.child],
      ] as const) {
        const n = x.node[nodeId];
        assert.equal(n.node_type, 'movement');
        assert.equal(n.status_id, '5');
        assert.equal(n.status, 'Normal end');
        assert.deepEqual(n.jump, { menu_id: 'check_operation_status_ansible_legacy', execution_id: child.execution_no });
      }
      assert.deepEqual(
        x.conductor_class.nodes.map((n: View) => [n.id, n.movement_name, n.depends_on]),
        [
          ['A', 'late', []],
          ['B', 'ok', ['A']],
        ],
      );
      const info = ok(await t.call({ url: `${ITA1}/menu/conductor_confirmation/conductor/info/${id}/`, auth: SEED.member1 }), 'info').body.data;
      assert.equal(info.dict.conductor_status['6'], 'Normal end');
      assert.equal(info.dict.node_status['11'], 'On hold');
      assert.equal(info.dict.movement[info.dict_name.movement.late], 'late', 'name → id → name');
      assert.ok(info.list.conductor.some((k: View) => k.id === x.conductor.conductor_class_id));

      // Its input and result data hold each driver execution's.
      for (const [data, inner] of [
        ['input_data', 'InputData'],
        ['result_data', 'ResultData'],
      ] as const) {
        const r = ok(await t.call({ url: `${ITA1}/menu/conductor_list/conductor/${id}/${data}/`, auth: SEED.member1 }), data).body.data;
        assert.equal(r.file_name, `${inner}_Conductor_${id}.zip`);
        const zip = await JSZip.loadAsync(Buffer.from(r.file_data, 'base64'));
        const names = Object.keys(zip.files);
        assert.ok(names.includes(`A/${inner}_${a.child.execution_no}.zip`), `${data}: ${names.join(', ')}`);
        assert.ok(names.includes(`B/${inner}_${b.child.execution_no}.zip`), `${data}: ${names.join(', ')}`);
        if (data === 'result_data') assert.match(await zip.file('exec.log')!.async('string'), /Normal end/);
        const binary = await t.call({ url: `${ITA1}/menu/conductor_list/conductor/${id}/${data}/?file=binary`, auth: SEED.member1 });
        assert.equal(binary.headers['content-type'], 'application/octet-stream');
        assert.equal(binary.text.slice(0, 2), 'PK', 'the zip itself');
      }
    });

    it('runs parallel branches B and C after A, and D only after both ended; C allowed to fail → Warning end', async () => {
      const id = await execute([
        { id: 'A', movement_name: 'ok' },
        { id: 'B', movement_name: 'ok', depends_on: ['A'] },
        { id: 'C', movement_name: 'fail', depends_on: ['A'], allow_failure: true },
        { id: 'D', movement_name: 'ok', depends_on: ['B', 'C'] },
      ]);
      const c = await waitForStatus(id, FINISHED);
      assert.equal(c.status_id, '8', c.log);
      assert.equal(c.status_name, 'Warning end');
      const [a, b, cc, d] = ['A', 'B', 'C', 'D'].map((n) => node(c, n).child);
      for (const x of [a, b, d]) assert.equal(x.status_id, '5');
      assert.equal(cc.status_id, '6', 'C failed');
      assert.equal(node(c, 'C').state, 'failed');
      assert.equal(node(c, 'D').state, 'completed', 'an allowed failure lets its dependents start');
      assert.ok(b.time_start > a.time_end && cc.time_start > a.time_end, 'B and C started after A ended');
      assert.ok(b.time_start < cc.time_end && cc.time_start < b.time_end, 'B and C ran at the same time');
      assert.ok(d.time_start > b.time_end, `D started ${d.time_start} after B ended ${b.time_end}`);
      assert.ok(d.time_start > cc.time_end, `D started ${d.time_start} after C ended ${cc.time_end}`);
    });

    it('a failing branch ends in Abend once running nodes finished, and starts no later node', async () => {
      const id = await execute([
        { id: 'B', movement_name: 'fail' },
        { id: 'C', movement_name: 'slow' },
        { id: 'D', movement_name: 'ok', depends_on: ['B'] },
        { id: 'E', movement_name: 'ok', depends_on: ['C'] },
      ]);
      const c = await waitForStatus(id, FINISHED);
      assert.equal(c.status_id, '7', c.log);
      assert.equal(c.status_name, 'Abend');
      const b = node(c, 'B');
      const cc = node(c, 'C');
      assert.equal(b.state, 'failed');
      assert.equal(b.child.status_id, '6');
      assert.ok(b.child.time_end < cc.child.time_end, 'B failed while C was still running');
      assert.equal(cc.state, 'completed', 'the running branch ran to its end');
      assert.equal(cc.child.status_id, '5');
      assert.ok(c.time_end >= cc.child.time_end, 'the conductor ended after C');
      for (const later of ['D', 'E']) {
        const n = node(c, later);
        assert.equal(n.state, 'skipped');
        assert.equal(n.child, undefined);
      }
      assert.equal(c.children.length, 2, 'no child for D or E');
    });

    it('pauses at a pause node, On hold, until the node is released through the API, then ends normally', async () => {
      const id = await execute([
        { id: 'A', movement_name: 'ok' },
        { id: 'P', type: 'pause', depends_on: ['A'] },
        { id: 'B', movement_name: 'ok', depends_on: ['P'] },
      ]);
      let c = await waitForStatus(id, ['5', ...FINISHED]);
      assert.equal(c.status_id, '5', c.log);
      assert.equal(c.status_name, 'Pause');
      assert.equal(node(c, 'A').child.status_id, '5');
      assert.equal(node(c, 'P').state, 'paused');
      // It stays paused and starts nothing.
      await sleep(600);
      c = await conductor(id);
      assert.equal(c.status_id, '5');
      assert.equal(c.children.length, 1);
      assert.equal(node(c, 'B').state, 'waiting');
      const held = await exastroView(id);
      assert.equal(held.conductor.status, 'Pause');
      assert.deepEqual(
        Object.values(held.node).map((n: View) => [n.node_instance_id, n.node_type, n.status_id, n.status]),
        [
          ['A', 'movement', '5', 'Normal end'],
          ['P', 'pause', '11', 'On hold'],
          ['B', 'movement', '1', 'Unexecuted'],
        ],
      );

      const release = (nodeId: string) =>
        t.call({ method: 'PATCH', url: `${ITA1}/menu/conductor_confirmation/conductor/${id}/node/${nodeId}/relese/`, auth: SEED.member1, body: {} });
      const notPause = await release('A');
      assert.equal(notPause.status, 499, notPause.text);
      assert.equal(notPause.body.result, '499-00811', 'a movement node is not released');
      const noSuchNode = await release('Z');
      assert.equal(noSuchNode.body.result, '499-00813', 'no node Z holds the conductor');
      assert.match(noSuchNode.body.message, /node instance ID: Z/);

      const resumedAt = new Date().toISOString();
      const released = ok(await release(held.node.P.node_instance_id), 'release');
      assert.match(released.body.data, /release of the pause was accepted/);
      c = await waitForStatus(id, FINISHED);
      assert.equal(c.status_id, '6', c.log);
      assert.equal(node(c, 'P').state, 'completed');
      const b = node(c, 'B').child;
      assert.equal(b.status_id, '5');
      assert.ok(b.time_start > resumedAt, 'B started after the release');

      const again = await release('P');
      assert.equal(again.status, 499, 'a pause is released once');
      assert.equal(again.body.result, '499-00812');
    });

    it('lists a running conductor in the execute-check without counting it, counts its child; an emergency stop ends both', async () => {
      const id = await execute([
        { id: 'A', movement_name: 'long' },
        { id: 'B', movement_name: 'ok', depends_on: ['A'] },
      ]);
      const running = await waitFor(
        'child A is executing',
        async () => {
          const c = await conductor(id);
          return c.children[0]?.status_id === '3' ? c : undefined;
        },
        { timeoutMs: 60_000 },
      );
      const child = node(running, 'A').child;

      const check = ok(await t.admin({ url: '/api/ita/backyard-execute-check/' }), 'execute-check').body.data;
      const org = check.organizations.find((o: View) => o.id === SEED.org1);
      const ws = org.workspaces.find((w: View) => w.id === SEED.ws1);
      assert.deepEqual(
        ws.backyards['ita-by-conductor-synchronize'].map((j: View) => [j.id, j.status_id]),
        [[id, '3']],
        'the conductor row is listed',
      );
      assert.deepEqual(
        ws.backyards['ita-by-ansible-execute'].map((j: View) => [j.id, j.status_id]),
        [[child.execution_no, '3']],
        'its running child is listed',
      );
      assert.equal(ws.execute_count, 1, 'only the child is counted');
      assert.equal(org.execute_count, 1);
      assert.equal(check.execute_count, 1);

      ok(await t.call({ method: 'PATCH', url: `${CONDUCTOR}/${id}/scram/`, auth: SEED.member1 }), 'scram');
      const c = await waitForStatus(id, FINISHED, 20_000);
      assert.equal(c.status_id, '9', c.log);
      assert.equal(c.status_name, 'Emergency stop');
      const a = await waitFor(
        'child A ended',
        async () => {
          const x = node(await conductor(id), 'A').child;
          return x.time_end ? x : undefined;
        },
        { timeoutMs: 20_000 },
      );
      assert.equal(a.status_id, '8', 'the running child is emergency-stopped');
      assert.equal(node(c, 'B').state, 'skipped');
      assert.equal((await conductor(id)).children.length, 1, 'B never started');

      const after = ok(await t.admin({ url: '/api/ita/backyard-execute-check/' }), 'execute-check').body.data;
      assert.equal(after.execute_count, 0);
    });

    it("registers a class drawn in Exastro's editor (start → A → parallel-branch → B, C → merge → D → end) and runs it as drawn; GET answers it back as editor JSON", async () => {
      const movementIds = new Map<string, string>(
        (ok(await t.call({ url: `${ITA1}/menu/movement_list/filter/`, auth: SEED.member1 }), 'movements').body.data as View[]).map((r) => [
          r.parameter.movement_name,
          r.parameter.movement_id,
        ]),
      );
      const drawNode = (id: string, type: string, extra: Record<string, unknown> = {}) => ({ [id]: { id, type, terminal: {}, x: 0, y: 0, ...extra } });
      const movement = (id: string, name: string) =>
        drawNode(id, 'movement', { movement_id: movementIds.get(name), orchestra_id: '1', skip_flag: 0, operation_id: null });
      const lines = (pairs: Array<[string, string]>) =>
        Object.fromEntries(pairs.map(([a, b], i) => [`line-${i + 1}`, { type: 'edge', id: `line-${i + 1}`, outNode: a, inNode: b }]));
      const drawn = {
        config: { nodeNumber: 8, terminalNumber: 0, edgeNumber: 7, editorVersion: '2.7.0' },
        conductor: { id: null, conductor_name: `editor-${classes++}`, note: 'drawn in the editor', last_update_date_time: null, notice_info: {} },
        ...drawNode('node-1', 'start'),
        ...movement('node-2', 'ok'),
        ...drawNode('node-3', 'parallel-branch'),
        ...movement('node-4', 'ok'),
        // By name, as Exastro also takes it.
        ...drawNode('node-5', 'movement', { movement_name: 'slow', orchestra_id: '1', skip_flag: 0 }),
        ...drawNode('node-6', 'merge'),
        ...movement('node-7', 'ok'),
        ...drawNode('node-8', 'end', { end_type: '6' }),
        ...lines([
          ['node-1', 'node-2'],
          ['node-2', 'node-3'],
          ['node-3', 'node-4'],
          ['node-3', 'node-5'],
          ['node-4', 'node-6'],
          ['node-5', 'node-6'],
          ['node-6', 'node-7'],
          ['node-7', 'node-8'],
        ]),
      };
      const classUrl = `${ITA1}/menu/conductor_class_edit/conductor/class`;
      const registered = ok(await t.call({ method: 'POST', url: `${classUrl}/maintenance/`, auth: SEED.member1, body: drawn }), 'register class');
      const classId = registered.body.data.conductor_class_id;
      const stored = await firstRecord('conductor_class_list', { conductor_class_id: { NORMAL: classId } });
      assert.equal(stored.remarks, 'drawn in the editor');
      assert.deepEqual(
        JSON.parse(stored.definition).nodes.map((n: View) => [n.id, n.movement_name, n.depends_on]),
        [
          ['node-2', 'ok', []],
          ['node-4', 'ok', ['node-2']],
          ['node-5', 'slow', ['node-2']],
          ['node-7', 'ok', ['node-4', 'node-5']],
        ],
        'start, parallel-branch and merge pass the flow on',
      );

      const r = ok(await executeRaw(drawn.conductor.conductor_name), 'execute the drawn class');
      const id = String(r.body.data.conductor_instance_id);
      started.push(id);
      const c = await waitForStatus(id, FINISHED);
      assert.equal(c.status_id, '6', c.log);
      const [a, b, cc, d] = ['node-2', 'node-4', 'node-5', 'node-7'].map((n) => node(c, n).child);
      assert.ok(b.time_start > a.time_end && cc.time_start > a.time_end, 'the branches started after node-2');
      assert.ok(d.time_start > b.time_end && d.time_start > cc.time_end, 'node-7 waited for the merge');

      // Read back as editor JSON, it draws the same graph, and an update with it keeps it.
      const editor = ok(await t.call({ url: `${classUrl}/${classId}/`, auth: SEED.member1 }), 'get class').body.data;
      assert.equal(editor.conductor.id, classId);
      assert.equal(editor.conductor.note, 'drawn in the editor');
      const types = Object.values(editor)
        .filter((v: View) => v?.type && v.type !== 'edge')
        .map((v: View) => v.type)
        .sort();
      assert.deepEqual(types, ['end', 'merge', 'movement', 'movement', 'movement', 'movement', 'parallel-branch', 'start']);
      assert.equal(editor['node-5'].movement_name, 'slow');
      assert.equal(editor['node-5'].movement_id, movementIds.get('slow'));
      editor.conductor.note = 'updated';
      ok(await t.call({ method: 'PATCH', url: `${classUrl}/maintenance/${classId}/`, auth: SEED.member1, body: editor }), 'update class');
      const updated = await firstRecord('conductor_class_list', { conductor_class_id: { NORMAL: classId } });
      assert.equal(updated.remarks, 'updated');
      assert.deepEqual(JSON.parse(updated.definition), JSON.parse(stored.definition), 'the round trip keeps the graph');
      const stale = await t.call({ method: 'PATCH', url: `${classUrl}/maintenance/${classId}/`, auth: SEED.member1, body: editor });
      assert.equal(stale.status, 499, 'an update with what was read before the last one is refused');

      // What drydock cannot run is refused, naming the node.
      const branching = { ...drawn, conductor: { ...drawn.conductor, conductor_name: 'with-condition' }, ...drawNode('node-3', 'conditional-branch') };
      const refusedClass = await t.call({ method: 'POST', url: `${classUrl}/maintenance/`, auth: SEED.member1, body: branching });
      assert.equal(refusedClass.status, 499, refusedClass.text);
      assert.equal(refusedClass.body.result, '499-00801');
      assert.match(refusedClass.body.message, /node node-3: drydock's conductors have no conditional branches/);
      const cyclic = {
        ...drawn,
        conductor: { ...drawn.conductor, conductor_name: 'with-cycle' },
        ...lines([
          ['node-1', 'node-2'],
          ['node-2', 'node-4'],
          ['node-4', 'node-2'],
        ]),
      };
      const cycle = await t.call({ method: 'POST', url: `${classUrl}/maintenance/`, auth: SEED.member1, body: cyclic });
      assert.equal(cycle.body.result, '499-00801', cycle.text);
      assert.match(cycle.body.message, /cycle node-2 → node-4 → node-2/);
      const dangling = { ...drawn, conductor: { ...drawn.conductor, conductor_name: 'dangling' }, ...movement('node-9', 'ok') };
      const notConnected = await t.call({ method: 'POST', url: `${classUrl}/maintenance/`, auth: SEED.member1, body: dangling });
      assert.equal(notConnected.body.result, '499-00801', notConnected.text);
      assert.match(notConnected.body.message, /node node-9 is not connected/);
      const unknownClass = await t.call({ url: `${classUrl}/no-such-class/`, auth: SEED.member1 });
      assert.equal(unknownClass.body.result, '499-00802');
    });

    it("executes a class named by conductor_class_id and operation_id, running conductor_data's graph instead of the stored one", async () => {
      const name = await defineClass([{ id: 'stored', movement_name: 'ok' }]);
      const cls = await firstRecord('conductor_class_list', { conductor_class_name: { NORMAL: name } });
      const op = await firstRecord('operation_list', { operation_name: { NORMAL: OPERATION } });
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 19).replace('T', ' ').replaceAll('-', '/');
      const conductorData = editorClass(name, 'slow');
      const r = ok(
        await t.call({
          method: 'POST',
          url: `${CONDUCTOR}/execute/`,
          auth: SEED.member1,
          body: { conductor_class_id: cls.conductor_class_id, operation_id: op.operation_id, schedule_date: tomorrow, conductor_data: conductorData },
        }),
        'execute by ids',
      );
      const id = String(r.body.data.conductor_instance_id);
      const view = await exastroView(id);
      assert.equal(view.conductor.conductor_name, name);
      assert.equal(view.conductor.operation_name, OPERATION);
      assert.equal(view.conductor.status_id, '2', 'scheduled');
      assert.deepEqual(
        view.conductor_class.nodes.map((n: View) => [n.id, n.movement_name]),
        [['node-2', 'slow']],
        'the graph of conductor_data, not the stored one',
      );
      ok(await t.call({ method: 'PATCH', url: `${CONDUCTOR}/${id}/cancel/`, auth: SEED.member1, body: {} }), 'cancel');

      const neither = await t.call({ method: 'POST', url: `${CONDUCTOR}/execute/`, auth: SEED.member1, body: { conductor_class_id: cls.conductor_class_id } });
      assert.equal(neither.status, 499, neither.text);
      assert.equal(neither.body.result, '499-00814');
      assert.match(neither.body.message, /operation_name \(or conductor_class_id and operation_id\)/);
    });

    it('refuses class definitions with a cycle or an unknown dependency at execute, with a clear message', async () => {
      const jobsBefore = ok(await t.call({ url: `${ITA1}/executions/?limit=1000`, auth: SEED.member1 }), 'executions').body.data.length;
      const cycle = await executeRaw(
        await defineClass([
          { id: 'A', movement_name: 'ok', depends_on: ['B'] },
          { id: 'B', movement_name: 'ok', depends_on: ['A'] },
        ]),
      );
      assert.equal(cycle.status, 400, cycle.text);
      assert.match(cycle.body.message, /cycle A → B → A/);

      const unknown = await executeRaw(await defineClass([{ id: 'A', movement_name: 'ok', depends_on: ['Z'] }]));
      assert.equal(unknown.status, 400, unknown.text);
      assert.match(unknown.body.message, /node A depends on unknown node\(s\) Z/);

      const noMovement = await executeRaw(await defineClass([{ id: 'A', movement_name: 'no-such-movement' }]));
      assert.equal(noMovement.status, 499, noMovement.text);
      assert.equal(noMovement.body.result, '499-00901', "Exastro's code for a movement that does not exist");
      assert.match(noMovement.body.message, /no-such-movement/);

      const jobsAfter = ok(await t.call({ url: `${ITA1}/executions/?limit=1000`, auth: SEED.member1 }), 'executions').body.data.length;
      assert.equal(jobsAfter, jobsBefore, 'nothing was registered');
    });

    it('a conductor in flight goes on in read-only mode: its next child waits in Unexecuted, uncounted, until the switch is off', async () => {
      const id = await execute([
        { id: 'A', movement_name: 'ok' },
        { id: 'B', movement_name: 'ok', depends_on: ['A'] },
      ]);
      await waitFor(
        'child A is executing',
        async () => {
          const c = await conductor(id);
          return c.children[0]?.status_id === '3' ? c : undefined;
        },
        { timeoutMs: 60_000 },
      );
      await setMaintenance(t, { data_update_stop: '1' });
      try {
        const waiting = await waitFor(
          'B is registered',
          async () => {
            const c = await conductor(id);
            return node(c, 'B').child ? c : undefined;
          },
          { timeoutMs: 60_000 },
        );
        assert.equal(node(waiting, 'A').child.status_id, '5', 'A ran to its end');
        assert.equal(node(waiting, 'B').child.status_id, '1', 'B was registered but not claimed');
        await sleep(500);
        const still = await conductor(id);
        assert.equal(still.status_id, '3');
        assert.equal(node(still, 'B').child.status_id, '1');
        const check = ok(await t.admin({ url: '/api/ita/backyard-execute-check/' }), 'execute-check').body.data;
        assert.equal(check.execute_count, 0, 'a drain does not wait for the conductor');
      } finally {
        await setMaintenance(t, { data_update_stop: '0' });
      }
      const c = await waitForStatus(id, FINISHED);
      assert.equal(c.status_id, '6', c.log);
      assert.equal(node(c, 'B').child.status_id, '5');
    });
  });
}
