/**
 * How fast a drain notices the end of the last job in flight (issue 4): the time from the moment
 * the last in-flight job's terminal status commits to the moment `drain --read-only` returns —
 * the runbook's drain() (what `drydock drain` runs), in this process, against a real `drydock
 * serve` subprocess. Goal: p99 <= 200 ms over 50 drains.
 *
 * Each drain: resume (both switches off); register one Ansible job and claim it (Executing) straight
 * through the store from this process, as a worker would; start drain(); once it reports the job in
 * flight (its execute-check stream is live), wait a random part of the SQLite poll period (so
 * samples do not all line up with the server's poll), then commit the job's end (status 5, with
 * transitionAndNotify — what a worker does) and time:
 *   - commit → drain() sees 0 in flight (the stream's event arrived);
 *   - commit → drain() returned (after its PATCH turning read-only on).
 * No ansible: the job's end is a known moment.
 *
 * On SQLite the job ends in another process than the server's, so the server notices it through
 * its `PRAGMA data_version` poll (DRYDOCK_SQLITE_POLL_MS, default 100 ms): measured at the default
 * and at 50 ms. (With `serve --workers` the worker is in the server's process and notifies it at
 * once.) On PostgreSQL the commit's NOTIFY reaches the server directly.
 */
import { performance } from 'node:perf_hooks';
import { defaults } from '../src/config/defaults.js';
import { ApiClient } from '../src/api-client/api-client.js';
import { claimJobs } from '../src/backyard/claim.js';
import { registerJob, transitionAndNotify } from '../src/backyard/jobs.js';
import { DRIVER_STATUS } from '../src/backyard/kinds/status-families.js';
import { drain, resume } from '../src/runbook/drain.js';
import { switchAccessOverApi } from '../src/runbook/switch-access.js';
import { nowTimestamp } from '../src/store/clock.js';
import type { Store } from '../src/store/store.js';
import { ADMIN, SEED } from '../test/support/app.js';
import { openBenchStore } from './support/backyard-data.js';
import { createDatabase, type Backend } from './support/databases.js';
import { basicAuth, request } from './support/http.js';
import { fmt, type BenchContext, type Benchmark, type Table } from './support/report.js';
import { seedOverHttp } from './support/seed.js';
import { startServe } from './support/serve.js';
import { max, percentile } from './support/stats.js';
import { sleep } from '../src/util/sleep.js';

const DRAINS = 50;
const WARM_UP = 3;
const GOAL_P99_MS = 200;
const BACKYARD = 'ita-by-ansible-execute';

interface Config {
  readonly backend: Backend;
  /** DRYDOCK_SQLITE_POLL_MS of the server (SQLite only; undefined = the default). */
  readonly sqlitePollMs?: number;
}

const CONFIGS: readonly Config[] = [{ backend: 'postgres' }, { backend: 'sqlite' }, { backend: 'sqlite', sqlitePollMs: 50 }];

interface Sample {
  /** Job end committed → drain() saw nothing in flight. */
  readonly seenMs: number;
  /** Job end committed → drain() returned (read-only on). */
  readonly returnedMs: number;
  /** drain() started → it reported the job in flight (stream connected, first event). */
  readonly subscribeMs: number;
}

const label = (c: Config) =>
  c.backend === 'postgres' ? 'postgres (LISTEN/NOTIFY)' : `sqlite (DRYDOCK_SQLITE_POLL_MS=${c.sqlitePollMs ?? `${defaults.sqlitePollMs}, default`})`;

/** A job claimed by this process and Executing, as a worker leaves it while it runs. */
async function jobInFlight(store: Store): Promise<{ id: string; backyard: typeof BACKYARD }> {
  await store.transaction('shared', (trx) =>
    registerJob(store, trx, { organizationId: SEED.org1, workspaceId: SEED.ws1, backyard: BACKYARD, spec: { bench: 'drain' }, createdBy: 'bench' }),
  );
  const [job] = await claimJobs(store, { backyard: BACKYARD, workerId: 'bench-drain', limit: 1, leaseMs: 600_000 });
  if (!job) throw new Error('drain bench: the job was not claimed (switches on?)');
  if (!(await transitionAndNotify(store, { id: job.id, backyard: BACKYARD }, 'driver', [DRIVER_STATUS.preparing], DRIVER_STATUS.executing, {}, 'bench-drain')))
    throw new Error('drain bench: could not start the job');
  return { id: job.id, backyard: BACKYARD };
}

