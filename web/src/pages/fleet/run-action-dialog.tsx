import { useState } from 'react';
import { api, seg } from '../../api/client';
import type { FleetRun, FleetRunPair } from '../../../../src/http/wire-types';
import { ErrorAlert, type Notice } from '../../components/alerts';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useI18n } from '../../i18n/i18n';

/** What an operator asked to do to a run, waiting for confirmation. */
export type RunAction =
  | { readonly kind: 'pause' }
  | { readonly kind: 'resume' }
  /** Resume on a run that holds: the hold ends now. */
  | { readonly kind: 'end-hold'; readonly until: string }
  | { readonly kind: 'retry'; readonly pair: FleetRunPair };

function actionPath(runId: string, action: RunAction): string {
  const run = `/api/platform/fleet/runs/${seg(runId)}`;
  switch (action.kind) {
    case 'pause':
    case 'resume':
      return `${run}/${action.kind}`;
    case 'end-hold':
      return `${run}/resume`;
    case 'retry':
      return `${run}/pairs/${seg(action.pair.pair)}/retry`;
    default: {
      const never: never = action;
      throw new Error(`unknown run action ${String(never)}`);
    }
  }
}

function doneNotice(action: RunAction, runId: string): Notice {
  if (action.kind === 'retry') return { key: 'fleet.retried', params: { pair: action.pair.pair } };
  if (action.kind === 'end-hold') return { key: 'fleet.holdEnded', params: { id: runId } };
  return { key: action.kind === 'pause' ? 'fleet.paused' : 'fleet.resumed', params: { id: runId } };
}

interface RunActionDialogProps {
  readonly run: FleetRun;
  /** The action to confirm; undefined keeps the dialog closed. */
  readonly action: RunAction | undefined;
  readonly onDone: (notice: Notice) => void;
  readonly onCancel: () => void;
}

/**
 * Asks before pausing, resuming, ending a hold or retrying, saying what will happen; sends it on confirmation.
 * A refusal (say, the pair was retried from the CLI meanwhile) stays in the dialog in the server's
 * words. Not a write button: fleet upgrades are maintenance work, allowed while read-only is on.
 */
export function RunActionDialog({ run, action, onDone, onCancel }: RunActionDialogProps) {
  const { t, formatTime } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const confirm = async () => {
    if (!action) return;
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', actionPath(run.id, action));
      onDone(doneNotice(action, run.id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const cancel = () => {
    setError(undefined);
    onCancel();
  };

  let title = '';
  let confirmLabel = '';
  let body: string[] = [];
  if (action?.kind === 'pause') {
    title = t('fleet.pauseTitle', { id: run.id });
    confirmLabel = t('fleet.pause');
    body = [t('fleet.pauseExplain')];
  } else if (action?.kind === 'resume') {
    title = t('fleet.resumeTitle', { id: run.id });
    confirmLabel = t('fleet.resume');
    body = [t('fleet.resumeExplain', { concurrency: run.concurrency }), ...(run.reason ? [t('fleet.stoppedBecause', { reason: run.reason })] : [])];
  } else if (action?.kind === 'end-hold') {
    title = t('fleet.endHoldTitle', { id: run.id });
    confirmLabel = t('fleet.endHold');
    body = [t('fleet.endHoldExplain', { next: run.phase + 1, time: formatTime(action.until) })];
  } else if (action?.kind === 'retry') {
    title = t('fleet.retryTitle', { pair: action.pair.pair });
    confirmLabel = t('fleet.retry');
    body = [
      t('fleet.retryExplain', { phase: action.pair.completedPhase + 1, attempt: action.pair.attempt + 1 }),
      ...(action.pair.error ? [t('fleet.lastError', { error: action.pair.error })] : []),
    ];
  }

  return (
    <ConfirmDialog open={action !== undefined} title={title} confirmLabel={confirmLabel} busy={busy} onConfirm={() => void confirm()} onCancel={cancel}>
      {body.map((line, i) => (
        <p key={i} className={i > 0 ? 'dialog__detail' : undefined}>
          {line}
        </p>
      ))}
      <ErrorAlert error={error} />
    </ConfirmDialog>
  );
}
