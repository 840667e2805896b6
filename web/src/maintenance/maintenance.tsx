import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, onApiFailure, seg } from '../api/client';
import type { MaintenanceModeView, SettingView, User } from '../../../src/http/wire-types';
import { maintenancePhase, type MaintenancePhase } from '../../../src/maintenance/drain-plan';
import { SWITCH_IDS, fromFlags, registeredJobsWait, writesRefused, type SwitchValues } from '../../../src/maintenance/switches';

/** How often the banner asks the server: a change shows within this (plus one request). */
export const MAINTENANCE_POLL_MS = 2000;
/**
 * How long one poll may take before the state counts as out of date. A server that accepts the
 * connection but never answers (frozen, or a proxy holding the request) would otherwise keep the
 * poll waiting, and the banner would never say the server cannot be reached.
 */
export const MAINTENANCE_POLL_TIMEOUT_MS = 5000;

interface Maintenance {
  /** The last state read; undefined until the first answer. */
  readonly view: MaintenanceModeView | undefined;
  /** Every switch on or off (all off until the first answer). */
  readonly switches: SwitchValues;
  /** A switch that refuses writes is on (read-only mode), so write buttons are disabled. */
  readonly readOnly: boolean;
  /** A switch that stops jobs but not writes is on (server-side jobs stopped): a job registered now waits. */
  readonly jobsStopped: boolean;
  /**
   * Where the system is in a maintenance (drain-plan.ts): normal, jobs stopped, draining, read-only.
   * Draining is known to system administrators only (their view carries the drain record); others
   * see a drain as jobs stopped.
   */
  readonly phase: MaintenancePhase;
  /** The last poll failed: what is shown may be out of date. */
  readonly stale: boolean;
  /** Asks again now (after a change, or after a write was refused). */
  refresh(): void;
}

const MaintenanceContext = createContext<Maintenance | undefined>(undefined);

/** The setting as this user may read it: the system view for administrators, the organization's otherwise. */
function settingPath(user: User): string {
  return user.role === 'system_admin' || !user.organization_id
    ? '/api/platform/maintenance-mode-setting'
    : `/api/${seg(user.organization_id)}/platform/maintenance-mode-setting`;
}

/**
 * Polls the maintenance switches every two seconds for the whole console (the banner and every
 * write button read this one state). Polling, not a stream: it is one small read, works through
 * any proxy, and recovers by itself. A write refused with a 498 result asks again at once. A poll
 * unanswered for `MAINTENANCE_POLL_TIMEOUT_MS` is given up and marks the state stale.
 */
export function MaintenanceProvider({ user, children }: { readonly user: User; readonly children: ReactNode }) {
  const [view, setView] = useState<MaintenanceModeView | undefined>(undefined);
  const [stale, setStale] = useState(false);
  const path = settingPath(user);
  const inFlight = useRef(false);

  const poll = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      const next = await api<MaintenanceModeView>('GET', path, undefined, AbortSignal.timeout(MAINTENANCE_POLL_TIMEOUT_MS));
      setView((prev) => (prev && sameView(prev, next) ? prev : next));
      setStale(false);
    } catch {
      setStale(true);
    } finally {
      inFlight.current = false;
    }
  }, [path]);

  useEffect(() => {
    void poll();
    const timer = window.setInterval(() => void poll(), MAINTENANCE_POLL_MS);
    const onVisible = () => document.visibilityState === 'visible' && void poll();
    document.addEventListener('visibilitychange', onVisible);
    const off = onApiFailure((failure) => failure.isMaintenanceRefusal && void poll());
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      off();
    };
  }, [poll]);

  const value = useMemo<Maintenance>(() => {
    const switches = fromFlags(view ?? {});
    return {
      view,
      switches,
      readOnly: writesRefused(switches),
      jobsStopped: registeredJobsWait(switches),
      phase: view ? maintenancePhase({ ...view, drain_prior: drainPrior(view) }) : 'normal',
      stale,
      refresh: () => void poll(),
    };
  }, [view, stale, poll]);
  return <MaintenanceContext.Provider value={value}>{children}</MaintenanceContext.Provider>;
}

/** The drain record, in the administrators' view (`SettingView`); null in an organization's. */
const drainPrior = (v: MaintenanceModeView): SettingView['drain_prior'] => (v as Partial<SettingView>).drain_prior ?? null;

function sameView(a: MaintenanceModeView, b: MaintenanceModeView): boolean {
  return (
    SWITCH_IDS.every((id) => a[id] === b[id]) &&
    a.message === b.message &&
    a.message_ja === b.message_ja &&
    a.message_en === b.message_en &&
    a.announced_end === b.announced_end &&
    JSON.stringify(drainPrior(a)) === JSON.stringify(drainPrior(b))
  );
}

export function useMaintenance(): Maintenance {
  const value = useContext(MaintenanceContext);
  if (!value) throw new Error('useMaintenance outside MaintenanceProvider');
  return value;
}
