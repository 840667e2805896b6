import { useEffect, useState } from 'react';
import { api, itaPath } from '../../api/client';
import type { ExecutionWithLog } from '../../../../src/http/wire-types';
import { ErrorAlert, SuccessNotice, type Notice } from '../../components/alerts';
import { Breadcrumb, workspaceTrail } from '../../components/breadcrumb';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PageTitle } from '../../components/page-title';
import { useLoad } from '../../components/use-load';
import { WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import { controlPath, isScheduled, isUnfinished } from './job-kinds';
import { specText } from './spec-text';
import { KindName } from './kind-name';

interface JobPageProps {
  readonly organization: string;
  readonly workspace: string;
  readonly id: string;
}

/** One job: its status (followed live), times and log; cancel while scheduled, emergency stop while unfinished. */
export function JobPage({ organization, workspace, id }: JobPageProps) {
  const { t, formatTime } = useI18n();
  const ita = itaPath(organization, workspace);
  // Followed every 1.5 s until it ends.
  const [ended, setEnded] = useState(false);
  const job = useLoad(() => api<ExecutionWithLog>('GET', `${ita}/executions/${encodeURIComponent(id)}/`), [ita, id], ended ? undefined : 1500);
  const endedAt = job.data?.time_end;
  useEffect(() => setEnded(Boolean(endedAt)), [endedAt]);
  const [stopping, setStopping] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const trail = workspaceTrail(organization, workspace, t('nav.workspaces'));

  const e = job.data;
  const control = e ? controlPath(e.backyard, e.execution_no) : undefined;
  const act = async (action: 'scram' | 'cancel') => {
    if (!control) return;
    setError(undefined);
    try {
      // Exastro's methods: cancel and emergency stop are PATCH.
      await api('PATCH', `${ita}${control}/${action}/`);
      setNotice({ key: action === 'scram' ? 'job.stopRequested' : 'job.cancelled' });
      setStopping(false);
      await job.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <Breadcrumb items={[...trail, { to: `${trail[1]!.to}/jobs`, label: t('jobs.title') }, { label: id.slice(0, 8) }]} />
      <PageTitle>{t('job.title', { id: id.slice(0, 8) })}</PageTitle>
      <ErrorAlert error={job.error} />
      <SuccessNotice notice={notice} />
      <ErrorAlert error={error} />
      {e && (
        <>
          <dl className="facts">
            <dt>{t('jobs.status')}</dt>
            <dd>
              <strong role="status" data-testid="job-status" data-status-id={e.status_id}>
                {e.status_name}
              </strong>
            </dd>
            <dt>{t('jobs.executionNo')}</dt>
            <dd>
              <code>{e.execution_no}</code>
            </dd>
            <dt>{t('jobs.kind')}</dt>
            <dd>
              <KindName backyard={e.backyard} />
            </dd>
            <dt>{t('jobs.movement')}</dt>
            <dd>{specText(e.spec, 'movement_name', 'conductor_class_name')}</dd>
            <dt>{t('jobs.operation')}</dt>
            <dd>{specText(e.spec, 'operation_name')}</dd>
            <dt>{t('jobs.registered')}</dt>
            <dd>{formatTime(e.time_register)}</dd>
            {e.schedule_date && (
              <>
                <dt>{t('jobs.schedule')}</dt>
                <dd>{formatTime(e.schedule_date)}</dd>
              </>
            )}
            <dt>{t('jobs.started')}</dt>
            <dd>{formatTime(e.time_start)}</dd>
            <dt>{t('jobs.ended')}</dt>
            <dd>{formatTime(e.time_end)}</dd>
            <dt>{t('jobs.by')}</dt>
            <dd>{e.execution_user ?? ''}</dd>
          </dl>
          {control && (
            <div className="actions">
              {isScheduled(e.backyard, e.status_id) && <WriteButton onClick={() => void act('cancel')}>{t('job.cancel')}</WriteButton>}
              {isUnfinished(e.backyard, e.status_id, e.time_end) && (
                <button type="button" className="button button--danger" onClick={() => setStopping(true)}>
                  {t('job.scram')}
                </button>
              )}
            </div>
          )}
          <section className="panel" aria-labelledby="log-title">
            <h2 id="log-title">{t('job.log')}</h2>
            <pre className="log" tabIndex={0} aria-labelledby="log-title" data-testid="job-log">
              {e.log || t('job.noLog')}
            </pre>
          </section>
        </>
      )}
      <ConfirmDialog
        open={stopping}
        title={t('job.scramTitle')}
        confirmLabel={t('job.scram')}
        danger
        onConfirm={() => void act('scram')}
        onCancel={() => setStopping(false)}
      >
        <p>{t('job.scramWarning')}</p>
      </ConfirmDialog>
    </>
  );
}
