import { useCallback, useEffect, useRef, useState } from 'react';

interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  /** Loads again (after a change). */
  readonly reload: () => Promise<void>;
}

/**
 * Loads `load()` now, again whenever `deps` change, and every `pollMs` when given (the page stays
 * current without a reload). Keeps the last data while loading again; a failure keeps it too and
 * reports the error. Answers to superseded requests are dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], pollMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const run = useCallback(load, deps); // the caller names what `load` depends on

  const reload = useCallback(async () => {
    const mine = generation.current;
    try {
      const next = await run();
      if (generation.current !== mine) return;
      setData(next);
      setError(undefined);
    } catch (err) {
      if (generation.current === mine) setError(err);
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

  return { data, error, loading, reload };
}
