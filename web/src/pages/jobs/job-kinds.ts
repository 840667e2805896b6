/**
 * What the console needs to know about backyard kinds, read from the server's registry
 * (src/backyard/kinds/: plain data the console imports as it is), so a new kind shows here without
 * a change to the console.
 */
import { backyardKinds, kindOf } from '../../../../src/backyard/kinds/registry.js';
import { notStartedStatuses, statusFamily } from '../../../../src/backyard/kinds/status-families.js';

export { kindLabel } from '../../../../src/backyard/kinds/registry.js';

/** The driver execution menu that runs a movement of an orchestrator (README "Jobs and workers"): its kind's first menu. */
export function driverMenuOf(orchestrator: string): string | undefined {
  return backyardKinds().find((k) => k.orchestrator === orchestrator)?.menus[0];
}

/**
 * Where a job's emergency stop and cancel live: `…/menu/{menu}/driver/{id}/` for driver runs,
 * `…/menu/{menu}/conductor/{id}/` for conductors; undefined for menu jobs (they have neither).
 */
export function controlPath(backyard: string, id: string): string | undefined {
  const kind = kindOf(backyard);
  const route = kind && statusFamily(kind.family).route;
  const menu = kind?.menus[0];
  return route && menu ? `/menu/${menu}/${route}/${encodeURIComponent(id)}` : undefined;
}

/** Not started yet, waiting for its time: it may be cancelled. */
export function isScheduled(backyard: string, statusId: string): boolean {
  const kind = kindOf(backyard);
  return kind !== undefined && statusFamily(kind.family).scheduled === statusId;
}

/** Not ended: an emergency stop applies. */
export function isUnfinished(backyard: string, statusId: string, timeEnd: string | null): boolean {
  const kind = kindOf(backyard);
  if (timeEnd !== null || !kind) return false;
  return [...notStartedStatuses(kind.family), ...statusFamily(kind.family).inFlight].includes(statusId);
}

/** Whether a kind's in-flight jobs count (a conductor's do not: its driver jobs do). */
export function isCounted(backyard: string): boolean {
  return kindOf(backyard)?.counted ?? true;
}

/** Exastro's way of registering a driver run, per mode (src/backyard/driver-specs.ts `DriverMode`). */
const EXECUTE_ENDPOINT = { execute: 'execute', dry_run: 'execute_dry_run', parameter_check: 'execute_check_parameter' } as const;

/**
 * How to run a driver job again: the same registration the jobs page sends (`…/menu/{menu}/driver/
 * execute/`, or the dry run's or parameter check's own endpoint, as the job ran), with its movement
 * and operation. Undefined for kinds with no such registration (conductors, menu jobs) and for a
 * spec without the names.
 */
export function rerunRequest(
  backyard: string,
  spec: Readonly<Record<string, unknown>>,
): { readonly path: string; readonly body: { readonly movement_name: string; readonly operation_name: string } } | undefined {
  const kind = kindOf(backyard);
  const menu = kind?.menus[0];
  if (!kind || !menu || kind.orchestrator === null || statusFamily(kind.family).route !== 'driver') return undefined;
  const { movement_name: movement, operation_name: operation, mode } = spec;
  if (typeof movement !== 'string' || typeof operation !== 'string') return undefined;
  const endpoint = mode === 'dry_run' || mode === 'parameter_check' ? EXECUTE_ENDPOINT[mode] : EXECUTE_ENDPOINT.execute;
  return { path: `/menu/${menu}/driver/${endpoint}/`, body: { movement_name: movement, operation_name: operation } };
}
