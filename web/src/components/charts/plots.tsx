/**
 * The two plots the console draws, as SVG that React renders (d3-shape makes the paths, scales.ts
 * the ticks): step lines over time (a count holds until it changes) and stacked bars per minute.
 * Both draw at the width they are given, with the page's font; what they show is also in the
 * chart's summary and table (chart-figure.tsx), so the SVG is one image to a screen reader.
 */
import { curveStepAfter, line } from 'd3-shape';
import { useId } from 'react';
import type { Language } from '../../i18n/language';
import { countAxis, linear, tickFormatter, timeTicks } from './scales';
import { seriesStyle, OUTCOME_COLORS } from './series-style';

/** A series of a step plot: from each point's instant its value holds until the next point. */
export interface StepSeries {
  readonly key: string;
  readonly label: string;
  /** [instant (ms), value], in time order. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** A series of a bar plot: a value per bucket. */
export interface BarSeries {
  readonly key: 'succeeded' | 'failed';
  readonly label: string;
  readonly values: readonly number[];
}

const HEIGHT = 180;
const MARGIN = { top: 10, right: 14, bottom: 24, left: 8 } as const;
/** The room a time label takes (`18:31`, `18:31:05` with seconds), gap included, so labels never touch. */
const TIME_LABEL_PX = 64;
const SECONDS_LABEL_PX = 84;

interface Frame {
  readonly width: number;
  readonly start: number;
  readonly end: number;
  readonly max: number;
  readonly language: Language;
}

/** The axes' geometry for a frame: the plot's box, the scales, the ticks. */
function layout({ width, start, end, max, language }: Frame) {
  const y = countAxis(max);
  // The left margin fits the longest count label (about 8 px a digit at 12 px).
  const left = MARGIN.left + String(y.top).length * 8;
  const box = { left, right: width - MARGIN.right, top: MARGIN.top, bottom: HEIGHT - MARGIN.bottom };
  const xs = linear([start, end], [box.left, box.right]);
  const ys = linear([0, y.top], [box.bottom, box.top]);
  const fitting = (labelPx: number) => timeTicks(start, end, Math.max(2, Math.floor((box.right - box.left) / labelPx)));
  let time = fitting(TIME_LABEL_PX);
  if (time.step < 60_000) time = fitting(SECONDS_LABEL_PX);
  const labelPx = time.step < 60_000 ? SECONDS_LABEL_PX : TIME_LABEL_PX;
  const formatTime = tickFormatter(language, start, end, time.step);
  return { box, xs, ys, yTicks: y.ticks, xTicks: time.ticks, formatTime, labelPx };
}

function Axes({ geometry }: { readonly geometry: ReturnType<typeof layout> }) {
  const { box, xs, ys, yTicks, xTicks, formatTime, labelPx } = geometry;
  return (
    <g className="chart-axes" aria-hidden="true">
      {yTicks.map((v) => (
        <g key={`y${v}`}>
          <line className="chart-grid" x1={box.left} x2={box.right} y1={ys(v)} y2={ys(v)} />
          <text className="chart-tick" x={box.left - 6} y={ys(v)} dy="0.32em" textAnchor="end">
            {v}
          </text>
        </g>
      ))}
      <line className="chart-axis" x1={box.left} x2={box.right} y1={box.bottom} y2={box.bottom} />
      {xTicks.map((t) => {
        // A tick too near either end keeps its mark but not its label, which would be cut off or
        // run into its neighbour's.
        const x = xs(t);
        const labelled = x - box.left >= labelPx / 2 - 8 && box.right + MARGIN.right - x >= labelPx / 2 - 8;
        return (
          <g key={`x${t}`}>
            <line className="chart-axis" x1={x} x2={x} y1={box.bottom} y2={box.bottom + 4} />
            {labelled && (
              <text className="chart-tick" x={x} y={box.bottom + 16} textAnchor="middle">
                {formatTime(t)}
              </text>
            )}
          </g>
        );
      })}
    </g>
  );
}

/**
 * Step lines: each series from its first point to `end`, with its marker at the last value. `max`
 * fixes the top of the count axis (a run's pairs); otherwise the largest value decides it.
 */
export function StepPlot(props: {
  readonly series: readonly StepSeries[];
  readonly start: number;
  readonly end: number;
  readonly width: number;
  readonly max?: number | undefined;
  readonly language: Language;
  readonly label: string;
}) {
  const { series, start, end, width, language, label } = props;
  const max = props.max ?? Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const g = layout({ width, start, end, max, language });
  const path = line<readonly [number, number]>()
    .x((p) => g.xs(Math.min(end, Math.max(start, p[0]))))
    .y((p) => g.ys(p[1]))
    .curve(curveStepAfter);
  return (
    <svg className="chart-svg" width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} role="img" aria-label={label}>
      <Axes geometry={g} />
      {series.map((s, i) => {
        const last = s.points.at(-1);
        if (!last) return null;
        const style = seriesStyle(i);
        const d = path([...s.points, [end, last[1]]]) ?? '';
        return (
          <g key={s.key} data-series={s.key} data-values={s.points.map((p) => p[1]).join(',')}>
            <path d={d} fill="none" stroke={style.color} strokeWidth={2} strokeDasharray={style.dash || undefined} strokeLinejoin="round" />
            <path d={style.marker} transform={`translate(${g.xs(end)},${g.ys(last[1])})`} fill={style.color} />
          </g>
        );
      })}
    </svg>
  );
}

/** Stacked bars, one per bucket (each `bucketMs` long from `starts[i]`): succeeded below, failed (hatched) above. */
export function StackedBars(props: {
  readonly series: readonly BarSeries[];
  readonly starts: readonly number[];
  readonly bucketMs: number;
  readonly width: number;
  readonly language: Language;
  readonly label: string;
}) {
  const { series, starts, bucketMs, width, language, label } = props;
  // useId's form («r1», :r1:) is not a plain name for url(#…): keep its letters and digits.
  const hatch = `hatch-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const totals = starts.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const start = starts[0] ?? 0;
  const end = (starts.at(-1) ?? start) + bucketMs;
  const g = layout({ width, start, end, max: Math.max(0, ...totals), language });
  const barWidth = Math.max(1, (g.box.right - g.box.left) / Math.max(1, starts.length) - 1);
  return (
    <svg className="chart-svg" width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} role="img" aria-label={label}>
      <defs>
        <HatchPattern id={hatch} />
      </defs>
      <Axes geometry={g} />
      {series.map((s, si) => (
        <g key={s.key} data-series={s.key} data-values={s.values.join(',')}>
          {starts.map((t, i) => {
            const v = s.values[i] ?? 0;
            if (v === 0) return null;
            const below = series.slice(0, si).reduce((sum, other) => sum + (other.values[i] ?? 0), 0);
            const top = g.ys(below + v);
            return (
              <rect
                key={t}
                x={g.xs(t) + 0.5}
                y={top}
                width={barWidth}
                height={g.ys(below) - top}
                fill={s.key === 'failed' ? `url(#${hatch})` : OUTCOME_COLORS.succeeded}
              />
            );
          })}
        </g>
      ))}
    </svg>
  );
}

/** The failed bars' fill: the failure red with white diagonal stripes, so it differs from succeeded by more than hue. */
export function HatchPattern({ id }: { readonly id: string }) {
  return (
    <pattern id={id} width={6} height={6} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
      <rect width={6} height={6} fill={OUTCOME_COLORS.failed} />
      <line x1={0} y1={0} x2={0} y2={6} stroke="#ffffff" strokeWidth={2} />
    </pattern>
  );
}
