import { useId, useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { Organization } from '../../../../src/http/wire-types';
import { ErrorAlert, type Notice } from '../../components/alerts';
import { WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router/router';
import { usersPath } from '../users/users-path';

interface OrganizationRowProps {
  readonly organization: Organization;
  readonly onChanged: (message: Notice) => void;
  readonly onDelete: (organization: Organization) => void;
}

/** One organization in the list; Edit turns its name into a field in place; Users opens its users; Delete asks for the ID. */
export function OrganizationRow({ organization: o, onChanged, onDelete }: OrganizationRowProps) {
  const { t, formatTime } = useI18n();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(o.name);
  const [error, setError] = useState<unknown>(undefined);
  const nameId = useId();

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api('PUT', `/api/platform/organizations/${seg(o.id)}`, { name: name.trim() });
      setEditing(false);
      onChanged({ key: 'orgs.updated', params: { id: o.id } });
    } catch (err) {
      setError(err);
    }
  };

  return (
    <tr>
      <th scope="row">
        <Link to={`/o/${seg(o.id)}/workspaces`}>{o.id}</Link>
      </th>
      <td data-label={t('orgs.name')}>
        {editing ? (
          <form className="inline-form" onSubmit={(e) => void save(e)}>
            <label htmlFor={nameId} className="visually-hidden">
              {t('orgs.name')}
            </label>
            <input id={nameId} value={name} required onChange={(e) => setName(e.target.value)} autoFocus />
            <WriteButton type="submit" className="button button--primary">
              {t('common.save')}
            </WriteButton>
            <button type="button" className="button" onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </button>
            <ErrorAlert error={error} />
          </form>
        ) : (
          o.name
        )}
      </td>
      <td data-label={t('orgs.plan')}>{o.plan?.id ?? '—'}</td>
      <td data-label={t('common.created')} className="nowrap">
        {formatTime(o.create_timestamp)}
      </td>
      <td className="row-actions">
        {!editing && (
          <WriteButton onClick={() => setEditing(true)} aria-label={t('orgs.editNamed', { id: o.id })}>
            {t('common.edit')}
          </WriteButton>
        )}
        <Link to={usersPath(o.id)} className="button" aria-label={t('orgs.usersNamed', { id: o.id })}>
          {t('orgs.users')}
        </Link>
        <WriteButton className="button button--danger" onClick={() => onDelete(o)} aria-label={t('orgs.deleteNamed', { id: o.id })}>
          {t('common.delete')}
        </WriteButton>
      </td>
    </tr>
  );
}
