/**
 * Exastro's published API, endpoint by endpoint, and what drydock does with each: `supported` (as
 * Exastro answers it), `differs` (drydock has it; the note says how it answers differently, see
 * docs/decisions/exastro-compatibility.md) or `unsupported` (the note says why). The endpoints are
 * those an Exastro client calls: IT Automation's workspace API (ita_api_organization's OpenAPI
 * document), its system-management API (`/api/ita/…`), and the platform's (`/api/platform/…`,
 * `/api/{organization_id}/platform/…`, the token endpoint) — not the services' internal ones.
 *
 * test/exastro-endpoints.test.ts holds drydock to this list: every endpoint marked supported or
 * differs is a route with the same method and path, every route drydock declares under an Exastro
 * prefix is either here or an extension below, and docs/exastro-endpoints.md (`npm run
 * docs:exastro`) is this list as a table.
 */

export type Support = 'supported' | 'differs' | 'unsupported';

export interface ExastroEndpoint {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As Exastro's document writes it, `{parameter}` and all. */
  readonly path: string;
  readonly support: Support;
  /** How drydock differs, or why it does not have it; empty when supported. */
  readonly note: string;
}

const I = '/api/{organization_id}/workspaces/{workspace_id}/ita';

const e = (support: Support, method: ExastroEndpoint['method'], path: string, note = ''): ExastroEndpoint => ({ method, path, support, note });

