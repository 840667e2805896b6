/**
 * When a page showing live data may still call it current, and how soon a lost event stream is
 * opened again: the rules behind `live-status.tsx`, as pure functions (test/console-liveness-rules.test.ts).
 *
 * A live source — an event stream, or a page read every second — is *live* while it is being heard:
 * anything arrived within `SILENCE_LIMIT_MS` (the server's streams send a heartbeat every 5 s,
 * `src/http/event-streams.ts`, so a healthy stream is never silent that long), the source has not
 * known for `LOST_GRACE_MS` that it lost the server (a dropped stream not yet reopened, a failed
 * read), and the console's maintenance poll reaches the server (the banner would say it does not).
 * Otherwise what it shows is *stale*: as it was when last heard.
 */

/** A source silent longer than this is stale: a heartbeat missed, and more than half of the next (stale within 9 s, counting the once-a-second render). */
export const SILENCE_LIMIT_MS = 8000;
/**
 * A known loss shown only once it lasts this long: a restart's hand-over ends the stream and it
 * reopens on the new process within a second, which is no reason to say anything.
 */
export const LOST_GRACE_MS = 2000;
/** How long "Live again" stays after a stale spell, before it is plain "Live". */
export const LIVE_AGAIN_MS = 5000;

/** Reconnection: the first wait, the longest, and how much of each wait jitter may take off. */
export const RECONNECT_FIRST_MS = 1000;
export const RECONNECT_MAX_MS = 15_000;
export const RECONNECT_JITTER = 0.2;

export type LiveState = 'connecting' | 'live' | 'stale';

export interface LiveInputs {
  /** When the page started following the source. */
  readonly startedAt: number;
  /** When the source was last heard from (an event, a heartbeat, a read that succeeded); undefined before the first time. */
  readonly heardAt: number | undefined;
  /** Since when the source has known it lost the server (undefined while it has not). */
  readonly lostSince: number | undefined;
  /** The maintenance poll cannot reach the server (the banner says so). */
  readonly serverUnreachable: boolean;
}

/** The state of a live source at `now`. */
export function liveStateAt(now: number, { startedAt, heardAt, lostSince, serverUnreachable }: LiveInputs): LiveState {
  const lost = serverUnreachable || (lostSince !== undefined && now - lostSince >= LOST_GRACE_MS);
  const silentSince = heardAt ?? startedAt;
  if (lost || now - silentSince > SILENCE_LIMIT_MS) return 'stale';
  return heardAt === undefined ? 'connecting' : 'live';
}

/**
 * How long to wait before reconnection attempt `attempt` (0 for the first after a drop): 1 s, 2 s,
 * 4 s, 8 s, then 15 s each time, each shortened by up to a fifth at random so that every console
 * that lost the same server does not come back at the same instant. `random` returns [0, 1).
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(base * (1 - RECONNECT_JITTER * random()));
}
