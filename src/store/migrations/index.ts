import { initial } from './001-initial.js';
import { backyardJobs } from './002-backyard-jobs.js';
import { gateFunction } from './003-gate-function.js';
import { drainRecord } from './004-drain-record.js';
import { fleet } from './005-fleet.js';
import { claimFunction } from './006-claim-function.js';
import { schemaCompatibility } from './007-schema-compatibility.js';
import { recordJournal } from './008-record-journal.js';
import { userProfile } from './009-user-profile.js';
import { recordFiles } from './010-record-files.js';
import { exastroSystemColumns } from './011-exastro-system-columns.js';
import { workspaceUsers } from './012-workspace-users.js';
import { bannerLanguages } from './013-banner-languages.js';
import { fleetCustomSteps } from './014-fleet-custom-steps.js';
import { fleetRunPhases } from './015-fleet-run-phases.js';
import { fleetNodes } from './016-fleet-nodes.js';
import { fleetRunOrchestratorLevel } from './017-fleet-run-orchestrator-level.js';
import type { Migration } from './migration.js';

/** Every migration this binary knows, in order. Append only; never edit a released step. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  backyardJobs,
  gateFunction,
  drainRecord,
  fleet,
  claimFunction,
  schemaCompatibility,
  recordJournal,
  userProfile,
  recordFiles,
  exastroSystemColumns,
  workspaceUsers,
  bannerLanguages,
  fleetCustomSteps,
  fleetRunPhases,
  fleetNodes,
  fleetRunOrchestratorLevel,
];

/** The schema version this binary expects. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
