import type { Kysely } from 'kysely';
import { formatMicros, nowTimestamp } from '../store/clock.js';
import type { Database } from '../store/schema.js';
import { backyardNames, isCounted, kindOf, type Backyard } from './kinds/registry.js';
import { CONDUCTOR_STATUS, DRIVER_STATUS, MENU_STATUS, type FamilyName } from './kinds/status-families.js';

/** The longest window the history covers: a day of minutes. */
export const HISTORY_MAX_MINUTES = 1440;

/** A series by minute, oldest first: one value per bucket of `JobHistory.buckets`. */
export type MinuteSeries = number[];

/** What one backyard did, minute by minute. */
export interface BackyardHistory {
  readonly backyard: Backyard;
  /** Whether its jobs count in `execute_count` (conductors do not: their driver jobs do). */
  readonly counted: boolean;
  /** The most of its jobs in flight at once during each minute. */
  readonly in_flight: MinuteSeries;
  /** Its jobs in flight now (the execute-check's count for it). */
  readonly in_flight_now: number;
  /** Its jobs that ended in each minute in their family's success status (Completed, Normal end). */
  readonly succeeded: MinuteSeries;
  /** Its jobs that ended in each minute in any other end: an error, an unexpected error, an emergency stop, an abend, a warning end. */
  readonly failed: MinuteSeries;
}

/** The jobs of the last `minutes`, by minute, from the jobs' own timestamps. */
export interface JobHistory {
  readonly minutes: number;
  /** When the first minute begins and the history ends (now): canonical timestamps. */
  readonly from: string;
  readonly to: string;
  /** Each minute's start, oldest first; the last minute is the current one, up to `to`. */
  readonly buckets: string[];
  /** Every backyard, in the execute-check's key order. */
  readonly backyards: BackyardHistory[];
  /** The counted backyards together (as `execute_count` counts): the most in flight at once during each minute. */
  readonly in_flight: MinuteSeries;
  readonly in_flight_now: number;
  readonly succeeded: MinuteSeries;
  readonly failed: MinuteSeries;
}

/**
 * The status each family ends in when the job did what it was asked. A family added to
 * kinds/status-families.ts does not compile here until it says which of its ends that is.
 */
const SUCCESS: Readonly<Record<FamilyName, string>> = {
  driver: DRIVER_STATUS.completed,
  conductor: CONDUCTOR_STATUS.normalEnd,
  menu: MENU_STATUS.completed,
};

const MINUTE_MICROS = 60_000_000;

/** A canonical timestamp (store/clock.ts) → epoch microseconds, exactly (below 2^53 until the year 2255). */
export function toMicros(timestamp: string): number {
  const seconds = Date.parse(`${timestamp.slice(0, 19)}Z`);
  const fraction = /\.(\d{1,6})/.exec(timestamp)?.[1] ?? '';
  return seconds * 1000 + Number(fraction.padEnd(6, '0'));
}

/** A job as the history reads it: when it was in flight, and how it ended. */
interface JobSpan {
  readonly backyard: string;
  readonly status_id: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly in_flight: number;
}

/**
 * Jobs in flight and jobs finished over the last `minutes` (1–1,440), by minute, computed from the
 * jobs' rows, so every node answers the same and a restart loses nothing.
 *
 * A job is in flight from its claim (`started_at`) to its end (`finished_at`; a job still in flight
 * has none). Each minute's in-flight value is the most jobs in flight at once at any moment of that
 * minute — a job of ten seconds shows in the minute it ran, which a sample at each minute's end
 * would miss — and the last minute runs up to now, so its value is at least the count now. A job
 * that ended without running (cancelled or stopped before its claim) has no `started_at` and is
 * in neither series. Nothing after `now` counts, so the answer is a function of the rows and `now`:
 * a job whose end a clock ahead of ours stamped a little after now is in flight until then.
 *
 * One statement reads the jobs in flight now and those that ended within the window; the minutes
 * are counted here, not in SQL: minute truncation is a different function on each backend
 * (`date_trunc` on PostgreSQL timestamptz, text on SQLite), and the peak at once is a sweep over
 * starts and ends that SQL would need a row per minute and window functions for. The rows are the
 * window's jobs only (thousands an hour at a busy site), so counting them is cheap; the statement
 * itself scans `backyard_jobs`, which has no index on `finished_at` (see
 * docs/decisions/console-charts.md).
 */
