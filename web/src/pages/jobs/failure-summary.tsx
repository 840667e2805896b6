import { useId, type MouseEvent } from 'react';
import { seg } from '../../api/client';
import type { Execution } from '../../../../src/http/wire-types';
import { jobOutcome, OUTCOME_SYMBOL, type Outcome } from '../../components/outcome';
import { JobStatusBadge } from '../../components/status-badge';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router/router';
import { logLineId } from './job-log';
import { firstErrorLine, hostOf, taskOf, type LogLine } from './log-lines';
import { jobSubject } from './spec-text';

interface FailureSummaryProps {
  readonly job: Execution;
  readonly outcome: Outcome;
  readonly lines: readonly LogLine[];
  /** The executions the job started (a conductor's driver runs). */
  readonly started: readonly Execution[];
  /** Where a job's page is (`…/jobs`). */
  readonly jobsBase: string;
  /** Shows a line of the log below (the search may hide it). */
  readonly onShowLine: (no: number) => void;
}

/** What the executor recorded about how a job ended (its `result`): the fields a person reads. */
function resultFacts(result: unknown): { readonly exitCode?: string; readonly signal?: string; readonly step?: string; readonly reason?: string } {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return {};
  const r = result as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  const error = r.error;
  return {
    ...(text(r.exit_code) !== undefined && { exitCode: text(r.exit_code) }),
    ...(text(r.signal) !== undefined && { signal: text(r.signal) }),
    ...(text(r.step) !== undefined && { step: text(r.step) }),
    ...(error !== undefined && error !== null && { reason: typeof error === 'string' ? error : JSON.stringify(error) }),
  };
}

/**
 * At the top of a job that failed (or ended partly failed): what failed and how it ended (status,
 * exit code or reason, the step), the first error line of the log — for Ansible with its task and
 * host — and a link down to that line; for a conductor, the runs it started that failed.
 */
export function FailureSummary({ job, outcome, lines, started, jobsBase, onShowLine }: FailureSummaryProps) {
  const { t } = useI18n();
  const id = useId();
  const { name, operation } = jobSubject(job.spec);
  const facts = resultFacts(job.result);
  const first = firstErrorLine(lines);
  const task = first && taskOf(lines, first);
  const host = first && hostOf(first);
  const failedChildren = started.filter((c) => {
    const o = jobOutcome(c.backyard, c.status_id);
    return o === 'failed' || o === 'partial';
  });
  const what = name ?? job.execution_no.slice(0, 8);
  const show = (e: MouseEvent<HTMLAnchorElement>, no: number) => {
    e.preventDefault();
    onShowLine(no);
  };

  return (
    <section className={`failure failure--${outcome}`} aria-labelledby={`${id}-title`} data-testid="failure-summary">
      <h2 id={`${id}-title`} className="failure__title">
        <span className="failure__symbol" aria-hidden="true">
          {OUTCOME_SYMBOL[outcome]}
        </span>{' '}
        {t('outcome.failureTitle')}
      </h2>
      <p className="failure__what">
        {operation
          ? t('outcome.failedWithOperation', { name: what, operation, status: job.status_name })
          : t('outcome.failedAlone', { name: what, status: job.status_name })}
      </p>
      {(facts.exitCode ?? facts.signal ?? facts.step ?? facts.reason ?? task ?? host) !== undefined && (
        <dl className="failure__facts">
          {facts.exitCode !== undefined && (
            <>
              <dt>{t('outcome.exitCode')}</dt>
              <dd data-testid="failure-exit-code">
                <code>{facts.exitCode}</code>
              </dd>
            </>
          )}
          {facts.signal !== undefined && (
            <>
              <dt>{t('outcome.signal')}</dt>
              <dd>
                <code>{facts.signal}</code>
              </dd>
            </>
          )}
          {facts.step !== undefined && (
            <>
              <dt>{t('outcome.step')}</dt>
              <dd>
                <code>{facts.step}</code>
              </dd>
            </>
          )}
          {facts.reason !== undefined && (
            <>
              <dt>{t('outcome.reason')}</dt>
              <dd className="failure__reason">{facts.reason}</dd>
            </>
          )}
          {task !== undefined && (
            <>
              <dt>{t('outcome.task')}</dt>
              <dd>{task}</dd>
            </>
          )}
          {host !== undefined && (
            <>
              <dt>{t('outcome.host')}</dt>
              <dd>
                <code>{host}</code>
              </dd>
            </>
          )}
        </dl>
      )}
      {first ? (
        <div className="failure__first">
          <p>{t('outcome.firstError', { line: first.no })}</p>
          <pre className="failure__line" data-testid="failure-line">
            <span className="log__flag">{t('outcome.errorPrefix')}</span>
            {first.text}
          </pre>
          <a href={`#${logLineId(first.no)}`} onClick={(e) => show(e, first.no)} data-testid="failure-goto">
            {t('outcome.goToLine', { line: first.no })}
          </a>
        </div>
      ) : (
        failedChildren.length === 0 && <p>{t('outcome.noErrorLine')}</p>
      )}
      {failedChildren.length > 0 && (
        <div className="failure__children">
          <p>{t('outcome.failedChildren')}</p>
          <ul>
            {failedChildren.map((c) => {
              const child = jobSubject(c.spec);
              return (
                <li key={c.execution_no}>
                  <Link to={`${jobsBase}/${seg(c.execution_no)}`}>{child.name ?? c.execution_no.slice(0, 8)}</Link>{' '}
                  <JobStatusBadge backyard={c.backyard} statusId={c.status_id} name={c.status_name} />
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}
