/**
 * What an upgrade costs the people using drydock (issue 9): `drydock upgrade local` by hand-over
 * and the old stop/start way, side by side on the same data, under the same read + write load.
 *
 * Data: the previous schema release's store (this source migrated to the previous schema version
 * and served with `--no-migrate`, as the upgrade tests do) holding 100,000 records in one menu and
 * 1,000,000 finished jobs over 100 workspaces. It is built once per backend and copied for each run
 * (SQLite: the file; PostgreSQL: CREATE DATABASE … TEMPLATE), so both ways start from the same bytes.
 *
 * Load (test/support/read-write-load.ts): 3 loops of reads on pooled connections, 1 on a new
 * connection per request (a menu page of 50 records, the execute-check, the console's HTML and a
 * script) and 1 loop of writes (a record registration), each with one request in flight, from 2 s
 * before the upgrade to 2 s after it.
 *
 * Per backend and way: failed reads and how long reads found no service; writes refused (503) or
 * failed, the window in which writes were not accepted, and the steps inside it (drain, backup,
 * migrate, hand-over or stop + start); the whole upgrade's time. Goal: 0 failed reads by hand-over.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { parseDatabaseUrl } from '../src/config/compile.js';
import { LATEST_SCHEMA_VERSION } from '../src/store/migrations/index.js';
import { openStore } from '../src/store/open-store.js';
import { ADMIN, ITA1, SEED } from '../test/support/app.js';
import { DRYDOCK_COMMAND } from '../test/support/cli.js';
import { ensureConsoleBuilt } from '../test/support/console-build.js';
import { startReadWriteLoad } from '../test/support/read-write-load.js';
import { freePort } from '../test/support/serve-process.js';
import { loadFinishedJobs, loadTenants } from './support/backyard-data.js';
import { createDatabase, type Backend, type BenchDatabase } from './support/databases.js';
import { basicAuth, request } from './support/http.js';
import { LOAD_COLUMNS, loadCells, loadOutcome, type LoadOutcome } from './support/load-outcome.js';
import { fmt, type BenchContext, type Benchmark, type Table } from './support/report.js';
import { seedOverHttp } from './support/seed.js';
import { sleep } from '../src/util/sleep.js';

const PREVIOUS_SCHEMA = LATEST_SCHEMA_VERSION - 1;
const SIZES = {
  full: { records: 100_000, jobs: 1_000_000 },
  small: { records: 5_000, jobs: 50_000 },
} as const;
const RECORD_BATCH = 10_000;
const WAYS = ['handover', 'stop-start'] as const;
type Way = (typeof WAYS)[number];

interface Step {
  step: string;
  status: string;
  ms?: number;
}

interface Run extends LoadOutcome {
  readonly backend: Backend;
  readonly way: Way;
  readonly exitCode: number | null;
  readonly upgradeMs: number;
  readonly steps: readonly Step[];
}

/** `drydock serve --no-migrate --pid-file` of the previous release on `url`: the server being upgraded. */
async function startOldServer(env: Record<string, string>, pidFile: string): Promise<string> {
  const port = await freePort();
  const [node, ...args] = DRYDOCK_COMMAND.split(' ');
  const child = spawn(node!, [...args, 'serve', '--no-migrate', '--pid-file', pidFile], {
    env: { ...process.env, ...env, DRYDOCK_HOST: '127.0.0.1', DRYDOCK_PORT: String(port) },
    stdio: 'ignore',
    detached: true,
  });
  child.unref();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ok = await request(url, { path: '/api/healthz' }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return url;
    if (Date.now() > deadline) throw new Error('the old server did not start in 120 s');
    await sleep(100);
  }
}

/** Stops whatever serves behind the pid file and waits for it to go. */
async function stopByPidFile(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await sleep(100);
  }
}

