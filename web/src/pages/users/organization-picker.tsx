import { useId } from 'react';
import { api } from '../../api/client';
import type { Organization } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/i18n';
import { navigate } from '../../router/router';
import { usersPath } from './users-path';

/** A system administrator's choice of the organization whose users are shown (it opens that organization's users page). */
export function OrganizationPicker({ current }: { readonly current?: string }) {
  const { t } = useI18n();
  const id = useId();
  const organizations = useLoad(() => api<Organization[]>('GET', '/api/platform/organizations'), []);
  return (
    <div className="organization-picker">
      <div className="field">
        <label htmlFor={id}>{t('users.organization')}</label>
        <select id={id} value={current ?? ''} onChange={(e) => e.target.value && navigate(usersPath(e.target.value))} disabled={!organizations.data}>
          {current === undefined && <option value="">{t('users.choose')}</option>}
          {/* The current one even before the list arrives, so the field never shows blank. */}
          {current !== undefined && !organizations.data?.some((o) => o.id === current) && <option value={current}>{current}</option>}
          {organizations.data?.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name === o.id ? o.id : `${o.id} — ${o.name}`}
            </option>
          ))}
        </select>
      </div>
      <ErrorAlert error={organizations.error} />
    </div>
  );
}
