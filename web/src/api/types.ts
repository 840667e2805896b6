/** The shapes of the API answers the console reads (see README "API"). */
import type { SwitchFlags, SwitchValues, WireFlag } from '../../../src/maintenance/switches';

export type Role = 'system_admin' | 'organization_manager' | 'workspace_member';
export type Flag = WireFlag;

/** GET /api/auth/whoami and the `user` of a sign-in. */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly organization_id: string | null;
  readonly csrf_token?: string;
}

export interface LoginAnswer {
  readonly csrf_token: string;
  readonly expires_at: string;
  readonly user: User;
}

/** What every user may read of the maintenance setting (the banner): every switch (src/maintenance/switches.ts), "0" or "1". */
export interface MaintenanceView extends SwitchFlags {
  readonly message: string | null;
  readonly announced_end: string | null;
}

/** What a system administrator reads. */
export interface MaintenanceSetting extends MaintenanceView {
  readonly last_update_user: string | null;
  readonly last_update_timestamp: string | null;
}

/** An entry written before a switch existed does not name it. */
interface AuditedState extends Partial<SwitchValues> {
  readonly message: string | null;
  readonly announced_end: string | null;
}

export interface AuditEntry {
  readonly id: number;
  readonly changed_at: string;
  readonly changed_by: string;
  readonly before: AuditedState;
  readonly after: AuditedState;
}

export interface ExecuteCheckJob {
  readonly id: string;
  readonly last_update_timestamp: string;
  readonly status_id: string;
  readonly status_name: string;
  readonly lease_expired?: boolean;
  readonly started_at?: string | null;
}

export interface ExecuteCheckWorkspace {
  readonly id: string;
  readonly execute_count: number;
  readonly backyards: Record<string, ExecuteCheckJob[]>;
}

export interface ExecuteCheckOrganization {
  readonly id: string;
  readonly execute_count: number;
  readonly workspaces: ExecuteCheckWorkspace[];
}

export interface ExecuteCheck {
  readonly execute_count: number;
  readonly organizations: ExecuteCheckOrganization[];
}

export interface Organization {
  readonly id: string;
  readonly name: string;
  readonly plan: { id?: string } | null;
  readonly create_timestamp: string;
  readonly last_update_timestamp: string;
}

export interface Workspace {
  readonly id: string;
  readonly organization_id: string;
  readonly name: string;
  readonly informations: { description?: string } | null;
  readonly create_timestamp: string;
  readonly last_update_timestamp: string;
}

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly title?: string;
  readonly required?: boolean;
  readonly unique?: boolean;
}

export interface Menu {
  readonly menu: string;
  readonly title: string;
  readonly columns: Column[];
}

export type Value = string | number | boolean | null;

export interface MenuRecord {
  readonly parameter: Record<string, Value> & {
    readonly uuid: string;
    readonly discard: Flag;
    readonly last_update_date_time: string;
    readonly last_updated_user: string;
  };
}

export interface Execution {
  readonly execution_no: string;
  readonly backyard: string;
  readonly status_id: string;
  readonly status_name: string;
  readonly spec: Record<string, unknown> | null;
  readonly time_register: string | null;
  readonly time_start: string | null;
  readonly time_end: string | null;
  readonly execution_user: string | null;
  readonly schedule_date: string | null;
  readonly log?: string;
}

/**
 * A fleet upgrade run's lifecycle (src/fleet/store/records.ts): `running` → `paused` (an operator)
 * or `halted` (failure budget, closed gate) and back with resume; `completed` when every pair
 * reached phase 4 or failed; `failed` when no pair got through. A retry reopens a finished run.
 */
export type FleetRunState = 'running' | 'paused' | 'halted' | 'completed' | 'failed';

/** A pair's lifecycle in a run: `waiting` for its next phase, `running` one, `done` (phase 4), `failed` (retry puts it back). */
export type FleetPairState = 'waiting' | 'running' | 'done' | 'failed';

/** A cell of the pairs × phases matrix. */
export type FleetPhaseCell = 'done' | 'running' | 'failed' | 'pending';

/** The four phases: upgrade the secondary, switch to it, upgrade the primary, switch back. */
export type FleetPhase = '1' | '2' | '3' | '4';

/** GET /api/platform/fleet/runs (each) and the `run` of a run's view. */
export interface FleetRun {
  readonly id: string;
  readonly environment: string;
  readonly version: string;
  readonly state: FleetRunState;
  /** The phase the run is in, 1–4. */
  readonly phase: number;
  readonly concurrency: number;
  readonly failureBudget: { readonly count?: number; readonly percent?: number };
  /** Why it is halted, paused or finished with failures. */
  readonly reason: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

/** One row of the matrix. */
export interface FleetRunPair {
  readonly pair: string;
  readonly state: FleetPairState;
  readonly completedPhase: number;
  readonly attempt: number;
  readonly error: string | null;
  /** The name of the node serving now. */
  readonly active: string | null;
  readonly primaryVersion: string | null;
  readonly secondaryVersion: string | null;
  readonly phases: Readonly<Partial<Record<FleetPhase, FleetPhaseCell>>>;
}

/** GET /api/platform/fleet/runs/:run_id: the run, its version's statuses, and the pairs × phases matrix. */
export interface FleetRunView {
  readonly run: FleetRun;
  readonly statuses: readonly string[];
  readonly counts: { readonly waiting: number; readonly running: number; readonly done: number; readonly failed: number; readonly total: number };
  readonly pairs: readonly FleetRunPair[];
}
