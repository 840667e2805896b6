/**
 * What the maintenance gate costs a request: requests/s through a real listening server, driven
 * by autocannon, with the gate as shipped vs built without it (`buildApp`'s benchmark switch).
 *
 * Both builds run in one server process on one runtime (same store, pool, authenticator), each on
 * its own port; the load generator is this process, so on a two-core machine each side has a core.
 * Variants are measured in short interleaved rounds (the order rotates every round, so a drift —
 * a growing table, a warming JIT, a noisy neighbour — falls on all variants alike); the table
 * reports the median round and the loss against the build without the gate.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ITA1, SEED } from '../test/support/app.js';
import { createDatabase, type Backend } from './support/databases.js';
import type { GuardServerReady, GuardVariant } from './support/guard-variants.js';
import { basicAuth, request } from './support/http.js';
import { fmt, pct, type Benchmark, type BenchContext, type Table } from './support/report.js';
import { median, percentile } from './support/stats.js';
import { sleep } from '../src/util/sleep.js';

const CONNECTIONS = 10;
/** autocannon stops on its 1 s sample tick, so rounds are whole seconds; many short rounds beat few long ones on a shared machine. */
const ROUND_SECONDS = 1;
const WARMUP_SECONDS = 1;
const ROUNDS: Record<Workload['name'], number> = { read: 8, write: 12 };
/** The goal: the gate may cost at most this share of throughput. */
const GOAL_LOSS_PERCENT = 3;

/**
 * The caller: a workspace member whose password nothing verified before the benchmark, so this
 * process decides when the authenticator's one-minute cache of the verified password starts.
 */
const USER = { name: 'member1', password: 'member1-password' } as const;
const AUTH = basicAuth(USER.name, USER.password);
const VERIFIED_TTL_MS = 60_000;

interface Workload {
  readonly name: 'read' | 'write';
  readonly label: string;
  readonly variants: readonly GuardVariant[];
  readonly options: (url: string, counter: () => number) => autocannon.Options;
}

interface Round {
  readonly variant: GuardVariant;
  readonly round: number;
  readonly rps: number;
  readonly ok: number;
  readonly other: number;
  readonly errors: number;
  readonly seconds: number;
}

interface Measured {
  readonly backend: Backend;
  readonly workload: Workload['name'];
  readonly rounds: Round[];
  readonly latencies: Map<GuardVariant, number[]>;
}

const SERVER = fileURLToPath(new URL('./support/guard-server.ts', import.meta.url));

function workloads(backend: Backend): Workload[] {
  return [
    {
      name: 'read',
      // A menu's definition: a small read (until issue 13 it was what …/info/ answered; that is now
      // Exastro's larger description of the menu).
      label: `GET ${ITA1}/menu/${SEED.menu}/`,
      variants: ['gate', 'no-gate'],
      options: (url) => ({
        url: `${url}${ITA1}/menu/${SEED.menu}/`,
        headers: { authorization: AUTH },
      }),
    },
    {
      name: 'write',
      label: `POST ${ITA1}/menu/${SEED.menu}/maintenance/all/ (1 Register, unique host)`,
      // On PostgreSQL the benchmark switch still takes the shared advisory lock (the store does);
      // the third build removes it too, to show what the whole gate costs.
      variants: backend === 'postgres' ? ['gate', 'no-gate', 'no-gate-no-lock'] : ['gate', 'no-gate'],
      options: (url, counter) => ({
        url: `${url}${ITA1}/menu/${SEED.menu}/maintenance/all/`,
        requests: [
          {
            method: 'POST',
            path: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
            headers: { authorization: AUTH, 'content-type': 'application/json' },
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify([{ type: 'Register', parameter: { host: `bench-${counter()}`, port: 22 } }]),
            }),
          },
        ],
      }),
    },
  ];
}

