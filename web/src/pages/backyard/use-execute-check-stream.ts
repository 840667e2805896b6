import { useEffect, useState } from 'react';
import { followEventStream } from '../../api/event-stream';
import type { ExecuteCheck } from '../../../../src/http/wire-types';
import { useI18n } from '../../i18n/i18n';

const STREAM = '/api/ita/backyard-execute-check/stream/';

interface Live {
  readonly check: ExecuteCheck | undefined;
  readonly connected: boolean;
  /** When the last event arrived. */
  readonly receivedAt: Date | undefined;
}

/** The execute-check as the server pushes it (at once, then on every change); reconnects on a drop. */
export function useExecuteCheckStream(): Live {
  const { language } = useI18n();
  const [live, setLive] = useState<Live>({ check: undefined, connected: false, receivedAt: undefined });
  useEffect(() => {
    const abort = new AbortController();
    void followEventStream(
      STREAM,
      (event, data) => {
        if (event !== 'execute-check') return;
        const check = JSON.parse(data) as ExecuteCheck;
        setLive({ check, connected: true, receivedAt: new Date() });
      },
      (connected) => setLive((prev) => ({ ...prev, connected })),
      abort.signal,
    );
    return () => abort.abort();
    // A new stream when the language changes: status names come in the language on screen.
  }, [language]);
  return live;
}
