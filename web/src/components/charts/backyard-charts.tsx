import { useEffect, useRef } from 'react';
import { api } from '../../api/client';
import type { ExecuteCheck, JobHistory } from '../../../../src/http/wire-types';
import { kindLabel } from '../../../../src/backyard/kinds/registry';
import { useI18n } from '../../i18n/i18n';
import { ErrorAlert } from '../alerts';
import { useLoad } from '../use-load';
import { ChartFigure, type ChartTable, type LegendItem } from './chart-figure';
import { StackedBars, StepPlot, type StepSeries } from './plots';
import { clockFormatter, indexOfMax } from './scales';

/** The last hour, by minute. */
export const HISTORY_MINUTES = 60;
const HISTORY_URL = `/api/ita/backyard-execute-check/history/?minutes=${HISTORY_MINUTES}`;
/** Read again at least this often, so the current minute moves on while nothing changes. */
const REFRESH_MS = 30_000;
/** …and after a change of the execute-check, but not more often than this. */
const AFTER_CHANGE_MS = 5_000;
const MINUTE = 60_000;

/**
 * The backyard page's charts (system administrators): jobs in flight per backyard over the last hour,
 * by minute, and jobs finished per minute, succeeded and failed — from the server's history
 * (`GET /api/ita/backyard-execute-check/history/`, computed from the jobs' timestamps, so it is the
 * same on every node and after a restart). `check` is the execute-check the page follows: when it
 * changes the history is read again (at most every 5 s), so a job that ends shows within seconds.
 */
export function BackyardCharts({ check }: { readonly check?: ExecuteCheck | undefined }) {
  const { t } = useI18n();
  const history = useLoad(() => api<JobHistory>('GET', HISTORY_URL), [], REFRESH_MS);
  useReloadOnChange(check, history.reload);
  const h = history.data;
  return (
    <section className="panel charts" aria-labelledby="backyard-charts" data-testid="backyard-charts">
      <h2 id="backyard-charts">{t('charts.backyard.heading', { minutes: HISTORY_MINUTES })}</h2>
      <ErrorAlert error={history.error} />
      {!h ? (
        !history.error && <p>{t('common.loading')}</p>
      ) : (
        <div className="charts__grid">
          <InFlightChart history={h} />
          <ThroughputChart history={h} />
        </div>
      )}
    </section>
  );
}

/** Calls `reload` after `check` changes: at once when the last reload is 5 s old, else when it will be. */
function useReloadOnChange(check: ExecuteCheck | undefined, reload: () => Promise<void>): void {
  const last = useRef(0);
  const first = useRef(true);
  useEffect(() => {
    if (!check) return;
    // The first check arrives with the page, as the first history does.
    if (first.current) {
      first.current = false;
      last.current = Date.now();
      return;
    }
    const wait = Math.max(0, last.current + AFTER_CHANGE_MS - Date.now());
    const timer = window.setTimeout(() => {
      last.current = Date.now();
      void reload();
    }, wait);
    return () => window.clearTimeout(timer);
  }, [check, reload]);
}

/** The backyards that had a job in flight in the window (in the history's order), or none. */
function activeBackyards(h: JobHistory) {
  return h.backyards.filter((b) => b.in_flight_now > 0 || b.in_flight.some((v) => v > 0));
}

function InFlightChart({ history: h }: { readonly history: JobHistory }) {
  const { t, language } = useI18n();
  const clock = clockFormatter(language);
  const starts = h.buckets.map((b) => Date.parse(b));
  const end = Date.parse(h.to);
  const active = activeBackyards(h);
  const label = (backyard: string) => kindLabel(backyard, language) ?? backyard;
  const series: StepSeries[] =
    active.length > 0
      ? active.map((b) => ({ key: b.backyard, label: label(b.backyard), points: starts.map((s, i) => [s, b.in_flight[i] ?? 0] as const) }))
      : [{ key: 'total', label: t('charts.total'), points: starts.map((s, i) => [s, h.in_flight[i] ?? 0] as const) }];
  const peakAt = indexOfMax(h.in_flight);
  const peak = h.in_flight[peakAt] ?? 0;
  const summary =
    peak === 0 && h.in_flight_now === 0
      ? t('charts.inFlight.none', { minutes: h.minutes })
      : t('charts.inFlight.summary', { now: h.in_flight_now, peak, time: clock(starts[peakAt] ?? end) });
  const legend: LegendItem[] = series.map((s, index) => ({ kind: 'line', key: s.key, label: s.label, index }));
  const table: ChartTable = {
    columns: [t('charts.time'), ...active.map((b) => label(b.backyard)), t('charts.total')],
    rows: starts.map((s, i) => [clock(s), ...active.map((b) => b.in_flight[i] ?? 0), h.in_flight[i] ?? 0] as const),
  };
  const uncounted = active.some((b) => !b.counted);
  return (
    <ChartFigure
      name="backyard-in-flight"
      title={t('charts.inFlight.title')}
      summary={summary}
      note={`${t('charts.inFlight.note')}${uncounted ? ` ${t('charts.inFlight.notCounted')}` : ''}`}
      legend={legend}
      table={table}
      plot={(width, text) => <StepPlot series={series} start={starts[0] ?? end - MINUTE} end={end} width={width} language={language} label={text} />}
    />
  );
}

function ThroughputChart({ history: h }: { readonly history: JobHistory }) {
  const { t, language } = useI18n();
  const clock = clockFormatter(language);
  const starts = h.buckets.map((b) => Date.parse(b));
  const succeeded = h.succeeded.reduce((a, b) => a + b, 0);
  const failed = h.failed.reduce((a, b) => a + b, 0);
  const totals = starts.map((_, i) => (h.succeeded[i] ?? 0) + (h.failed[i] ?? 0));
  const busiest = indexOfMax(totals);
  const summary =
    succeeded + failed === 0
      ? t('charts.throughput.none', { minutes: h.minutes })
      : `${t('charts.throughput.summary', { total: succeeded + failed, succeeded, failed, minutes: h.minutes })} ${t('charts.throughput.busiest', {
          time: clock(starts[busiest] ?? 0),
          count: totals[busiest] ?? 0,
        })}`;
  const series = [
    { key: 'succeeded', label: t('charts.succeeded'), values: h.succeeded },
    { key: 'failed', label: t('charts.failed'), values: h.failed },
  ] as const;
  return (
    <ChartFigure
      name="backyard-throughput"
      title={t('charts.throughput.title')}
      summary={summary}
      note={t('charts.throughput.note')}
      legend={series.map((s) => ({ kind: 'bar', key: s.key, label: s.label }))}
      table={{
        columns: [t('charts.time'), t('charts.succeeded'), t('charts.failed')],
        rows: starts.map((s, i) => [clock(s), h.succeeded[i] ?? 0, h.failed[i] ?? 0] as const),
      }}
      plot={(width, text) => <StackedBars series={series} starts={starts} bucketMs={MINUTE} width={width} language={language} label={text} />}
    />
  );
}
