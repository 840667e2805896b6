/**
 * How soon the console's live pages notice a lost server and one that came back (README, "Live and
 * stale": stale within 10 s of the loss, live again within 10 s of the server answering;
 * test/console-liveness.test.ts checks those bounds, this measures them). Debian's Chromium on the
 * backyard page (its event stream) against a real `drydock serve` on SQLite in a temporary
 * directory, on a fixed port — the console tests' fixture (test/support/console-browser.ts) — over
 * ROUNDS rounds of each:
 *   - killed (SIGKILL: the stream ends, no goodbye) → the page says stale; started again on the same
 *     port and store → the page says live, counted from the moment this process saw /api/healthz
 *     answer (it asks every 100 ms), the start itself apart;
 *   - frozen (SIGSTOP: the stream stays open and silent, only the missing heartbeat tells) → stale;
 *     thawed (SIGCONT) → live.
 * The page stamps each change of its live line itself (a MutationObserver, the wall clock this
 * process shares), so no polling is in the figures. And the heartbeat: the backyard stream read
 * raw, when each `heartbeat` event arrived.
 */
import type { Page } from 'playwright-core';
import { startConsole, type ServedConsole } from '../test/support/console-browser.js';
import { adminAuth, authHeaders } from '../test/support/app.js';
import { waitFor } from '../test/support/wait-for.js';
import { fmt, type BenchContext, type Benchmark, type Cell, type Table } from './support/report.js';
import { max, median } from './support/stats.js';

const SIZES: Record<BenchContext['size'], { rounds: number; heartbeats: number }> = {
  full: { rounds: 5, heartbeats: 6 },
  small: { rounds: 2, heartbeats: 3 },
};
/** What the console promises (README, "Live and stale"). */
const BOUND_S = 10;
/** A change the page never shows within this long is an error, not a figure. */
const TIMEOUT_MS = 60_000;
const STREAM = '/api/ita/backyard-execute-check/stream/';

type LiveState = 'connecting' | 'live' | 'stale';
interface Stamp {
  readonly state: LiveState | null;
  readonly at: number;
}

/**
 * Installed in the page: every change of the live line's state, stamped with Date.now(). A script
 * as text, so the compiler adds no helper the page lacks.
 */
const RECORD_STATES = `(() => {
  const stamps = (window.drydockLiveStamps = []);
  let last;
  const look = () => {
    const line = document.querySelector('[data-testid="live-status"]');
    const state = line ? line.getAttribute('data-state') : null;
    if (state !== last) {
      last = state;
      stamps.push({ state, at: Date.now() });
    }
  };
  look();
  new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true });
})()`;

/** When the page first said `state` at or after `since` (ms since the epoch). */
async function saidAfter(page: Page, state: LiveState, since: number): Promise<number> {
  const stamp = await waitFor(
    `the backyard page says ${state}`,
    async () => (await page.evaluate<Stamp[]>('window.drydockLiveStamps')).find((s) => s.state === state && s.at >= since),
    { timeoutMs: TIMEOUT_MS, everyMs: 100 },
  );
  return stamp.at;
}