/** Starts guard-server.ts on `databaseUrl` and waits until every variant listens. */
async function startServer(
  databaseUrl: string,
  variants: readonly GuardVariant[],
): Promise<{
  child: ChildProcess;
  urls: Map<GuardVariant, string>;
}> {
  const child = fork(SERVER, [databaseUrl, ...variants], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<GuardServerReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as GuardServerReady));
    child.once('exit', (code) => reject(new Error(`guard-server exited (${code}) before it was ready`)));
  });
  const urls = new Map<GuardVariant, string>();
  for (const v of variants) urls.set(v, `http://127.0.0.1:${ready.ports[v]!}`);
  return { child, urls };
}

/**
 * Keeps the authenticator's cached password check from expiring inside a round: when a round
 * could cross the expiry, wait for it to pass and re-verify with one lone request, so the scrypt
 * (tens of ms, and every connection would miss at once) falls between rounds.
 */
class AuthWindow {
  /** Earliest and latest time the cached verification can expire (it was stored between send and receive). */
  #earliest = 0;
  #latest = 0;
  waitedMs = 0;
  constructor(
    private readonly url: string,
    private readonly path: string,
  ) {}

  async ensure(seconds: number): Promise<void> {
    const marginMs = 1500;
    if (Date.now() + seconds * 1000 + marginMs < this.#earliest) return;
    const wait = this.#latest + 50 - Date.now();
    if (this.#latest > 0 && wait > 0) {
      this.waitedMs += wait;
      await sleep(wait);
    }
    const sent = Date.now();
    const r = await request(this.url, { path: this.path, authorization: AUTH });
    if (r.status !== 200) throw new Error(`auth warm-up: ${r.status} ${r.text}`);
    this.#earliest = sent + VERIFIED_TTL_MS;
    this.#latest = Date.now() + VERIFIED_TTL_MS;
  }
}

async function runRound(
  options: autocannon.Options,
  seconds: number,
  latencies: number[] | undefined,
): Promise<{ ok: number; other: number; errors: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ ...options, connections: CONNECTIONS, duration: seconds, pipelining: 1 }, (err, result) => {
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      resolve({
        ok: result['2xx'],
        other: result.non2xx,
        errors: result.errors + result.timeouts,
        seconds: result.duration,
      });
    });
    if (latencies) instance.on('response', (_client, _status, _bytes, time) => latencies.push(time));
  });
}

async function measure(ctx: BenchContext, backend: Backend): Promise<Measured[]> {
  const db = await createDatabase(backend, () => ctx.postgresAdminUrl());
  const all = [...new Set(workloads(backend).flatMap((w) => w.variants))];
  const { child, urls } = await startServer(db.url, all);
  const out: Measured[] = [];
  let counter = 0;
  const next = () => counter++;
  try {
    const auth = new AuthWindow(urls.get('gate')!, `${ITA1}/menu/${SEED.menu}/info/`);
    for (const w of workloads(backend)) {
      ctx.log(`guard-overhead: ${backend} ${w.name}: warm-up`);
      for (const v of w.variants) {
        await auth.ensure(WARMUP_SECONDS);
        await runRound(w.options(urls.get(v)!, next), WARMUP_SECONDS, undefined);
      }
      const rounds: Round[] = [];
      const latencies = new Map<GuardVariant, number[]>(w.variants.map((v) => [v, []]));
      for (let r = 0; r < ROUNDS[w.name]; r++) {
        if (r % 4 === 0) ctx.log(`guard-overhead: ${backend} ${w.name}: round ${r + 1}/${ROUNDS[w.name]}`);
        // Rotate: every variant takes every position equally often (A B, B A, … for two).
        const order = w.variants.map((_, i) => w.variants[(i + r) % w.variants.length]!);
        for (const v of order) {
          await auth.ensure(ROUND_SECONDS);
          const res = await runRound(w.options(urls.get(v)!, next), ROUND_SECONDS, latencies.get(v));
          rounds.push({ variant: v, round: r, rps: res.ok / res.seconds, ...res });
        }
      }
      out.push({ backend, workload: w.name, rounds, latencies });
    }
    if (auth.waitedMs > 0) ctx.log(`guard-overhead: ${backend}: waited ${(auth.waitedMs / 1000).toFixed(1)} s for the auth cache to expire`);
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
    await db.drop();
  }
  return out;
}

