import type { ExecuteCheck, InFlightJob } from '../../../../src/http/wire-types';
import { JobStatusBadge } from '../../components/status-badge';
import { TableScroll } from '../../components/table-scroll';
import { formatAge } from '../../components/time';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router/router';
import { isCounted } from '../jobs/job-kinds';
import { KindName } from '../jobs/kind-name';
import { useNow } from './use-now';

/** An in-flight job with where it runs. */
export interface PlacedJob extends InFlightJob {
  readonly organization: string;
  readonly workspace: string;
  readonly backyard: string;
}

/** Every in-flight job of an execute-check, in the check's order; `countedOnly` leaves out those that do not count (a conductor's). */
export function placedJobs(check: ExecuteCheck, { countedOnly = false } = {}): PlacedJob[] {
  return check.organizations.flatMap((o) =>
    o.workspaces.flatMap((w) =>
      Object.entries(w.backyards)
        .filter(([backyard]) => !countedOnly || isCounted(backyard))
        .flatMap(([backyard, jobs]) => jobs.map((j) => ({ ...j, organization: o.id, workspace: w.id, backyard }))),
    ),
  );
}

/**
 * The jobs in flight, one row each: organization, workspace, backyard, the job (a link to its page),
 * its status and how long it has run — on the backyard page (every job) and on the system state
 * card while a drain waits (the counted ones). A job that does not count is marked so.
 */
export function InFlightJobsTable({
  jobs,
  labelledBy,
  caption,
  testId,
}: {
  readonly jobs: readonly PlacedJob[];
  /** The id of the heading or caption that names the table's region. */
  readonly labelledBy: string;
  /** A caption of its own (with `labelledBy` as its id), when no heading names the table. */
  readonly caption?: string;
  readonly testId: string;
}) {
  const { t, formatTime } = useI18n();
  const now = useNow();
  return (
    <TableScroll labelledBy={labelledBy}>
      <table className="table table--cards" data-testid={testId}>
        {caption && <caption id={labelledBy}>{caption}</caption>}
        <thead>
          <tr>
            <th scope="col">{t('backyard.organization')}</th>
            <th scope="col">{t('backyard.workspace')}</th>
            <th scope="col">{t('backyard.backyard')}</th>
            <th scope="col">{t('backyard.job')}</th>
            <th scope="col">{t('backyard.status')}</th>
            <th scope="col">{t('backyard.age')}</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => {
            const since = j.started_at ?? j.last_update_timestamp;
            return (
              <tr key={j.id} data-job={j.id}>
                <td data-label={t('backyard.organization')}>{j.organization}</td>
                <td data-label={t('backyard.workspace')}>{j.workspace}</td>
                <td data-label={t('backyard.backyard')}>
                  <KindName backyard={j.backyard} />
                  {!isCounted(j.backyard) && <span className="meta"> {t('backyard.notCounted')}</span>}
                </td>
                <td data-label={t('backyard.job')}>
                  <Link to={`/o/${encodeURIComponent(j.organization)}/w/${encodeURIComponent(j.workspace)}/jobs/${encodeURIComponent(j.id)}`}>
                    <code>{j.id}</code>
                  </Link>
                </td>
                <td data-label={t('backyard.status')}>
                  <JobStatusBadge backyard={j.backyard} statusId={j.status_id} name={j.status_name} />
                  {j.lease_expired && <strong className="warning-text"> {t('backyard.leaseExpired')}</strong>}
                </td>
                <td data-label={t('backyard.age')} className="nowrap" title={formatTime(since)}>
                  {formatAge(now - new Date(since).getTime(), t)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}
