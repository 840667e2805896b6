import { setTimeout as delay } from 'node:timers/promises';

/**
 * Resolves after `ms`, or at once when `signal` aborts — never rejects: loops that poll check the
 * signal themselves after waking, so an abort is a wake-up, not an error.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, signal ? { signal } : undefined).catch((err: unknown) => {
    if ((err as Error).name !== 'AbortError') throw err;
  });
}
