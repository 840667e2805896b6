import { Suspense, lazy, useEffect, useState } from 'react';
import type { AuditEntry, SettingView } from '../../../../src/http/wire-types';
import { maintenancePhase, type MaintenancePhase } from '../../../../src/maintenance/drain-plan';
import { ErrorAlert } from '../../components/alerts';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useI18n } from '../../i18n/i18n';
import { HeldBackCounts } from '../../maintenance/held-back';
import { shownPhase } from '../../maintenance/header-state';
import {
  continueDrain,
  dismissOutcome,
  drainStartId,
  isBusy,
  rememberedTotal,
  resumeNow,
  startDrain,
  stopWaiting,
  useDrainRun,
  type DrainRun,
} from '../../maintenance/drain-runner';
import { useExecuteCheckStream } from '../backyard/use-execute-check-stream';
import { DrainConfirmation, ResumeConfirmation } from './drain-dialogs';

/** The drain's in-flight count over time: its own chunk (the charting code), fetched only while a drain runs. */
const DrainProgressChart = lazy(() => import('../../components/charts/drain-progress').then((m) => ({ default: m.DrainProgressChart })));
import { StillRunning } from './jobs-where';

interface StateCardProps {
  readonly setting: SettingView;
  readonly audit: readonly AuditEntry[] | undefined;
  /** The switches changed here: read them again (the page's setting, history and the banner). */
  readonly onChanged: () => void;
  /** Set by the save confirmation's "Drain and go read-only instead". */
  readonly drainRequested: boolean;
  readonly onDrainRequestHandled: () => void;
}

/**
 * The system's state on the system state page: Normal, Stopping jobs, Draining (how many of how many
 * jobs are left, a progress bar, what still runs) or Read-only, from the switches and the live
 * execute-check; the jobs in flight and the held-back ones counted apart; and the maintenance's two
 * moves — "Drain and go read-only" (or Continue, for a drain left half-way) and "Resume" — each
 * confirmed first, carried out by maintenance/drain-runner.ts.
 */
export function StateCard({ setting, audit, onChanged, drainRequested, onDrainRequestHandled }: StateCardProps) {
  const { t } = useI18n();
  const { check } = useExecuteCheckStream();
  const run = useDrainRun();
  const [asking, setAsking] = useState<'drain' | 'resume' | undefined>(undefined);
  const phase = shownPhase(maintenancePhase(setting), run);
  const inFlight = run.step === 'waiting' && !check ? run.inFlight : check?.execute_count;
  const total = useDrainTotal(phase, inFlight, audit);

  // Every step of a drain or resume changes the switches: the page reads them again.
  useEffect(() => {
    if (run.step !== 'idle') onChanged();
    // Once per step: `onChanged` is a new function on every render of the page.
  }, [run.step]);
  useEffect(() => {
    if (!drainRequested) return;
    onDrainRequestHandled();
    setAsking('drain');
  }, [drainRequested, onDrainRequestHandled]);

  const busy = isBusy(run);
  const confirm = (what: 'drain' | 'resume') => {
    setAsking(undefined);
    void (what === 'drain' ? startDrain() : resumeNow());
  };

  return (
    <section className={`panel state-card state-card--${phase}`} aria-labelledby="state-card-title" data-testid="state-card">
      <h2 id="state-card-title">{t('maint.stateTitle')}</h2>
      <p className="state-card__phase">
        <span className={`state-badge state-badge--${phase}`} data-testid="state-phase">
          {t(`maint.phase.${phase}`)}
        </span>{' '}
        <span>{t(`maint.explain.${phase}`)}</span>
        {phase === 'read-only' && setting.drain_prior && <span> {t('maint.explain.afterDrain')}</span>}
      </p>
      <div className="state-card__counts">
        {inFlight !== undefined && (
          <p className="count" data-testid="in-flight-count">
            <span className="count__number">{inFlight}</span> {t('backyard.inFlight')}
          </p>
        )}
        <HeldBackCounts check={check} />
      </div>
      {phase === 'draining' && inFlight !== undefined && <DrainProgress left={inFlight} total={Math.max(total, inFlight)} />}
      {(phase === 'draining' || (phase === 'stopping' && (inFlight ?? 0) > 0)) && check && <StillRunning check={check} />}
      {phase === 'draining' && (
        <Suspense fallback={null}>
          <DrainProgressChart check={check} heading="h3" />
        </Suspense>
      )}
      <RunNotice run={run} phase={phase} />
      <div className="actions">
        {(phase === 'normal' || phase === 'stopping') && !busy && (
          <button type="button" className="button button--danger" onClick={() => setAsking('drain')}>
            {t('maint.drain')}
          </button>
        )}
        {phase === 'draining' && !busy && (
          <button type="button" className="button button--primary" onClick={() => void continueDrain()}>
            {t('maint.continue')}
          </button>
        )}
        {run.step === 'waiting' && (
          <button type="button" className="button" onClick={stopWaiting}>
            {t('maint.stopWaiting')}
          </button>
        )}
        {phase !== 'normal' && run.step !== 'resuming' && run.step !== 'starting' && run.step !== 'finishing' && (
          <button type="button" className="button" onClick={() => setAsking('resume')}>
            {t('maint.resume')}
          </button>
        )}
      </div>

      <ConfirmDialog
        open={asking === 'drain'}
        title={t('maint.drainTitle')}
        confirmLabel={t('maint.drain')}
        danger
        onConfirm={() => confirm('drain')}
        onCancel={() => setAsking(undefined)}
      >
        {asking === 'drain' && <DrainConfirmation setting={setting} check={check} />}
      </ConfirmDialog>
      <ConfirmDialog
        open={asking === 'resume'}
        title={t('maint.resumeTitle')}
        confirmLabel={t('maint.resume')}
        onConfirm={() => confirm('resume')}
        onCancel={() => setAsking(undefined)}
      >
        {asking === 'resume' && <ResumeConfirmation setting={setting} check={check} />}
      </ConfirmDialog>
    </section>
  );
}

