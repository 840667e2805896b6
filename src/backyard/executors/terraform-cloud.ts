import type { DriverSpec } from '../driver-specs.js';
import type { ExecutionContext, Executor, Outcome } from '../executor.js';
import { DRIVER_STATUS } from '../kinds/status-families.js';
import { sleep } from '../../util/sleep.js';
import { ownValue } from '../../util/own-value.js';
import { parametersPrepared } from './parameter-check.js';

/** Run statuses after which nothing more happens, and how the job ends for each. */
const FINAL_STATUS: Readonly<Record<string, string>> = {
  applied: DRIVER_STATUS.completed,
  planned_and_finished: DRIVER_STATUS.completed,
  errored: DRIVER_STATUS.completedError,
  discarded: DRIVER_STATUS.completedError,
  canceled: DRIVER_STATUS.completedError,
  force_canceled: DRIVER_STATUS.completedError,
};

/** Consecutive failed status polls after which the job gives up on the run (Unexpected error). */
const MAX_POLL_FAILURES = 5;
/** One API call may take this long before it counts as failed. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Drives a Terraform Cloud/Enterprise-compatible runs API (`ita-by-terraform-cloud-ep-execute`):
 * 1. GET  /api/v2/organizations/{org}/workspaces/{name} → the workspace id;
 * 2. POST /api/v2/runs (JSON:API) with the job's variables, HCL-encoded, and auto-apply (plan-only
 *    for a dry run);
 * 3. GET  /api/v2/runs/{id} every `settings.pollMs` until a final status: applied or
 *    planned_and_finished → Completed; errored, discarded, canceled, force_canceled →
 *    Completed (error). Every status change goes to the job log.
 * An emergency stop sends POST /api/v2/runs/{id}/actions/cancel and ends in Emergency stop.
 * The base URL and token come from DRYDOCK_TFC_URL and DRYDOCK_TFC_TOKEN; without them the job ends
 * in Completed (error) with a log line saying so.
 */
export const terraformCloudExecutor: Executor = {
  backyard: 'ita-by-terraform-cloud-ep-execute',
  async run(ctx: ExecutionContext): Promise<Outcome> {
    const spec = ctx.job.spec as DriverSpec;
    // The input of a parameter check is the workspace and the variables: nothing to ask the API.
    if (spec.mode === 'parameter_check') return parametersPrepared(ctx);
    const { terraformCloudUrl, terraformCloudToken } = ctx.settings;
    const missing = [!terraformCloudUrl && 'DRYDOCK_TFC_URL', !terraformCloudToken && 'DRYDOCK_TFC_TOKEN'].filter(Boolean);
    if (missing.length > 0 || !terraformCloudUrl || !terraformCloudToken) {
      await ctx.log(
        'system',
        `Terraform Cloud/EP is not configured: set ${missing.join(' and ')} for the worker (the API's base URL and a team or user token).\n`,
      );
      return { statusId: DRIVER_STATUS.completedError, result: { error: 'not configured', missing } };
    }
    const api = new TfcApi(terraformCloudUrl, terraformCloudToken);
    const org = spec.tfc_organization ?? '';
    const name = spec.tfc_workspace ?? '';

    const ws = await api.call('GET', `/api/v2/organizations/${encodeURIComponent(org)}/workspaces/${encodeURIComponent(name)}`);
    if (!ws.ok) {
      await ctx.log('system', `Workspace ${org}/${name}: ${ws.problem}\n`);
      return { statusId: DRIVER_STATUS.completedError, result: { error: ws.problem } };
    }
    const workspaceId = stringAt(ws.body, 'data', 'id');
    if (!workspaceId) {
      await ctx.log('system', `Workspace ${org}/${name}: the answer names no data.id.\n`);
      return { statusId: DRIVER_STATUS.completedError, result: { error: 'no workspace id' } };
    }
    if (ctx.signal.aborted) return { statusId: DRIVER_STATUS.emergencyStop };

    // The run is created without the job's signal: aborting the request half-way could leave a run
    // we do not know the id of, and so cannot cancel.
    const created = await api.call('POST', '/api/v2/runs', {
      data: {
        type: 'runs',
        attributes: {
          message: `drydock execution ${ctx.job.id}: movement ${spec.movement_name}, operation ${spec.operation_name}`,
          // A dry run (Exastro's plan confirmation) is a plan-only run: it ends planned_and_finished.
          ...(spec.mode === 'dry_run' ? { 'plan-only': true } : { 'auto-apply': true }),
          // Sorted by key: the stored spec does not keep key order on every backend (jsonb).
          variables: Object.entries(spec.variables ?? {})
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([key, value]) => ({ key, value: toHcl(value) })),
        },
        relationships: { workspace: { data: { type: 'workspaces', id: workspaceId } } },
      },
    });
    if (!created.ok) {
      await ctx.log('system', `Creating a run in workspace ${org}/${name} (${workspaceId}): ${created.problem}\n`);
      return { statusId: DRIVER_STATUS.completedError, result: { workspace_id: workspaceId, error: created.problem } };
    }
    const runId = stringAt(created.body, 'data', 'id');
    if (!runId) {
      await ctx.log('system', 'The run was created but the answer names no data.id.\n');
      return { statusId: DRIVER_STATUS.completedError, result: { workspace_id: workspaceId, error: 'no run id' } };
    }
    let status = stringAt(created.body, 'data', 'attributes', 'status') ?? 'pending';
    await ctx.log('system', `Run ${runId} created in workspace ${org}/${name} (${workspaceId}): ${status}.\n`);
    await ctx.setStatus([DRIVER_STATUS.preparing], DRIVER_STATUS.executing);
    const result = () => ({ workspace_id: workspaceId, run_id: runId, run_status: status });

    let failures = 0;
    for (;;) {
      if (ctx.signal.aborted) return cancel(ctx, api, runId, result);
      const final = ownValue(FINAL_STATUS, status);
      if (final) {
        await ctx.log('system', `Run ${runId} ended: ${status}.\n`);
        return { statusId: final, result: result() };
      }
      await sleep(ctx.settings.pollMs, ctx.signal);
      if (ctx.signal.aborted) continue;
      const polled = await api.call('GET', `/api/v2/runs/${encodeURIComponent(runId)}`);
      const next = polled.ok ? stringAt(polled.body, 'data', 'attributes', 'status') : undefined;
      if (!next) {
        failures++;
        await ctx.log('system', `Reading run ${runId} failed (${failures}/${MAX_POLL_FAILURES}): ${polled.ok ? 'no status in the answer' : polled.problem}\n`);
        if (failures >= MAX_POLL_FAILURES) {
          await ctx.log('system', `Giving up on following run ${runId}; it may still be running in Terraform Cloud/EP.\n`);
          return { statusId: DRIVER_STATUS.unexpectedError, result: result() };
        }
        continue;
      }
      failures = 0;
      if (next !== status) {
        await ctx.log('system', `Run ${runId}: ${status} → ${next}\n`);
        status = next;
      }
    }
  },
};

