/**
 * The API's answers as types, inferred from the response schemas the routes declare (`http/wire/`):
 * what the console (`web/`), the runbooks and the CLI read, as a client does, with the server's
 * own definition behind every field. Each is the `data` of Exastro's envelope `{result, message,
 * data, ts}`. Type-only: importing this module loads nothing at run time, so the console imports it
 * by relative path like the switches and the backyard registry.
 */
import type { z } from 'zod';
import type * as auth from './wire/auth.js';
import type * as backyard from './wire/backyard.js';
import type * as fleet from './wire/fleet.js';
import type * as ita from './wire/ita.js';
import type * as jobHistory from './wire/job-history.js';
import type * as maintenance from './wire/maintenance.js';
import type * as menuJobs from './wire/menu-jobs.js';
import type * as menus from './wire/menus.js';
import type * as platform from './wire/platform.js';
import type * as system from './wire/system.js';

export type { Column, ColumnType } from '../menus/columns.js';

// Sign-in and the caller (`/api/auth/…`).
export type Role = z.infer<typeof auth.roleSchema>;
/** A user as sign-in shows it (`LoginAnswer.user`); `WhoAmI` adds how the caller signed in. */
export type User = z.infer<typeof auth.signedInUserSchema>;
export type LoginAnswer = z.infer<typeof auth.signedInSchema>;
export type WhoAmI = z.infer<typeof auth.whoamiSchema>;
export type Token = z.infer<typeof auth.tokenSchema>;
export type IssuedToken = z.infer<typeof auth.issuedTokenSchema>;

// The maintenance setting (`/api/platform/maintenance-mode-setting`, `/api/{org}/platform/maintenance-mode-setting`).
export type WireFlag = z.infer<typeof maintenance.wireFlagSchema>;
export type MaintenanceModeView = z.infer<typeof maintenance.maintenanceModeViewSchema>;
export type SettingView = z.infer<typeof maintenance.settingViewSchema>;
export type AuditEntry = z.infer<typeof maintenance.auditEntrySchema>;

// Organizations, workspaces, users (`/api/platform/…`, `/api/{org}/platform/…`).
export type Organization = z.infer<typeof platform.organizationSchema>;
export type Workspace = z.infer<typeof platform.workspaceSchema>;
export type OrganizationUser = z.infer<typeof platform.organizationUserSchema>;

// Exastro IT Automation's utilities (`/api/ita/loglevel-settings/`, `…/ita/user/`).
export type LogLevels = z.infer<typeof ita.logLevelsSchema>;
export type WorkspaceUser = z.infer<typeof ita.workspaceUserSchema>;

// Menus and their records (`…/ita/menu/…`).
export type Menu = z.infer<typeof menus.menuSchema>;
export type Value = z.infer<typeof menus.valueSchema>;
export type MenuRecord = z.infer<typeof menus.menuRecordSchema>;
export type BatchResult = z.infer<typeof menus.batchResultSchema>;
export type RecordCounts = z.infer<typeof menus.recordCountsSchema>;
export type JournalEntry = z.infer<typeof menus.journalEntrySchema>;

// Executions, conductors, menu jobs and the execute-check.
export type Backyard = z.infer<typeof backyard.backyardSchema>;
/** An execution as lists show it (no log). */
export type Execution = z.infer<typeof backyard.executionSchema>;
export type LogEntry = z.infer<typeof backyard.logEntrySchema>;
export type ExecutionWithLog = z.infer<typeof backyard.executionWithLogSchema>;
export type ExecutionDetail = z.infer<typeof backyard.executionDetailSchema>;
export type RegisteredExecution = z.infer<typeof backyard.registeredExecutionSchema>;
export type RegisteredConductor = z.infer<typeof backyard.registeredConductorSchema>;
export type Upload = z.infer<typeof menuJobs.storedUploadSchema>;
export type RegisteredImport = z.infer<typeof menuJobs.registeredImportSchema>;
export type InFlightJob = z.infer<typeof backyard.inFlightJobSchema>;
export type ExecuteCheck = z.infer<typeof backyard.executeCheckSchema>;
/** `GET /api/ita/backyard-execute-check/history/`: the backyards' jobs by minute. */
export type JobHistory = z.infer<typeof jobHistory.jobHistorySchema>;

// The fleet's phased upgrades (`/api/platform/fleet…`).
export type Fleet = z.infer<typeof fleet.fleetSchema>;
export type FleetDeclared = z.infer<typeof fleet.fleetDeclaredSchema>;
export type NodeRegistration = z.infer<typeof fleet.nodeRegistrationSchema>;
export type NodeAnnounced = z.infer<typeof fleet.nodeAnnouncedSchema>;
export type VersionStatuses = z.infer<typeof fleet.versionStatusesSchema>;
export type VersionChanged = z.infer<typeof fleet.versionChangedSchema>;
export type StatusDefinition = z.infer<typeof fleet.statusDefinitionSchema>;
export type UpgradePlan = z.infer<typeof fleet.upgradePlanSchema>;
export type FleetRunState = z.infer<typeof fleet.runStateSchema>;
export type FleetPairState = z.infer<typeof fleet.runPairStateSchema>;
export type FleetPhaseCell = z.infer<typeof fleet.phaseCellSchema>;
export type FleetRun = z.infer<typeof fleet.runSchema>;
/** A run in the list of runs: the run and its pair counts. */
export type FleetRunSummary = z.infer<typeof fleet.runSummarySchema>;
/** A pair's progress in a run, as a retry answers it. */
export type FleetRunPairProgress = z.infer<typeof fleet.runPairSchema>;
export type FleetRunView = z.infer<typeof fleet.runViewSchema>;
/** One row of a run's pairs × phases matrix. */
export type FleetRunPair = FleetRunView['pairs'][number];
/** A phase as a key of the matrix's `phases`: "1" to "4". */
export type FleetPhase = keyof FleetRunPair['phases'];
export type FleetStep = z.infer<typeof fleet.stepSchema>;

// Health (`/api/livez`, `/api/readyz`, `/api/healthz`).
export type Liveness = z.infer<typeof system.livenessSchema>;
export type Readiness = z.infer<typeof system.readinessSchema>;
export type Health = z.infer<typeof system.healthSchema>;
