import pg from 'pg';

/** What PostgreSQL's backends on one database were doing, sampled from pg_stat_activity. */
export interface WaitProfile {
  readonly samples: number;
  /** Mean number of backends running a statement, waiting or not. */
  readonly activeMean: number;
  /** Mean number of them waiting on a heavyweight lock (a row lock shows as `Lock:transactionid` or `Lock:tuple`). */
  readonly lockWaitMean: number;
  /** Every wait event seen, `type:event` (`CPU` when not waiting), with its count over all samples, most frequent first. */
  readonly events: ReadonlyArray<readonly [string, number]>;
}

/**
 * Samples the database's active backends every `everyMs` on a connection of its own, until
 * `stop()`; a sample is skipped while the previous one is still out. About 20 small queries a
 * second: next to a workload of thousands, it changes nothing measurable.
 */
export async function sampleWaits(url: string, everyMs = 50): Promise<{ stop(): Promise<WaitProfile> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const events = new Map<string, number>();
  let samples = 0;
  let active = 0;
  let lockWaits = 0;
  let inFlight: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = client
      .query<{ event: string; lock: boolean }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS event, wait_event_type = 'Lock' AS lock
           FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
      )
      .then((r) => {
        samples++;
        for (const row of r.rows) {
          active++;
          if (row.lock) lockWaits++;
          events.set(row.event, (events.get(row.event) ?? 0) + 1);
        }
      })
      .catch(() => {}) // a lost sample is not worth failing the benchmark for
      .finally(() => (inFlight = undefined));
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      await client.end();
      return {
        samples,
        activeMean: samples ? active / samples : Number.NaN,
        lockWaitMean: samples ? lockWaits / samples : Number.NaN,
        events: [...events].sort((a, b) => b[1] - a[1]),
      };
    },
  };
}