/** The previous release's store with the data, once per backend. */
async function buildTemplate(ctx: BenchContext, backend: Backend, size: { records: number; jobs: number }): Promise<BenchDatabase> {
  const db = await createDatabase(backend, () => ctx.postgresAdminUrl());
  const store = await openStore(parseDatabaseUrl(db.url), { logger: pino({ level: 'silent' }) });
  await store.migrate(PREVIOUS_SCHEMA);
  await loadTenants(store, 10, 10);
  await loadFinishedJobs(db, store, { organizations: 10, workspacesPerOrg: 10, count: size.jobs });
  await store.close();
  // Tenants, the `servers` menu and its records go in through the API, the way they are written.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-bench-upgrade-'));
  const pidFile = path.join(dir, 'drydock.pid');
  try {
    const url = await startOldServer(envFor(db.url, dir), pidFile);
    await seedOverHttp(url);
    const member = basicAuth('member1', 'member1-password'); // SEED.member1
    for (let i = 0; i < size.records; i += RECORD_BATCH) {
      const batch = Array.from({ length: Math.min(RECORD_BATCH, size.records - i) }, (_, k) => ({
        type: 'Register',
        parameter: { host: `host-${String(i + k).padStart(6, '0')}`, port: String(1 + ((i + k) % 65535)), enabled: 'true' },
      }));
      const r = await request(url, { method: 'POST', path: `${ITA1}/menu/${SEED.menu}/maintenance/all/`, authorization: member, body: batch });
      if (r.status !== 200) throw new Error(`loading records: ${r.status} ${r.text.slice(0, 300)}`);
    }
  } finally {
    await stopByPidFile(pidFile);
    rmSync(dir, { recursive: true, force: true });
  }
  return db;
}

