/**
 * The console's one way to show an instant: in the browser's time zone (or `timeZone`), to the
 * second, with the zone named — `2026/12/05 00:29:11 JST`, `5 Dec 2026, 00:29:11 JST` — and no
 * microseconds (a list puts the value as answered in a tooltip). It reads both forms the API
 * answers: ISO 8601 (`2026-12-04T15:29:11.749599Z`) and Exastro's record time
 * (`2026/12/04 15:29:11.749599`, UTC).
 */
import type { Language } from './language.js';

/** An instant the API answered, or undefined for what is not one. */
export function parseInstant(value: string): Date | undefined {
  const exastro = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(value);
  const iso = exastro
    ? `${exastro[1]}-${exastro[2]}-${exastro[3]}T${exastro[4]}:${exastro[5]}:${exastro[6]}.${(exastro[7] ?? '0').padEnd(3, '0').slice(0, 3)}Z`
    : value;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * The zone's short name: an abbreviation where either locale has one (Intl names Asia/Tokyo `JST`
 * in Japanese but `GMT+9` in English, America/New_York `EST` in English but `GMT-5` in Japanese),
 * else the offset.
 */
function zoneName(date: Date, timeZone: string | undefined): string {
  const names = ['en-US', 'ja-JP'].map(
    (locale) => new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? '',
  );
  return names.find((n) => /^[A-Z]{2,5}$/.test(n)) ?? names[0]!;
}

/** `value` as the console shows an instant; `—` for none, the value itself when it is no instant. */
export function formatInstant(value: string | null | undefined, language: Language, timeZone?: string): string {
  if (!value) return '—';
  const date = parseInstant(value);
  if (!date) return value;
  const parts = new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-GB', {
    timeZone,
    year: 'numeric',
    month: language === 'ja' ? '2-digit' : 'short',
    day: language === 'ja' ? '2-digit' : 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(date);
  return `${parts} ${zoneName(date, timeZone)}`;
}
