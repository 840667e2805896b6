import { useState } from 'react';
import { api } from '../../api/client';
import type { Organization } from '../../../../src/http/wire-types';
import { SuccessNotice, type Notice } from '../../components/alerts';
import { PageTitle } from '../../components/page-title';
import { useLoad } from '../../components/use-load';
import { ReadOnlyNotice, WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import { OrganizationCreateForm } from './organization-create-form';
import { OrganizationDeleteDialog } from './organization-delete-dialog';
import { OrganizationRow } from './organization-row';
import { DataList } from '../../components/data-list';

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
      <DataList
        result={list}
        empty={t('orgs.empty')}
        caption={t('orgs.title')}
        columns={[t('orgs.id'), t('orgs.name'), t('orgs.plan'), t('common.created'), t('common.actions')]}
      >
        {(items) => items.map((o) => <OrganizationRow key={o.id} organization={o} onChanged={changed} onDelete={setDeleting} />)}
      </DataList>
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
