import { useCallback, useEffect, useRef, useState } from 'react';

interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  /** Loads again (after a change). */
  readonly reload: () => Promise<void>;
  /** When a load last succeeded (ms since the epoch): a polled page's "last heard" (`LiveSource`). */
  readonly loadedAt: number | undefined;
  /** Since when loads have been failing, undefined while the last one succeeded (`LiveSource`'s `lostSince`). */
  readonly failingSince: number | undefined;
}

/**
 * How a failure shown by `ErrorAlert` finds its Retry: `useLoad` files each failure it reports here
 * with the `reload` that would replace it, so every page showing `<ErrorAlert error={x.error} />`
 * offers Retry without being told. A failure of a page's own action (a save) is not filed: retrying
 * that is the user's decision.
 */
const retries = new WeakMap<object, () => Promise<void>>();

/** The reload that retries the load which failed with `error`, if a `useLoad` reported it. */
export function retryOf(error: unknown): (() => Promise<void>) | undefined {
  return typeof error === 'object' && error !== null ? retries.get(error) : undefined;
}

/**
 * Loads `load()` now, again whenever `deps` change, and every `pollMs` when given (the page stays
 * current without a reload). Keeps the last data while loading again; a failure keeps it too and
 * reports the error (with a Retry: `retryOf`). Answers to superseded requests are dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], pollMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [loadedAt, setLoadedAt] = useState<number | undefined>(undefined);
  const [failingSince, setFailingSince] = useState<number | undefined>(undefined);
  const generation = useRef(0);
  const run = useCallback(load, deps); // the caller names what `load` depends on

  const reload = useCallback(async () => {
    const mine = generation.current;
    try {
      const next = await run();
      if (generation.current !== mine) return;
      setData(next);
      setError(undefined);
      setLoadedAt(Date.now());
      setFailingSince(undefined);
    } catch (err) {
      if (generation.current !== mine) return;
      if (typeof err === 'object' && err !== null) retries.set(err, reload);
      setError(err);
      setFailingSince((since) => since ?? Date.now());
    } finally {
      if (generation.current === mine) setLoading(false);
    }
  }, [run]);

  useEffect(() => {
    generation.current += 1;
    setLoading(true);
    void reload();
    const timer = pollMs ? window.setInterval(() => void reload(), pollMs) : undefined;
    return () => {
      generation.current += 1;
      if (timer !== undefined) window.clearInterval(timer);
    };
  }, [reload, pollMs]);

  return { data, error, loading, reload, loadedAt, failingSince };
}
