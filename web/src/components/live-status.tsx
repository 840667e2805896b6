import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { useMaintenance } from '../maintenance/maintenance';
import { LIVE_AGAIN_MS, liveStateAt, type LiveState } from './liveness';
import { formatAge } from './time';

/** What a live page knows of its source: an event stream's hook, or `useLoad` with `pollMs`. */
export interface LiveSource {
  /** When it was last heard from (an event, a heartbeat, a read that succeeded), in ms since the epoch. */
  readonly heardAt: number | undefined;
  /** Since when it has known it lost the server (a dropped stream not reopened yet, a read failing); undefined while it has not. */
  readonly lostSince: number | undefined;
}

export interface Liveness {
  readonly state: LiveState;
  /** What the page shows may be called current ("Nothing is in flight"): only while live. */
  readonly current: boolean;
  readonly heardAt: number | undefined;
  /** Live again after a stale spell, for `LIVE_AGAIN_MS`. */
  readonly liveAgain: boolean;
  /** The last change worth announcing: going stale, or live again (none at the first connection). */
  readonly announce: 'stale' | 'live-again' | undefined;
  /** The time now, as of this render (it renders every second): for ages that count. */
  readonly now: number;
}

/**
 * Whether a live page's data is current, by the rules of `liveness.ts`, with the console's
 * maintenance poll as a second witness: while the banner says the server cannot be reached, no page
 * says it is live. Renders every second, so "last heard" counts and a silence is noticed.
 */
export function useLiveness(source: LiveSource): Liveness {
  const { stale: serverUnreachable } = useMaintenance();
  const [startedAt] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const at = Math.max(now, source.heardAt ?? 0);
  const state = liveStateAt(at, { startedAt, heardAt: source.heardAt, lostSince: source.lostSince, serverUnreachable });

  // The last transition: announced once, and "Live again" for a while after a stale spell. Noted
  // while rendering (React renders again at once, before anything is shown), so no frame shows the
  // new state with the old transition.
  const [change, setChange] = useState<{ readonly from: LiveState; readonly to: LiveState; readonly at: number }>({ from: state, to: state, at: startedAt });
  if (state !== change.to) setChange({ from: change.to, to: state, at });
  const announce = change.to === 'stale' && change.from !== 'stale' ? 'stale' : change.to === 'live' && change.from === 'stale' ? 'live-again' : undefined;
  return {
    state,
    current: state === 'live',
    heardAt: source.heardAt,
    liveAgain: state === 'live' && announce === 'live-again' && at - change.at < LIVE_AGAIN_MS,
    announce,
    now: at,
  };
}

/**
 * The live line of a page that shows live data: "● Live" (and when its data last changed), "Live
 * again" for a few seconds after a stale spell, or — stale — "Last heard 35 s ago — reconnecting…",
 * counting. Going stale and coming back are each announced once to screen readers (a polite status
 * region holding only those sentences; the counting line itself is not announced).
 */
export function LiveStatus({ live, updatedAt }: { readonly live: Liveness; readonly updatedAt?: number | undefined }) {
  const { t, formatTime } = useI18n();
  const heard = live.heardAt === undefined ? undefined : formatTime(new Date(live.heardAt).toISOString());
  const text =
    live.state === 'connecting'
      ? t('live.connecting')
      : live.state === 'live'
        ? live.liveAgain
          ? t('live.liveAgain')
          : t('live.live')
        : live.heardAt === undefined
          ? t('live.unreachable')
          : t('live.lastHeard', { age: formatAge(live.now - live.heardAt, t) });
  const announcement =
    live.announce === 'stale'
      ? heard === undefined
        ? t('live.unreachable')
        : t('live.announceStale', { time: heard })
      : live.announce === 'live-again'
        ? t('live.announceLive')
        : '';
  return (
    <div className="live-line">
      <p className={`live live--${live.state === 'live' ? 'on' : live.state === 'stale' ? 'stale' : 'off'}`} data-testid="live-status" data-state={live.state}>
        {text}
      </p>
      {live.state === 'live' && updatedAt !== undefined && <p className="meta">{t('live.updated', { time: formatTime(new Date(updatedAt).toISOString()) })}</p>}
      {live.state === 'stale' && heard !== undefined && <p className="meta">{t('live.shownAsOf', { time: heard })}</p>}
      <p className="visually-hidden" role="status" data-testid="live-announcement">
        {announcement}
      </p>
    </div>
  );
}