/** Emergency stop: ask the API to cancel the run, log what it said, end in Emergency stop. */
async function cancel(ctx: ExecutionContext, api: TfcApi, runId: string, result: () => unknown): Promise<Outcome> {
  await ctx.log('system', `Emergency stop: cancelling run ${runId}.\n`);
  const r = await api.call('POST', `/api/v2/runs/${encodeURIComponent(runId)}/actions/cancel`, {
    comment: `Emergency stop of drydock execution ${ctx.job.id}`,
  });
  await ctx.log('system', r.ok ? `Run ${runId}: cancel accepted.\n` : `Run ${runId}: cancel refused: ${r.problem}\n`);
  return { statusId: DRIVER_STATUS.emergencyStop, result: result() };
}

type ApiAnswer = { ok: true; body: unknown } | { ok: false; problem: string };

/** The few calls of the Terraform Cloud/EP API we make, with the token and JSON:API headers. */
class TfcApi {
  readonly #base: string;
  readonly #token: string;

  constructor(base: string, token: string) {
    this.#base = base.replace(/\/+$/, '');
    this.#token = token;
  }

  /** One call; every failure (network, HTTP status, not JSON) is a `problem` text for the log. */
  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiAnswer> {
    let res: Response;
    try {
      res = await fetch(this.#base + path, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          accept: 'application/vnd.api+json',
          ...(body !== undefined && { 'content-type': 'application/vnd.api+json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      return { ok: false, problem: `${method} ${this.#base}${path} failed: ${(err as Error).message}${cause ? ` (${cause})` : ''}` };
    }
    const text = await res.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const hint = res.status === 401 ? ' (check DRYDOCK_TFC_TOKEN)' : '';
      return { ok: false, problem: `HTTP ${res.status}${hint}: ${apiErrors(parsed) ?? text.slice(0, 500)}` };
    }
    if (parsed === undefined) return { ok: false, problem: `HTTP ${res.status} with a body that is not JSON` };
    return { ok: true, body: parsed };
  }
}

/** JSON:API `errors` as one line: "title: detail; …". */
function apiErrors(body: unknown): string | undefined {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors.map((e: { title?: unknown; detail?: unknown }) => [e.title, e.detail].filter((x) => typeof x === 'string').join(': ')).join('; ');
}

function stringAt(value: unknown, ...path: string[]): string | undefined {
  let v = value;
  for (const key of path) v = v !== null && typeof v === 'object' ? ownValue(v as Record<string, unknown>, key) : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * A JSON value as an HCL expression: run variables are HCL ("2", "\"text\"", "[\"a\", \"b\"]",
 * "{ \"k\" = 1 }"). Template sequences are escaped so a string is taken literally; object keys are
 * sorted so the same variables always send the same text, whatever order the store kept.
 */
export function toHcl(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value)
      .replace(/\$\{/g, () => '$${')
      .replace(/%\{/g, () => '%%{');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(toHcl).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)} = ${toHcl(v)}`);
    return `{ ${entries.join(', ')} }`;
  }
  // Variables come from JSON, so nothing else reaches here; a bigint would be its digits.
  return typeof value === 'bigint' ? JSON.stringify(value.toString()) : 'null';
}
