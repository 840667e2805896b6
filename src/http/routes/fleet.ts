import { z } from 'zod';
import { badRequest, forbidden } from '../../errors.js';
import { MESSAGES } from '../../i18n/server-messages.js';
import { formatIssues, validateFleet, VERSION_PATTERN } from '../../fleet/fleet-file.js';
import { declareFleet, readEnvironment, readEnvironments, readPairs } from '../../fleet/store/declaration.js';
import { createRun, pauseRun, resumeRun, retryPair } from '../../fleet/store/runs.js';
import { changeStatuses, listVersionStatuses, readStatusCatalogue, readStatuses } from '../../fleet/store/statuses.js';
import { readSteps } from '../../fleet/store/steps.js';
import { announceNode, forgetNode, readRegistrations } from '../../fleet/store/registrations.js';
import { formatGate, STATUS_PATTERN } from '../../fleet/gate-expression.js';
import { buildPlan } from '../../fleet/plan.js';
import { parsePhaseRange, PHASE_RANGE_PATTERN, type Phase, type PhaseRange } from '../../fleet/phases.js';
import { listRunSummaries, readRunView } from '../../fleet/run-view.js';
import { defineRoute, type AnyRoute } from '../route.js';
import {
  fleetDeclaredSchema,
  fleetSchema,
  nodeAnnouncedSchema,
  nodeForgottenSchema,
  nodeRegistrationSchema,
  runPairSchema,
  runSchema,
  runSummarySchema,
  runViewSchema,
  statusDefinitionSchema,
  stepSchema,
  upgradePlanSchema,
  versionChangedSchema,
  versionStatusesSchema,
} from '../wire/fleet.js';

/**
 * The fleet's phased upgrades (docs/decisions/fleet-upgrades.md), for system administrators. Writes here are exempt
 * from read-only mode: upgrading the fleet is maintenance work that runs while the platform is
 * frozen, and the run's bookkeeping must not stall because a backup is being taken.
 */
const EXEMPT = { exempt: 'fleet upgrades are maintenance work: they must be declared, started and steered while the platform is read-only' } as const;

const version = z.string().regex(VERSION_PATTERN, 'must be a version such as 2.5.1 (letters, digits, . _ + -)');
const environment = z.string().regex(/^[A-Z][A-Z0-9-]*$/, 'must be an environment name such as PROD');
const status = z.string().regex(STATUS_PATTERN, 'must be a status name such as Staging_OK (letters, digits, _ - .)');
const runParams = z.object({ run_id: z.string().regex(/^run-[0-9a-z-]+$/, 'must be a run id such as run-20261201-1a2b3c4d') });
const phasesSchema = z.string().regex(PHASE_RANGE_PATTERN, 'must be a range of phases 1 to 4 such as 1-2, 3-4, 2 or 1-4');

/** The longest hold a run takes: 30 days. */
const HOLD_MAX_SECONDS = 30 * 86_400;

/** `phases` as the API takes it (the pattern checked by zod): first after last is refused here, in both languages. */
function phaseRange(text: string): PhaseRange {
  const range = parsePhaseRange(text);
  if (!range) throw badRequest(MESSAGES.invalidRequest.fleetPhaseRange(text));
  return range;
}

const budget = z
  .object({
    count: z.number().int().min(0, 'must be 0 or more').optional(),
    percent: z.number().min(0).max(100, 'must be between 0 and 100').optional(),
  })
  .strict();

const announcement = z
  .object({
    name: z.string().min(1).max(200),
    address: z.url({ protocol: /^https?$/, error: 'must be the URL the node serves at, e.g. http://10.0.0.17:8080' }).max(2000),
    version,
    health: z
      .object({ healthy: z.boolean(), detail: z.string().max(2000).optional() })
      .strict()
      .optional(),
  })
  .strict();

