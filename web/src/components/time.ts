import type { Translate } from '../i18n/i18n';

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO time as a `datetime-local` input value, in the browser's time zone (minutes). */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value (browser's time zone) as an ISO time in UTC; '' stays ''. */
export function fromLocalInput(value: string): string {
  if (value === '') return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** A `datetime-local` value as Exastro's schedule_date: "YYYY/MM/DD hh:mm" in UTC. */
export function toScheduleDate(value: string): string {
  const d = new Date(value);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** How long ago, e.g. "3 s", "2 min 05 s", "1 h 02 min", in the language on screen. */
export function formatAge(ms: number, t: Translate): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return t('duration.seconds', { s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('duration.minutes', { m, s: pad(s % 60) });
  return t('duration.hours', { h: Math.floor(m / 60), m: pad(m % 60) });
}
