import type { Generated } from 'kysely';
import type { SwitchId } from '../maintenance/switches.js';

/**
 * The tables as the code sees them, identical on both backends:
 * - timestamps are canonical strings (see clock.ts);
 * - JSON columns are JSON text (SQLite TEXT, PostgreSQL jsonb returned as text);
 * - flags are 0/1 integers.
 */
export interface Database {
  schema_migrations: { version: number; name: string; applied_at: string; compatibility: 'expand' | 'contract' };
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
  menu_record_journal: MenuRecordJournalTable;
  /** File columns' contents, once per menu and content (migration 10). */
  menu_files: { menu_id: string; digest: string; content: Buffer };
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
  fleet_environments: { name: string; spec: string; updated_at: string };
  fleet_pairs: { id: string; environment: string; env_id: string; active_role: 'P' | 'S'; properties: string; updated_at: string };
  fleet_nodes: FleetNodesTable;
  fleet_node_registrations: FleetNodeRegistrationsTable;
  fleet_version_statuses: { version: string; status: string; added_at: string; added_by: string };
  fleet_runs: FleetRunsTable;
  fleet_run_pairs: FleetRunPairsTable;
  fleet_steps: FleetStepsTable;
  /** The fleet file's `statuses:` list (migration 14). */
  fleet_statuses: { name: string; description: string | null; updated_at: string };
  /** Node properties a custom step's output set (migration 14), beside the declared `fleet_nodes.properties`. */
  fleet_node_properties: { node: string; name: string; value: string; run_id: string; step_id: number; updated_at: string };
}

/** What a node last announced about itself (fleet/store/registrations.ts). */
export interface FleetNodeRegistrationsTable {
  name: string;
  environment: string;
  env_id: string;
  role: 'P' | 'S';
  address: string;
  reported_version: string;
  health: 'healthy' | 'unhealthy' | null;
  health_detail: string | null;
  registered_at: string;
  last_seen_at: string;
}

/** A node of the fleet as it is now (see fleet/store/records.ts). */
export interface FleetNodesTable {
  name: string;
  pair_id: string;
  role: 'P' | 'S';
  installed_version: string;
  /** Kept on the primary: the version its secondary was upgraded to (phase 1). */
  secondary_version_level: string | null;
  /** Kept on the secondary: the version its primary was upgraded to (phase 3). */
  primary_version_level: string | null;
  properties: string;
  updated_at: string;
}

/** A phased-upgrade run of one environment to one version. */
export interface FleetRunsTable {
  id: string;
  environment: string;
  version: string;
  state: string;
  /** The phase pairs may be in (1–4); it advances when every pair still in the run completed it. */
  phase: number;
  /** The highest phase whose status change was applied (it runs once, on the first pair that completes the phase). */
  statuses_applied: number;
  concurrency: number;
  failure_budget: string;
  reason: string | null;
  lease_owner: string | null;
  lease_expires_at: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  finished_at: string | null;
  /** The phases the run covers (1–4; a run for phases 3-4 starts where one for 1-2 completed). */
  first_phase: number;
  last_phase: number;
  /** Hold after this phase (every pair completed it) for `hold_seconds`; null: no hold. */
  hold_after: number | null;
  hold_seconds: number | null;
  /** When the hold ends: written once, when it starts (an operator's resume moves it to now). */
  hold_until: string | null;
  /** The orchestrator level of the release that created the run (migration 17; fleet/store/lease.ts). */
  orchestrator_level: number;
  /** Above level 0, the lease's real end (`lease_expires_at` then stays in the far future). */
  lease_until: string | null;
}

/** One pair's progress in a run. */
export interface FleetRunPairsTable {
  run_id: string;
  pair_id: string;
  state: string;
  completed_phase: number;
  attempt: number;
  error: string | null;
  updated_at: string;
}

/** One node action, recorded when it starts and again when it ends. */
export interface FleetStepsTable {
  id: Generated<number>;
  run_id: string;
  pair_id: string;
  phase: number;
  attempt: number;
  step: string;
  action: string;
  node: string;
  version: string | null;
  state: string;
  output: string | null;
  started_at: string;
  finished_at: string | null;
  orchestrator: string;
  /** What a custom step's output set on its node (JSON text: name → value; migration 14). */
  properties: string | null;
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

/** The one row (id 1): a column per switch (`maintenance/switches.ts`, 0 or 1), then the banner. */
export interface MaintenanceSettingsTable extends Record<SwitchId, number> {
  id: number;
  message: string | null;
  announced_end: string | null;
  last_update_timestamp: string;
  last_update_user: string;
  /** JSON of the switches ({id: boolean}) recorded when a drain started; null otherwise. */
  drain_prior: string | null;
  /** The banner message in Japanese and in English (migration 13); valid while `message` is what they make it (maintenance/mode.ts). */
  message_ja: string | null;
  message_en: string | null;
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
  /** The user ids of who created it and who last changed it (migration 12); null before. */
  create_user?: string | null;
  last_update_user?: string | null;
}

/** `role` is one of tenancy/roles.ts `Role`. System administrators have no organization. */
export interface UsersTable {
  id: string;
  organization_id: string | null;
  username: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  /** Exastro's profile fields (migration 9); absent on a store of an earlier schema. */
  affiliation?: string | null;
  description?: string | null;
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
  /** Null: the token acts as its user. `fleet-node:PROD_P_017`: it may only announce that fleet node (tenancy/tokens.ts). */
  scope: string | null;
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

/** One change of a menu record, and the record as it was after it (migration 008). */
export interface MenuRecordJournalTable {
  journal_id: string;
  menu_id: string;
  record_id: string;
  action: 'INSERT' | 'UPDATE';
  parameter: string;
  discard: number;
  journal_timestamp: string;
  last_update_user: string;
  /** The record's file columns' contents then (`{"column": digest}`), for a menu with file columns (migration 10). */
  files?: string | null;
}

export interface MenuRecordsTable {
  id: string;
  menu_id: string;
  parameter: string;
  discard: number;
  created_at: string;
  last_update_timestamp: string;
  last_update_user: string;
  /** Which content each file column has (`{"column": digest}`), for a menu with file columns (migration 10). */
  files?: string | null;
}
