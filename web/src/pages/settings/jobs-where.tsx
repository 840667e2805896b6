import type { ExecuteCheck } from '../../../../src/http/wire-types';
import { countedJobs, type BlockingJob } from '../../../../src/maintenance/drain-plan';
import { TableScroll } from '../../components/table-scroll';
import { formatAge } from '../../components/time';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router/router';
import { KindName } from '../jobs/kind-name';
import { useNow } from '../backyard/use-now';

/** The counted jobs in flight, by organization and workspace, in the check's order. */
export function byWorkspace(check: ExecuteCheck): Array<{ organization: string; workspace: string; jobs: BlockingJob[] }> {
  const groups: Array<{ organization: string; workspace: string; jobs: BlockingJob[] }> = [];
  for (const job of countedJobs(check)) {
    const last = groups.at(-1);
    if (last && last.organization === job.organization && last.workspace === job.workspace) last.jobs.push(job);
    else groups.push({ organization: job.organization, workspace: job.workspace, jobs: [job] });
  }
  return groups;
}

/** How many jobs of each backyard a list holds, in the order they first appear. */
function perBackyard(jobs: readonly BlockingJob[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const j of jobs) counts.set(j.backyard, (counts.get(j.backyard) ?? 0) + 1);
  return [...counts];
}

/**
 * Where the jobs in flight are — "org1 / ws1: 2 job(s) (ita-by-ansible-execute ×2)" — for the
 * confirmations (what read-only mode or a drain would wait for).
 */
export function InFlightWhere({ check, testId }: { readonly check: ExecuteCheck; readonly testId?: string }) {
  const { t } = useI18n();
  return (
    <ul className="where-list" data-testid={testId}>
      {byWorkspace(check).map((g) => (
        <li key={`${g.organization}/${g.workspace}`}>
          <strong>
            {g.organization} / {g.workspace}
          </strong>
          : {t('maint.jobsIn', { count: g.jobs.length })} (
          {perBackyard(g.jobs).map(([backyard, n], i) => (
            <span key={backyard}>
              {i > 0 && ', '}
              <KindName backyard={backyard} /> ×{n}
            </span>
          ))}
          )
        </li>
      ))}
    </ul>
  );
}

/** What a drain still waits for, job by job: organization, workspace, backyard, job (a link to it), status, age. */
export function StillRunning({ check }: { readonly check: ExecuteCheck }) {
  const { t } = useI18n();
  const now = useNow();
  const jobs = countedJobs(check, now);
  if (jobs.length === 0) return <p data-testid="still-running-none">{t('maint.nothingLeft')}</p>;
  return (
    <TableScroll labelledBy="still-running-title">
      <table className="table table--cards" data-testid="still-running">
        <caption id="still-running-title">{t('maint.stillRunning')}</caption>
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
          {jobs.map((j) => (
            <tr key={j.id} data-job={j.id}>
              <td data-label={t('backyard.organization')}>{j.organization}</td>
              <td data-label={t('backyard.workspace')}>{j.workspace}</td>
              <td data-label={t('backyard.backyard')}>
                <KindName backyard={j.backyard} />
              </td>
              <td data-label={t('backyard.job')}>
                <Link to={`/o/${encodeURIComponent(j.organization)}/w/${encodeURIComponent(j.workspace)}/jobs/${encodeURIComponent(j.id)}`}>
                  <code>{j.id}</code>
                </Link>
              </td>
              <td data-label={t('backyard.status')}>
                {j.status.replace(/^\S+ /, '')}
                {j.leaseExpired && <strong className="warning-text"> {t('backyard.leaseExpired')}</strong>}
              </td>
              <td data-label={t('backyard.age')} className="nowrap">
                {j.ageSeconds === null ? '—' : formatAge(j.ageSeconds * 1000, t)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
