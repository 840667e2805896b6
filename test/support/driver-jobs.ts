import { registerJob } from '../../src/backyard/jobs.js';
import { nowTimestamp } from '../../src/store/clock.js';
import { SEED, adminAuth, authHeaders, type CallResult, type TestApp } from './app.js';
import { commandPlaybook } from './ansible-jobs.js';
import { moveJobTo } from './job-states.js';

/**
 * What the read-only route table needs to exercise the driver and conductor routes for real: a
 * workspace of its own (`wsdrivers` in org1, which no other row deletes) with a movement, an
 * operation and a conductor class, and executions waiting in the statuses each route acts on. Ids
 * are placeholders until `seedDriverJobs` ran. No worker runs in that test, so they stay put.
 */
export const DRIVER_JOBS = {
  ws: 'wsdrivers',
  ita: `/api/${SEED.org1}/workspaces/wsdrivers/ita`,
  movement: 'ro-movement',
  operation: 'ro-operation',
  conductorClass: 'ro-conductor',
  /** The class's record uuid and last_update_date_time, filled in by seedDriverJobs. */
  conductorClassId: '00000000-0000-4000-8000-000000000016',
  conductorClassUpdatedAt: '',
  /** A driver execution scheduled for tomorrow (cancel applies). */
  scheduledExecution: '00000000-0000-4000-8000-000000000011',
  /** A driver execution waiting in Unexecuted (emergency stop applies, in every mode). */
  waitingExecution: '00000000-0000-4000-8000-000000000012',
  /** A conductor scheduled for tomorrow (cancel applies). */
  scheduledConductor: '00000000-0000-4000-8000-000000000013',
  /** A conductor paused at a pause node (resume applies). */
  pausedConductor: '00000000-0000-4000-8000-000000000014',
  /** A conductor waiting in Unexecuted (emergency stop applies, in every mode). */
  waitingConductor: '00000000-0000-4000-8000-000000000015',
};

