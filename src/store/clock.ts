/**
 * Timestamps are ISO-8601 UTC strings with microseconds (`2023-10-10T16:58:18.748121Z`), the form
 * Exastro shows. Both backends store and return exactly this string (SQLite as TEXT, PostgreSQL as
 * timestamptz normalised on read), so an optimistic-lock comparison is a plain string equality and
 * lexical order is time order.
 */

let last = 0n;
const origin = process.hrtime.bigint();
const originEpochMicros = BigInt(Date.now()) * 1000n;

/** The current time with microseconds; strictly increasing within one process. */
export function nowTimestamp(): string {
  let micros = originEpochMicros + (process.hrtime.bigint() - origin) / 1000n;
  if (micros <= last) micros = last + 1n;
  last = micros;
  return formatMicros(micros);
}

/** The time `ms` from now (wall clock), as a canonical timestamp: lease expiries and deadlines. */
export function timestampIn(ms: number): string {
  return formatMicros(BigInt(Date.now() + ms) * 1000n);
}

/** Epoch microseconds → the canonical string. */
export function formatMicros(micros: bigint): string {
  const ms = Number(micros / 1000n);
  const fraction = (micros % 1_000_000n).toString().padStart(6, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${fraction}Z`;
}

/**
 * Any timestamp PostgreSQL or a client hands us (`2023-10-10 16:58:18.7481+00`, `…T…Z`,
 * `2023/10/10 16:58:18.748121`) → the canonical string, or undefined when it is not one.
 * A string without a zone is taken as UTC.
 */
export function normalizeTimestamp(text: string): string | undefined {
  const m = /^(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const base = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]);
  // Date.UTC rolls over (Feb 30 → Mar 2, hour 25 → the next day): refuse instead of guessing.
  const back = new Date(base);
  const roundTrip = [back.getUTCFullYear(), back.getUTCMonth() + 1, back.getUTCDate(), back.getUTCHours(), back.getUTCMinutes(), back.getUTCSeconds()];
  if (Number.isNaN(base) || roundTrip.some((v, i) => v !== fields[i])) return undefined;
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const [hours, minutes] = [Number(digits.slice(0, 2)), Number(digits.slice(2, 4) || '0')];
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  const micros = BigInt(base - offsetMinutes * 60_000) * 1000n + BigInt(frac.padEnd(6, '0'));
  return formatMicros(micros);
}

/** The canonical string → Exastro's display form `2023/10/10 16:58:18.748121`. */
export function toExastroDateTime(timestamp: string): string {
  return timestamp.replace('T', ' ').replace('Z', '').replaceAll('-', '/');
}
