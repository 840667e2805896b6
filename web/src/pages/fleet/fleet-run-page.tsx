import { useEffect, useRef, useState } from 'react';
import { api, ApiFailure, seg } from '../../api/client';
import type { FleetRunView } from '../../../../src/http/wire-types';
import { formatDuration } from '../../../../src/util/duration';
import { ErrorAlert, SuccessNotice, type Notice } from '../../components/alerts';
import { Breadcrumb } from '../../components/breadcrumb';
import { LiveStatus, useLiveness } from '../../components/live-status';
import { PageTitle } from '../../components/page-title';
import { FleetPhaseChart } from '../../components/charts/fleet-phase-chart';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/i18n';
import { PHASES, runActions, runStateLabel } from './fleet-labels';
import { RunActionDialog, type RunAction } from './run-action-dialog';
import { RunCounts } from './run-counts';
import { RunMatrix } from './run-matrix';
import { StateText } from './state-text';

/**
 * How often an open run is read again. A phase of a pair takes seconds to minutes, so once a second
 * shows every change promptly, and one small GET a second is nothing next to the run's own work
 * (`drydock fleet status --watch` polls at the same rate). Polling stops when the page is left.
 */
export const RUN_POLL_MS = 1000;

/**
 * One upgrade run (system administrators), followed live: its state and phase, the pair counts, the
 * statuses its version carries, and the pairs × phases matrix; while it holds after a phase, until
 * when; Pause, Resume, End the hold, and Retry on a failed pair, each after a confirmation.
 */
export function FleetRunPage({ id }: { readonly id: string }) {
  const { t, formatTime } = useI18n();
  // No such run (a mistyped or old link): asking again every second would not change that.
  const [missing, setMissing] = useState(false);
  const view = useLoad(() => api<FleetRunView>('GET', `/api/platform/fleet/runs/${seg(id)}`), [id], missing ? undefined : RUN_POLL_MS);
  useEffect(() => setMissing(view.error instanceof ApiFailure && view.error.status === 404), [view.error]);
  const [action, setAction] = useState<RunAction | undefined>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const stateRef = useRef<HTMLParagraphElement>(null);
  // Read every second: stale once the reads fail or hang (live-status.tsx), as the backyard page's stream.
  const live = useLiveness({ heardAt: view.loadedAt, lostSince: view.failingSince });

  const v = view.data;
  const run = v?.run;
  const allowed = run ? runActions(run.state) : { pause: false, resume: false };
  const phaseTitle = run ? PHASES.find((p) => Number(p.phase) === run.phase)?.title : undefined;
  const ask = (next: RunAction) => {
    setNotice(undefined);
    setAction(next);
  };

  return (
    <>
      <Breadcrumb items={[{ to: '/system/fleet', label: t('fleet.title') }, { label: id }]} />
      <PageTitle>{t('fleet.runTitle', { id })}</PageTitle>
      {!missing && <LiveStatus live={live} updatedAt={view.loadedAt} />}
      <ErrorAlert error={view.error} />
      <SuccessNotice notice={notice} />
      {!v && !view.error && <p>{t('common.loading')}</p>}
      {v && run && (
        <>
          <section className="panel" aria-labelledby="fleet-run-state">
            <h2 id="fleet-run-state" className="visually-hidden">
              {t('fleet.state')}
            </h2>
            {/* Announced when it changes (not the matrix: it changes too often to read out). */}
            <p ref={stateRef} tabIndex={-1} className="run-state" role="status" data-testid="fleet-run-state">
              <StateText label={runStateLabel(run.state, v.counts)} value={run.state} />{' '}
              <span className="run-state__phase">
                {t('fleet.phaseOf', { phase: run.phase })}
                {phaseTitle && ` — ${t(phaseTitle)}`}
              </span>
            </p>
            {v.holdingUntil && (
              <div className="notice notice--info" data-testid="fleet-run-hold">
                <p>{t('fleet.holdingUntil', { time: formatTime(v.holdingUntil), phase: run.phase, next: run.phase + 1 })}</p>
                <button type="button" className="button" onClick={() => ask({ kind: 'end-hold', until: v.holdingUntil! })}>
                  {t('fleet.endHold')}
                </button>
              </div>
            )}
            {/* Why it halted or which pairs failed; a pause's reason only repeats its state. */}
            {run.reason && run.state !== 'paused' && <p className="notice notice--warning">{run.reason}</p>}
            <dl className="facts">
              <dt>{t('fleet.environment')}</dt>
              <dd>{run.environment}</dd>
              <dt>{t('fleet.version')}</dt>
              <dd>
                <code>{run.version}</code>
              </dd>
              <dt>{t('fleet.phases')}</dt>
              <dd data-testid="fleet-run-phases">{t('fleet.phasesValue', { first: run.firstPhase, last: run.lastPhase })}</dd>
              {run.hold && (
                <>
                  <dt>{t('fleet.hold')}</dt>
                  <dd>
                    {t('fleet.holdValue', { phase: run.hold.afterPhase, duration: formatDuration(run.hold.seconds) })}
                    {run.hold.until && ` (${t('fleet.holdSince', { time: formatTime(run.hold.until) })})`}
                  </dd>
                </>
              )}
              <dt>{t('fleet.concurrency')}</dt>
              <dd>{t('fleet.concurrencyValue', { n: run.concurrency })}</dd>
              <dt>{t('fleet.started')}</dt>
              <dd>{t('fleet.startedBy', { time: formatTime(run.createdAt), user: run.createdBy })}</dd>
              <dt>{t('fleet.finished')}</dt>
              <dd>{formatTime(run.finishedAt)}</dd>
            </dl>
            <RunCounts counts={v.counts} />
            <div className="actions">
              {allowed.pause && (
                <button type="button" className="button" onClick={() => ask({ kind: 'pause' })}>
                  {t('fleet.pause')}
                </button>
              )}
              {allowed.resume && (
                <button type="button" className="button button--primary" onClick={() => ask({ kind: 'resume' })}>
                  {t('fleet.resume')}
                </button>
              )}
            </div>
          </section>

          <section className="panel" aria-labelledby="fleet-statuses">
            <h2 id="fleet-statuses">{t('fleet.statuses', { version: run.version })}</h2>
            {v.statuses.length === 0 ? (
              <p>{t('fleet.noStatuses')}</p>
            ) : (
              <ul className="chips" data-testid="fleet-statuses">
                {v.statuses.map((s) => (
                  <li key={s} className="chip">
                    <code>{s}</code>
                  </li>
                ))}
              </ul>
            )}
            <p className="hint">{t('fleet.statusesHint', { env: run.environment })}</p>
          </section>

          <section className="panel">
            <RunMatrix pairs={v.pairs} version={run.version} currentPhase={run.phase} onRetry={(pair) => ask({ kind: 'retry', pair })} runId={id} />
            <p className="hint">{t('fleet.versionsNote', { version: run.version })}</p>
          </section>

          <FleetPhaseChart runId={id} view={v} />

          <RunActionDialog
            run={run}
            action={action}
            onCancel={() => setAction(undefined)}
            onDone={(done) => {
              setAction(undefined);
              setNotice(done);
              // The button that opened the dialog may be gone now (Pause becomes Resume, a retried
              // pair loses Retry): the keyboard carries on from the state it changed.
              void view.reload().then(() => window.requestAnimationFrame(() => stateRef.current?.focus()));
            }}
          />
        </>
      )}
    </>
  );
}