/** Exastro's schedule_date form, a day from now (UTC). */
export function tomorrow(): string {
  const d = new Date(Date.now() + 24 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

function ok(r: CallResult, what: string): CallResult {
  if (r.status !== 200) throw new Error(`seedDriverJobs: ${what} failed: ${r.status} ${r.text}`);
  return r;
}

/** Creates `wsdrivers`, its movement, operation and conductor class, the executions above, and fills DRIVER_JOBS. */
export async function seedDriverJobs(t: TestApp): Promise<void> {
  const auth = SEED.manager1;
  const post = (url: string, body: unknown) => t.call({ method: 'POST', url, auth, body });
  const ita = DRIVER_JOBS.ita;
  ok(
    await post(`/api/${SEED.org1}/platform/workspaces`, {
      id: DRIVER_JOBS.ws,
      name: 'driver jobs',
      informations: { description: 'driver and conductor routes', environments: [], workspace_administrators: [] },
    }),
    'create wsdrivers',
  );
  ok(
    await post(`${ita}/menu/movement_list/maintenance/all/`, [
      { type: 'Register', parameter: { movement_name: DRIVER_JOBS.movement, orchestrator: 'ansible', playbook: commandPlaybook('true') } },
    ]),
    'movement',
  );
  ok(
    await post(`${ita}/menu/operation_list/maintenance/all/`, [
      { type: 'Register', parameter: { operation_name: DRIVER_JOBS.operation, inventory: 'localhost,', variables: '{}' } },
    ]),
    'operation',
  );
  const conductorClass = ok(
    await post(`${ita}/menu/conductor_class_list/maintenance/all/`, [
      {
        type: 'Register',
        parameter: {
          conductor_class_name: DRIVER_JOBS.conductorClass,
          definition: JSON.stringify({ nodes: [{ id: 'run', movement_name: DRIVER_JOBS.movement }] }),
        },
      },
    ]),
    'conductor class',
  );
  DRIVER_JOBS.conductorClassId = conductorClass.body.data.IdList[0];
  const stored = ok(await post(`${ita}/menu/conductor_class_list/filter/`, { conductor_class_name: { NORMAL: DRIVER_JOBS.conductorClass } }), 'class');
  DRIVER_JOBS.conductorClassUpdatedAt = stored.body.data[0].parameter.last_update_date_time;
  const driver = (body: Record<string, string>) =>
    post(`${ita}/menu/execution_ansible_legacy/driver/execute/`, { movement_name: DRIVER_JOBS.movement, operation_name: DRIVER_JOBS.operation, ...body });
  const conductor = (body: Record<string, string>) =>
    post(`${ita}/menu/conductor_list/conductor/execute/`, { conductor_class_name: DRIVER_JOBS.conductorClass, operation_name: DRIVER_JOBS.operation, ...body });
  DRIVER_JOBS.scheduledExecution = ok(await driver({ schedule_date: tomorrow() }), 'scheduled execution').body.data.execution_no;
  DRIVER_JOBS.waitingExecution = ok(await driver({}), 'waiting execution').body.data.execution_no;
  DRIVER_JOBS.scheduledConductor = ok(await conductor({ schedule_date: tomorrow() }), 'scheduled conductor').body.data.conductor_instance_id;
  DRIVER_JOBS.waitingConductor = ok(await conductor({}), 'waiting conductor').body.data.conductor_instance_id;
  DRIVER_JOBS.pausedConductor = await registerPausedConductor(t, DRIVER_JOBS.ws, DRIVER_JOBS.conductorClass, DRIVER_JOBS.operation);
}

/** A one-movement conductor class as Exastro's editor draws it: start → the movement → end. */
export function editorClass(name: string, movement: string, conductor: Record<string, unknown> = {}): Record<string, unknown> {
  const node = (id: string, type: string, extra: Record<string, unknown> = {}) => ({ id, type, terminal: {}, x: 0, y: 0, ...extra });
  return {
    config: { nodeNumber: 3, terminalNumber: 4, edgeNumber: 2, editorVersion: '2.7.0' },
    conductor: { id: null, conductor_name: name, note: null, last_update_date_time: null, notice_info: {}, ...conductor },
    'node-1': node('node-1', 'start'),
    'node-2': node('node-2', 'movement', { movement_name: movement, orchestra_id: '1', skip_flag: 0, operation_id: null }),
    'node-3': node('node-3', 'end', { end_type: '6' }),
    'line-1': { type: 'edge', id: 'line-1', outNode: 'node-1', inNode: 'node-2' },
    'line-2': { type: 'edge', id: 'line-2', outNode: 'node-2', inNode: 'node-3' },
  };
}

/** The pause node a conductor of registerPausedConductor is held at. */
export const PAUSE_NODE = 'hold';

/**
 * A conductor held at its pause node `hold`, as its executor leaves it (On hold, status 5), for
 * tests in which no conductor worker runs.
 */
export async function registerPausedConductor(t: TestApp, ws: string, className: string, operationName: string, org = SEED.org1): Promise<string> {
  return t.deps.store.transaction('shared', async (trx) => {
    const reg = await registerJob(t.deps.store, trx, {
      organizationId: org,
      workspaceId: ws,
      backyard: 'ita-by-conductor-synchronize',
      spec: {
        conductor_class_name: className,
        operation_name: operationName,
        nodes: [{ id: PAUSE_NODE, type: 'pause', depends_on: [], allow_failure: false }],
      },
      createdBy: 'manager1',
    });
    const at = nowTimestamp();
    const node = {
      id: PAUSE_NODE,
      type: 'pause',
      allow_failure: false,
      state: 'paused',
      execution_no: null,
      status_id: null,
      started_at: at,
      finished_at: null,
    };
    await moveJobTo(trx, reg, '5', { started_at: at, result: JSON.stringify({ nodes: [node] }) });
    return reg.id;
  });
}

/**
 * GET of a server-sent-events route over real HTTP (the app listens on a free port for it): the
 * response status and, on 200, the first event's data as `body.data`; then the stream is closed.
 */
export async function firstEvent(t: TestApp, url: string, auth = adminAuth): Promise<CallResult> {
  const address = t.app.server.address();
  const base = address && typeof address === 'object' ? `http://127.0.0.1:${address.port}` : await t.app.listen({ host: '127.0.0.1', port: 0 });
  const controller = new AbortController();
  try {
    const res = await fetch(base + url, { headers: authHeaders(auth), signal: controller.signal });
    const headers = Object.fromEntries(res.headers.entries());
    if (res.status !== 200) {
      const text = await res.text();
      return { status: res.status, body: JSON.parse(text), headers, text };
    }
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      const data = /^data: (.*)$/m.exec(text);
      if (data && text.includes('\n\n', data.index)) return { status: 200, body: { data: JSON.parse(data[1]!) }, headers, text };
    }
    throw new Error(`${url}: the stream ended before its first event`);
  } finally {
    controller.abort();
  }
}