/** When each of the first `count` heartbeat events arrived, in ms since the stream was asked for. */
async function heartbeatTimes(c: ServedConsole, count: number): Promise<number[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS + count * 10_000);
  const opened = Date.now();
  const at: number[] = [];
  try {
    const res = await fetch(`${c.base}${STREAM}`, { headers: { accept: 'text/event-stream', ...authHeaders(adminAuth) }, signal: controller.signal });
    if (res.status !== 200) throw new Error(`${STREAM}: ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        if (/^event: heartbeat$/m.test(buffer.slice(0, end))) at.push(Date.now() - opened);
        buffer = buffer.slice(end + 2);
      }
      if (at.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  if (at.length < count) throw new Error(`the stream ended after ${at.length} of ${count} heartbeats`);
  return at;
}

interface Rounds {
  /** Killed → stale, ms. */
  readonly killedStale: number[];
  /** Started again: spawned → /api/healthz answered, ms. */
  readonly start: number[];
  /** Answered → live, ms. */
  readonly answeredLive: number[];
  /** Frozen → stale, ms. */
  readonly frozenStale: number[];
  /** Thawed → live, ms. */
  readonly thawedLive: number[];
}

async function measureRounds(c: ServedConsole, page: Page, rounds: number, log: (m: string) => void): Promise<Rounds> {
  const r: Rounds = { killedStale: [], start: [], answeredLive: [], frozenStale: [], thawedLive: [] };
  for (let i = 1; i <= rounds; i++) {
    const killed = Date.now();
    await c.serve.stop('SIGKILL');
    const stale = await saidAfter(page, 'stale', killed);
    const spawned = Date.now();
    await c.restart();
    const answered = Date.now();
    // The page may have reconnected a moment before this process saw the server answer: then negative.
    const live = await saidAfter(page, 'live', stale);
    r.killedStale.push(stale - killed);
    r.start.push(answered - spawned);
    r.answeredLive.push(live - answered);
    log(`liveness: kill ${i}/${rounds}: stale after ${stale - killed} ms, live ${live - answered} ms after answering`);
  }
  for (let i = 1; i <= rounds; i++) {
    const frozen = Date.now();
    c.serve.child.kill('SIGSTOP');
    let stale: number;
    try {
      stale = await saidAfter(page, 'stale', frozen);
    } finally {
      c.serve.child.kill('SIGCONT');
    }
    const thawed = Date.now();
    const live = await saidAfter(page, 'live', thawed);
    r.frozenStale.push(stale - frozen);
    r.thawedLive.push(live - thawed);
    log(`liveness: freeze ${i}/${rounds}: stale after ${stale - frozen} ms, live ${live - thawed} ms after the thaw`);
  }
  return r;
}

/** A row of seconds: median, min, max over `ms`, and the promised bound (null: none). */
function row(what: string, ms: readonly number[], bound: number | null): Cell[] {
  return [what, ms.length, fmt(median(ms) / 1000, 2), fmt(Math.min(...ms) / 1000, 2), fmt(max(ms) / 1000, 2), bound];
}

export const livenessBench: Benchmark = {
  name: 'liveness',
  description: "how soon the console's backyard page says stale after the server is killed or frozen, and live after it is back; the heartbeat's spacing",
  async run(ctx) {
    const { rounds, heartbeats } = SIZES[ctx.size];
    const c = await startConsole({ serve: {} });
    try {
      ctx.log(`liveness: ${heartbeats} heartbeats of the raw stream`);
      const beats = await heartbeatTimes(c, heartbeats);
      const gaps = beats.slice(1).map((t, i) => t - beats[i]!);
      const page = await c.newPage('en');
      await c.signInAt(page, '/system/backyard', 'en');
      await page.getByTestId('live-status').waitFor();
      await page.evaluate(RECORD_STATES);
      await saidAfter(page, 'live', 0);
      const r = await measureRounds(c, page, rounds, (m) => ctx.log(m));
      if (c.pageErrors.length > 0) throw new Error(`the page threw: ${c.pageErrors.join('; ')}`);
      const table: Table = {
        title: `Console liveness: the backyard page in Chromium, drydock serve on SQLite (${rounds} rounds of each)`,
        columns: ['what', 'n', 'median s', 'min s', 'max s', 'promised s'],
        rows: [
          row('killed (SIGKILL) → stale', r.killedStale, BOUND_S),
          row('started again: spawned → answering', r.start, null),
          row('answering → live', r.answeredLive, BOUND_S),
          row('frozen (SIGSTOP) → stale', r.frozenStale, BOUND_S),
          row('thawed (SIGCONT) → live', r.thawedLive, null),
          row('heartbeat: stream opened → first', beats.slice(0, 1), null),
          row('heartbeat: between two', gaps, null),
        ],
        notes: [
          'stale/live: when the page itself showed it (a MutationObserver on its live line), from the kill, the freeze, the thaw, or this process seeing /api/healthz answer (asked every 100 ms).',
          'frozen: each freeze comes just after the page heard the server (its reconnection, or the thaw before), so the figure is near the worst case: the 8 s silence limit plus the page’s once-a-second check.',
          'the server sends a heartbeat every 5 s; the page is stale after 8 s of silence, or 2 s after it knows the stream dropped; it reconnects after 1, 2, 4, 8, then every 15 s, and at once when the banner’s poll reaches the server.',
        ],
      };
      return { name: 'liveness', tables: [table], raw: { heartbeats: beats, ...r } };
    } finally {
      await c.stop();
    }
  },
};
