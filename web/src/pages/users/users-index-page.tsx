import { useEffect } from 'react';
import { api } from '../../api/client';
import type { Organization } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { PageTitle } from '../../components/page-title';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate } from '../../router/router';
import { useUser } from '../../session/session';
import { usersPath } from './users-path';

/**
 * `/users`, the navigation's Users: an organization manager goes straight to their organization's
 * users; a system administrator chooses the organization first.
 */
export function UsersIndexPage() {
  const user = useUser();
  const own = user.role === 'system_admin' ? null : user.organization_id;
  useEffect(() => {
    if (own) navigate(usersPath(own), true);
  }, [own]);
  return own ? null : <ChooseOrganization />;
}

function ChooseOrganization() {
  const { t } = useI18n();
  const organizations = useLoad(() => api<Organization[]>('GET', '/api/platform/organizations'), []);
  return (
    <>
      <PageTitle>{t('users.indexTitle')}</PageTitle>
      <p className="lead">{t('users.chooseOrganization')}</p>
      <ErrorAlert error={organizations.error} />
      {organizations.data?.length === 0 && <p>{t('orgs.empty')}</p>}
      {organizations.data && organizations.data.length > 0 && (
        <ul className="link-list" data-testid="user-organizations">
          {organizations.data.map((o) => (
            <li key={o.id}>
              <Link to={usersPath(o.id)}>{t('users.title', { org: o.id })}</Link>
              {o.name !== o.id && <span className="meta"> {o.name}</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
