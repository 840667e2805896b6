import type { CallOptions, CallResult } from './app.js';
import { ITA1, SEED } from './app.js';
import { waitFor } from './wait-for.js';

type Caller = { call(o: CallOptions): Promise<CallResult> };

/** A playbook on localhost (no facts, so it starts fast) whose one task runs `command`. */
export function commandPlaybook(command: string): string {
  return ['- hosts: all', '  gather_facts: false', '  tasks:', '    - name: run', `      command: ${command}`, ''].join('\n');
}

async function ok(r: Promise<CallResult>, what: string): Promise<CallResult> {
  const res = await r;
  if (res.status !== 200) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res;
}

/**
 * Registers, through the menus of the seeded workspace (org1/ws1) as its member would, an Ansible
 * movement running `playbook` and an operation on localhost.
 */
export async function registerAnsibleMovement(
  t: Caller,
  movement: string,
  playbook: string,
  operation = `${movement}-op`,
  ita = ITA1,
): Promise<{ movement: string; operation: string }> {
  await ok(
    t.call({
      method: 'POST',
      url: `${ita}/menu/movement_list/maintenance/all/`,
      auth: SEED.member1,
      body: [{ type: 'Register', parameter: { movement_name: movement, orchestrator: 'ansible', playbook } }],
    }),
    `register movement ${movement}`,
  );
  await ok(
    t.call({
      method: 'POST',
      url: `${ita}/menu/operation_list/maintenance/all/`,
      auth: SEED.member1,
      body: [{ type: 'Register', parameter: { operation_name: operation, inventory: 'localhost,', variables: '{}' } }],
    }),
    `register operation ${operation}`,
  );
  return { movement, operation };
}

/** The raw driver-execute call (the caller checks the answer). */
export function executeAnsible(t: Caller, names: { movement: string; operation: string }, ita = ITA1): Promise<CallResult> {
  return t.call({
    method: 'POST',
    url: `${ita}/menu/execution_ansible_legacy/driver/execute/`,
    auth: SEED.member1,
    body: { movement_name: names.movement, operation_name: names.operation },
  });
}

/** Registers an execution and returns its execution_no. */
export async function startAnsible(t: Caller, names: { movement: string; operation: string }, ita = ITA1): Promise<string> {
  const r = await ok(executeAnsible(t, names, ita), 'driver execute');
  return String(r.body.data.execution_no);
}

/** An execution as a user reads it in drydock's view (status, times, log). */
export async function getExecution(t: Caller, id: string, ita = ITA1): Promise<Record<string, any>> {
  const r = await ok(t.call({ url: `${ita}/executions/${id}/`, auth: SEED.member1 }), `get ${id}`);
  return r.body.data as Record<string, any>;
}

/** Waits until the execution is in one of `statuses`, and returns it. */
export async function waitForStatus(t: Caller, id: string, statuses: readonly string[], timeoutMs: number, ita = ITA1): Promise<Record<string, any>> {
  let last: Record<string, any> | undefined;
  return waitFor(
    `execution ${id} is in ${statuses.join('/')}`,
    async () => {
      last = await getExecution(t, id, ita);
      return statuses.includes(String(last.status_id)) ? last : undefined;
    },
    { timeoutMs, retryErrors: true, explain: () => `it is ${last?.status_id} ${last?.status_name}; log:\n${last?.log ?? ''}` },
  );
}
