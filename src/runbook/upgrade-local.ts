import { spawn } from 'node:child_process';
import { appendFileSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ApiClient } from '../cli/client.js';
import type { DatabaseLocation } from '../config/options.js';
import { backup, restore } from './backup.js';
import { drain, resume, type StepResult } from './drain.js';

export interface UpgradeOptions {
  readonly client: ApiClient;
  readonly location: DatabaseLocation;
  /** How to run the installed (old) release, e.g. `node /opt/drydock-1.2/bin/drydock.mjs`. */
  readonly oldCommand: string;
  /** How to run the new release. */
  readonly newCommand: string;
  /** The running server's pid file (`serve --pid-file`); the new server writes the same file. */
  readonly pidFile: string;
  readonly backupDir: string;
  /** Where the started server's output goes. */
  readonly logFile: string;
  readonly drainTimeoutMs: number;
  readonly healthTimeoutMs: number;
  readonly logger: Logger;
  readonly onStep: (step: StepResult) => void;
}

export interface UpgradeReport {
  readonly ok: boolean;
  readonly rolledBack: boolean;
  readonly steps: StepResult[];
  readonly backupFile?: string;
  readonly schemaVersion?: number;
}

/**
 * The single-machine upgrade: drain (read-only) → backup → stop the old server → migrate with the
 * new release → start it → health check → resume. When the migration, the start or the health
 * check fails: stop the new server, restore the backup, start the old release again, check it and
 * resume — the data is as it was before the upgrade. Every step is reported, success or not.
 */
export async function upgradeLocal(o: UpgradeOptions): Promise<UpgradeReport> {
  const steps: StepResult[] = [];
  const record = (step: StepResult) => {
    steps.push(step);
    o.onStep(step);
  };

  const drained = await drain(o.client, { timeoutMs: o.drainTimeoutMs, readOnly: true, signal: new AbortController().signal, onProgress: () => {} });
  if (!drained.ok) {
    record({ step: 'drain', status: 'TimedOut', detail: `${drained.blocking.length} job(s) still in flight; nothing else was changed (jobs stay stopped: drydock resume)` });
    return { ok: false, rolledBack: false, steps };
  }
  record({ step: 'drain', status: 'Success', detail: `read-only, nothing in flight (waited ${drained.waitedMs} ms)` });

  const backupFile = path.join(o.backupDir, `pre-upgrade-${new Date().toISOString().replace(/[:.]/g, '-')}.tar`);
  try {
    const manifest = await backup(o.location, { out: backupFile, force: false, logger: o.logger, warn: () => {} });
    record({ step: 'backup', status: 'Success', detail: `${backupFile} (schema ${manifest.schema_version})` });
  } catch (err) {
    record({ step: 'backup', status: 'Error', detail: (err as Error).message });
    return { ok: false, rolledBack: false, steps };
  }

  try {
    await stopServer(o.pidFile);
    record({ step: 'stop the old server', status: 'Success' });
  } catch (err) {
    record({ step: 'stop the old server', status: 'Error', detail: (err as Error).message });
    await resume(o.client).catch(() => {});
    return { ok: false, rolledBack: false, steps, backupFile };
  }

  let schemaVersion: number | undefined;
  const failure = await (async (): Promise<string | undefined> => {
    const migrated = await runToEnd(`${o.newCommand} migrate --json`, o.logFile);
    let report: { schemaVersion?: number; error?: string | null } = {};
    try {
      report = JSON.parse(migrated.stdout) as typeof report;
    } catch {
      // not JSON: the new release did not even start
    }
    if (migrated.code !== 0 || report.error) {
      record({ step: 'migrate', status: 'Error', detail: report.error ?? `exit ${migrated.code}: ${migrated.stderr.trim().slice(0, 500)}` });
      return 'migrate';
    }
    schemaVersion = report.schemaVersion;
    record({ step: 'migrate', status: 'Success', detail: `schema ${schemaVersion}` });
    startServer(`${o.newCommand} serve --no-migrate --pid-file ${quote(o.pidFile)}`, o.logFile);
    record({ step: 'start the new server', status: 'Success' });
    const health = await waitHealthy(o.client, o.healthTimeoutMs, schemaVersion);
    if (health !== undefined) {
      record({ step: 'health check', status: 'Error', detail: health });
      return 'health';
    }
    record({ step: 'health check', status: 'Success' });
    return undefined;
  })();

  if (failure === undefined) {
    const r = await resume(o.client);
    record({ step: 'resume', status: 'Success', detail: r.kept.length ? `left on: ${r.kept.join(', ')}` : undefined });
    return { ok: true, rolledBack: false, steps, backupFile, ...(schemaVersion !== undefined && { schemaVersion }) };
  }

  // Rollback: back to the old release on the data as it was.
  try {
    await stopServer(o.pidFile).catch(() => {});
    record({ step: 'rollback: stop the new server', status: 'Success' });
    await restore(o.location, { file: backupFile, force: true, logger: o.logger, migrate: false });
    record({ step: 'rollback: restore the backup', status: 'Success' });
    startServer(`${o.oldCommand} serve --no-migrate --pid-file ${quote(o.pidFile)}`, o.logFile);
    // The way back gets at least a minute whatever --health-timeout gave the new release: giving up
    // here leaves the system down, and the old release is known to work.
    const health = await waitHealthy(o.client, Math.max(o.healthTimeoutMs, ROLLBACK_HEALTH_MS), undefined);
    if (health !== undefined) {
      record({ step: 'rollback: start the old server', status: 'Error', detail: health });
      return { ok: false, rolledBack: false, steps, backupFile };
    }
    record({ step: 'rollback: start the old server', status: 'Success' });
    await resume(o.client);
    record({ step: 'rollback: resume', status: 'Success' });
    return { ok: false, rolledBack: true, steps, backupFile };
  } catch (err) {
    record({ step: 'rollback', status: 'Error', detail: `${(err as Error).message} — restore ${backupFile} by hand` });
    return { ok: false, rolledBack: false, steps, backupFile };
  }
}

/** The least time the old release gets to answer again after a rollback. */
const ROLLBACK_HEALTH_MS = 60_000;

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** SIGTERM the process in the pid file and wait for it to exit (SIGKILL after 60 s). */
async function stopServer(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    throw new Error(`no pid file ${pidFile}: start the server with --pid-file`);
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 60_000;
  while (alive()) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a server detached from this process (it outlives the upgrade), output to `logFile`. */
function startServer(command: string, logFile: string): void {
  const out = openSync(logFile, 'a');
  const child = spawn('sh', ['-c', `exec ${command}`], { detached: true, stdio: ['ignore', out, out], env: process.env });
  child.unref();
}

/** Runs a command to its end, keeping stdout; stderr also goes to the log. */
function runToEnd(command: string, logFile: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      appendFileSync(logFile, `$ ${command}\n${stdout}${stderr}`);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Polls /api/healthz until 200 (and the expected schema); returns an error text, or undefined when healthy. */
async function waitHealthy(client: ApiClient, timeoutMs: number, schemaVersion: number | undefined): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${client.options.baseUrl}/api/healthz`);
      const body = (await res.json()) as { data?: { schema_version?: number } };
      if (res.status === 200 && (schemaVersion === undefined || body.data?.schema_version === schemaVersion)) return undefined;
      last = `HTTP ${res.status}, schema ${String(body.data?.schema_version)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return `not healthy within ${Math.round(timeoutMs / 1000)} s (last: ${last})`;
}
