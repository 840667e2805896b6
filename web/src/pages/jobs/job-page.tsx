import { useEffect, useMemo, useRef, useState } from 'react';
import { api, itaPath, seg } from '../../api/client';
import type { ExecutionDetail } from '../../../../src/http/wire-types';
import { ErrorAlert, SuccessNotice, type Notice } from '../../components/alerts';
import { Breadcrumb, workspaceTrail } from '../../components/breadcrumb';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { jobOutcome } from '../../components/outcome';
import { PageTitle } from '../../components/page-title';
import { JobStatusBadge } from '../../components/status-badge';
import { useLoad } from '../../components/use-load';
import { WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import { navigate } from '../../router/router';
import { FailureSummary } from './failure-summary';
import { controlPath, isScheduled, isUnfinished } from './job-kinds';
import { JobLog, type JobLogHandle } from './job-log';
import { KindName } from './kind-name';
import { classifyLog } from './log-lines';
import { RerunButton } from './rerun-button';
import { jobSubject, specText } from './spec-text';

interface JobPageProps {
  readonly organization: string;
  readonly workspace: string;
  readonly id: string;
}

/** One job. A new id (a re-run opens the new job) starts afresh: its own polling, no state of the last. */
export function JobPage(props: JobPageProps) {
  return <JobView key={props.id} {...props} />;
}

/**
 * One job, named by what it runs (movement and operation): its status (followed live), a failure
 * summary at the top when it failed, its times, and its log (errors marked, searchable,
 * downloadable); run again, cancel while scheduled, emergency stop while unfinished.
 */
function JobView({ organization, workspace, id }: JobPageProps) {
  const { t, formatTime, language } = useI18n();
  const ita = itaPath(organization, workspace);
  // Followed every 1.5 s until it ends; read again in the language on screen when it changes (the status's name is the API's).
  const [ended, setEnded] = useState(false);
  const job = useLoad(() => api<ExecutionDetail>('GET', `${ita}/executions/${encodeURIComponent(id)}/`), [ita, id, language], ended ? undefined : 1500);
  const endedAt = job.data?.time_end;
  useEffect(() => setEnded(Boolean(endedAt)), [endedAt]);
  const [stopping, setStopping] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const logRef = useRef<JobLogHandle>(null);
  const trail = workspaceTrail(organization, workspace, t('nav.workspaces'));
  const jobsBase = `/o/${seg(organization)}/w/${seg(workspace)}/jobs`;

  const e = job.data;
  const lines = useMemo(() => classifyLog(e?.log ?? ''), [e?.log]);
  const { name, operation } = jobSubject(e?.spec ?? null);
  const outcome = e ? jobOutcome(e.backyard, e.status_id) : undefined;
  const title = !e || !name ? t('job.title', { id: id.slice(0, 8) }) : operation ? t('outcome.jobTitle', { name, operation }) : name;
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
      <Breadcrumb items={[...trail, { to: jobsBase, label: t('jobs.title') }, { label: name ?? id.slice(0, 8) }]} />
      <PageTitle>{title}</PageTitle>
      <ErrorAlert error={job.error} />
      <SuccessNotice notice={notice} />
      <ErrorAlert error={error} />
      {e && (
        <>
          <p className="job-status" role="status">
            <span className="job-status__label">{t('jobs.status')}</span>{' '}
            <JobStatusBadge backyard={e.backyard} statusId={e.status_id} name={e.status_name} testId="job-status" />
          </p>
          {(outcome === 'failed' || outcome === 'partial') && (
            <FailureSummary
              job={e}
              outcome={outcome}
              lines={lines}
              started={e.children}
              jobsBase={jobsBase}
              onShowLine={(no) => logRef.current?.showLine(no)}
            />
          )}
          <dl className="facts">
            <dt>{t('jobs.movement')}</dt>
            <dd data-testid="job-movement">{specText(e.spec, 'movement_name', 'conductor_class_name')}</dd>
            <dt>{t('jobs.operation')}</dt>
            <dd data-testid="job-operation">{specText(e.spec, 'operation_name')}</dd>
            <dt>{t('jobs.kind')}</dt>
            <dd>
              <KindName backyard={e.backyard} />
            </dd>
            <dt>{t('jobs.executionNo')}</dt>
            <dd>
              <code>{e.execution_no}</code>
            </dd>
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
          <div className="actions">
            <RerunButton ita={ita} job={e} onRegistered={(next) => navigate(`${jobsBase}/${seg(next)}`)} />
            {control && isScheduled(e.backyard, e.status_id) && <WriteButton onClick={() => void act('cancel')}>{t('job.cancel')}</WriteButton>}
            {control && isUnfinished(e.backyard, e.status_id, e.time_end) && (
              <button type="button" className="button button--danger" onClick={() => setStopping(true)}>
                {t('job.scram')}
              </button>
            )}
          </div>
          <JobLog ref={logRef} log={e.log} lines={lines} name={name} executionNo={e.execution_no} />
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