async function measure(ctx: BenchContext, config: Config): Promise<Sample[]> {
  const db = await createDatabase(config.backend, () => ctx.postgresAdminUrl());
  const serve = await startServe({
    DRYDOCK_DATABASE_URL: db.url,
    ...(config.sqlitePollMs !== undefined && { DRYDOCK_SQLITE_POLL_MS: String(config.sqlitePollMs) }),
  });
  const store = await openBenchStore(db);
  const samples: Sample[] = [];
  try {
    await seedOverHttp(serve.url);
    // A bearer token: Basic auth re-runs scrypt whenever its cache expires, and that would land in a sample.
    const issued = await request(serve.url, {
      method: 'POST',
      path: '/api/auth/tokens',
      authorization: basicAuth(ADMIN.user, ADMIN.password),
      body: { name: 'bench-drain' },
    });
    if (issued.status !== 200) throw new Error(`token: ${issued.status} ${issued.text}`);
    const client = new ApiClient({ baseUrl: serve.url, auth: { token: issued.body.data.token as string } });
    const pollMs = config.backend === 'sqlite' ? (config.sqlitePollMs ?? defaults.sqlitePollMs) : 10;

    for (let i = 0; i < WARM_UP + DRAINS; i++) {
      if (i % 10 === 0) ctx.log(`drain: ${label(config)}: drain ${i + 1}/${WARM_UP + DRAINS}`);
      await resume(switchAccessOverApi(client));
      const job = await jobInFlight(store);

      let inFlightSeen!: () => void;
      const waiting = new Promise<void>((r) => (inFlightSeen = r));
      let zeroAt = 0;
      const started = performance.now();
      let subscribedAt = 0;
      const drained = drain(client, {
        timeoutMs: 60_000,
        readOnly: true,
        signal: new AbortController().signal,
        onProgress: (count) => {
          if (count >= 1 && subscribedAt === 0) {
            subscribedAt = performance.now();
            inFlightSeen();
          }
          if (count === 0 && zeroAt === 0) zeroAt = performance.now();
        },
      });
      let jobEnded = false;
      const early = drained.then((r) => {
        if (!jobEnded) throw new Error(`drain returned before the job ended: ${JSON.stringify(r)}`);
      });
      early.catch(() => {}); // raced just below; later it resolves
      await Promise.race([waiting, early]);
      await sleep(Math.random() * pollMs);

      jobEnded = true;
      const ended = await transitionAndNotify(
        store,
        job,
        'driver',
        [DRIVER_STATUS.executing],
        DRIVER_STATUS.completed,
        { finished_at: nowTimestamp(), lease_owner: null, lease_expires_at: null },
        'bench-drain',
      );
      const endedAt = performance.now();
      if (!ended) throw new Error('drain bench: could not end the job');
      const report = await drained;
      const returnedAt = performance.now();
      if (!report.ok) throw new Error(`drain failed: ${JSON.stringify(report)}`);
      if (zeroAt === 0) throw new Error('drain returned without seeing 0 in flight');
      if (i >= WARM_UP) samples.push({ seenMs: zeroAt - endedAt, returnedMs: returnedAt - endedAt, subscribeMs: subscribedAt - started });
    }
    await resume(switchAccessOverApi(client));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- serve ---\n${serve.output()}`, { cause: err });
  } finally {
    await store.close();
    await serve.stop();
    await db.drop();
  }
  return samples;
}

export const drainBench: Benchmark = {
  name: 'drain',
  description: 'last in-flight job ends -> `drain --read-only` returns (runbook drain() vs drydock serve; PostgreSQL, SQLite)',
  async run(ctx) {
    const raw: Array<{ config: Config; samples: Sample[] }> = [];
    for (const config of CONFIGS) raw.push({ config, samples: await measure(ctx, config) });
    const row = (c: Config, what: string, values: number[]) => [
      label(c),
      what,
      values.length,
      fmt(percentile(values, 50), 1),
      fmt(percentile(values, 99), 1),
      fmt(max(values), 1),
    ];
    const table: Table = {
      title: `drain: the last job in flight ends -> drain --read-only returns (${DRAINS} drains each, after ${WARM_UP} warm-up)`,
      columns: ['store', 'measurement', 'n', 'p50 ms', 'p99 ms', 'max ms'],
      rows: raw.flatMap(({ config, samples }) => [
        row(
          config,
          'job end committed -> drain returned (read-only on)',
          samples.map((s) => s.returnedMs),
        ),
        row(
          config,
          'job end committed -> drain sees 0 in flight',
          samples.map((s) => s.seenMs),
        ),
        row(
          config,
          'for scale: drain start -> stream live, job listed',
          samples.map((s) => s.subscribeMs),
        ),
      ]),
      notes: [
        ...raw.map(({ config, samples }) => {
          const p99 = percentile(
            samples.map((s) => s.returnedMs),
            99,
          );
          return `goal p99 <= ${GOAL_P99_MS} ms, ${label(config)}: ${fmt(p99, 1)} ms -> ${p99 <= GOAL_P99_MS ? 'met' : 'NOT met'}`;
        }),
        'SQLite: the job ends in another process, so the server learns of it by its data_version poll; with `serve --workers` the',
        "worker shares the server's process and its commit reaches the execute-check stream at once.",
      ],
    };
    return { name: 'drain', tables: [table], raw };
  },
};