export const EXASTRO_ENDPOINTS: readonly ExastroEndpoint[] = [
  e(
    'differs',
    'GET',
    `${I}/menu/{menu}/info/`,
    "drydock's menus have no menu groups, column groups or custom menus; a boolean column is an IDColumn of True/False",
  ),
  e('supported', 'GET', `${I}/menu/{menu}/info/column/`),
  e('supported', 'GET', `${I}/menu/{menu}/info/pulldown/`),
  e('supported', 'GET', `${I}/menu/{menu}/info/search/candidates/{column}/`),
  e('supported', 'GET', `${I}/menu/{menu}/filter/count/`),
  e('supported', 'POST', `${I}/menu/{menu}/filter/count/`),
  e('supported', 'GET', `${I}/menu/{menu}/filter/`),
  e(
    'differs',
    'POST',
    `${I}/menu/{menu}/filter/`,
    'a key that is no column is refused (400-00026) where Exastro ignores it: a misspelt column would match every record',
  ),
  e('supported', 'GET', `${I}/menu/{menu}/filter/journal/{uuid}/`),
  e(
    'differs',
    'GET',
    `${I}/menu/{menu}/{uuid}/{column}/file/`,
    'a record without a file is a 404 and a column that is no file column 499-00006 (Exastro: an empty 200, which a client saves as an empty file)',
  ),
  e('differs', 'GET', `${I}/menu/{menu}/{uuid}/{column}/file/journal/{journal_uuid}/`, 'an entry without a file is a 404 (Exastro: 499-00201)'),
  e('supported', 'POST', `${I}/menu/{menu}/maintenance/`),
  e('supported', 'PATCH', `${I}/menu/{menu}/maintenance/{uuid}/`),
  e('supported', 'POST', `${I}/menu/{menu}/maintenance/all/`),
  e(
    'differs',
    'GET',
    `${I}/menu/{menu}/excel/format/`,
    "drydock's workbook: the menu export's records sheet with a first column `_type` (実行処理種別), headers in the columns' REST names, no master sheets",
  ),
  e('differs', 'GET', `${I}/menu/{menu}/excel/`, "drydock's workbook (see excel/format/); discarded records included, as the filter does"),
  e('differs', 'POST', `${I}/menu/{menu}/excel/`, "drydock's workbook (see excel/format/) of the records the filter body finds"),
  e(
    'differs',
    'POST',
    `${I}/menu/{menu}/excel/maintenance/`,
    "reads drydock's workbook (see excel/format/): rows whose `_type` says Register/Update/Discard/Restore (登録/更新/廃止/復活), all or nothing, problems keyed by workbook row; file contents do not travel in a workbook",
  ),
  e(
    'differs',
    'GET',
    `${I}/menu/{menu}/excel/journal/`,
    "drydock's workbook: journal_id, journal_datetime, journal_action, then the record as excel/ shows it",
  ),
  e('differs', 'GET', `${I}/user/`, "drydock's own fields (user_id, user_name, roles, maintenance_mode; no workspaces list or table settings)"),
  e('differs', 'GET', `${I}/user/menus/`, 'one menu group holding every menu of the workspace'),
  e('unsupported', 'GET', `${I}/user/menus/panels/`, "the web UI's menu group icons"),
  e('unsupported', 'POST', `${I}/user/table_settings/`, "the web UI's table settings: drydock's console keeps its own state"),
  e('unsupported', 'GET', `${I}/user/dashboard/`, "the web UI's dashboard: drydock's console keeps its own state"),
  e('unsupported', 'POST', `${I}/user/dashboard/`, "the web UI's dashboard: drydock's console keeps its own state"),
  e('supported', 'GET', `${I}/version/`),
  e(
    'differs',
    'POST',
    `${I}/create/define/execute/`,
    "Exastro's body for a new data sheet (type create_new, sheet_type_id 2; text, number, date, file columns), or drydock's definition; no parameter sheets with host/operation, pulldowns or passwords (499-00701); column groups are not kept",
  ),
  e('unsupported', 'GET', `${I}/create/define/`, "the menu-creation editor's data: drydock defines menus with `POST …/menu/`"),
  e('unsupported', 'GET', `${I}/create/define/{menu_create}/`, "the menu-creation editor's data: drydock defines menus with `POST …/menu/`"),
  e('unsupported', 'GET', `${I}/create/define/pulldown/initial/{menu}/{column}/`, "the menu-creation editor's data: drydock defines menus with `POST …/menu/`"),
  e('unsupported', 'GET', `${I}/create/define/reference/item/{menu}/{column}/`, "the menu-creation editor's data: drydock defines menus with `POST …/menu/`"),
  e('unsupported', 'GET', `${I}/menu/parameter_collection/`, 'parameter collection is not part of drydock'),
  e('unsupported', 'GET', `${I}/menu/parameter_collection/filter_data/`, 'parameter collection is not part of drydock'),
  e('unsupported', 'POST', `${I}/menu/parameter_collection/filter_data/`, 'parameter collection is not part of drydock'),
  e('unsupported', 'DELETE', `${I}/menu/parameter_collection/filter_data/{uuid}`, 'parameter collection is not part of drydock'),
  e('differs', 'GET', `${I}/menu/{menu}/conductor/class/info/`, 'as `conductor/info/{id}/` (node types movement and pause; orchestrators named)'),
  e(
    'differs',
    'GET',
    `${I}/menu/{menu}/conductor/class/{conductor_class_id}/`,
    "drydock's graph drawn in the editor's vocabulary (start, end, movement, pause, merge, parallel-branch; a plain grid layout), not the drawing that was registered",
  ),
  e(
    'differs',
    'POST',
    `${I}/menu/{menu}/conductor/class/maintenance/`,
    'start, end, movement, pause, merge and parallel-branch nodes; conditional and status-file branches, calls and skipped nodes are refused (499-00801); stored as a `conductor_class_list` record',
  ),
  e('differs', 'PATCH', `${I}/menu/{menu}/conductor/class/maintenance/{conductor_class_id}/`, 'as POST; the lock is `conductor.last_update_date_time`'),
  e('unsupported', 'GET', `${I}/menu/{menu}/conductor/execute/info/`, "the execute dialogs' helper: read the menus' info"),
  e('unsupported', 'POST', `${I}/menu/{menu}/conductor/execute/filter/{target}/`, "the execute dialogs' helper searches: search the menus themselves"),
  e(
    'unsupported',
    'GET',
    `${I}/menu/{menu}/conductor/execute/filter/{target}/search/candidates/{column}/`,
    "the execute dialogs' helper searches: search the menus themselves",
  ),
  e('unsupported', 'GET', `${I}/menu/{menu}/conductor/execute/class/info/`, "the execute dialogs' helper"),
  e('unsupported', 'GET', `${I}/menu/{menu}/conductor/execute/class/{conductor_class_id}/`, "the execute dialogs' helper"),
  e(
    'differs',
    'POST',
    `${I}/menu/{menu}/conductor/execute/`,
    "drydock's conductor classes (a graph of movements in `conductor_class_list`); `conductor_data` is taken as editor JSON drydock can run (see class maintenance)",
  ),
  e(
    'differs',
    'GET',
    `${I}/menu/{menu}/conductor/info/{conductor_instance_id}/`,
    "node types are drydock's (movement, pause); orchestrators are named by drydock's orchestrator (`ansible`, `terraform-cli`, `terraform-cloud-ep`), not numbered",
  ),
  e(
    'differs',
    'GET',
    `${I}/menu/{menu}/conductor/{conductor_instance_id}/`,
    "`node` holds the class's movement and pause nodes under their own ids (no start, end or merge nodes; `node_instance_id` is the node's id); `conductor_class` is drydock's class definition, not the editor's JSON",
  ),
  e('supported', 'PATCH', `${I}/menu/{menu}/conductor/{conductor_instance_id}/cancel/`),
  e('differs', 'PATCH', `${I}/menu/{menu}/conductor/{conductor_instance_id}/scram/`, 'allowed in read-only mode (Exastro refuses it with 498-00008)'),
  e('supported', 'PATCH', `${I}/menu/{menu}/conductor/{conductor_instance_id}/node/{node_instance_id}/relese/`),
  e(
    'differs',
    'GET',
    `${I}/menu/{menu}/conductor/{conductor_instance_id}/input_data/`,
    "the zip holds drydock's class definition (`conductor.json`) and each node's driver input data (`<node>/InputData_<no>.zip`); any conductor menu answers, not only conductor_list",
  ),
  e(
    'differs',
    'GET',
    `${I}/menu/{menu}/conductor/{conductor_instance_id}/result_data/`,
    "the zip holds the conductor's log and node states and each node's driver result data (`<node>/ResultData_<no>.zip`); any conductor menu answers, not only conductor_list",
  ),
  e('supported', 'POST', `${I}/menu/{menu}/driver/execute/`),
  e('supported', 'POST', `${I}/menu/{menu}/driver/execute_dry_run/`),
  e('supported', 'POST', `${I}/menu/{menu}/driver/execute_check_parameter/`),
  e(
    'unsupported',
    'POST',
    `${I}/menu/{menu}/driver/execute_delete_resource/`,
    'drydock keeps no Terraform state between executions (each runs in its own work directory), so there is nothing to destroy from; Terraform Cloud/EP keeps its own and destroys in its own UI',
  ),
  e('differs', 'GET', `${I}/menu/{menu}/driver/{execution_no}/`, 'one log per run (`exec.log`), also for Terraform where Exastro splits init/plan/apply'),
  e(
    'differs',
    'GET',
    `${I}/menu/{menu}/driver/{execution_no}/populated_data`,
    "the archive holds drydock's input: in/playbook.yml and in/hosts (or the module's *.tf, or in/workspace.json) and in/vars.json",
  ),
  e('differs', 'GET', `${I}/menu/{menu}/driver/{execution_no}/result_data`, "the archive holds drydock's result: out/exec.log, out/error.log, out/result.json"),
  e('supported', 'PATCH', `${I}/menu/{menu}/driver/{execution_no}/cancel/`),
  e(
    'differs',
    'PATCH',
    `${I}/menu/{menu}/driver/{execution_no}/scram/`,
    'allowed in read-only mode (Exastro refuses it with 498-00008): draining for a backup must be able to stop a job',
  ),
  e('unsupported', 'GET', `${I}/menu/{menu}/driver/execute/info/`, "the execute dialogs' helper: read the menus' info"),
  e('unsupported', 'POST', `${I}/menu/{menu}/driver/execute/filter/{target}/`, "the execute dialogs' helper searches: search the menus themselves"),
  e(
    'unsupported',
    'GET',
    `${I}/menu/{menu}/driver/execute/filter/{target}/search/candidates/{column}/`,
    "the execute dialogs' helper searches: search the menus themselves",
  ),
  e('differs', 'GET', `${I}/menu/export/info/`, 'one menu group holding every menu of the workspace'),
  e(
    'differs',
    'POST',
    `${I}/menu/bulk/export/execute/`,
    'mode "1" only (not "2", records changed since a time); the document is drydock\'s JSON, not a .kym; no history is exported',
  ),
  e(
    'differs',
    'POST',
    `${I}/menu/import/upload/`,
    "takes `file: {name, base64}` (or drydock's body) of a drydock JSON document, not a .kym; answers drydock's summary",
  ),
  e('differs', 'POST', `${I}/menu/import/execute/`, 'takes `upload_id` and `menu` (names); `file_name` is not needed'),
  e('differs', 'GET', `${I}/excel/bulk/export/info/`, 'one menu group holding every menu of the workspace'),
  e('differs', 'POST', `${I}/excel/bulk/export/execute/`, 'one workbook of every menu, not a zip of one per menu; abolished_type "3" is not taken'),
  e(
    'differs',
    'POST',
    `${I}/excel/bulk/upload/`,
    "takes `zipfile: {name, base64}` (or drydock's body) holding one drydock workbook, not a zip; `import_list` holds one menu group, menu ids are names, `umimport_list` is empty (a file with a problem is refused whole)",
  ),
  e(
    'differs',
    'POST',
    `${I}/excel/bulk/import/execute/`,
    "Exastro's body (`upload_id`, `data_portability_upload_file_name`, `menu` by menu group) where a menu's id is its name, as the upload's `import_list` says",
  ),
  e('unsupported', 'GET', `${I}/menu/{menu}/compare/info/`, 'menu comparison is not part of drydock'),
  e('unsupported', 'GET', `${I}/menu/{menu}/compare/execute/info/`, 'menu comparison is not part of drydock'),
  e('unsupported', 'POST', `${I}/menu/{menu}/compare/execute/filter/{target}/`, 'menu comparison is not part of drydock'),
  e('unsupported', 'GET', `${I}/menu/{menu}/compare/execute/filter/{target}/search/candidates/{column}/`, 'menu comparison is not part of drydock'),
  e('unsupported', 'POST', `${I}/menu/{menu}/compare/execute/`, 'menu comparison is not part of drydock'),
  e('unsupported', 'POST', `${I}/menu/{menu}/compare/execute/output/`, 'menu comparison is not part of drydock'),
  e('unsupported', 'POST', `${I}/menu/{menu}/compare/execute/file/`, 'menu comparison is not part of drydock'),
  e('unsupported', 'GET', `${I}/terraform/organization/`, 'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces'),
  e('unsupported', 'POST', `${I}/terraform/organization/`, 'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces'),
  e(
    'unsupported',
    'DELETE',
    `${I}/terraform/organization/{tf_organization_name}/`,
    'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces',
  ),
  e(
    'unsupported',
    'PATCH',
    `${I}/terraform/organization/{tf_organization_name}/`,
    'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces',
  ),
  e(
    'unsupported',
    'GET',
    `${I}/terraform/organization/{tf_organization_name}/check/`,
    'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces',
  ),
  e('unsupported', 'GET', `${I}/terraform/workspace/`, 'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces'),
  e(
    'unsupported',
    'POST',
    `${I}/terraform/workspace/{tf_organization_name}/`,
    'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces',
  ),
  e(
    'unsupported',
    'DELETE',
    `${I}/terraform/workspace/{tf_organization_name}/{tf_workspace_name}/`,
    'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces',
  ),
  e(
    'unsupported',
    'PATCH',
    `${I}/terraform/workspace/{tf_organization_name}/{tf_workspace_name}/`,
    'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces',
  ),
  e(
    'unsupported',
    'GET',
    `${I}/terraform/organization/{tf_organization_name}/{tf_workspace_name}/check/`,
    'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces',
  ),
  e('unsupported', 'GET', `${I}/terraform/policy/`, 'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces'),
  e(
    'unsupported',
    'POST',
    `${I}/terraform/policy/{tf_organization_name}/download/{policy_name}/`,
    'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces',
  ),
  e(
    'unsupported',
    'DELETE',
    `${I}/terraform/policy/{tf_organization_name}/delete/{policy_name}/`,
    'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces',
  ),
  e('unsupported', 'GET', `${I}/terraform/policyset/`, 'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces'),
  e(
    'unsupported',
    'DELETE',
    `${I}/terraform/policyset/{tf_organization_name}/delete/{policy_set_name}/`,
    'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces',
  ),
  e(
    'unsupported',
    'DELETE',
    `${I}/terraform/policyset/{tf_organization_name}/relationship/{policy_set_name}/workspace/{tf_workspace_name}/`,
    'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces',
  ),
  e(
    'unsupported',
    'DELETE',
    `${I}/terraform/policyset/{tf_organization_name}/relationship/{policy_set_name}/policy/{policy_name}/`,
    'Terraform Cloud/EP is administered in Terraform Cloud itself; drydock runs its workspaces',
  ),
  e('unsupported', 'POST', `${I}/cicd_for_iac/resume/repository/{uuid}/`, 'CI/CD for IaC is not part of drydock'),
  e('unsupported', 'POST', `${I}/cicd_for_iac/resume/file_link/{uuid}/`, 'CI/CD for IaC is not part of drydock'),
  e('unsupported', 'GET', `${I}/oase/filter/{menu}/`, 'OASE (event collection and correlation) is not part of drydock'),
  e('unsupported', 'POST', `${I}/oase/filter/{menu}/`, 'OASE (event collection and correlation) is not part of drydock'),
  e('unsupported', 'POST', `${I}/oase/event_flow/history/`, 'OASE (event collection and correlation) is not part of drydock'),
  e('unsupported', 'POST', `${I}/apply/`, 'not yet'),
  e('unsupported', 'GET', '/api/ita/settings/', 'not yet'),
  e('unsupported', 'GET', '/api/ita/initial-settings/ansible/', 'Ansible execution-environment settings are not part of drydock'),
  e('unsupported', 'GET', '/api/ita/{organization_id}/initial-settings/ansible/', 'Ansible execution-environment settings are not part of drydock'),
  e('unsupported', 'POST', '/api/ita/{organization_id}/initial-settings/ansible/', 'Ansible execution-environment settings are not part of drydock'),
  e('supported', 'GET', '/api/ita/loglevel-settings/'),
  e('differs', 'PATCH', '/api/ita/loglevel-settings/', 'also WARNING, ERROR, CRITICAL levels'),
  e('supported', 'GET', '/api/ita/backyard-execute-check/'),
  e('unsupported', 'GET', `${I}/menu/{menu}/info/notifications/destinations/{column}/`, 'notifications are not part of drydock'),
  e('differs', 'GET', '/api/platform/organizations', 'the plan is the one given at creation (no plan history); also `plan`, `options` and timestamps'),
  e(
    'differs',
    'POST',
    '/api/platform/organizations',
    'answers the organization (Exastro: null); managers need a password credential; plans and options are kept as sent, not enforced; no `?retry=1` (a create is one transaction)',
  ),
  e(
    'differs',
    'GET',
    '/api/platform/organizations/{organization_id}',
    'an unknown id is a 404 (Exastro: 200 with `{}`); the plan is the one given at creation',
  ),
  e('differs', 'PUT', '/api/platform/organizations/{organization_id}', '`enabled` can only be true: drydock does not disable organizations'),
  e('supported', 'DELETE', '/api/platform/organizations/{organization_id}'),
  e('unsupported', 'GET', '/api/{organization_id}/platform/setting', 'not part of drydock'),
  e('unsupported', 'PATCH', '/api/{organization_id}/platform/setting', 'not part of drydock'),
  e(
    'differs',
    'POST',
    '/auth/realms/{organization_id}/protocol/openid-connect/token',
    'the password and refresh_token grants of the `_{organization_id}-api` client (`_platform-api` in realm `master`); the access token is opaque, not a JWT, and no id_token is sent',
  ),
  e(
    'unsupported',
    'GET',
    '/api/{organization_id}/platform/users/_current/refresh_tokens',
    'refresh tokens are listed with the personal access tokens (`GET /api/auth/tokens`)',
  ),
  e(
    'unsupported',
    'DELETE',
    '/api/{organization_id}/platform/users/_current/refresh_tokens',
    'refresh tokens are revoked one by one (`DELETE /api/auth/tokens/{id}`)',
  ),
  e('unsupported', 'GET', '/api/platform/users/_current/refresh_tokens', 'refresh tokens are listed with the personal access tokens (`GET /api/auth/tokens`)'),
  e('unsupported', 'DELETE', '/api/platform/users/_current/refresh_tokens', 'refresh tokens are revoked one by one (`DELETE /api/auth/tokens/{id}`)'),
  e('unsupported', 'GET', '/api/platform/{organization_id}/plans', 'plans and limits are not part of drydock'),
  e('unsupported', 'POST', '/api/platform/{organization_id}/plans', 'plans and limits are not part of drydock'),
  e('unsupported', 'DELETE', '/api/platform/{organization_id}/plans/{plan_start_datetime}', 'plans and limits are not part of drydock'),
  e('unsupported', 'GET', '/api/platform/plans', 'plans and limits are not part of drydock'),
  e('unsupported', 'POST', '/api/platform/plans', 'plans and limits are not part of drydock'),
  e('unsupported', 'GET', '/api/platform/plan_items', 'plans and limits are not part of drydock'),
  e('unsupported', 'GET', '/api/{organization_id}/platform/limits', 'plans and limits are not part of drydock'),
  e('unsupported', 'GET', '/api/platform/usages', 'plans and limits are not part of drydock'),
  e('unsupported', 'GET', '/api/{organization_id}/platform/usages', 'plans and limits are not part of drydock'),
  e('unsupported', 'GET', '/api/platform/settings/common', 'not part of drydock'),
  e('unsupported', 'PUT', '/api/platform/settings/common/{config_key}', 'not part of drydock'),
  e('unsupported', 'GET', '/api/{organization_id}/platform/settings/common/{config_key}', 'not part of drydock'),
  e('supported', 'GET', '/api/{organization_id}/platform/workspaces'),
  e('differs', 'POST', '/api/{organization_id}/platform/workspaces', 'answers the workspace (Exastro: null)'),
  e('supported', 'GET', '/api/{organization_id}/platform/workspaces/{workspace_id}'),
  e('differs', 'PUT', '/api/{organization_id}/platform/workspaces/{workspace_id}', 'answers the workspace (Exastro: null)'),
  e('supported', 'DELETE', '/api/{organization_id}/platform/workspaces/{workspace_id}'),
  e('unsupported', 'GET', '/api/{organization_id}/platform/workspaces/{workspace_id}/members', 'not yet'),
  e('unsupported', 'GET', '/api/{organization_id}/platform/workspaces/{workspace_id}/settings/notifications', 'notifications are not part of drydock'),
  e('unsupported', 'POST', '/api/{organization_id}/platform/workspaces/{workspace_id}/settings/notifications', 'notifications are not part of drydock'),
  e(
    'unsupported',
    'GET',
    '/api/{organization_id}/platform/workspaces/{workspace_id}/settings/notifications/{destination_id}',
    'notifications are not part of drydock',
  ),
  e(
    'unsupported',
    'PUT',
    '/api/{organization_id}/platform/workspaces/{workspace_id}/settings/notifications/{destination_id}',
    'notifications are not part of drydock',
  ),
  e(
    'unsupported',
    'DELETE',
    '/api/{organization_id}/platform/workspaces/{workspace_id}/settings/notifications/{destination_id}',
    'notifications are not part of drydock',
  ),
  e('unsupported', 'GET', '/api/{organization_id}/platform/workspaces/{workspace_id}/notifications', 'notifications are not part of drydock'),
  e('unsupported', 'POST', '/api/{organization_id}/platform/workspaces/{workspace_id}/notifications', 'notifications are not part of drydock'),
  e(
    'differs',
    'GET',
    '/api/{organization_id}/platform/users',
    "each user also carries drydock's `role`, `workspaces` and `username`; no `first`/`max`/`search` paging",
  ),
  e(
    'differs',
    'POST',
    '/api/{organization_id}/platform/users',
    'answers the new user (Exastro: null); `password_temporary` is taken but no change is forced at the first sign-in; drydock adds `role` and `workspaces`',
  ),
  e('differs', 'GET', '/api/{organization_id}/platform/users/{user_id}', "also drydock's `role`, `workspaces` and `username`"),
  e(
    'differs',
    'PUT',
    '/api/{organization_id}/platform/users/{user_id}',
    'answers the user (Exastro: null); `password_temporary` is taken but no change is forced; drydock adds `workspaces`',
  ),
  e('supported', 'DELETE', '/api/{organization_id}/platform/users/{user_id}'),
  e(
    'unsupported',
    'GET',
    '/api/{organization_id}/platform/roles',
    'drydock has three fixed roles (system administrator, organization manager, workspace member)',
  ),
  e(
    'unsupported',
    'POST',
    '/api/{organization_id}/platform/roles',
    'drydock has three fixed roles (system administrator, organization manager, workspace member)',
  ),
  e(
    'unsupported',
    'PUT',
    '/api/{organization_id}/platform/roles/{role_name}',
    'drydock has three fixed roles (system administrator, organization manager, workspace member)',
  ),
  e(
    'unsupported',
    'DELETE',
    '/api/{organization_id}/platform/roles/{role_name}',
    'drydock has three fixed roles (system administrator, organization manager, workspace member)',
  ),
  e(
    'unsupported',
    'GET',
    '/api/{organization_id}/platform/roles/{role_name}/users',
    'drydock has three fixed roles (system administrator, organization manager, workspace member)',
  ),
  e(
    'unsupported',
    'POST',
    '/api/{organization_id}/platform/roles/{role_name}/users',
    'drydock has three fixed roles (system administrator, organization manager, workspace member)',
  ),
  e(
    'unsupported',
    'PATCH',
    '/api/{organization_id}/platform/roles/{role_name}/users',
    'drydock has three fixed roles (system administrator, organization manager, workspace member)',
  ),
  e('unsupported', 'POST', '/api/{organization_id}/platform/jobs/users/bulk/format', 'bulk user jobs are not part of drydock'),
  e('unsupported', 'POST', '/api/{organization_id}/platform/jobs/users/bulk/import', 'bulk user jobs are not part of drydock'),
  e('unsupported', 'POST', '/api/{organization_id}/platform/jobs/users/bulk/delete', 'bulk user jobs are not part of drydock'),
  e('unsupported', 'GET', '/api/{organization_id}/platform/jobs/users/bulk/status', 'bulk user jobs are not part of drydock'),
  e('unsupported', 'GET', '/api/{organization_id}/platform/jobs/users/bulk/status/{job_id}', 'bulk user jobs are not part of drydock'),
  e('unsupported', 'POST', '/api/{organization_id}/platform/jobs/users/bulk/status/{job_id}/download', 'bulk user jobs are not part of drydock'),
  e('unsupported', 'POST', '/api/{organization_id}/platform/jobs/users/export', 'bulk user jobs are not part of drydock'),
  e('unsupported', 'GET', '/api/{organization_id}/platform/jobs/users/export/status', 'bulk user jobs are not part of drydock'),
  e('unsupported', 'GET', '/api/{organization_id}/platform/jobs/users/export/status/{job_id}', 'bulk user jobs are not part of drydock'),
  e('unsupported', 'POST', '/api/{organization_id}/platform/jobs/users/export/status/{job_id}/download', 'bulk user jobs are not part of drydock'),
  e('supported', 'GET', '/api/platform/maintenance-mode-setting'),
  e('supported', 'PATCH', '/api/platform/maintenance-mode-setting'),
  e('supported', 'GET', '/api/{organization_id}/platform/maintenance-mode-setting'),
  e('unsupported', 'GET', '/api/{organization_id}/platform/settings/mailserver', 'not part of drydock'),
  e('unsupported', 'POST', '/api/{organization_id}/platform/settings/mailserver', 'not part of drydock'),
  e('unsupported', 'DELETE', '/api/{organization_id}/platform/settings/mailserver', 'not part of drydock'),
  e(
    'unsupported',
    'GET',
    '/api/{organization_id}/platform/auditlog/download',
    'drydock keeps the maintenance audit (`GET /api/platform/maintenance-mode-setting/audit`); other audit logs are not part of it',
  ),
  e(
    'unsupported',
    'POST',
    '/api/{organization_id}/platform/auditlog/download',
    'drydock keeps the maintenance audit (`GET /api/platform/maintenance-mode-setting/audit`); other audit logs are not part of it',
  ),
  e(
    'unsupported',
    'POST',
    '/api/{organization_id}/platform/auditlog/download/{download_id}',
    'drydock keeps the maintenance audit (`GET /api/platform/maintenance-mode-setting/audit`); other audit logs are not part of it',
  ),
  e(
    'unsupported',
    'GET',
    '/api/{organization_id}/platform/workspaces/{workspace_id}/service-account-users',
    'service accounts are not part of drydock; use personal access tokens',
  ),
  e(
    'unsupported',
    'POST',
    '/api/{organization_id}/platform/workspaces/{workspace_id}/service-account-users',
    'service accounts are not part of drydock; use personal access tokens',
  ),
  e(
    'unsupported',
    'GET',
    '/api/{organization_id}/platform/workspaces/{workspace_id}/service-account-users/{user_id}',
    'service accounts are not part of drydock; use personal access tokens',
  ),
  e(
    'unsupported',
    'PUT',
    '/api/{organization_id}/platform/workspaces/{workspace_id}/service-account-users/{user_id}',
    'service accounts are not part of drydock; use personal access tokens',
  ),
  e(
    'unsupported',
    'DELETE',
    '/api/{organization_id}/platform/workspaces/{workspace_id}/service-account-users/{user_id}',
    'service accounts are not part of drydock; use personal access tokens',
  ),
  e('unsupported', 'GET', '/api/{organization_id}/platform/workspaces/{workspace_id}/service-account-users/{user_id}/refresh_tokens', 'not yet (planned)'),
  e('unsupported', 'POST', '/api/{organization_id}/platform/workspaces/{workspace_id}/service-account-users/{user_id}/refresh_tokens', 'not yet (planned)'),
  e('unsupported', 'DELETE', '/api/{organization_id}/platform/workspaces/{workspace_id}/service-account-users/{user_id}/refresh_tokens', 'not yet (planned)'),
];

