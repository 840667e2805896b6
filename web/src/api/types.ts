/** The shapes of the API answers the console reads (see README "API"). */

export type Role = 'system_admin' | 'organization_manager' | 'workspace_member';
export type Flag = '0' | '1';

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

/** What every user may read of the maintenance setting (the banner). */
export interface MaintenanceView {
  readonly backyard_execute_stop: Flag;
  readonly data_update_stop: Flag;
  readonly message: string | null;
  readonly announced_end: string | null;
}

/** What a system administrator reads. */
export interface MaintenanceSetting extends MaintenanceView {
  readonly last_update_user: string | null;
  readonly last_update_timestamp: string | null;
}

interface AuditedState {
  readonly backyard_execute_stop: boolean;
  readonly data_update_stop: boolean;
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
