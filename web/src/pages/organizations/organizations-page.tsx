import { useState } from 'react';
import { api } from '../../api/client';
import type { Organization } from '../../../../src/http/wire-types';
import { ErrorAlert, SuccessNotice, type Notice } from '../../components/alerts';
import { PageTitle } from '../../components/page-title';
import { useLoad } from '../../components/use-load';
import { ReadOnlyNotice, WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import { OrganizationCreateForm } from './organization-create-form';
import { OrganizationDeleteDialog } from './organization-delete-dialog';
import { OrganizationRow } from './organization-row';
import { TableScroll } from '../../components/table-scroll';

/** Organizations (system administrators): list, create, rename, open their users, delete (after typing the ID). */
export function OrganizationsPage() {
  const { t } = useI18n();
  const list = useLoad(() => api<Organization[]>('GET', '/api/platform/organizations'), []);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [deleting, setDeleting] = useState<Organization | undefined>(undefined);

  const changed = (message: Notice) => {
    setNotice(message);
    void list.reload();
  };

  return (
    <>
      <PageTitle>{t('orgs.title')}</PageTitle>
      <ReadOnlyNotice />
      <SuccessNotice notice={notice} />
      {creating ? (
        <OrganizationCreateForm
          onCreated={(id) => {
            setCreating(false);
            changed({ key: 'orgs.created', params: { id } });
          }}
          onCancel={() => setCreating(false)}
        />
      ) : (
        <div className="actions">
          <WriteButton className="button button--primary" onClick={() => setCreating(true)}>
            {t('orgs.create')}
          </WriteButton>
        </div>
      )}
      <ErrorAlert error={list.error} />
      {list.data && (
        <TableScroll label={t('orgs.title')}>
          <table className="table table--cards">
            <caption className="visually-hidden">{t('orgs.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('orgs.id')}</th>
                <th scope="col">{t('orgs.name')}</th>
                <th scope="col">{t('orgs.plan')}</th>
                <th scope="col">{t('common.created')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((o) => (
                <OrganizationRow key={o.id} organization={o} onChanged={changed} onDelete={setDeleting} />
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {list.data?.length === 0 && <p>{t('orgs.empty')}</p>}
      <OrganizationDeleteDialog
        organization={deleting}
        onDeleted={(id) => {
          setDeleting(undefined);
          changed({ key: 'orgs.deleted', params: { id } });
        }}
        onCancel={() => setDeleting(undefined)}
      />
    </>
  );
}
