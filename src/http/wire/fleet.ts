import { z } from 'zod';
import { timestampSchema } from './common.js';

/*
 * The fleet's phased upgrades (docs/decisions/fleet-upgrades.md). The lifecycles are the ones
 * fleet/store/records.ts documents; the compiler checks the records against these at each route.
 */

/** The failure budget: stop starting pairs when more than `count`, or more than `percent` % of the pairs, failed. */
const failureBudgetSchema = z.strictObject({ count: z.number().optional(), percent: z.number().optional() });

/** `GET /api/platform/fleet`: the declared environments and the pairs as they are now. */
export const fleetSchema = z.strictObject({
  environments: z.array(
    z.strictObject({
      name: z.string(),
      gate: z.string().nullable(),
      driver: z.string(),
      concurrency: z.number().int(),
      failureBudget: failureBudgetSchema,
      pairs: z.number().int(),
    }),
  ),
  pairs: z.array(
    z.strictObject({
      pair: z.string(),
      environment: z.string(),
      /** The name of the node serving now. */
      active: z.string(),
      primary: z.strictObject({ name: z.string(), version: z.string(), secondaryVersionLevel: z.string().nullable() }),
      secondary: z.strictObject({ name: z.string(), version: z.string(), primaryVersionLevel: z.string().nullable() }),
    }),
  ),
});