export async function jobHistory(db: Kysely<Database>, minutes: number, now: string = nowTimestamp()): Promise<JobHistory> {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > HISTORY_MAX_MINUTES) {
    throw new RangeError(`minutes must be a whole number from 1 to ${HISTORY_MAX_MINUTES}`);
  }
  const nowMicros = toMicros(now);
  const firstMicros = nowMicros - (nowMicros % MINUTE_MICROS) - (minutes - 1) * MINUTE_MICROS;
  const from = formatMicros(BigInt(firstMicros));
  const rows = await selectJobSpans(db, from);
  const buckets = Array.from({ length: minutes }, (_, i) => formatMicros(BigInt(firstMicros + i * MINUTE_MICROS)));
  const window: Window = { firstMicros, nowMicros, minutes };

  const byBackyard = new Map<string, JobSpan[]>();
  for (const r of rows) {
    if (!kindOf(r.backyard) || r.started_at === null) continue;
    const list = byBackyard.get(r.backyard);
    if (list) list.push(r);
    else byBackyard.set(r.backyard, [r]);
  }
  const backyards = backyardNames().map((backyard): BackyardHistory => {
    const jobs = byBackyard.get(backyard) ?? [];
    return { backyard, counted: isCounted(backyard), in_flight: peakInFlight(jobs, window), in_flight_now: countNow(jobs), ...endings(jobs, window) };
  });
  const counted = rows.filter((r) => r.started_at !== null && isCounted(r.backyard));
  const countedBackyards = backyards.filter((b) => b.counted);
  return {
    minutes,
    from,
    to: now,
    buckets,
    backyards,
    in_flight: peakInFlight(counted, window),
    in_flight_now: countNow(counted),
    succeeded: sumSeries(
      countedBackyards.map((b) => b.succeeded),
      minutes,
    ),
    failed: sumSeries(
      countedBackyards.map((b) => b.failed),
      minutes,
    ),
  };
}

interface Window {
  /** The first minute's start. */
  readonly firstMicros: number;
  readonly nowMicros: number;
  readonly minutes: number;
}

/**
 * The jobs in flight now and those that ended since `from`, that had started. Both backends compare
 * the timestamps as time (SQLite's canonical text sorts as time; PostgreSQL reads the parameter as
 * timestamptz).
 */
function selectJobSpans(db: Kysely<Database>, from: string): Promise<JobSpan[]> {
  return db
    .selectFrom('backyard_jobs')
    .select(['backyard', 'status_id', 'started_at', 'finished_at', 'in_flight'])
    .where('started_at', 'is not', null)
    .where((eb) => eb.or([eb('in_flight', '=', 1), eb('finished_at', '>=', from)]))
    .execute();
}

/** Jobs in flight now: the execute-check's view (its `in_flight` flag), so the two agree. */
function countNow(jobs: readonly JobSpan[]): number {
  return jobs.reduce((n, j) => n + (j.in_flight === 1 ? 1 : 0), 0);
}

/** The index of the minute `micros` (within the window) falls in. */
function bucketOf(micros: number, w: Window): number {
  return Math.floor((micros - w.firstMicros) / MINUTE_MICROS);
}

/**
 * The most of `jobs` in flight at once during each minute: a sweep over their starts and ends. A job
 * is in flight on [started_at, finished_at): at an instant where one ends and another starts, the
 * one that ended is no longer counted. A job still in flight (no `finished_at`, or an end after now
 * from a clock ahead of ours) runs to now.
 */
function peakInFlight(jobs: readonly JobSpan[], w: Window): MinuteSeries {
  const events: Array<readonly [at: number, delta: 1 | -1]> = [];
  let running = 0;
  for (const j of jobs) {
    if (j.started_at === null) continue;
    const start = toMicros(j.started_at);
    const end = j.finished_at === null || j.in_flight === 1 ? Infinity : toMicros(j.finished_at);
    if (start > w.nowMicros || end <= w.firstMicros || end <= start) continue;
    if (start <= w.firstMicros) running++;
    else events.push([start, 1]);
    if (end <= w.nowMicros) events.push([end, -1]);
  }
  // In time order, ends before starts at the same instant.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const peaks: MinuteSeries = [];
  let e = 0;
  for (let i = 0; i < w.minutes; i++) {
    const start = w.firstMicros + i * MINUTE_MICROS;
    const end = start + MINUTE_MICROS;
    // The count at the minute's first instant, then every rise within it.
    while (e < events.length && events[e]![0] <= start) running += events[e++]![1];
    let peak = running;
    while (e < events.length && events[e]![0] < end) {
      running += events[e++]![1];
      if (running > peak) peak = running;
    }
    peaks.push(peak);
  }
  return peaks;
}

/** The jobs that ended in each minute, as succeeded or failed by their family's success status. */
function endings(jobs: readonly JobSpan[], w: Window): { succeeded: MinuteSeries; failed: MinuteSeries } {
  const succeeded: MinuteSeries = new Array<number>(w.minutes).fill(0);
  const failed: MinuteSeries = new Array<number>(w.minutes).fill(0);
  for (const j of jobs) {
    const kind = kindOf(j.backyard);
    if (!kind || j.finished_at === null || j.in_flight === 1) continue;
    const end = toMicros(j.finished_at);
    // An end stamped after now (by a clock ahead of ours) is counted once it is past.
    if (end < w.firstMicros || end > w.nowMicros) continue;
    const series = j.status_id === SUCCESS[kind.family] ? succeeded : failed;
    series[bucketOf(end, w)]!++;
  }
  return { succeeded, failed };
}

/** Element-wise sums of equally long series. */
function sumSeries(series: readonly MinuteSeries[], length: number): MinuteSeries {
  const sum: MinuteSeries = new Array<number>(length).fill(0);
  for (const s of series) s.forEach((v, i) => (sum[i]! += v));
  return sum;
}