/** A copy of the template to upgrade. */
async function cloneTemplate(ctx: BenchContext, template: BenchDatabase, n: number): Promise<{ url: string; drop(): Promise<void> }> {
  if (template.backend === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-bench-upgrade-'));
    const file = path.join(dir, 'drydock.sqlite');
    copyFileSync(template.url, file);
    return { url: file, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = await ctx.postgresAdminUrl();
  const name = `bench_upgrade_${process.pid}_${n}`;
  const templateName = new URL(template.url).pathname.slice(1);
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name} TEMPLATE ${templateName}`);
  return { url: admin.replace(/\/postgres$/, `/${name}`), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

function envFor(databaseUrl: string, dir: string): Record<string, string> {
  return {
    DRYDOCK_DATABASE_URL: databaseUrl,
    DRYDOCK_DATA_DIR: dir,
    DRYDOCK_ADMIN_USER: ADMIN.user,
    DRYDOCK_ADMIN_PASSWORD: ADMIN.password,
    DRYDOCK_LOG_LEVEL: 'warn',
  };
}

async function upgradeOnce(ctx: BenchContext, template: BenchDatabase, way: Way, n: number, script: string): Promise<Run> {
  const clone = await cloneTemplate(ctx, template, n);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-bench-upgrade-'));
  const pidFile = path.join(dir, 'drydock.pid');
  const env = envFor(clone.url, dir);
  try {
    const url = await startOldServer(env, pidFile);
    const load = startReadWriteLoad(url, { consoleAsset: script, hostPrefix: `bench-${way}`, filterQuery: '?limit=50' });
    await sleep(2000);
    const started = Date.now();
    const args = [
      'upgrade',
      'local',
      '--mode',
      way,
      '--new',
      DRYDOCK_COMMAND,
      '--old',
      DRYDOCK_COMMAND,
      '--pid-file',
      pidFile,
      '--backup-dir',
      dir,
      '--log-file',
      path.join(dir, 'upgrade.log'),
      '--json',
    ];
    const [node, ...nodeArgs] = DRYDOCK_COMMAND.split(' ');
    const upgrade = spawn(node!, [...nodeArgs, ...args], {
      env: {
        ...process.env,
        ...env,
        DRYDOCK_URL: url,
        DRYDOCK_USER: ADMIN.user,
        DRYDOCK_PASSWORD: ADMIN.password,
        DRYDOCK_HOST: '127.0.0.1',
        DRYDOCK_PORT: new URL(url).port,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    upgrade.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    upgrade.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exitCode = await new Promise<number | null>((resolve) => upgrade.on('close', (code) => resolve(code)));
    const upgradeMs = Date.now() - started;
    await sleep(2000);
    const seen = await load.stop();
    let steps: Step[] = [];
    try {
      steps = (JSON.parse(stdout) as { steps: Step[] }).steps;
    } catch {
      ctx.log(`upgrade (${template.backend}, ${way}) printed no report: exit ${exitCode}\n${stderr}`);
    }
    return {
      backend: template.backend,
      way,
      exitCode,
      upgradeMs,
      steps,
      ...loadOutcome(seen),
    };
  } finally {
    await stopByPidFile(pidFile);
    await clone.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const stepMs = (run: Run, ...names: string[]) => {
  const found = run.steps.filter((s) => names.includes(s.step) && s.ms !== undefined);
  return found.length ? found.reduce((sum, s) => sum + s.ms!, 0) / 1000 : null;
};

export const upgradeBench: Benchmark = {
  name: 'upgrade',
  description: 'upgrade local by hand-over vs stop/start under read + write load: failed reads, write-refused window, outage (100k records, 1M jobs)',
  async run(ctx) {
    const size = SIZES[ctx.size];
    ensureConsoleBuilt();
    const runs: Run[] = [];
    let n = 0;
    for (const backend of ['postgres', 'sqlite'] as const) {
      ctx.log(`upgrade: building the ${backend} store (${size.records} records, ${size.jobs} finished jobs)`);
      const template = await buildTemplate(ctx, backend, size);
      try {
        const script = await (async () => {
          const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-bench-upgrade-'));
          const clone = await cloneTemplate(ctx, template, n++);
          const pidFile = path.join(dir, 'drydock.pid');
          try {
            const url = await startOldServer(envFor(clone.url, dir), pidFile);
            const html = (await request(url, { path: '/' })).text;
            const found = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
            if (!found) throw new Error("the console's HTML names no script");
            return found;
          } finally {
            await stopByPidFile(pidFile);
            await clone.drop();
            rmSync(dir, { recursive: true, force: true });
          }
        })();
        for (const way of WAYS) {
          ctx.log(`upgrade: ${backend}, ${way}`);
          runs.push(await upgradeOnce(ctx, template, way, n++, script));
        }
      } finally {
        await template.drop();
      }
    }

    const table: Table = {
      title: `upgrade local under load: schema ${PREVIOUS_SCHEMA} → ${LATEST_SCHEMA_VERSION}, ${size.records.toLocaleString('en')} records, ${size.jobs.toLocaleString('en')} finished jobs`,
      columns: ['backend', 'way', 'exit', ...LOAD_COLUMNS, 'drain s', 'backup s', 'migrate s', 'hand-over / stop+start s', 'upgrade total s'],
      rows: runs.map((r) => [
        r.backend,
        r.way,
        r.exitCode,
        ...loadCells(r),
        fmt(stepMs(r, 'drain'), 2),
        fmt(stepMs(r, 'backup'), 2),
        fmt(stepMs(r, 'migrate'), 2),
        fmt(r.way === 'handover' ? stepMs(r, 'hand over') : stepMs(r, 'stop the old server', 'health check'), 2),
        fmt(r.upgradeMs / 1000, 2),
      ]),
      notes: [
        'failed reads: no answer (refused, reset, timeout) or any status but 200; goal by hand-over: 0. no service: first failed read sent → last failed read answered.',
        'failed writes: no answer or a status other than 200 and 503. write-refused window: first write not answered 200 sent → last one answered (read-only from the drain to the resume, and for stop/start the outage).',
        'hand-over s: the new release starting, checking itself and taking the socket over (through tsx, as the tests run it); stop+start s: stopping the old server, then the new one starting until healthy (migrate is its own column).',
        'reads are slow on this data: a page of 50 records reads the whole 100,000-record menu (src/menus/search.ts pages in memory), so few reads are sent.',
        `the "previous release" is this source on schema ${PREVIOUS_SCHEMA} (serve --no-migrate), as in test/runbook-upgrade.test.ts.`,
      ],
    };
    return { name: 'upgrade', tables: [table], raw: runs };
  },
};
