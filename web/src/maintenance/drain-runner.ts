import { useSyncExternalStore } from 'react';
import { api } from '../api/client';
import type { AuditEntry, ExecuteCheck, SettingView } from '../../../src/http/wire-types';
import { drainFinishChange, drainStartChange, maintenancePhase, resumePlan, type ResumeStep } from '../../../src/maintenance/drain-plan';

const SETTING = '/api/platform/maintenance-mode-setting';
const CHECK = '/api/ita/backyard-execute-check/';
/** How often the drain reads the execute-check while it waits (the card itself follows the stream). */
export const DRAIN_POLL_MS = 1000;
/** Where the console remembers how many jobs were in flight when it started a drain (for "N of M left"). */
const TOTAL_KEY = 'drydock.drain';

/**
 * What the console's drain is doing. The drain runs here, in the browser, through the API — the
 * same changes as `drydock drain --read-only` (maintenance/drain-plan.ts): jobs stopped with the
 * drain recorded, then, once the execute-check counts nothing in flight, read-only on. It lives
 * outside React, so it goes on while the administrator opens other pages of the console; closing or
 * reloading the tab ends it, and the system then shows as Draining (the record is on the server)
 * until someone continues or resumes — here or with the CLI.
 */
export type DrainRun =
  | { readonly step: 'idle' }
  | { readonly step: 'starting' }
  | { readonly step: 'waiting'; readonly inFlight: number }
  | { readonly step: 'finishing' }
  | { readonly step: 'done' }
  | { readonly step: 'resuming' }
  | { readonly step: 'resumed'; readonly steps: readonly ResumeStep[] }
  /** The drain was ended elsewhere (resumed, its switch turned off) while this one waited. */
  | { readonly step: 'ended-elsewhere' }
  | { readonly step: 'failed'; readonly during: 'drain' | 'resume'; readonly error: unknown };

let current: DrainRun = { step: 'idle' };
let controller: AbortController | undefined;
const listeners = new Set<() => void>();

function set(next: DrainRun): void {
  current = next;
  for (const listener of listeners) listener();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** The drain as it is now; re-renders on every step. */
export function useDrainRun(): DrainRun {
  return useSyncExternalStore(subscribe, () => current);
}

/** Whether the console is carrying out a drain or a resume now (its buttons wait). */
export const isBusy = (run: DrainRun): boolean => ['starting', 'waiting', 'finishing', 'resuming'].includes(run.step);

/**
 * "Drain and go read-only": jobs stopped and the drain recorded (a switch already on is recorded as
 * on, so Resume leaves it on), then the wait and read-only (`continueDrain`).
 */
export async function startDrain(): Promise<void> {
  const signal = takeOver();
  set({ step: 'starting' });
  try {
    await api<null>('PATCH', SETTING, drainStartChange(), signal);
    // How many jobs it waits for, kept for "N of M left" (the history names the drain); a failed
    // read of the history only loses the M.
    const [check, audit] = await Promise.all([
      api<ExecuteCheck>('GET', CHECK, undefined, signal),
      api<AuditEntry[]>('GET', `${SETTING}/audit?limit=20`, undefined, signal).catch(() => undefined),
    ]);
    rememberTotal(drainStartId(audit), check.execute_count);
    await waitThenReadOnly(signal);
  } catch (err) {
    if (!signal.aborted) set({ step: 'failed', during: 'drain', error: err });
  }
}

/** Goes on with a drain that is recorded but not read-only yet (left by a closed tab, or started by the CLI). */
export async function continueDrain(): Promise<void> {
  const signal = takeOver();
  try {
    await waitThenReadOnly(signal);
  } catch (err) {
    if (!signal.aborted) set({ step: 'failed', during: 'drain', error: err });
  }
}

async function waitThenReadOnly(signal: AbortSignal): Promise<void> {
  for (;;) {
    const [check, setting] = await Promise.all([api<ExecuteCheck>('GET', CHECK, undefined, signal), api<SettingView>('GET', SETTING, undefined, signal)]);
    if (maintenancePhase(setting) !== 'draining') return set(maintenancePhase(setting) === 'read-only' ? { step: 'done' } : { step: 'ended-elsewhere' });
    if (check.execute_count === 0) break;
    set({ step: 'waiting', inFlight: check.execute_count });
    await pause(DRAIN_POLL_MS, signal);
  }
  set({ step: 'finishing' });
  await api<null>('PATCH', SETTING, drainFinishChange(), signal);
  set({ step: 'done' });
}

/**
 * "Resume": the changes of `drydock resume` (drain-plan.ts `resumePlan`) — read-only off, then jobs
 * on, except a switch that was on before the drain — and the record forgotten. Stops a drain this
 * console is carrying out first.
 */
export async function resumeNow(): Promise<void> {
  const signal = takeOver();
  set({ step: 'resuming' });
  try {
    const plan = resumePlan(await api<SettingView>('GET', SETTING, undefined, signal));
    for (const step of plan.steps) if (step.change) await api<null>('PATCH', SETTING, step.change, signal);
    forgetTotal();
    set({ step: 'resumed', steps: plan.steps });
  } catch (err) {
    if (!signal.aborted) set({ step: 'failed', during: 'resume', error: err });
  }
}

/** Stops waiting (the switches stay as they are: the system shows as Draining) and forgets what was shown. */
export function stopWaiting(): void {
  controller?.abort();
  controller = undefined;
  set({ step: 'idle' });
}

/** Forgets the outcome shown (done, resumed, failed). */
export function dismissOutcome(): void {
  if (!isBusy(current)) set({ step: 'idle' });
}

/** Ends whatever runs and returns the signal of what starts now. */
function takeOver(): AbortSignal {
  controller?.abort();
  controller = new AbortController();
  return controller.signal;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}

/** The history entry that recorded the drain now recorded (the newest one that started a drain). */
export function drainStartId(audit: readonly AuditEntry[] | undefined): number | undefined {
  return audit?.find((e) => !e.before.drain_prior && e.after.drain_prior)?.id;
}

function rememberTotal(drain: number | undefined, total: number): void {
  if (drain === undefined) return;
  window.localStorage.setItem(TOTAL_KEY, JSON.stringify({ drain, total }));
}

function forgetTotal(): void {
  window.localStorage.removeItem(TOTAL_KEY);
}

/**
 * How many jobs were in flight when the drain `drain` (its history entry) started, if this browser
 * started it; undefined otherwise (the card then counts from the most it has seen).
 */
export function rememberedTotal(drain: number | undefined): number | undefined {
  try {
    const saved = JSON.parse(window.localStorage.getItem(TOTAL_KEY) ?? 'null') as { drain?: unknown; total?: unknown } | null;
    return drain !== undefined && saved?.drain === drain && typeof saved.total === 'number' ? saved.total : undefined;
  } catch {
    return undefined;
  }
}
