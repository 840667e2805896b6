import { exec } from 'node:child_process';
import type { ApiClient } from '../api-client/api-client.js';
import { ApiCallError } from '../api-client/api-errors.js';
import type { NodeAnnounced } from '../http/wire-types.js';
import { backoffMs } from '../util/backoff.js';
import { sleep } from '../util/sleep.js';
import { VERSION_PATTERN } from './fleet-file.js';
import { nodeName, partnerRole } from './node-names.js';

/**
 * `drydock fleet agent`: what a node runs next to itself to register and then report its version and
 * health (docs/decisions/fleet-upgrades.md, "Registered nodes"). It announces itself every
 * `intervalMs` (`POST /api/platform/fleet/nodes`); when the server cannot be reached or answers 5xx it
 * retries sooner and backs off (1 s, 2 s, 4 s … up to the interval), logging each failure and the
 * recovery. Refusals that announcing again cannot fix (a bad name or address, a bad token) end it;
 * an unknown environment does not (it may be declared later). It logs only changes, not every
 * announcement, so a healthy node's log stays quiet.
 */

/** Where the version comes from: a fixed one, or a shell command whose first line of output is it. */
export type VersionSource = { readonly fixed: string } | { readonly command: string };

export interface AgentOptions {
  readonly client: ApiClient;
  readonly name: string;
  readonly address: string;
  readonly version: VersionSource;
  /** Optional URL whose 2xx answer means healthy; without it no health is reported. */
  readonly healthUrl?: string | undefined;
  readonly intervalMs: number;
  /** One line of the agent's log. */
  readonly log: (line: string) => void;
  /** Aborting stops the agent (SIGTERM). */
  readonly signal: AbortSignal;
}

/** Why the agent stopped: aborted (a signal), or refused for good (the message says what to fix). */
export type AgentExit = { readonly stopped: 'signal' } | { readonly stopped: 'refused'; readonly message: string };

/** HTTP statuses a later announcement cannot fix: the request or the token is wrong. */
const FATAL = new Set([400, 401, 403, 405, 413, 415]);
/** The first retry waits this long; each further one twice as long, up to the interval. */
const FIRST_RETRY_MS = 1_000;

/** Announces until `signal` aborts or the server refuses for good. */
export async function runAgent(o: AgentOptions): Promise<AgentExit> {
  let failures = 0;
  let last: string | undefined;
  let lastVersion: string | undefined;
  o.log(`fleet agent ${o.name}: announcing ${o.address} to ${o.client.options.baseUrl} every ${o.intervalMs / 1000} s`);
  while (!o.signal.aborted) {
    const version = await readVersion(o.version, o.signal);
    const health = o.healthUrl === undefined ? undefined : await checkHealth(o.healthUrl, o.signal);
    if (o.signal.aborted) break;
    const reported = 'version' in version ? version.version : lastVersion;
    if (!('version' in version)) o.log(`fleet agent ${o.name}: the version command failed: ${version.error}`);
    let wait = o.intervalMs;
    if (reported === undefined) {
      wait = backoffMs(++failures, FIRST_RETRY_MS, o.intervalMs);
      o.log(`fleet agent ${o.name}: no version to report yet; trying again in ${wait / 1000} s`);
    } else {
      lastVersion = reported;
      const unhealthy = 'error' in version ? { healthy: false, detail: `version command failed: ${version.error}` } : undefined;
      try {
        const r = await o.client.call<NodeAnnounced>(
          'POST',
          '/api/platform/fleet/nodes',
          { name: o.name, address: o.address, version: reported, ...((unhealthy ?? health) && { health: unhealthy ?? health }) },
          o.signal,
        );
        const summary = describe(r);
        if (failures > 0) o.log(`fleet agent ${o.name}: the server answers again after ${failures} failed attempt(s)`);
        if (summary !== last) o.log(`fleet agent ${o.name}: ${summary}`);
        last = summary;
        failures = 0;
      } catch (err) {
        if (o.signal.aborted) break;
        if (err instanceof ApiCallError && FATAL.has(err.status)) return { stopped: 'refused', message: err.message };
        wait = backoffMs(++failures, FIRST_RETRY_MS, o.intervalMs);
        last = undefined;
        o.log(`fleet agent ${o.name}: announcing failed (attempt ${failures}): ${(err as Error).message}; trying again in ${wait / 1000} s`);
      }
    }
    await sleep(wait, o.signal);
  }
  o.log(`fleet agent ${o.name}: stopped`);
  return { stopped: 'signal' };
}

function describe(r: NodeAnnounced): string {
  const role = r.role === 'P' ? 'primary' : 'secondary';
  const partner = nodeName(r.environment, partnerRole(r.role), r.pair.slice(r.environment.length + 1));
  const pair = r.pairState === 'created' ? '; the pair is created' : r.pairState === 'awaiting-partner' ? `; the pair waits for ${partner} to register` : '';
  const held = r.heldBy ? `; run ${r.heldBy} is open: address changes and new pairs wait for it to end` : '';
  return `registered as ${role} of pair ${r.pair} in ${r.environment} at ${r.address}, version ${r.reportedVersion}${r.health ? `, ${r.health}` : ''}${pair}${held}`;
}

/** Runs the version command (or returns the fixed version). */
async function readVersion(source: VersionSource, signal: AbortSignal): Promise<{ version: string } | { error: string }> {
  if ('fixed' in source) return { version: source.fixed };
  return new Promise((resolve) => {
    exec(source.command, { signal, timeout: 30_000, maxBuffer: 64 * 1024 }, (err, stdout, stderr) => {
      const first = stdout.trim().split('\n')[0]?.trim() ?? '';
      if (err) resolve({ error: `${source.command}: ${(stderr.trim() || err.message).slice(0, 300)}` });
      else if (!VERSION_PATTERN.test(first))
        resolve({ error: `${source.command} printed ${JSON.stringify(first.slice(0, 100))}, not a version such as 2.5.1` });
      else resolve({ version: first });
    });
  });
}

/** GET the health URL: 2xx is healthy, anything else unhealthy with what was answered. */
async function checkHealth(url: string, signal: AbortSignal): Promise<{ healthy: boolean; detail?: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) });
    const body = (await res.text()).trim().slice(0, 300);
    return res.ok ? { healthy: true } : { healthy: false, detail: `GET ${url} answered ${res.status}: ${body}` };
  } catch (err) {
    return { healthy: false, detail: `GET ${url}: ${(err as Error).message}` };
  }
}
