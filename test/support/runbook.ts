/**
 * Helpers for the operator-runbook tests (drain, backup/restore, upgrade, CLI): a real `drydock
 * serve` on a fresh store of one backend, optionally with a real `drydock worker`, and what an
 * operator or a user checks through the API.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN, ITA1, SEED, type CallResult } from './app.js';
import { commandPlaybook } from './ansible-jobs.js';
import { createTestDatabase, type BackendName, type TestDatabase } from './backends.js';
import { adminEnv } from './cli.js';
import { startServe, type ServeProcess } from './serve-process.js';
import { killWorker, startWorkerProcess, type WorkerProcess } from './worker-process.js';

/**
 * How long a `drydock serve` / `drydock worker` may take to start. The runbook tests start several
 * at once (both backends side by side), and on a loaded two-CPU machine one start through tsx has
 * taken over 30 s; a start that does not come is still an error, just a later one.
 */
export const START_DEADLINE_MS = 120_000;

/** `drydock serve ARGS` on a free port (test/support/serve-process.ts) with the runbook tests' start deadline. */
export function startServer(env: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  return startServe(env, args, { startTimeoutMs: START_DEADLINE_MS });
}

/** `drydock worker ARGS` (test/support/worker-process.ts) with the runbook tests' start deadline. */
export function startWorker(env: Record<string, string>, args: string[] = []): Promise<WorkerProcess> {
  return startWorkerProcess(env, args, { startTimeoutMs: START_DEADLINE_MS });
}

/** Settings that keep worker and reaper waits short in tests. */
export const FAST_BACKYARD_ENV = {
  DRYDOCK_LEASE_SECONDS: '5',
  DRYDOCK_WORKER_POLL_MS: '100',
  DRYDOCK_SQLITE_POLL_MS: '50',
} as const;

/** A store, a server on it and (optionally) a worker: what one describe block shares. */
export interface Stack {
  readonly backend: BackendName;
  readonly db: TestDatabase;
  readonly dataDir: string;
  /** The environment every drydock process of this stack gets (store, data dir, fast settings). */
  readonly processEnv: Record<string, string>;
  serve: ServeProcess;
  worker: WorkerProcess | undefined;
  /** The CLI's environment: the server's URL and the administrator's credentials. */
  cliEnv(): Record<string, string>;
  /** Starts a `drydock worker` for the Ansible backyard (or for every backyard with `all`). */
  startWorker(backyards?: 'ansible' | 'all'): Promise<WorkerProcess>;
  close(): Promise<void>;
}

export async function startStack(backend: BackendName, options: { worker?: 'ansible' | 'all'; serveArgs?: string[] } = {}): Promise<Stack> {
  const db = await createTestDatabase(backend);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drydock-runbook-'));
  const processEnv = { DRYDOCK_DATABASE_URL: db.url, DRYDOCK_DATA_DIR: dataDir, ...FAST_BACKYARD_ENV };
  let serve: ServeProcess | undefined;
  let worker: WorkerProcess | undefined;
  const close = async () => {
    if (worker) await killWorker(worker);
    await serve?.stop('SIGKILL');
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    serve = await startServer(processEnv, options.serveArgs ?? []);
    const stack: Stack = {
      backend,
      db,
      dataDir,
      processEnv,
      serve,
      worker: undefined,
      cliEnv: () => adminEnv(stack.serve.url, ADMIN),
      startWorker: async (backyards = 'ansible') => {
        worker = await startWorker({ ...processEnv, DRYDOCK_WORKER_CONCURRENCY: '4' }, backyards === 'all' ? [] : ['--backyard', 'ita-by-ansible-execute']);
        stack.worker = worker;
        return worker;
      },
      close: async () => {
        serve = stack.serve;
        await close();
      },
    };
    if (options.worker) await stack.startWorker(options.worker);
    return stack;
  } catch (err) {
    // A stack that failed to start must not leave its processes behind: they would keep the test
    // file running until the runner's timeout.
    await close();
    throw err;
  }
}

type Caller = Pick<ServeProcess, 'call' | 'admin'>;

/** The maintenance setting as the administrator reads it. */
export async function readSetting(t: Caller): Promise<{
  backyard_execute_stop: '0' | '1';
  data_update_stop: '0' | '1';
  drain_prior: { backyard_execute_stop: '0' | '1'; data_update_stop: '0' | '1' } | null;
  message: string | null;
}> {
  const r = await t.admin({ url: '/api/platform/maintenance-mode-setting' });
  assert.equal(r.status, 200, r.text);
  return r.body.data;
}

/** Registers one record of the seeded `servers` menu as its workspace member (the answer is the caller's to check). */
export function registerRecord(t: Caller, host: string): Promise<CallResult> {
  return t.call({
    method: 'POST',
    url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
    auth: SEED.member1,
    body: [{ type: 'Register', parameter: { host, port: '22', enabled: 'true' } }],
  });
}

/** The hosts of the seeded `servers` menu, as its member lists them. */
export async function hosts(t: Caller): Promise<string[]> {
  const r = await t.call({ url: `${ITA1}/menu/${SEED.menu}/filter/`, auth: SEED.member1 });
  assert.equal(r.status, 200, r.text);
  return (r.body.data as Array<{ parameter: { host: string } }>).map((x) => x.parameter.host).sort();
}

/**
 * A playbook whose job runs until `releaseFile` exists and then `sleep 4` more: the test decides
 * when the job may finish, and it still runs several seconds after that.
 */
export function gatedPlaybook(releaseFile: string, thenSleep = 4): string {
  return commandPlaybook(`sh -c 'until [ -e ${releaseFile} ]; do sleep 0.1; done; sleep ${thenSleep}'`);
}
