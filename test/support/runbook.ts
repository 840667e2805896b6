/**
 * Helpers for the operator-runbook tests (drain, backup/restore, upgrade, CLI): a real `drydock
 * serve` on a fresh store of one backend, optionally with a real `drydock worker`, and what an
 * operator or a user checks through the API.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN, adminAuth, ITA1, SEED, type CallResult } from './app.js';
import { commandPlaybook } from './ansible-jobs.js';
import { createTestDatabase, type BackendName, type TestDatabase } from './backends.js';
import { adminEnv, killOnTestExit, onTestProcessExit } from './cli.js';
import { httpCall } from './http.js';
import { freePort, type ServeProcess } from './serve-process.js';
import { markedProcesses, type WorkerProcess } from './worker-process.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * How long a `drydock serve` / `drydock worker` may take to start. The runbook tests start several
 * at once (both backends side by side), and on a loaded two-CPU machine one start through tsx has
 * taken over 30 s; a start that does not come is still an error, just a later one.
 */
const START_DEADLINE_MS = 120_000;

/** Spawns src/main.ts through tsx (the real binary's code) with `args`, output kept. */
function spawnDrydock(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnTestExit(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

/** Waits until `ready()` or fails (killing the child) once it exited or the deadline passed. */
async function waitStarted(what: string, child: ChildProcess, output: () => string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited early (${child.exitCode ?? child.signalCode}):\n${output()}`);
    if (await ready()) return;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${what} did not start in ${START_DEADLINE_MS / 1000} s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts `drydock serve ARGS` on a free port (as test/support/serve-process.ts does, with a longer
 * start deadline) and resolves once it answers /api/healthz.
 */
export async function startServer(env: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  const port = await freePort();
  const { child, output } = spawnDrydock(['serve', ...args], {
    DRYDOCK_PORT: String(port),
    DRYDOCK_HOST: '127.0.0.1',
    DRYDOCK_ADMIN_USER: ADMIN.user,
    DRYDOCK_ADMIN_PASSWORD: ADMIN.password,
    DRYDOCK_LOG_LEVEL: 'warn',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await waitStarted(`drydock serve ${args.join(' ')}`, child, output, async () => {
    try {
      return (await fetch(`${url}/api/healthz`)).status === 200;
    } catch {
      return false;
    }
  });
  const call = (o: Parameters<ServeProcess['call']>[0]) => httpCall(url, o);
  return {
    child,
    url,
    output,
    call,
    admin: (o) => call({ ...o, auth: adminAuth }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Starts `drydock worker ARGS` (as test/support/worker-process.ts does, with a longer start
 * deadline) and resolves once it logged "worker started". Everything it starts carries its mark.
 */
export async function startWorker(env: Record<string, string>, args: string[] = []): Promise<WorkerProcess> {
  const mark = randomUUID();
  const { child, output } = spawnDrydock(['worker', ...args], { DRYDOCK_LOG_LEVEL: 'info', DRYDOCK_TEST_PROCESS_MARK: mark, ...env });
  // What the worker started (ansible-playbook and its commands) goes too, if this test process ends first.
  onTestProcessExit(() => killMarked(mark));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await waitStarted(`drydock worker ${args.join(' ')}`, child, output, async () => output().includes('"msg":"worker started"'));
  return {
    child,
    mark,
    output,
    exited,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Kills every live process carrying a worker's mark. */
function killMarked(mark: string): void {
  for (const p of markedProcesses(mark)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Kills a worker and whatever it started (ansible-playbook and its commands). */
export async function killWorker(w: WorkerProcess): Promise<void> {
  w.signal('SIGKILL');
  await w.exited;
  killMarked(w.mark);
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