export const fleetRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/api/platform/fleet',
    summary: 'The declared fleet: environments (gate, driver, limits) and pairs as they are now',
    tag: 'fleet',
    access: 'system_admin',
    writes: 'read',
    response: fleetSchema,
    handler: async ({ db }) => {
      const envs = await readEnvironments(db);
      const pairs = await readPairs(db);
      return {
        environments: [...envs.values()].map((e) => ({
          name: e.name,
          gate: e.gate ? formatGate(e.gate) : null,
          driver: e.driver.type,
          concurrency: e.concurrency,
          failureBudget: e.failureBudget,
          pairs: pairs.filter((p) => p.environment === e.name).length,
        })),
        pairs: pairs.map((p) => ({
          pair: p.id,
          environment: p.environment,
          active: p.active === 'P' ? p.primary.name : p.secondary.name,
          primary: { name: p.primary.name, version: p.primary.installedVersion, secondaryVersionLevel: p.primary.secondaryVersionLevel },
          secondary: { name: p.secondary.name, version: p.secondary.installedVersion, primaryVersionLevel: p.secondary.primaryVersionLevel },
        })),
      };
    },
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/platform/fleet',
    summary: 'Declare the fleet (the fleet file as JSON); every problem in it is reported at once',
    tag: 'fleet',
    access: 'system_admin',
    writes: EXEMPT,
    body: z.record(z.string(), z.unknown(), { error: 'send the fleet file as a JSON object (environments, nodes, pairs)' }),
    response: fleetDeclaredSchema,
    handler: async ({ body, deps }) => {
      const result = validateFleet(body);
      if (!result.ok) throw badRequest(MESSAGES.invalidRequest.fleetFileProblems(result.issues.length, formatIssues(result.issues)));
      return declareFleet(deps.store, result.fleet);
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/platform/fleet/nodes',
    summary:
      'A node announces itself (name <ENV>_<P|S>_<ID>, address, version, health); the first announcement of both nodes of a pair creates the pair. Takes a fleet-node token',
    tag: 'fleet',
    access: 'fleet_node',
    writes: EXEMPT,
    body: announcement,
    response: nodeAnnouncedSchema,
    handler: async ({ body, deps, principal }) => {
      if (principal.node !== undefined && principal.node !== body.name) throw forbidden(MESSAGES.forbidden.fleetNodeTokenOtherNode(principal.node, body.name));
      return announceNode(deps.store, body);
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/platform/fleet/nodes',
    summary: 'Registered nodes as they last announced themselves (address, reported version, health, last seen)',
    tag: 'fleet',
    access: 'system_admin',
    writes: 'read',
    query: z.object({ environment: environment.optional() }).strict(),
    response: z.array(nodeRegistrationSchema),
    handler: async ({ query, db }) => readRegistrations(db, query.environment),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/platform/fleet/nodes/:name',
    summary: 'Forget a node: its registration and its pair (refused while a run of its environment is open); a running agent registers it again',
    tag: 'fleet',
    access: 'system_admin',
    writes: EXEMPT,
    params: z.object({ name: z.string().min(1).max(200) }),
    response: nodeForgottenSchema,
    handler: async ({ params, deps }) => forgetNode(deps.store, params.name),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/platform/fleet/versions',
    summary: 'Every version with the statuses it carries',
    tag: 'fleet',
    access: 'system_admin',
    writes: 'read',
    response: z.array(versionStatusesSchema),
    handler: async ({ db }) => listVersionStatuses(db),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/platform/fleet/statuses',
    summary:
      'The status catalogue: the statuses the fleet file defines, the phase statuses drydock gives, and (for a fleet without a list) those its gates name',
    tag: 'fleet',
    access: 'system_admin',
    writes: 'read',
    response: z.array(statusDefinitionSchema),
    handler: async ({ db }) => readStatusCatalogue(db),
  }),
  defineRoute({
    method: 'PATCH',
    url: '/api/platform/fleet/versions/:version',
    summary: 'Add or remove statuses of a version (e.g. Staging_OK after a sign-off); only statuses of the catalogue may be added',
    tag: 'fleet',
    access: 'system_admin',
    writes: EXEMPT,
    params: z.object({ version }),
    body: z
      .object({ add: z.array(status).optional(), remove: z.array(status).optional() })
      .strict()
      .refine((b) => (b.add?.length ?? 0) + (b.remove?.length ?? 0) > 0, 'name statuses to add and/or remove'),
    response: versionChangedSchema,
    handler: async ({ params, body, deps, principal }) => ({
      version: params.version,
      statuses: [...(await changeStatuses(deps.store, params.version, body, principal.username))].sort(),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/platform/fleet/plan',
    summary: 'Dry run: what an upgrade of an environment to a version (phases 1-4, or `phases`) would do to each pair, and why',
    tag: 'fleet',
    access: 'system_admin',
    writes: 'read',
    query: z.object({ environment, version, phases: phasesSchema.optional() }).strict(),
    response: upgradePlanSchema,
    handler: async ({ query, db }) => {
      const env = await readEnvironment(db, query.environment);
      const range = query.phases === undefined ? undefined : phaseRange(query.phases);
      return buildPlan(env, await readPairs(db, env.name), query.version, await readStatuses(db, query.version), range);
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/platform/fleet/runs',
    summary: 'Upgrade runs, newest first, each with its pair counts by state',
    tag: 'fleet',
    access: 'system_admin',
    writes: 'read',
    response: z.array(runSummarySchema),
    handler: async ({ db }) => listRunSummaries(db),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/platform/fleet/runs',
    summary:
      'Start an upgrade run of an environment to a version, for phases 1-4 or part of them, optionally holding after a phase (refused while the gate of its first phase is closed); an orchestrator drives it',
    tag: 'fleet',
    access: 'system_admin',
    writes: EXEMPT,
    body: z
      .object({
        environment,
        version,
        phases: phasesSchema.optional(),
        holdAfter: z
          .object({
            phase: z.number().int().min(1, 'must be a phase, 1 to 3').max(3, 'must be a phase, 1 to 3: the run holds before a later phase'),
            seconds: z.number().int().min(1, 'must be 1 second or more').max(HOLD_MAX_SECONDS, 'must be 30 days (2592000 seconds) or less'),
          })
          .strict()
          .optional(),
        concurrency: z.number().int().min(1).max(1000).optional(),
        failureBudget: budget.optional(),
      })
      .strict(),
    response: runSchema,
    handler: async ({ body, deps, principal }) =>
      createRun(deps.store, {
        environment: body.environment,
        version: body.version,
        ...(body.phases !== undefined && { phases: phaseRange(body.phases) }),
        ...(body.holdAfter !== undefined && { hold: { afterPhase: body.holdAfter.phase as Phase, seconds: body.holdAfter.seconds } }),
        ...(body.concurrency !== undefined && { concurrency: body.concurrency }),
        ...(body.failureBudget !== undefined && { failureBudget: body.failureBudget }),
        user: principal.username,
      }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/platform/fleet/runs/:run_id',
    summary: 'A run: its state, the version statuses, and the pairs × phases matrix',
    tag: 'fleet',
    access: 'system_admin',
    writes: 'read',
    params: runParams,
    response: runViewSchema,
    handler: async ({ params, db }) => readRunView(db, params.run_id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/platform/fleet/runs/:run_id/steps',
    summary: 'The recorded step log of a run (optionally of one pair)',
    tag: 'fleet',
    access: 'system_admin',
    writes: 'read',
    params: runParams,
    query: z
      .object({
        pair: z
          .string()
          .regex(/^[A-Z][A-Z0-9-]*_[A-Za-z0-9-]+$/, 'must be a pair id such as PROD_001')
          .optional(),
      })
      .strict(),
    response: z.array(stepSchema),
    handler: async ({ params, query, db }) => readSteps(db, params.run_id, query.pair),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/platform/fleet/runs/:run_id/pause',
    summary: 'Pause a run: pairs in the middle of a phase finish it, no new phase starts',
    tag: 'fleet',
    access: 'system_admin',
    writes: EXEMPT,
    params: runParams,
    response: runSchema,
    handler: async ({ params, deps }) => pauseRun(deps.store, params.run_id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/platform/fleet/runs/:run_id/resume',
    summary: 'Resume a paused or halted run, or end the hold of a running run now',
    tag: 'fleet',
    access: 'system_admin',
    writes: EXEMPT,
    params: runParams,
    response: runSchema,
    handler: async ({ params, deps }) => resumeRun(deps.store, params.run_id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/platform/fleet/runs/:run_id/pairs/:pair_id/retry',
    summary: 'Retry a failed pair: it starts again at the phase it failed in and catches up',
    tag: 'fleet',
    access: 'system_admin',
    writes: EXEMPT,
    params: runParams.extend({ pair_id: z.string().regex(/^[A-Z][A-Z0-9-]*_[A-Za-z0-9-]+$/, 'must be a pair id such as PROD_001') }),
    response: runPairSchema,
    handler: async ({ params, deps }) => retryPair(deps.store, params.run_id, params.pair_id),
  }),
];
