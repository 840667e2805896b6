import { api, seg } from '../../api/client';
import type { FleetStep } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { Breadcrumb } from '../../components/breadcrumb';
import { PageTitle } from '../../components/page-title';
import { StatusBadge } from '../../components/status-badge';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/i18n';
import { PHASES } from './fleet-labels';
import { ACTIONS, STEP_STATES } from './fleet-plan-labels';

/** How often the step log is read again while the page is open: a step takes seconds at least. */
const STEPS_POLL_MS = 2000;

/**
 * One pair's step log in a run (system administrators), opened from the run's matrix: every node
 * action in order — phase, attempt, action, node, version, how it ended, when, and its output —
 * as the orchestrator recorded it (`GET …/runs/{run}/steps?pair=`), kept current.
 */
export function PairStepsPage({ run, pair }: { readonly run: string; readonly pair: string }) {
  const { t, formatTime } = useI18n();
  const steps = useLoad(
    () => api<FleetStep[]>('GET', `/api/platform/fleet/runs/${seg(run)}/steps?${new URLSearchParams({ pair }).toString()}`),
    [run, pair],
    STEPS_POLL_MS,
  );
  return (
    <>
      <Breadcrumb items={[{ to: '/system/fleet', label: t('fleet.title') }, { to: `/system/fleet/runs/${seg(run)}`, label: run }, { label: pair }]} />
      <PageTitle>{t('fleetPlan.stepsTitle', { pair })}</PageTitle>
      <p className="lead">
        {t('fleetPlan.stepsLead', { run })} <span className="meta">({t('fleetPlan.live')})</span>
      </p>
      <ErrorAlert error={steps.error} />
      {!steps.data && !steps.error && <p>{t('common.loading')}</p>}
      {steps.data?.length === 0 && <p data-testid="fleet-steps-empty">{t('fleetPlan.noSteps')}</p>}
      {steps.data && steps.data.length > 0 && (
        <div className="table-scroll" role="region" aria-labelledby="fleet-steps-title" tabIndex={0}>
          <table className="table steps" data-testid="fleet-steps">
            <caption id="fleet-steps-title" className="visually-hidden">
              {t('fleetPlan.stepsTitle', { pair })}
            </caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('fleet.phase')}</th>
                <th scope="col">{t('fleetPlan.step')}</th>
                <th scope="col">{t('fleetPlan.node')}</th>
                <th scope="col">{t('fleet.state')}</th>
                <th scope="col">{t('fleetPlan.when')}</th>
                <th scope="col" className="steps__output">
                  {t('fleetPlan.output')}
                </th>
              </tr>
            </thead>
            <tbody>
              {steps.data.map((s) => {
                const title = PHASES.find((p) => Number(p.phase) === s.phase)?.title;
                const action = ACTIONS[s.action];
                const state = STEP_STATES[s.state];
                return (
                  <tr key={s.id} data-step={s.id} data-state={s.state}>
                    <td className="numeric">{s.id}</td>
                    <td>
                      <div className="nowrap">{t('fleet.phaseNo', { phase: s.phase })}</div>
                      {title && <div className="meta">{t(title)}</div>}
                      {s.attempt > 1 && <div className="meta">{t('fleet.attempt', { attempt: s.attempt })}</div>}
                    </td>
                    <td>
                      <div>{action ? t(action) : s.action}</div>
                      <div className="meta nowrap">
                        <code>{s.step}</code>
                      </div>
                    </td>
                    <td>
                      <code>{s.node}</code>
                      {s.version && (
                        <div className="meta">
                          → <code>{s.version}</code>
                        </div>
                      )}
                    </td>
                    <td>
                      <StatusBadge outcome={state?.outcome} data={{ 'data-state': s.state }}>
                        {state ? t(state.key) : s.state}
                      </StatusBadge>
                    </td>
                    <td>
                      <div className="nowrap">
                        <span className="meta">{t('fleetPlan.startedAt')}</span> {formatTime(s.startedAt)}
                      </div>
                      <div className="nowrap">
                        <span className="meta">{t('fleetPlan.finishedAt')}</span> {formatTime(s.finishedAt)}
                      </div>
                    </td>
                    <td className="steps__output">
                      {s.output ? (
                        <pre className="steps__output-text" tabIndex={0} role="region" aria-label={t('fleetPlan.output')}>
                          {s.output}
                        </pre>
                      ) : (
                        <span className="meta">{t('fleetPlan.noOutput')}</span>
                      )}
                      {s.properties && (
                        <div className="steps__properties" data-properties>
                          <span className="meta">{t('fleetPlan.propertiesSet', { node: s.node })}</span>{' '}
                          {Object.entries(s.properties).map(([k, v]) => (
                            <code key={k} data-property={k}>
                              {`${k}=${v}`}{' '}
                            </code>
                          ))}
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
