import { api, itaPath, seg } from '../../api/client';
import type { Menu } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { Breadcrumb, workspaceTrail } from '../../components/breadcrumb';
import { PageTitle } from '../../components/page-title';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router/router';
import { TableScroll } from '../../components/table-scroll';

/** Menus every workspace has (Exastro's system menus): where movements, operations and conductors are defined. */
const SYSTEM_MENUS = new Set(['movement_list', 'operation_list', 'conductor_class_list']);

/** A workspace: its menus (parameter sheets) and the way to its jobs. */
export function WorkspacePage({ organization, workspace }: { readonly organization: string; readonly workspace: string }) {
  const { t } = useI18n();
  const menus = useLoad(() => api<Menu[]>('GET', `${itaPath(organization, workspace)}/menu/`), [organization, workspace]);
  const base = `/o/${seg(organization)}/w/${seg(workspace)}`;
  const trail = workspaceTrail(organization, workspace, t('nav.workspaces'));

  return (
    <>
      <Breadcrumb items={[trail[0]!, { label: workspace }]} />
      <PageTitle>{t('workspace.title', { ws: workspace })}</PageTitle>
      <p className="actions">
        <Link to={`${base}/jobs`} className="button button--primary">
          {t('workspace.jobs')}
        </Link>
      </p>
      <section className="panel" aria-labelledby="menus-title">
        <h2 id="menus-title">{t('workspace.menus')}</h2>
        <ErrorAlert error={menus.error} />
        {menus.data && (
          <TableScroll labelledBy="menus-title">
            <table className="table table--cards">
              <thead>
                <tr>
                  <th scope="col">{t('workspace.menu')}</th>
                  <th scope="col">{t('workspace.menuTitle')}</th>
                  <th scope="col">{t('workspace.columns')}</th>
                </tr>
              </thead>
              <tbody>
                {menus.data.map((m) => (
                  <tr key={m.menu}>
                    <th scope="row">
                      <Link to={`${base}/menus/${seg(m.menu)}`}>{m.menu}</Link>
                      {SYSTEM_MENUS.has(m.menu) && <span className="meta"> {t('workspace.systemMenu')}</span>}
                    </th>
                    <td data-label={t('workspace.menuTitle')}>{m.title}</td>
                    <td data-label={t('workspace.columns')}>{m.columns.map((c) => c.name).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
    </>
  );
}