const VARIANT_LABEL: Record<GuardVariant, string> = {
  gate: 'with gate',
  'no-gate': 'without gate',
  'no-gate-no-lock': 'without gate or gate lock',
};

function summarise(m: Measured, w: Workload): Table {
  const base = median(m.rounds.filter((r) => r.variant === 'no-gate').map((r) => r.rps));
  const rows = w.variants.map((v) => {
    const rounds = m.rounds.filter((r) => r.variant === v);
    const rps = rounds.map((r) => r.rps);
    const lat = m.latencies.get(v)!;
    const med = median(rps);
    const lossVsNoGate = v === 'no-gate' ? null : pct(((base - med) / base) * 100);
    return [
      VARIANT_LABEL[v],
      fmt(med, 0),
      fmt(Math.min(...rps), 0),
      fmt(Math.max(...rps), 0),
      lossVsNoGate,
      fmt(percentile(lat, 50), 2),
      fmt(percentile(lat, 99), 2),
      rounds.reduce((a, r) => a + r.other + r.errors, 0),
    ];
  });
  const gate = median(m.rounds.filter((r) => r.variant === 'gate').map((r) => r.rps));
  const loss = ((base - gate) / base) * 100;
  // The per-round ratio (gate / no-gate of the same round) is steadier than a ratio of medians.
  const paired: number[] = [];
  for (let r = 0; r < ROUNDS[w.name]; r++) {
    const g = m.rounds.find((x) => x.round === r && x.variant === 'gate');
    const n = m.rounds.find((x) => x.round === r && x.variant === 'no-gate');
    if (g && n) paired.push(((n.rps - g.rps) / n.rps) * 100);
  }
  const notes = [
    `loss = (no-gate - variant) / no-gate, on median req/s; per-round paired loss: median ${pct(median(paired))}, ` +
      `range ${pct(Math.min(...paired))} .. ${pct(Math.max(...paired))}`,
    w.name === 'read'
      ? 'A/A control: the gate does no work on a read route (the guard only checks declared writes), so this "loss" is the noise floor'
      : `goal: gate loss <= ${GOAL_LOSS_PERCENT}% -> ${loss <= GOAL_LOSS_PERCENT ? 'met' : 'NOT met'} (${pct(loss)}); compare the A/A control above`,
  ];
  if (w.variants.includes('no-gate-no-lock')) {
    const none = median(m.rounds.filter((r) => r.variant === 'no-gate-no-lock').map((r) => r.rps));
    notes.push(`whole gate (guard + in-transaction read + advisory lock) vs none: ${pct(((none - gate) / none) * 100)} loss`);
  }
  return {
    title: `guard-overhead: ${m.backend}, ${w.label}`,
    columns: ['variant', 'req/s (median)', 'min', 'max', 'loss', 'p50 ms', 'p99 ms', 'non-2xx'],
    rows,
    notes,
  };
}

export const guardOverhead: Benchmark = {
  name: 'guard-overhead',
  description: 'requests/s with vs without the maintenance gate (guard + in-transaction check), SQLite and PostgreSQL',
  async run(ctx) {
    const tables: Table[] = [];
    const raw: unknown[] = [];
    for (const backend of ['sqlite', 'postgres'] as const) {
      const results = await measure(ctx, backend);
      for (const m of results) {
        const w = workloads(backend).find((x) => x.name === m.workload)!;
        tables.push(summarise(m, w));
        raw.push({
          backend,
          workload: m.workload,
          rounds: m.rounds,
          latency: Object.fromEntries([...m.latencies].map(([v, l]) => [v, { p50: percentile(l, 50), p99: percentile(l, 99), n: l.length }])),
        });
      }
    }
    const settings =
      `${CONNECTIONS} connections; interleaved rounds of ${ROUND_SECONDS} s per variant, order rotating ` +
      `(${ROUNDS.read} for reads, ${ROUNDS.write} for writes, +${WARMUP_SECONDS} s warm-up each); Basic auth (cached verification)`;
    tables[tables.length - 1] = { ...tables[tables.length - 1]!, notes: [...(tables[tables.length - 1]!.notes ?? []), settings] };
    return { name: 'guard-overhead', tables, raw };
  },
};
