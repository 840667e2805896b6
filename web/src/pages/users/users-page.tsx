import { useState } from 'react';
import { api, seg } from '../../api/client';
import type { OrganizationUser, Workspace } from '../../../../src/http/wire-types';
import { SuccessNotice, type Notice } from '../../components/alerts';
import { Breadcrumb } from '../../components/breadcrumb';
import { PageTitle } from '../../components/page-title';
import { DataList } from '../../components/data-list';
import { useLoad } from '../../components/use-load';
import { ReadOnlyNotice, WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import { useUser } from '../../session/session';
import { OrganizationPicker } from './organization-picker';
import { UserActionDialog, type UserAction } from './user-action-dialog';
import { UserForm } from './user-form';
import { UserRow } from './user-row';

/**
 * The users of an organization (its managers and system administrators; the API refuses others):
 * who they are, their role, workspaces and whether they may sign in; create, edit (role,
 * workspaces, profile), reset a password, enable or disable, delete. A system administrator picks
 * the organization at the top.
 */
export function UsersPage({ organization }: { readonly organization: string }) {
  const { t } = useI18n();
  const me = useUser();
  const base = `/api/${seg(organization)}/platform/users`;
  const users = useLoad(() => api<OrganizationUser[]>('GET', base), [base]);
  const workspaces = useLoad(() => api<Workspace[]>('GET', `/api/${seg(organization)}/platform/workspaces`), [organization]);
  const [form, setForm] = useState<{ user?: OrganizationUser } | undefined>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [action, setAction] = useState<UserAction | undefined>(undefined);

  const changed = (message: Notice) => {
    setNotice(message);
    void users.reload();
  };
  const ask = (next: UserAction) => {
    setNotice(undefined);
    setAction(next);
  };

  return (
    <>
      {me.role === 'system_admin' && (
        <Breadcrumb
          items={[
            { to: '/organizations', label: t('nav.organizations') },
            { to: `/o/${seg(organization)}/workspaces`, label: organization },
            { label: t('users.nav') },
          ]}
        />
      )}
      <PageTitle>{t('users.title', { org: organization })}</PageTitle>
      <p className="lead">{t('users.lead', { org: organization })}</p>
      {me.role === 'system_admin' && <OrganizationPicker current={organization} />}
      <ReadOnlyNotice />
      <SuccessNotice notice={notice} />
      {form ? (
        <UserForm
          key={form.user?.id ?? 'new'}
          organization={organization}
          workspaces={workspaces.data ?? []}
          {...(form.user && { user: form.user, self: form.user.id === me.id })}
          onSaved={(name) => {
            setForm(undefined);
            changed({ key: form.user ? 'users.updated' : 'users.created', params: { name } });
          }}
          onCancel={() => setForm(undefined)}
        />
      ) : (
        <div className="actions">
          <WriteButton className="button button--primary" onClick={() => setForm({})} disabled={!users.data}>
            {t('users.create')}
          </WriteButton>
        </div>
      )}
      <DataList
        result={users}
        empty={t('users.empty')}
        caption={t('users.title', { org: organization })}
        className="table table--cards users-table"
        testId="users"
        columns={[t('users.username'), t('users.name'), t('users.role'), t('users.workspaces'), t('users.state'), t('common.actions')]}
      >
        {(items) =>
          items.map((u) => <UserRow key={u.id} user={u} self={u.id === me.id} onEdit={() => setForm({ user: u })} onAction={ask} onChanged={changed} />)
        }
      </DataList>
      <UserActionDialog
        organization={organization}
        action={action}
        onCancel={() => setAction(undefined)}
        onDone={(done) => {
          setAction(undefined);
          changed(done);
        }}
      />
    </>
  );
}
