/**
 * Durations as operators type them (`90s`, `15m`, `2h`, `1d`, `500ms`, or plain seconds): the CLI's
 * options and the console's hold field read them here, and a hold's length is written back the same
 * way. Pure, so the console imports it too.
 */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds in `text`; throws saying what a duration looks like. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration: use e.g. 90s, 15m, 2h, 1d`);
  return Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? 's') as keyof typeof UNIT_MS]);
}

/** `seconds` in the largest whole unit: 90s, 30m, 2h, 1d — what `parseDuration` reads back. */
export function formatDuration(seconds: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = UNIT_MS[unit] / 1000;
    if (seconds % size === 0 && seconds > 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