/**
 * How many jobs the drain started with: what this browser remembered when it started the drain, else
 * the most this page has seen in flight since it began showing the drain (a drain the CLI started).
 */
function useDrainTotal(phase: MaintenancePhase, inFlight: number | undefined, audit: readonly AuditEntry[] | undefined): number {
  const [seen, setSeen] = useState(0);
  useEffect(() => {
    if (phase !== 'draining') setSeen(0);
    else if (inFlight !== undefined) setSeen((s) => Math.max(s, inFlight));
  }, [phase, inFlight]);
  return Math.max(rememberedTotal(drainStartId(audit)) ?? 0, seen);
}

/** "2 of 5 left" and a progress bar of the jobs done. */
function DrainProgress({ left, total }: { readonly left: number; readonly total: number }) {
  const { t } = useI18n();
  const text = t('maint.left', { left, total });
  return (
    <div className="drain-progress">
      <p className="drain-progress__text" data-testid="drain-left" data-left={left} data-total={total} aria-live="polite">
        {text}
      </p>
      <progress className="drain-progress__bar" max={Math.max(total, 1)} value={total - left} aria-label={text} />
    </div>
  );
}

/** What the console's drain or resume is doing, or how it ended. */
function RunNotice({ run, phase }: { readonly run: DrainRun; readonly phase: MaintenancePhase }) {
  const { t } = useI18n();
  const dismiss = (
    <button type="button" className="button" onClick={dismissOutcome}>
      {t('maint.dismiss')}
    </button>
  );
  switch (run.step) {
    case 'starting':
    case 'finishing':
    case 'resuming':
    case 'waiting':
      return (
        <p className="notice notice--info" role="status" data-testid="drain-run">
          {t(`maint.run.${run.step}`)}
        </p>
      );
    case 'done':
    case 'ended-elsewhere':
      return (
        <div className={`notice ${run.step === 'done' ? 'notice--success' : 'notice--warning'}`} role="status" data-testid="drain-run">
          <p>{t(run.step === 'done' ? 'maint.run.done' : 'maint.run.endedElsewhere')}</p>
          {dismiss}
        </div>
      );
    case 'resumed':
      return (
        <div className="notice notice--success" role="status" data-testid="drain-run">
          <p>{t('maint.run.resumed')}</p>
          {dismiss}
        </div>
      );
    case 'failed':
      return (
        <div data-testid="drain-run">
          <p className="notice notice--error">{t(run.during === 'drain' ? 'maint.run.failedDrain' : 'maint.run.failedResume')}</p>
          <ErrorAlert error={run.error} />
          {dismiss}
        </div>
      );
    case 'idle':
      return phase === 'draining' ? (
        <p className="notice notice--warning" data-testid="drain-left-behind">
          {t('maint.leftBehind')}
        </p>
      ) : null;
  }
}
