import type { ApiClient } from '../api-client/api-client.js';
import type { ExecuteCheck } from '../http/wire-types.js';
import { DRAIN_SWITCHES, countedJobs, drainFinishChange, drainPart, drainStartChange, resumePlan, type BlockingJob } from '../maintenance/drain-plan.js';
import { fromFlags, type SwitchId, type SwitchValues } from '../maintenance/switches.js';
import { sleep } from '../util/sleep.js';
import { switchAccessOverApi, type SwitchAccess } from './switch-access.js';

// The plan (which switches, in which order, the jobs waited for) is maintenance/drain-plan.ts, which
// the console's drain follows too; this module carries it out through the API (or on the store).
export { DRAIN_SWITCHES, countedJobs, type BlockingJob };

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
  readonly prior: SwitchValues;
  /** What still runs (on timeout or interruption). */
  readonly blocking: BlockingJob[];
  readonly waitedMs: number;
}

/**
 * What a drain that timed out or was interrupted leaves: "Server-side jobs are STOPPED
 * (backyard_execute_stop=1); read-only mode is as it was."
 */
export function leftAsItStopped(): string {
  return `${[
    ...DRAIN_SWITCHES.beforeWait.map((id) => `${drainPart(id).onTimeout} (${id}=1)`),
    ...DRAIN_SWITCHES.afterWait.map((id) => drainPart(id).onTimeout),
  ].join('; ')}.`;
}

/**
 * The drain: jobs-stop on → wait, following the execute-check stream, until nothing counted is in
 * flight → read-only on if asked (the switches of `DRAIN_SWITCHES`). Event-driven: the server
 * pushes every change. On timeout or interruption the switches are left as they are and the report
 * names what still runs.
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
  const switches = switchAccessOverApi(client);
  const prior = fromFlags(await switches.read());
  await switches.change(drainStartChange());
  for (const id of DRAIN_SWITCHES.beforeWait) {
    steps.push({ step: `${drainPart(id).step} (${id} on)`, status: prior[id] ? 'AlreadyDone' : 'Success' });
  }

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
        await sleep(500);
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
    if (options.readOnly) {
      for (const id of DRAIN_SWITCHES.afterWait) steps.push({ step: `${drainPart(id).step} (${id} on)`, status: 'NotExecuted' });
    }
    return { ok: false, steps, prior, blocking: last, waitedMs };
  }
  steps.push({ step: 'wait until nothing is in flight', status: 'Success', detail: `waited ${waitedMs} ms` });
  if (options.readOnly) {
    await switches.change(drainFinishChange());
    for (const id of DRAIN_SWITCHES.afterWait) steps.push({ step: `${drainPart(id).step} (${id} on)`, status: prior[id] ? 'AlreadyDone' : 'Success' });
  }
  return { ok: true, steps, prior, blocking: [], waitedMs };
}

/**
 * Resume: switches off in the safe order — the reverse of the drain's: read-only first, then jobs —
 * but never one that was already on before the drain started (the drain recorded that). Without a
 * recorded drain, all of them are turned off. Through the API, or on the store (break-glass:
 * `drydock resume --database-url`).
 */
export async function resume(switches: SwitchAccess): Promise<{ steps: StepResult[]; kept: SwitchId[] }> {
  const plan = resumePlan(await switches.read());
  for (const step of plan.steps) if (step.change) await switches.change(step.change);
  return { steps: plan.steps.map(({ step, status, detail }) => ({ step, status, ...(detail !== undefined && { detail }) })), kept: plan.kept };
}