/** `PUT /api/platform/fleet`: what the declaration holds now, and the pairs it added and removed. */
export const fleetDeclaredSchema = z.strictObject({
  environments: z.number().int(),
  pairs: z.number().int(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
});

/** `GET /api/platform/fleet/versions`: every version with the statuses it carries. */
export const versionStatusesSchema = z.strictObject({
  version: z.string(),
  statuses: z.array(z.strictObject({ status: z.string(), addedAt: timestampSchema, addedBy: z.string() })),
});

/** `GET /api/platform/fleet/statuses`: the status catalogue (fleet/status-catalogue.ts). */
export const statusDefinitionSchema = z.strictObject({
  name: z.string(),
  description: z.string().nullable(),
  /** `declared`: the fleet file's statuses: list; `phase`: a status drydock gives when a phase completes; `gate`: named by a gate of a fleet without a list. */
  source: z.enum(['declared', 'phase', 'gate']),
});

/** `PATCH /api/platform/fleet/versions/{version}`: the version's statuses now, sorted. */
export const versionChangedSchema = z.strictObject({ version: z.string(), statuses: z.array(z.string()) });

/** A phase of the upgrade: 1 upgrade the secondary, 2 switch to it, 3 upgrade the primary, 4 switch back. */
export const phaseSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

/** `GET /api/platform/fleet/plan`: the dry run of an upgrade, assuming each action succeeds. */
export const upgradePlanSchema = z.strictObject({
  environment: z.string(),
  version: z.string(),
  /** The phases the run would cover. */
  firstPhase: phaseSchema,
  lastPhase: phaseSchema,
  gate: z.strictObject({ expression: z.string().nullable(), open: z.boolean(), reason: z.string().nullable() }),
  concurrency: z.number().int(),
  failureBudget: failureBudgetSchema,
  driver: z.string(),
  pairs: z.array(
    z.strictObject({
      pair: z.string(),
      active: z.string(),
      primary: z.strictObject({ name: z.string(), version: z.string() }),
      secondary: z.strictObject({ name: z.string(), version: z.string() }),
      phases: z.array(
        z.strictObject({
          phase: phaseSchema,
          title: z.string(),
          /** `run`: the steps will run; `blocked`: the pair stops here, `reason` says why; `not-reached`: an earlier phase blocked. */
          outcome: z.enum(['run', 'blocked', 'not-reached', 'outside']),
          steps: z.array(z.string()),
          /** The phase's conditions on node properties (custom steps), checked when the pair starts it: `property = value on NODE`. */
          requires: z.array(z.string()).optional(),
          reason: z.string().optional(),
          note: z.string().optional(),
        }),
      ),
    }),
  ),
  summary: z.strictObject({ pairs: z.number().int(), complete: z.number().int(), blocked: z.number().int() }),
});

/** A run's lifecycle (fleet/store/records.ts `RunState`). */
export const runStateSchema = z.enum(['running', 'paused', 'halted', 'completed', 'failed']);

/** A pair's lifecycle in a run (fleet/store/records.ts `RunPairState`). */
export const runPairStateSchema = z.enum(['waiting', 'running', 'done', 'failed']);

/** An upgrade run: `GET /api/platform/fleet/runs` (each), a start, a pause, a resume. */
export const runSchema = z.strictObject({
  id: z.string(),
  environment: z.string(),
  version: z.string(),
  state: runStateSchema,
  /** The phase the run is in. */
  phase: phaseSchema,
  /** The phases the run covers (1-4, or part: 1-2 now, 3-4 later). */
  firstPhase: phaseSchema,
  lastPhase: phaseSchema,
  /** A hold after a phase: `until` is set when it starts (an operator's resume moves it to now). */
  hold: z.strictObject({ afterPhase: phaseSchema, seconds: z.number().int(), until: timestampSchema.nullable() }).nullable(),
  statusesApplied: z.number().int(),
  concurrency: z.number().int(),
  failureBudget: failureBudgetSchema,
  /** Why it is halted, paused or finished with failures. */
  reason: z.string().nullable(),
  /** The orchestrator driving the run, and until when its lease runs; null: none yet. */
  leaseOwner: z.string().nullable(),
  leaseExpiresAt: timestampSchema.nullable(),
  /** Only an orchestrator of this level or above (a release at least as new as the one that created the run) drives it. */
  orchestratorLevel: z.number().int(),
  createdAt: timestampSchema,
  createdBy: z.string(),
  updatedAt: timestampSchema,
  finishedAt: timestampSchema.nullable(),
});

/** How many of a run's pairs are in each state (`runPairStateSchema`), and in all. */
export const runPairCountsSchema = z.strictObject({
  waiting: z.number().int(),
  running: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  total: z.number().int(),
});

/**
 * `GET /api/platform/fleet/runs` (each): the run and its pair counts, so a run `completed` with
 * failed pairs is told from one whose every pair reached the version.
 */
export const runSummarySchema = runSchema.extend({
  counts: runPairCountsSchema,
  /** When the run's hold ends, while it holds; else null. */
  holdingUntil: timestampSchema.nullable(),
});

/** `POST …/runs/{run}/pairs/{pair}/retry`: the pair's progress in the run, waiting again. */
export const runPairSchema = z.strictObject({
  pairId: z.string(),
  state: runPairStateSchema,
  completedPhase: z.number().int(),
  attempt: z.number().int(),
  error: z.string().nullable(),
  updatedAt: timestampSchema,
});

/** A cell of the pairs × phases matrix. */
export const phaseCellSchema = z.enum(['done', 'running', 'failed', 'pending']);

/** `GET /api/platform/fleet/runs/{run}`: the run, whether it holds, its version's statuses, and the pairs × phases matrix. */
export const runViewSchema = z.strictObject({
  run: runSchema,
  /** When the run's hold ends, while the run holds; else null. */
  holdingUntil: timestampSchema.nullable(),
  statuses: z.array(z.string()),
  counts: runPairCountsSchema,
  pairs: z.array(
    z.strictObject({
      pair: z.string(),
      state: runPairStateSchema,
      completedPhase: z.number().int(),
      attempt: z.number().int(),
      error: z.string().nullable(),
      /** The name of the node serving now. */
      active: z.string().nullable(),
      primaryVersion: z.string().nullable(),
      secondaryVersion: z.string().nullable(),
      /** Phase "1"–"4" → its cell. */
      phases: z.record(z.enum(['1', '2', '3', '4']), phaseCellSchema),
    }),
  ),
});

/** `GET …/runs/{run}/steps`: one recorded step of the run's log. */
export const stepSchema = z.strictObject({
  id: z.number().int(),
  pairId: z.string(),
  phase: z.number().int(),
  attempt: z.number().int(),
  step: z.string(),
  action: z.string(),
  node: z.string(),
  version: z.string().nullable(),
  state: z.enum(['started', 'succeeded', 'failed', 'interrupted']),
  output: z.string().nullable(),
  startedAt: timestampSchema,
  finishedAt: timestampSchema.nullable(),
  orchestrator: z.string(),
  /** The node properties a custom step's output set (`name=value` lines), or null. */
  properties: z.record(z.string(), z.string()).nullable(),
});

/** A registered node as it last announced itself (`GET /api/platform/fleet/nodes`). */
export const nodeRegistrationSchema = z.strictObject({
  node: z.string(),
  environment: z.string(),
  pair: z.string(),
  role: z.enum(['P', 'S']),
  /** What the drivers read as the node's `address` property (`{address}`). */
  address: z.string(),
  reportedVersion: z.string(),
  health: z.enum(['healthy', 'unhealthy']).nullable(),
  healthDetail: z.string().nullable(),
  registeredAt: timestampSchema,
  lastSeenAt: timestampSchema,
});

/**
 * `POST /api/platform/fleet/nodes`: the node as recorded; `pairState` says whether this announcement
 * created its pair, the pair was there, or it waits for the partner node; `heldBy` names the open run
 * that kept an address change or a new pair for a later announcement.
 */
export const nodeAnnouncedSchema = nodeRegistrationSchema.extend({
  pairState: z.enum(['created', 'exists', 'awaiting-partner']),
  heldBy: z.string().nullable(),
});

/** `DELETE /api/platform/fleet/nodes/{name}`: the node forgotten, and the pair removed with it (null when it had none). */
export const nodeForgottenSchema = z.strictObject({ node: z.string(), removedPair: z.string().nullable() });
