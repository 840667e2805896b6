/**
 * The arithmetic of the console's charts: where a value or an instant goes on the plot, and which
 * ticks the axes show. Counts get whole-number ticks (d3-array's `nice` and `ticks`); time gets ticks
 * on round minutes or hours of the browser's own clock, so the labels read as a clock does.
 */
import { nice, ticks } from 'd3-array';
import type { Language } from '../../i18n/language.js';

/** A linear map from a domain onto a range of pixels. */
export function linear(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** The top of a count axis for values up to `max` (at least 1), and its whole-number ticks. */
export function countAxis(max: number, count = 4): { readonly top: number; readonly ticks: number[] } {
  const [, top] = nice(0, Math.max(1, max), count);
  const whole = ticks(0, Math.max(1, top), count).filter((v) => Number.isInteger(v));
  return { top: Math.max(1, top, whole.at(-1) ?? 1), ticks: whole };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The steps time ticks may take, smallest first. */
const TIME_STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
];

/**
 * At most `most` instants in [start, end] on round seconds, minutes or hours of the local clock
 * (every 5 minutes, every hour …): the smallest step that keeps to `most`, and the step.
 */
export function timeTicks(start: number, end: number, most: number): { readonly ticks: number[]; readonly step: number } {
  if (!(end > start) || most < 1) return { ticks: [], step: MINUTE };
  const step = TIME_STEPS.find((s) => (end - start) / s <= most) ?? Math.ceil((end - start) / most / DAY) * DAY;
  // Round in local time: shift by the zone's offset, round, shift back.
  const offset = (t: number) => new Date(t).getTimezoneOffset() * MINUTE;
  const ticks: number[] = [];
  for (let t = Math.ceil((start - offset(start)) / step) * step + offset(start); t <= end; t += step) ticks.push(t);
  return { ticks, step };
}

/**
 * An instant as a chart labels it, in the browser's time zone: `18:31`; with the seconds when the
 * ticks are seconds apart (`18:31:05`), with the date when the chart spans more than a day.
 */
export function clockFormatter(language: Language, { withDate = false, withSeconds = false } = {}): (t: number) => string {
  const format = new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-GB', {
    ...(withDate && { month: language === 'ja' ? '2-digit' : 'short', day: '2-digit' }),
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds && { second: '2-digit' }),
    hourCycle: 'h23',
  });
  return (t) => format.format(t);
}

/** How a chart from `start` to `end` labels its ticks `step` apart. */
export function tickFormatter(language: Language, start: number, end: number, step: number): (t: number) => string {
  return clockFormatter(language, { withDate: end - start > DAY, withSeconds: step < MINUTE });
}

/** The index of the largest value (the first of equals), or -1 for an empty list. */
export function indexOfMax(values: readonly number[]): number {
  let best = -1;
  values.forEach((v, i) => {
    if (best < 0 || v > values[best]!) best = i;
  });
  return best;
}
