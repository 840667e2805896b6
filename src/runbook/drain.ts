import type { ExecuteCheck } from '../backyard/execute-check.js';
import { kindOf } from '../backyard/kinds/registry.js';
import type { ApiClient } from '../cli/client.js';
import type { SettingView } from '../maintenance/mode.js';
import { switchesOverApi, type Switches } from './switches.js';

/** One job that keeps a drain waiting, as the operator needs to see it. */
export interface BlockingJob {
  readonly organization: string;
  readonly workspace: string;
  readonly backyard: string;
  readonly id: string;
  readonly status: string;
  readonly ageSeconds: number | null;
  readonly leaseExpired: boolean;
}

/** How one step of a multi-step runbook went (the kysely migrator's shape). */
export interface StepResult {
  readonly step: string;
  readonly status: 'Success' | 'AlreadyDone' | 'Error' | 'NotExecuted' | 'TimedOut' | 'Interrupted';
  readonly detail?: string;
  /** How long the step took, where a runbook measures it (the upgrade's steps). */
  readonly ms?: number;
}

export interface DrainReport {
  readonly ok: boolean;
  readonly steps: StepResult[];
  /** The switches as the drain found them. */
  readonly prior: { backyard_execute_stop: boolean; data_update_stop: boolean };
  /** What still runs (on timeout or interruption). */
  readonly blocking: BlockingJob[];
  readonly waitedMs: number;
}

/**
 * Every counted in-flight job of an execute-check (conductor rows are listed but not counted). A
 * backyard this release does not know (a newer server's) counts: a drain must not miss a job.
 */
export function countedJobs(check: ExecuteCheck, now = Date.now()): BlockingJob[] {
  const out: BlockingJob[] = [];
  for (const o of check.organizations) {
    for (const w of o.workspaces) {
      for (const [backyard, jobs] of Object.entries(w.backyards)) {
        if (kindOf(backyard)?.counted === false) continue;
        for (const j of jobs) {
          out.push({
            organization: o.id,
            workspace: w.id,
            backyard,
            id: j.id,
            status: `${j.status_id} ${j.status_name}`,
            ageSeconds: j.started_at ? Math.max(0, Math.round((now - Date.parse(j.started_at)) / 1000)) : null,
            leaseExpired: j.lease_expired,
          });
        }
      }
    }
  }
  return out;
}

/**
 * The drain: jobs-stop on → wait, following the execute-check stream, until nothing counted is in
 * flight → read-only on if asked. Event-driven: the server pushes every change. On timeout or
 * interruption the switches are left as they are and the report names what still runs.
 */
export async function drain(
  client: ApiClient,
  options: {
    readonly timeoutMs: number;
    readonly readOnly: boolean;
    readonly signal: AbortSignal;
    readonly onProgress: (count: number, jobs: BlockingJob[]) => void;
  },
): Promise<DrainReport> {
  const steps: StepResult[] = [];
  const switches = switchesOverApi(client);
  const before = await switches.read();
  const prior = { backyard_execute_stop: before.backyard_execute_stop === '1', data_update_stop: before.data_update_stop === '1' };
  await switches.change({ backyard_execute_stop: '1', drain: 'start' });
  steps.push({
    step: 'stop server-side jobs (backyard_execute_stop on)',
    status: prior.backyard_execute_stop ? 'AlreadyDone' : 'Success',
  });

  const started = Date.now();
  let last: BlockingJob[] = [];
  const waitController = new AbortController();
  const timeout = setTimeout(() => waitController.abort('timeout'), options.timeoutMs);
  const onOuterAbort = () => waitController.abort('interrupted');
  options.signal.addEventListener('abort', onOuterAbort, { once: true });
  let drained = false;
  try {
    while (!drained && !waitController.signal.aborted) {
      try {
        await client.follow(
          '/api/ita/backyard-execute-check/stream/',
          (event, data) => {
            if (event !== 'execute-check') return;
            const check = data as ExecuteCheck;
            last = countedJobs(check);
            options.onProgress(check.execute_count, last);
            if (check.execute_count === 0) {
              drained = true;
              waitController.abort('drained');
            }
          },
          waitController.signal,
        );
      } catch {
        if (waitController.signal.aborted) break;
        // The stream dropped (a replica restarted): reconnect after a moment; the first event
        // of the new stream is the full current state, so nothing is missed.
        options.onProgress(-1, last);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    clearTimeout(timeout);
    options.signal.removeEventListener('abort', onOuterAbort);
  }
  const waitedMs = Date.now() - started;
  if (!drained) {
    const reason = waitController.signal.reason === 'timeout' ? 'TimedOut' : 'Interrupted';
    steps.push({
      step: 'wait until nothing is in flight',
      status: reason,
      detail: `${last.length} job(s) still in flight after ${Math.round(waitedMs / 1000)} s`,
    });
    if (options.readOnly) steps.push({ step: 'read-only mode (data_update_stop on)', status: 'NotExecuted' });
    return { ok: false, steps, prior, blocking: last, waitedMs };
  }
  steps.push({ step: 'wait until nothing is in flight', status: 'Success', detail: `waited ${waitedMs} ms` });
  if (options.readOnly) {
    await switches.change({ data_update_stop: '1' });
    steps.push({ step: 'read-only mode (data_update_stop on)', status: prior.data_update_stop ? 'AlreadyDone' : 'Success' });
  }
  return { ok: true, steps, prior, blocking: [], waitedMs };
}

/**
 * Resume: switches off in the safe order — read-only first, then jobs — but never one that was
 * already on before the drain started (the drain recorded that). Without a recorded drain, both are
 * turned off. Through the API, or on the store (break-glass: `drydock resume --database-url`).
 */
export async function resume(switches: Switches): Promise<{ steps: StepResult[]; kept: string[] }> {
  const now: SettingView = await switches.read();
  const prior = now.drain_prior;
  const steps: StepResult[] = [];
  const kept: string[] = [];
  if (now.data_update_stop === '1' && prior?.data_update_stop === '1') {
    kept.push('data_update_stop');
    steps.push({ step: 'read-only mode off', status: 'NotExecuted', detail: 'it was on before the drain started' });
  } else if (now.data_update_stop === '1') {
    await switches.change({ data_update_stop: '0' });
    steps.push({ step: 'read-only mode off', status: 'Success' });
  } else {
    steps.push({ step: 'read-only mode off', status: 'AlreadyDone' });
  }
  const end = prior ? ({ drain: 'end' } as const) : {};
  if (now.backyard_execute_stop === '1' && prior?.backyard_execute_stop === '1') {
    kept.push('backyard_execute_stop');
    if (prior) await switches.change(end);
    steps.push({ step: 'server-side jobs on', status: 'NotExecuted', detail: 'they were stopped before the drain started' });
  } else if (now.backyard_execute_stop === '1') {
    await switches.change({ backyard_execute_stop: '0', ...end });
    steps.push({ step: 'server-side jobs on', status: 'Success' });
  } else {
    if (prior) await switches.change(end);
    steps.push({ step: 'server-side jobs on', status: 'AlreadyDone' });
  }
  return { steps, kept };
}
