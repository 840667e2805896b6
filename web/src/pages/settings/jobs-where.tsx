import type { ExecuteCheck } from '../../../../src/http/wire-types';
import { countedJobs, type BlockingJob } from '../../../../src/maintenance/drain-plan';
import { useI18n } from '../../i18n/i18n';
import { KindName } from '../jobs/kind-name';
import { InFlightJobsTable, placedJobs } from '../backyard/in-flight-jobs-table';

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

/** What a drain still waits for, job by job (the counted jobs in flight). */
export function StillRunning({ check }: { readonly check: ExecuteCheck }) {
  const { t } = useI18n();
  const jobs = placedJobs(check, { countedOnly: true });
  if (jobs.length === 0) return <p data-testid="still-running-none">{t('maint.nothingLeft')}</p>;
  return <InFlightJobsTable jobs={jobs} labelledBy="still-running-title" caption={t('maint.stillRunning')} testId="still-running" />;
}
