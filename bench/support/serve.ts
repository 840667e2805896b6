import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ADMIN } from '../../test/support/app.js';
import { request } from './http.js';
import { sleep } from '../../src/util/sleep.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A `drydock serve` subprocess (src/main.ts through tsx, so it is always the current source). */
export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `drydock serve` on a free port of 127.0.0.1 (DRYDOCK_PORT=0; the URL is read from the
 * banner) and resolves once /api/healthz answers.
 */
export async function startServe(env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DRYDOCK_HOST: '127.0.0.1',
      DRYDOCK_PORT: '0',
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
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`drydock serve exited early (${child.exitCode}):\n${out}`);
    url ??= /drydock is running: (http:\/\/[^\s/]+)/.exec(out)?.[1];
    if (url) {
      const ok = await request(url, { path: '/api/healthz' }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`drydock serve was not healthy within 60 s:\n${out}`);
    }
    await sleep(50);
  }
  return {
    url,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
