import { useEffect, useState } from 'react';
import type { ExecuteCheck } from '../../../../src/http/wire-types';
import { useI18n } from '../../i18n/i18n';
import { ChartFigure } from './chart-figure';
import { StepPlot } from './plots';
import { clockFormatter } from './scales';

/** [when (ms), jobs in flight]: a change of the count, as the execute-check stream brought it. */
export type InFlightPoint = readonly [number, number];

/** The most points kept: a drain that changes its count this often has long since filled the chart. */
const MAX_POINTS = 2000;

/**
 * The count of jobs in flight over time, as this page heard it: a point each time the execute-check
 * it follows (`check`, from the stream) changes its count, from when the hook was first given one.
 * Nothing is kept on the server: reopening the page starts a new series.
 */
export function useInFlightSeries(check: ExecuteCheck | undefined): readonly InFlightPoint[] {
  const [points, setPoints] = useState<readonly InFlightPoint[]>([]);
  useEffect(() => {
    if (!check) return;
    setPoints((previous) => {
      if (previous.at(-1)?.[1] === check.execute_count) return previous;
      return [...previous.slice(-(MAX_POINTS - 1)), [Date.now(), check.execute_count] as const];
    });
  }, [check]);
  return points;
}

/** Now, every second: the series' last value holds until now. */
function useSecond(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

/**
 * Drain progress: jobs in flight over time while a drain waits for them to end, from the
 * execute-check the page already follows — mount it with one line where the page has `check`:
 *
 *     <DrainProgressChart check={check} />
 *
 * (the backyard page shows it while server-side jobs are stopped). The series starts when the chart
 * is first shown, and the chart says so.
 */
export function DrainProgressChart({ check, heading }: { readonly check: ExecuteCheck | undefined; readonly heading?: 'h2' | 'h3' }) {
  const { t, language } = useI18n();
  const points = useInFlightSeries(check);
  const now = useSecond();
  const seconds = clockFormatter(language, { withSeconds: true });
  const first = points[0];
  const last = points.at(-1);
  const end = Math.max(now, last?.[0] ?? now);
  const summary =
    first && last
      ? last[1] === 0
        ? t('charts.drain.done', { first: first[1], since: seconds(first[0]) })
        : points.length === 1
          ? t('charts.drain.steady', { now: last[1], since: seconds(first[0]) })
          : t('charts.drain.summary', { now: last[1], first: first[1], since: seconds(first[0]) })
      : t('common.loading');
  return (
    <ChartFigure
      name="drain-progress"
      heading={heading}
      title={t('charts.drain.title')}
      summary={summary}
      note={t('charts.drain.note')}
      legend={[]}
      table={{ columns: [t('charts.time'), t('charts.drain.inFlight')], rows: points.map(([at, n]) => [seconds(at), n] as const) }}
      plot={(width, text) => (
        <StepPlot
          series={[{ key: 'in-flight', label: t('charts.drain.inFlight'), points }]}
          // At least a minute wide, so the first seconds are not stretched across the chart.
          start={Math.min(first?.[0] ?? now, end - 60_000)}
          end={end}
          width={width}
          language={language}
          label={text}
        />
      )}
    />
  );
}

/** The drain chart as a page's panel of its own (the backyard page's, while server-side jobs are stopped). */
export function DrainProgressPanel({ check }: { readonly check: ExecuteCheck | undefined }) {
  return (
    <section className="panel charts" data-testid="drain-progress">
      <DrainProgressChart check={check} heading="h2" />
    </section>
  );
}
