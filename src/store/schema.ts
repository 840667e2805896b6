import type { Generated } from 'kysely';

/**
 * The tables as the code sees them, identical on both backends:
 * - timestamps are canonical strings (see clock.ts);
 * - JSON columns are JSON text (SQLite TEXT, PostgreSQL jsonb returned as text);
 * - flags are 0/1 integers.
 */
export interface Database {
  schema_migrations: { version: number; name: string; applied_at: string };
  maintenance_settings: MaintenanceSettingsTable;
  maintenance_audit: MaintenanceAuditTable;
  log_levels: { service: string; level: string; last_update_timestamp: string; last_update_user: string };
  organizations: OrganizationsTable;
  workspaces: WorkspacesTable;
  users: UsersTable;
  workspace_members: { organization_id: string; workspace_id: string; user_id: string };
  access_tokens: AccessTokensTable;
  sessions: SessionsTable;
  menus: MenusTable;
  menu_records: MenuRecordsTable;
  menu_record_unique_values: { menu_id: string; column_name: string; value: string; record_id: string };
  backyard_jobs: BackyardJobsTable;
  backyard_job_logs: { id: Generated<number>; job_id: string; at: string; stream: string; text: string };
  backyard_job_files: { job_id: string; role: string; name: string; content: Buffer };
  /** Files uploaded for an import job (`kind`: menu-import or excel-import), referenced by the job's spec. */
  backyard_uploads: {
    id: string;
    organization_id: string;
    workspace_id: string;
    kind: string;
    name: string;
    content: Buffer;
    created_at: string;
    created_by: string;
  };
}

/** One backyard job; `spec` holds its frozen inputs, `result` its outputs (JSON text). */
export interface BackyardJobsTable {
  id: string;
  organization_id: string;
  workspace_id: string;
  backyard: string;
  status_id: string;
  /** 1 while the status is an in-flight one of the job's family; kept by every status change. */
  in_flight: number;
  parent_id: string | null;
  spec: string;
  result: string | null;
  delay_minutes: number | null;
  scheduled_at: string | null;
  created_at: string;
  created_by: string;
  started_at: string | null;
  finished_at: string | null;
  last_update_timestamp: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  stop_requested: number;
}

export interface MaintenanceSettingsTable {
  id: number;
  backyard_execute_stop: number;
  data_update_stop: number;
  message: string | null;
  announced_end: string | null;
  last_update_timestamp: string;
  last_update_user: string;
  /** JSON {backyard_execute_stop, data_update_stop} recorded when a drain started; null otherwise. */
  drain_prior: string | null;
}

export interface MaintenanceAuditTable {
  id: Generated<number>;
  changed_at: string;
  changed_by: string;
  before_state: string;
  after_state: string;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  plan: string;
  options: string;
  options_ita: string;
  created_at: string;
  last_update_timestamp: string;
}

export interface WorkspacesTable {
  organization_id: string;
  id: string;
  name: string;
  informations: string;
  created_at: string;
  last_update_timestamp: string;
}

/** `role` is one of tenancy/roles.ts `Role`. System administrators have no organization. */
export interface UsersTable {
  id: string;
  organization_id: string | null;
  username: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  password_hash: string;
  role: string;
  enabled: number;
  created_at: string;
  last_update_timestamp: string;
}

export interface AccessTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface MenusTable {
  id: string;
  organization_id: string;
  workspace_id: string;
  name: string;
  title: string;
  columns: string;
  created_at: string;
  last_update_timestamp: string;
}

export interface MenuRecordsTable {
  id: string;
  menu_id: string;
  parameter: string;
  discard: number;
  created_at: string;
  last_update_timestamp: string;
  last_update_user: string;
}
