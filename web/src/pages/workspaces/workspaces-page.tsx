import { useState } from 'react';
import { api, seg } from '../../api/client';
import type { Workspace } from '../../../../src/http/wire-types';
import { ErrorAlert, SuccessNotice, type Notice } from '../../components/alerts';
import { Breadcrumb } from '../../components/breadcrumb';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PageTitle } from '../../components/page-title';
import { useLoad } from '../../components/use-load';
import { ReadOnlyNotice, WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router/router';
import { useUser } from '../../session/session';
import { WorkspaceForm } from './workspace-form';
import { TableScroll } from '../../components/table-scroll';

/**
 * The workspaces of an organization: every user sees the ones they may open; managers (and system
 * administrators) create, edit and delete them.
 */
export function WorkspacesPage({ organization }: { readonly organization: string }) {
  const { t, formatTime } = useI18n();
  const user = useUser();
  const manages = user.role !== 'workspace_member';
  const base = `/api/${seg(organization)}/platform/workspaces`;
  const list = useLoad(() => api<Workspace[]>('GET', base), [base]);
  const [form, setForm] = useState<{ workspace?: Workspace } | undefined>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [deleting, setDeleting] = useState<Workspace | undefined>(undefined);
  const [deleteError, setDeleteError] = useState<unknown>(undefined);

  const changed = (message: Notice) => {
    setNotice(message);
    void list.reload();
  };

  const remove = async () => {
    if (!deleting) return;
    setDeleteError(undefined);
    try {
      await api('DELETE', `${base}/${seg(deleting.id)}`);
      setDeleting(undefined);
      changed({ key: 'workspaces.deleted', params: { id: deleting.id } });
    } catch (err) {
      setDeleteError(err);
    }
  };

  return (
    <>
      {user.role === 'system_admin' && <Breadcrumb items={[{ to: '/organizations', label: t('nav.organizations') }, { label: organization }]} />}
      <PageTitle>{t('workspaces.title', { org: organization })}</PageTitle>
      {manages && <ReadOnlyNotice />}
      <SuccessNotice notice={notice} />
      {manages &&
        (form ? (
          <WorkspaceForm
            key={form.workspace?.id ?? 'new'}
            organization={organization}
            {...(form.workspace && { workspace: form.workspace })}
            onSaved={(id) => {
              setForm(undefined);
              changed({ key: form.workspace ? 'workspaces.updated' : 'workspaces.created', params: { id } });
            }}
            onCancel={() => setForm(undefined)}
          />
        ) : (
          <div className="actions">
            <WriteButton className="button button--primary" onClick={() => setForm({})}>
              {t('workspaces.create')}
            </WriteButton>
          </div>
        ))}
      <ErrorAlert error={list.error} />
      {list.data && list.data.length > 0 && (
        <TableScroll label={t('workspaces.title', { org: organization })}>
          <table className="table table--cards">
            <caption className="visually-hidden">{t('workspaces.title', { org: organization })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('workspaces.id')}</th>
                <th scope="col">{t('workspaces.name')}</th>
                <th scope="col">{t('workspaces.description')}</th>
                <th scope="col">{t('common.created')}</th>
                {manages && <th scope="col">{t('common.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {list.data.map((w) => (
                <tr key={w.id}>
                  <th scope="row">
                    <Link to={`/o/${seg(organization)}/w/${seg(w.id)}`}>{w.id}</Link>
                  </th>
                  <td data-label={t('workspaces.name')}>{w.name}</td>
                  <td data-label={t('workspaces.description')}>{w.informations?.description ?? ''}</td>
                  <td data-label={t('common.created')} className="nowrap">
                    {formatTime(w.create_timestamp)}
                  </td>
                  {manages && (
                    <td className="row-actions">
                      <WriteButton onClick={() => setForm({ workspace: w })} aria-label={t('workspaces.editNamed', { id: w.id })}>
                        {t('common.edit')}
                      </WriteButton>
                      <WriteButton
                        className="button button--danger"
                        aria-label={t('workspaces.deleteNamed', { id: w.id })}
                        onClick={() => {
                          setDeleteError(undefined);
                          setDeleting(w);
                        }}
                      >
                        {t('common.delete')}
                      </WriteButton>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {list.data?.length === 0 && <p>{t('workspaces.empty')}</p>}
      <ConfirmDialog
        open={deleting !== undefined}
        title={t('workspaces.deleteTitle', { id: deleting?.id ?? '' })}
        confirmLabel={t('common.delete')}
        writes
        danger
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(undefined)}
      >
        <p>{t('workspaces.deleteWarning')}</p>
        <ErrorAlert error={deleteError} />
      </ConfirmDialog>
    </>
  );
}
