import { api, itaPath, seg } from '../../api/client';
import type { Execution } from '../../../../src/http/wire-types';
import { Breadcrumb, workspaceTrail } from '../../components/breadcrumb';
import { PageTitle } from '../../components/page-title';
import { useLoad } from '../../components/use-load';
import { ReadOnlyNotice } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate } from '../../router/router';
import { ExecutionForm } from './execution-form';
import { jobSubject } from './spec-text';
import { KindName } from './kind-name';
import { DataList } from '../../components/data-list';
import { JobStatusBadge } from '../../components/status-badge';

/**
 * A workspace's jobs: register a driver execution, and every execution — named by its movement and
 * operation, with its status as a badge — kept current.
 */
export function JobsPage({ organization, workspace }: { readonly organization: string; readonly workspace: string }) {
  const { t, formatTime } = useI18n();
  const ita = itaPath(organization, workspace);
  const list = useLoad(() => api<Execution[]>('GET', `${ita}/executions/?limit=50`), [ita], 2000);
  const base = `/o/${seg(organization)}/w/${seg(workspace)}/jobs`;
  const trail = workspaceTrail(organization, workspace, t('nav.workspaces'));

  return (
    <>
      <Breadcrumb items={[...trail, { label: t('jobs.title') }]} />
      <PageTitle>{t('jobs.titleIn', { ws: workspace })}</PageTitle>
      <ReadOnlyNotice />
      <ExecutionForm organization={organization} workspace={workspace} onRegistered={(id) => navigate(`${base}/${seg(id)}`)} />
      <section className="panel" aria-labelledby="executions-title">
        <h2 id="executions-title">{t('jobs.list')}</h2>
        <DataList
          result={list}
          empty={t('jobs.none')}
          labelledBy="executions-title"
          testId="executions"
          columns={[
            t('jobs.movement'),
            t('jobs.operation'),
            t('jobs.status'),
            t('jobs.kind'),
            t('jobs.registered'),
            t('jobs.ended'),
            t('jobs.by'),
            t('jobs.executionNo'),
          ]}
        >
          {(items) =>
            items.map((e) => {
              const { name, operation } = jobSubject(e.spec);
              const to = `${base}/${seg(e.execution_no)}`;
              return (
                <tr key={e.execution_no} data-execution={e.execution_no}>
                  <th scope="row" className="jobs__name">
                    <Link to={to}>{name ?? e.execution_no.slice(0, 8)}</Link>
                  </th>
                  <td data-label={t('jobs.operation')} className="jobs__name">
                    {operation ?? '—'}
                  </td>
                  <td data-label={t('jobs.status')}>
                    <JobStatusBadge backyard={e.backyard} statusId={e.status_id} name={e.status_name} />
                  </td>
                  <td data-label={t('jobs.kind')}>
                    <KindName backyard={e.backyard} compact />
                  </td>
                  <td data-label={t('jobs.registered')}>{formatTime(e.time_register)}</td>
                  <td data-label={t('jobs.ended')}>{formatTime(e.time_end)}</td>
                  <td data-label={t('jobs.by')}>{e.execution_user ?? ''}</td>
                  <td data-label={t('jobs.executionNo')}>
                    <code title={e.execution_no}>{e.execution_no.slice(0, 8)}</code>
                  </td>
                </tr>
              );
            })
          }
        </DataList>
      </section>
    </>
  );
}
