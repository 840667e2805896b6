import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ADMIN, adminAuth, type CallOptions, type CallResult } from './app.js';
import { killOnTestExit } from './cli.js';
import { httpCall } from './http.js';
import { waitUntilStarted } from './wait-for.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A `drydock serve` subprocess: the real binary path (src/main.ts through tsx), its URL and output. */
export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  call(o: CallOptions): Promise<CallResult>;
  admin(o: Omit<CallOptions, 'auth'>): Promise<CallResult>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** How long a start may take before it is an error. */
export interface StartOptions {
  /** Default 30 s; the runbook tests, which start several at once, allow more (test/support/runbook.ts). */
  readonly startTimeoutMs?: number;
  /** Listen on this port (to start a server again where it was, test/console-liveness.test.ts); default a free one. */
  readonly port?: number;
}

/**
 * Spawns src/main.ts through tsx (the real binary's code) with `args`, its output kept; it is
 * killed if this test process ends first.
 */
export function spawnDrydock(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
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

/** Starts `drydock serve ARGS` on a free port and resolves once it answers /api/healthz. */
export async function startServe(env: Record<string, string>, args: string[] = [], { startTimeoutMs, port: given }: StartOptions = {}): Promise<ServeProcess> {
  const port = given ?? (await freePort());
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
  await waitUntilStarted(`drydock serve ${args.join(' ')}`.trim(), child, output, () => answersHealthz(url), { timeoutMs: startTimeoutMs });
  const call = (o: CallOptions) => httpCall(url, o);
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

async function answersHealthz(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/healthz`)).status === 200;
  } catch {
    return false; // not listening yet
  }
}

/** Kills the server a pid file names (one a hand-over or the upgrade started, detached from this test). */
export function stopDetached(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}
