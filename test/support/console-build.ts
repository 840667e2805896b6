/**
 * The console as the tests and benchmarks load it: dist/web, built by vite when any of its sources
 * is newer than it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * What the console is built from: web/, and the modules of src/ it imports (the answers' types,
 * `src/http/wire-types.ts` and the schemas of `src/http/wire/` they come from, are type-only).
 */
const CONSOLE_SOURCES = [
  'web',
  'src/backyard/kinds',
  'src/maintenance/switches.ts',
  'src/maintenance/drain-plan.ts',
  'src/http/wire-types.ts',
  'src/http/wire',
  'src/i18n',
];

/** Newest modification time of `file`, or of anything under it if it is a directory. */
function newestMtime(file: string): number {
  const info = statSync(file);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(file).reduce((newest, name) => Math.max(newest, newestMtime(path.join(file, name))), info.mtimeMs);
}

/**
 * Builds the console (vite) unless dist/web is newer than every source of it (CONSOLE_SOURCES). Test files run in parallel and vite empties dist/web
 * first, so one build at a time (a lock directory: mkdir is atomic).
 */
export function ensureConsoleBuilt(): void {
  const index = path.join(ROOT, 'dist', 'web', 'index.html');
  const sources = () => Math.max(...CONSOLE_SOURCES.map((source) => newestMtime(path.join(ROOT, source))));
  const fresh = () => existsSync(index) && statSync(index).mtimeMs >= sources();
  if (fresh()) return;
  const lock = path.join(ROOT, 'dist', '.web-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building: wait for it (a lock older than the deadline is stale).
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`building the console failed (npm run build:web):\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
