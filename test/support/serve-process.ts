import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { ADMIN, adminAuth, type CallOptions, type CallResult } from './app.js';
import { httpCall } from './http.js';

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

/** Starts `drydock serve` and resolves once it answers /api/healthz. */
export async function startServe(env: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), 'serve', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      DRYDOCK_PORT: String(port),
      DRYDOCK_HOST: '127.0.0.1',
      DRYDOCK_ADMIN_USER: ADMIN.user,
      DRYDOCK_ADMIN_PASSWORD: ADMIN.password,
      DRYDOCK_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`drydock serve exited early (${child.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${url}/api/healthz`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`drydock serve did not become healthy in 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const call = (o: CallOptions) => httpCall(url, o);
  return {
    child,
    url,
    output: () => out,
    call,
    admin: (o) => call({ ...o, auth: adminAuth }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
