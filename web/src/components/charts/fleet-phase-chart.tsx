import { api, seg } from '../../api/client';
import type { FleetRunView, FleetStep } from '../../../../src/http/wire-types';
import { useI18n } from '../../i18n/i18n';
import { ErrorAlert } from '../alerts';
import { useLoad } from '../use-load';
import { ChartFigure } from './chart-figure';
import { phaseProgress } from './phase-progress';
import { StepPlot, type StepSeries } from './plots';

/**
 * The fleet run page's chart: pairs done per phase over the run, one line per phase, from the run's
 * step log (`GET /api/platform/fleet/runs/{run}/steps`) and the run view the page already reads
 * every second (`view`). The log is read again only when a cell of the matrix changes. Mount it with
 * one line where the page has the view: `<FleetPhaseChart runId={id} view={v} />`.
 */
export function FleetPhaseChart({ runId, view }: { readonly runId: string; readonly view: FleetRunView }) {
  const { t, language, formatTime } = useI18n();
  // What the matrix shows: the log is read when this changes, not every second.
  const cells = view.pairs.map((p) => `${p.pair}:${Object.values(p.phases).join(',')}`).join('|');
  const steps = useLoad(() => api<FleetStep[]>('GET', `/api/platform/fleet/runs/${seg(runId)}/steps`), [runId, cells]);
  const phases = phaseProgress(view, steps.data ?? []);
  const start = Date.parse(view.run.createdAt);
  const lastDone = Math.max(start, ...phases.flatMap((p) => p.doneAt));
  // To the run's end (or now while it runs), and at least ten seconds, so a quick run is not a line on the axis.
  const end = Math.max(lastDone, view.run.finishedAt ? Date.parse(view.run.finishedAt) : Date.now(), start + 10_000);
  const series: StepSeries[] = phases.map((p) => ({
    key: `phase-${p.phase}`,
    label: `${t('fleet.phaseNo', { phase: p.phase })} ${t(`fleet.phase${p.phase}`)}`,
    points: [[start, 0] as const, ...p.doneAt.map((at, i) => [at, i + 1] as const)],
  }));
  const summary = t('charts.fleet.summary', {
    phases: phases.map((p) => t('charts.fleet.phaseDone', { phase: p.phase, done: p.done, total: p.total })).join(t('charts.fleet.join')),
  });
  return (
    <section className="panel charts" data-testid="fleet-phase-chart">
      <ErrorAlert error={steps.error} />
      <ChartFigure
        name="fleet-phases"
        heading="h2"
        title={t('charts.fleet.title')}
        summary={summary}
        note={t('charts.fleet.note')}
        legend={series.map((s, index) => ({ kind: 'line', key: s.key, label: s.label, index }))}
        table={{
          columns: [
            t('fleet.phase'),
            t('fleet.cell.done'),
            t('fleet.cell.running'),
            t('fleet.cell.failed'),
            t('fleet.cell.pending'),
            t('charts.fleet.lastDone'),
          ],
          rows: phases.map(
            (p) =>
              [
                t('fleet.phaseNo', { phase: p.phase }),
                p.done,
                p.running,
                p.failed,
                p.pending,
                formatTime(p.doneAt.length > 0 ? new Date(p.doneAt.at(-1)!).toISOString() : null),
              ] as const,
          ),
        }}
        plot={(width, text) => <StepPlot series={series} start={start} end={end} max={view.pairs.length} width={width} language={language} label={text} />}
      />
    </section>
  );
}
