import { useEffect, useRef, useState } from 'react';
import { followEventStream, type FollowedStream } from '../../api/event-stream';
import type { ExecuteCheck } from '../../../../src/http/wire-types';
import type { LiveSource } from '../../components/live-status';
import { useI18n } from '../../i18n/i18n';
import { useMaintenance } from '../../maintenance/maintenance';

const STREAM = '/api/ita/backyard-execute-check/stream/';

interface Live extends LiveSource {
  readonly check: ExecuteCheck | undefined;
  /** When the last execute-check arrived (the last change), in ms since the epoch. */
  readonly receivedAt: number | undefined;
}

/**
 * The execute-check as the server pushes it (at once, then on every change), and when the stream
 * was last heard (its heartbeats included) or lost, for `useLiveness`. Reopens a lost stream with
 * backoff (`followEventStream`), and at once when the console's maintenance poll reaches the server
 * again — the server is back, so there is no reason to wait for the next attempt.
 */
export function useExecuteCheckStream(): Live {
  const { language } = useI18n();
  const { stale: serverUnreachable } = useMaintenance();
  const [live, setLive] = useState<Live>({ check: undefined, receivedAt: undefined, heardAt: undefined, lostSince: undefined });
  const stream = useRef<FollowedStream | undefined>(undefined);
  useEffect(() => {
    const abort = new AbortController();
    stream.current = followEventStream(
      STREAM,
      {
        onEvent: (event, data) => {
          if (event !== 'execute-check') return;
          const check = JSON.parse(data) as ExecuteCheck;
          const now = Date.now();
          setLive({ check, receivedAt: now, heardAt: now, lostSince: undefined });
        },
        onHeard: () => setLive((prev) => ({ ...prev, heardAt: Date.now(), lostSince: undefined })),
        onLost: () => setLive((prev) => (prev.lostSince === undefined ? { ...prev, lostSince: Date.now() } : prev)),
      },
      abort.signal,
    );
    return () => abort.abort();
    // A new stream when the language changes: status names come in the language on screen.
  }, [language]);
  useEffect(() => {
    if (!serverUnreachable) stream.current?.retryNow();
  }, [serverUnreachable]);
  return live;
}
