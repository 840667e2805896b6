import { LiveStatus, useLiveness } from '../../components/live-status';
import { PageTitle } from '../../components/page-title';
import { BackyardCharts } from '../../components/charts/backyard-charts';
import { DrainProgressPanel } from '../../components/charts/drain-progress';
import { useI18n } from '../../i18n/i18n';
import { HeldBackCounts } from '../../maintenance/held-back';
import { useMaintenance } from '../../maintenance/maintenance';
import { KindName } from '../jobs/kind-name';
import { useExecuteCheckStream } from './use-execute-check-stream';
import { TableScroll } from '../../components/table-scroll';
import { InFlightJobsTable, placedJobs } from './in-flight-jobs-table';

/**
 * Backyard status (system administrators): the live execute-check — jobs in flight per
 * organization, workspace and backyard, with status and age — pushed by the server, so it updates
 * without a reload. What an operator watches before turning read-only on.
 */
export function BackyardPage() {
  const { t, formatTime } = useI18n();
  const stream = useExecuteCheckStream();
  const { check, receivedAt } = stream;
  // Stale (the stream lost or silent): the counts are as last heard, never claimed as current.
  const live = useLiveness(stream);
  const stale = live.state === 'stale';
  const lastHeard = live.heardAt === undefined ? '' : formatTime(new Date(live.heardAt).toISOString());
  const { jobsStopped } = useMaintenance();
  const jobs = check ? placedJobs(check) : [];
  const workspaces = check?.organizations.flatMap((o) => o.workspaces.map((w) => ({ organization: o, workspace: w }))) ?? [];

  return (
    <>
      <PageTitle>{t('backyard.title')}</PageTitle>
      <p className="lead">{t('backyard.lead')}</p>
      <LiveStatus live={live} updatedAt={receivedAt} />
      {check && (
        <p className={`count${stale ? ' live-data--stale' : ''}`} data-testid="execute-count">
          <span className="count__number">{check.execute_count}</span> {t('backyard.inFlight')}
        </p>
      )}
      <HeldBackCounts check={check} />
      {check &&
        check.execute_count === 0 &&
        (live.current ? (
          <p className="notice notice--success" data-testid="all-clear">
            {jobsStopped ? t('backyard.drained') : t('backyard.nothing')}
          </p>
        ) : (
          <p className="notice live-data--stale" data-testid="all-clear-stale">
            {t('live.nothingAt', { time: lastHeard })}
          </p>
        ))}

      {jobsStopped && <DrainProgressPanel check={check} />}

      <section className={`panel${stale ? ' live-data--stale' : ''}`} aria-labelledby="jobs-in-flight">
        <h2 id="jobs-in-flight">{t('backyard.jobs')}</h2>
        {jobs.length === 0 ? (
          <p>{check ? (stale ? t('live.noJobsWhenHeard') : t('backyard.noJobs')) : t('common.loading')}</p>
        ) : (
          <InFlightJobsTable jobs={jobs} labelledBy="jobs-in-flight" testId="in-flight-jobs" />
        )}
      </section>

      <BackyardCharts check={check} />

      <section className={`panel${stale ? ' live-data--stale' : ''}`} aria-labelledby="per-workspace">
        <h2 id="per-workspace">{t('backyard.perWorkspace')}</h2>
        {workspaces.length === 0 ? (
          <p>{check ? t('backyard.noWorkspaces') : t('common.loading')}</p>
        ) : (
          <TableScroll labelledBy="per-workspace">
            <table className="table table--cards">
              <thead>
                <tr>
                  <th scope="col">{t('backyard.organization')}</th>
                  <th scope="col">{t('backyard.workspace')}</th>
                  <th scope="col" className="numeric">
                    {t('backyard.count')}
                  </th>
                  <th scope="col">{t('backyard.byBackyard')}</th>
                </tr>
              </thead>
              <tbody>
                {workspaces.map(({ organization, workspace }) => {
                  const busy = Object.entries(workspace.backyards).filter(([, list]) => list.length > 0);
                  return (
                    <tr key={`${organization.id}/${workspace.id}`}>
                      <td data-label={t('backyard.organization')}>
                        {organization.id} <span className="meta">({t('backyard.orgCount', { count: organization.execute_count })})</span>
                      </td>
                      <td data-label={t('backyard.workspace')}>{workspace.id}</td>
                      <td data-label={t('backyard.count')} className="numeric">
                        {workspace.execute_count}
                      </td>
                      <td data-label={t('backyard.byBackyard')}>
                        {busy.length === 0
                          ? '—'
                          : busy.map(([name, list]) => (
                              <div key={name}>
                                <KindName backyard={name} />: {list.length}
                              </div>
                            ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
    </>
  );
}
