/**
 * How long to wait after the `failures`-th failure in a row: `firstMs`, then twice as long each
 * time (1 s, 2 s, 4 s …), never more than `maxMs`.
 */
export function backoffMs(failures: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
}
