import { spawn } from 'node:child_process';
import { appendFileSync, openSync, readFileSync } from 'node:fs';
import type { ApiClient } from '../api-client/api-client.js';
import { sleep } from '../util/sleep.js';
import { isAlive } from './handover.js';

/**
 * The processes of a release on one machine, as the local upgrade drives them: its `migrate`
 * command, its server started detached and stopped by pid file, and its health as /api/healthz reports it.
 */

export const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Runs `<release> migrate [--to N] --json`; the error text, if any, and the schema version it reached. */
export async function migrateWith(command: string, logFile: string, to: number | undefined): Promise<{ error?: string; schemaVersion?: number }> {
  const migrated = await runToEnd(`${command} migrate${to === undefined ? '' : ` --to ${to}`} --json`, logFile);
  let result: { schemaVersion?: number; error?: string | null } = {};
  try {
    result = JSON.parse(migrated.stdout) as typeof result;
  } catch {
    // not JSON: the release did not even start
  }
  const schema = result.schemaVersion === undefined ? {} : { schemaVersion: result.schemaVersion };
  if (migrated.code !== 0 || result.error) return { error: result.error ?? `exit ${migrated.code}: ${migrated.stderr.trim().slice(0, 500)}`, ...schema };
  return schema;
}

/** SIGTERM the process in the pid file and wait for it to exit (SIGKILL after 60 s). */
export async function stopServer(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    throw new Error(`no pid file ${pidFile}: start the server with --pid-file`);
  }
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 60_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await sleep(100);
  }
}

/** Starts a server detached from this process (it outlives the upgrade), output to `logFile`. */
export function startServer(command: string, logFile: string): void {
  const out = openSync(logFile, 'a');
  const child = spawn('sh', ['-c', `exec ${command}`], { detached: true, stdio: ['ignore', out, out], env: process.env });
  child.unref();
}

/** Runs a command to its end, keeping stdout; stderr also goes to the log. */
export function runToEnd(command: string, logFile: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
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
export async function waitHealthy(client: ApiClient, timeoutMs: number, schemaVersion: number | undefined): Promise<string | undefined> {
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
    await sleep(250);
  }
  return `not healthy within ${Math.round(timeoutMs / 1000)} s (last: ${last})`;
}
