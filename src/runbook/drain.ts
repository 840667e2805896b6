import { kindOf } from '../backyard/kinds/registry.js';
import type { ApiClient } from '../api-client/api-client.js';
import type { ExecuteCheck, SettingView } from '../http/wire-types.js';
import { SWITCHES, SWITCH_IDS, fromFlags, type SwitchDefinition, type SwitchId, type SwitchValues } from '../maintenance/switches.js';
import { sleep } from '../util/sleep.js';
import { switchAccessOverApi, type SwitchAccess } from './switch-access.js';

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
  readonly prior: SwitchValues;
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
 * The switches a drain turns on (maintenance/switches.ts, `drain`): `beforeWait` ones before it
 * waits, `afterWait` ones once nothing is in flight, when asked (`--read-only`). Resume turns them
 * off in the reverse order.
 */
export const DRAIN_SWITCHES: { readonly beforeWait: readonly SwitchId[]; readonly afterWait: readonly SwitchId[] } = {
  beforeWait: SWITCH_IDS.filter((id) => SWITCHES[id].drain?.phase === 'before-wait'),
  afterWait: SWITCH_IDS.filter((id) => SWITCHES[id].drain?.phase === 'after-wait'),
};

/** A switch's part in the drain (every switch in `DRAIN_SWITCHES` has one). */
function drainPart(id: SwitchId): NonNullable<SwitchDefinition['drain']> {
  const part = SWITCHES[id].drain;
  if (!part) throw new Error(`${id} has no part in the drain`);
  return part;
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

/** Every switch of `ids` on, in the API's words. */
const allOn = (ids: readonly SwitchId[]) => Object.fromEntries(ids.map((id) => [id, '1' as const]));

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
  await switches.change({ ...allOn(DRAIN_SWITCHES.beforeWait), drain: 'start' });
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
    for (const id of DRAIN_SWITCHES.afterWait) {
      await switches.change({ [id]: '1' });
      steps.push({ step: `${drainPart(id).step} (${id} on)`, status: prior[id] ? 'AlreadyDone' : 'Success' });
    }
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
  const now: SettingView = await switches.read();
  const prior = now.drain_prior;
  const steps: StepResult[] = [];
  const kept: SwitchId[] = [];
  const order = [...DRAIN_SWITCHES.afterWait].reverse().concat([...DRAIN_SWITCHES.beforeWait].reverse());
  for (const [i, id] of order.entries()) {
    const part = drainPart(id);
    // The last change forgets the drain record.
    const end = prior && i === order.length - 1 ? ({ drain: 'end' } as const) : undefined;
    if (now[id] === '1' && prior?.[id] === '1') {
      kept.push(id);
      if (end) await switches.change(end);
      steps.push({ step: part.undoStep, status: 'NotExecuted', detail: part.keptDetail });
    } else if (now[id] === '1') {
      await switches.change({ [id]: '0', ...end });
      steps.push({ step: part.undoStep, status: 'Success' });
    } else {
      if (end) await switches.change(end);
      steps.push({ step: part.undoStep, status: 'AlreadyDone' });
    }
  }
  return { steps, kept };
}
