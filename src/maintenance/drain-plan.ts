/**
 * The drain and the resume as plans: which switches a drain turns on before it waits and which once
 * nothing is in flight, the change that starts one (recording the switches as they were), the
 * changes a resume makes in order, the jobs a drain waits for, and which phase a system is in. Data
 * and pure functions only, so both sides that drive a drain follow the same plan: the runbook
 * (`runbook/drain.ts`: `drydock drain`, `drydock resume`, the upgrades) and the console's
 * "Drain and go read-only" and "Resume" (web/src/maintenance/drain-runner.ts), which apply these
 * changes through the same PATCH of the setting, so a drain the console started is resumed by the
 * CLI and the other way round.
 *
 * A leaf: it imports only other leaves (the switches, the backyard kinds, the answers' types), so the
 * console imports it as it is.
 */
import { kindOf } from '../backyard/kinds/registry.js';
import type { ExecuteCheck, SettingView } from '../http/wire-types.js';
import { SWITCHES, SWITCH_IDS, type SwitchDefinition, type SwitchFlags, type SwitchId } from './switches.js';

/** A change of the switches in the API's words (absent switches stay as they are). */
export interface SwitchChange extends Partial<SwitchFlags> {
  /** drydock's drain bookkeeping: `start` records the switches as they were, `end` forgets them. */
  readonly drain?: 'start' | 'end';
}

/**
 * The switches a drain turns on (switches.ts, `drain`): `beforeWait` ones before it waits,
 * `afterWait` ones once nothing is in flight, when asked (`--read-only`). Resume turns them off in
 * the reverse order.
 */
export const DRAIN_SWITCHES: { readonly beforeWait: readonly SwitchId[]; readonly afterWait: readonly SwitchId[] } = {
  beforeWait: SWITCH_IDS.filter((id) => SWITCHES[id].drain?.phase === 'before-wait'),
  afterWait: SWITCH_IDS.filter((id) => SWITCHES[id].drain?.phase === 'after-wait'),
};

/** A switch's part in the drain (every switch in `DRAIN_SWITCHES` has one). */
export function drainPart(id: SwitchId): NonNullable<SwitchDefinition['drain']> {
  const part = SWITCHES[id].drain;
  if (!part) throw new Error(`${id} has no part in the drain`);
  return part;
}

/** Every switch of `ids` on, in the API's words. */
const allOn = (ids: readonly SwitchId[]): Partial<SwitchFlags> => Object.fromEntries(ids.map((id) => [id, '1' as const]));

/**
 * The change that starts a drain: the `beforeWait` switches on, and the switches as they were
 * recorded (`drain: "start"`; the server keeps a record already there, so a retried drain does not
 * record its own "on" as the state before).
 */
export const drainStartChange = (): SwitchChange => ({ ...allOn(DRAIN_SWITCHES.beforeWait), drain: 'start' });

/** The change that ends a drain's wait when it goes read-only: the `afterWait` switches on. */
export const drainFinishChange = (): SwitchChange => allOn(DRAIN_SWITCHES.afterWait);

/** One step of a resume: what it changes (null: nothing to send) and how it is reported. */
export interface ResumeStep {
  readonly id: SwitchId;
  /** The PATCH to send, or null when the step has nothing to change. */
  readonly change: SwitchChange | null;
  readonly step: string;
  /** `Success`: turned off; `NotExecuted`: left on, it was on before the drain; `AlreadyDone`: it was off. */
  readonly status: 'Success' | 'NotExecuted' | 'AlreadyDone';
  readonly detail?: string;
}

/**
 * Resume as a plan, from the setting as it is now: the switches off in the safe order — the reverse
 * of the drain's: read-only first, then jobs — but never one that was already on before the drain
 * started (the drain recorded that: `drain_prior`). Without a recorded drain, all of them are turned
 * off. The last step also forgets the drain record (`drain: "end"`), even when it changes no switch.
 */
export function resumePlan(now: SettingView): { steps: ResumeStep[]; kept: SwitchId[] } {
  const prior = now.drain_prior;
  const steps: ResumeStep[] = [];
  const kept: SwitchId[] = [];
  const order = [...DRAIN_SWITCHES.afterWait].reverse().concat([...DRAIN_SWITCHES.beforeWait].reverse());
  for (const [i, id] of order.entries()) {
    const part = drainPart(id);
    const end = prior && i === order.length - 1 ? ({ drain: 'end' } as const) : undefined;
    if (now[id] === '1' && prior?.[id] === '1') {
      kept.push(id);
      steps.push({ id, change: end ?? null, step: part.undoStep, status: 'NotExecuted', detail: part.keptDetail });
    } else if (now[id] === '1') {
      steps.push({ id, change: { [id]: '0', ...end }, step: part.undoStep, status: 'Success' });
    } else {
      steps.push({ id, change: end ?? null, step: part.undoStep, status: 'AlreadyDone' });
    }
  }
  return { steps, kept };
}

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
 * Where a system is in a maintenance, from its switches and the drain record:
 * - `normal`: no switch on;
 * - `stopping`: jobs are stopped (no job starts; those running finish), no drain recorded;
 * - `draining`: a drain is recorded and its `afterWait` switches (read-only) are not on yet — it is
 *   waiting for the jobs in flight, or was left before it turned read-only on;
 * - `read-only`: a switch that refuses writes is on (after a drain or not).
 */
export type MaintenancePhase = 'normal' | 'stopping' | 'draining' | 'read-only';

export function maintenancePhase(s: Pick<SettingView, SwitchId | 'drain_prior'>): MaintenancePhase {
  const on = (id: SwitchId) => s[id] === '1';
  if (SWITCH_IDS.some((id) => on(id) && SWITCHES[id].effects.refusesWrites)) return 'read-only';
  if (s.drain_prior !== null && DRAIN_SWITCHES.beforeWait.every(on)) return 'draining';
  if (SWITCH_IDS.some(on)) return 'stopping';
  return 'normal';
}
