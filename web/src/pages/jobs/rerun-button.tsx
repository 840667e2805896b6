import { useState } from 'react';
import { api } from '../../api/client';
import type { Execution, RegisteredExecution } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import { useMaintenance } from '../../maintenance/maintenance';
import { rerunRequest } from './job-kinds';
import { driverMode } from './spec-text';

interface RerunButtonProps {
  /** The workspace's ITA path (`/api/{org}/workspaces/{ws}/ita`). */
  readonly ita: string;
  readonly job: Execution;
  /** The new job was registered: go to it. */
  readonly onRegistered: (executionNo: string) => void;
}

/**
 * Runs a driver job again: after a confirmation, registers a new execution of the same movement
 * with the same operation, as the jobs page does (a dry run or parameter check again as one). A
 * write: disabled, with the reason, in read-only mode. Nothing for jobs that cannot be registered
 * that way (conductors, menu jobs).
 */
export function RerunButton({ ita, job, onRegistered }: RerunButtonProps) {
  const { t } = useI18n();
  const { jobsStopped } = useMaintenance();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const request = rerunRequest(job.backyard, job.spec);
  if (!request) return null;
  const mode = driverMode(job.spec);

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<RegisteredExecution>('POST', `${ita}${request.path}`, request.body);
      setAsking(false);
      onRegistered(answer.execution_no);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <WriteButton className="button button--primary" onClick={() => setAsking(true)}>
        {t('outcome.rerun')}
      </WriteButton>
      <ConfirmDialog
        open={asking}
        title={t('outcome.rerunTitle', { movement: request.body.movement_name, operation: request.body.operation_name })}
        confirmLabel={t('outcome.rerun')}
        writes
        busy={busy}
        onConfirm={() => void confirm()}
        onCancel={() => {
          setAsking(false);
          setError(undefined);
        }}
      >
        <p>{t('outcome.rerunExplain')}</p>
        {mode && <p>{t(mode === 'dry_run' ? 'outcome.rerunDryRun' : 'outcome.rerunParameterCheck')}</p>}
        {jobsStopped && <p className="notice notice--warning">{t('jobs.stoppedNote')}</p>}
        <ErrorAlert error={error} />
      </ConfirmDialog>
    </>
  );
}