/**
 * drydock's own routes under Exastro's prefixes, which Exastro does not have: its typed menu
 * definitions, its execution list, its export downloads, the maintenance
 * audit, the execute-check's event stream and its history by minute.
 */
export const DRYDOCK_EXTENSIONS: readonly string[] = [
  `GET ${I}/menu/`,
  `POST ${I}/menu/`,
  `GET ${I}/menu/{menu}/`,
  `DELETE ${I}/menu/{menu}/`,
  `GET ${I}/executions/`,
  `GET ${I}/executions/{execution_no}/`,
  `GET ${I}/menu/bulk/export/{execution_no}/file/`,
  `GET ${I}/excel/bulk/export/{execution_no}/file/`,
  'GET /api/platform/maintenance-mode-setting/audit',
  'GET /api/ita/backyard-execute-check/stream/',
  'GET /api/ita/backyard-execute-check/history/',
];

/**
 * Whether a path is in one of Exastro's API families (so drydock's route there must be accounted
 * for). drydock's fleet upgrades (`/api/platform/fleet…`) are its own family, which Exastro lacks.
 */
export function isExastroPath(path: string): boolean {
  if (path.startsWith('/api/platform/fleet')) return false;
  return (
    path.startsWith(`${I}/`) ||
    path.startsWith('/auth/realms/') ||
    path.startsWith('/api/ita/') ||
    path.startsWith('/api/platform/') ||
    /^\/api\/\{organization_id\}\/platform\//.test(path)
  );
}

/** docs/exastro-endpoints.md: the list as a table, by family, with a count of each kind of support. */
export function renderEndpointTable(): string {
  const count = (s: Support) => EXASTRO_ENDPOINTS.filter((x) => x.support === s).length;
  const lines = [
    '# Exastro endpoints in drydock',
    '',
    '<!-- Generated from test/support/exastro-endpoints.ts by `npm run docs:exastro`; test/exastro-endpoints.test.ts checks it. -->',
    '',
    `Of ${EXASTRO_ENDPOINTS.length} endpoints an Exastro client calls: ${count('supported')} supported as Exastro answers them, ` +
      `${count('differs')} supported with a documented difference, ${count('unsupported')} not supported (and why). ` +
      'The decisions behind the differences: [decisions/exastro-compatibility.md](decisions/exastro-compatibility.md).',
    '',
    '| method | path | drydock | note |',
    '| --- | --- | --- | --- |',
    ...EXASTRO_ENDPOINTS.map((x) => `| ${x.method} | \`${x.path}\` | ${x.support === 'differs' ? 'supported, differs' : x.support} | ${x.note} |`),
    '',
  ];
  return lines.join('\n');
}
