import { api, seg } from '../../api/client';
import type { FleetRunSummary } from '../../../../src/http/wire-types';
import { PageTitle } from '../../components/page-title';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router/router';
import { runStateLabel } from './fleet-labels';
import { StateText } from './state-text';
import { StatusBadge } from '../../components/status-badge';
import { DataList } from '../../components/data-list';
import { FleetStartRun } from './fleet-start-run';
import { FleetRegisteredNodes } from './fleet-nodes';
import { FleetTopology } from './fleet-topology';
import { FleetVersions } from './fleet-versions';

/** How often the list of runs is read again: states change every few seconds at most. */
const LIST_POLL_MS = 3000;

/** Where a run's page is. */
export const runPath = (id: string): string => `/system/fleet/runs/${seg(id)}`;

/**
 * Fleet upgrades (system administrators): every phased upgrade run, newest first, with its state
 * (a run completed with failed pairs says so, in amber, with how many), its phase (with the phases
 * it covers when not all four, and until when it holds) and its pairs
 * (kept current). Each run opens its pairs × phases matrix.
 */
export function FleetPage() {
  const { t, formatTime } = useI18n();
  const runs = useLoad(() => api<FleetRunSummary[]>('GET', '/api/platform/fleet/runs'), [], LIST_POLL_MS);

  return (
    <>
      <PageTitle>{t('fleet.title')}</PageTitle>
      <p className="lead">{t('fleet.lead')}</p>
      <FleetStartRun />
      <section className="panel" aria-labelledby="fleet-runs-title">
        <h2 id="fleet-runs-title">{t('fleet.runs')}</h2>
        <DataList
          result={runs}
          empty={
            <>
              {t('fleet.noRuns')} <code>drydock fleet run --env PROD --version 2.5.1</code>
            </>
          }
          labelledBy="fleet-runs-title"
          testId="fleet-runs"
          columns={[
            t('fleet.run'),
            t('fleet.environment'),
            t('fleet.version'),
            t('fleet.state'),
            t('fleet.phase'),
            t('outcome.pairs'),
            t('fleet.started'),
            t('fleet.by'),
            t('fleet.finished'),
          ]}
        >
          {(items) =>
            items.map((r) => (
              <tr key={r.id} data-run={r.id}>
                <th scope="row">
                  <Link to={runPath(r.id)}>
                    <code>{r.id}</code>
                  </Link>
                </th>
                <td data-label={t('fleet.environment')}>{r.environment}</td>
                <td data-label={t('fleet.version')}>
                  <code>{r.version}</code>
                </td>
                <td data-label={t('fleet.state')}>
                  <StateText label={runStateLabel(r.state, r.counts)} value={r.state} />
                  {r.reason && <div className="meta">{r.reason}</div>}
                </td>
                <td data-label={t('fleet.phase')} className="nowrap">
                  {t('fleet.phaseOf', { phase: r.phase })}
                  {(r.firstPhase !== 1 || r.lastPhase !== 4) && (
                    <div className="meta">
                      {t('fleet.runCovers', { range: r.firstPhase === r.lastPhase ? `${r.firstPhase}` : `${r.firstPhase}–${r.lastPhase}` })}
                    </div>
                  )}
                  {r.holdingUntil && <div className="meta">{t('fleet.holdingUntilShort', { time: formatTime(r.holdingUntil) })}</div>}
                </td>
                <td data-label={t('outcome.pairs')} className="nowrap">
                  {t('outcome.pairsDone', { done: r.counts.done, total: r.counts.total })}
                  {r.counts.failed > 0 && (
                    <div>
                      <StatusBadge outcome="failed">{t('outcome.pairsFailed', { failed: r.counts.failed })}</StatusBadge>
                    </div>
                  )}
                </td>
                <td data-label={t('fleet.started')} className="nowrap">
                  {formatTime(r.createdAt)}
                </td>
                <td data-label={t('fleet.by')}>{r.createdBy}</td>
                <td data-label={t('fleet.finished')} className="nowrap">
                  {formatTime(r.finishedAt)}
                </td>
              </tr>
            ))
          }
        </DataList>
      </section>
      <FleetTopology />
      <FleetRegisteredNodes />
      <FleetVersions />
    </>
  );
}
