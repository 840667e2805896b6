import { useState } from 'react';
import { api, seg } from '../../api/client';
import type { OrganizationUser } from '../../../../src/http/wire-types';
import { ErrorAlert, type Notice } from '../../components/alerts';
import { WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import type { UserAction } from './user-action-dialog';

interface UserRowProps {
  readonly user: OrganizationUser;
  /** The user signed in: they cannot disable or delete themself (the API refuses it too). */
  readonly self: boolean;
  readonly onEdit: () => void;
  /** Disable, delete or reset the password: each asks first. */
  readonly onAction: (action: UserAction) => void;
  readonly onChanged: (notice: Notice) => void;
}

/** One user: who, role, workspaces, whether they may sign in, and what a manager may do to them. */
export function UserRow({ user: u, self, onEdit, onAction, onChanged }: UserRowProps) {
  const { t, language } = useI18n();
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  // A Japanese name is family name first.
  const name = (language === 'ja' ? [u.lastName, u.firstName] : [u.firstName, u.lastName]).filter((n) => n).join(' ');

  // Enabling gives nothing away that disabling took: it needs no confirmation.
  const enable = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api('PUT', `/api/${seg(u.organization_id ?? '')}/platform/users/${seg(u.id)}`, { enabled: true });
      onChanged({ key: 'users.enabledNotice', params: { name: u.username } });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr data-user={u.username} className={u.enabled ? undefined : 'user-row--disabled'}>
      <th scope="row">
        {u.username}
        {self && <span className="meta"> {t('users.you')}</span>}
      </th>
      <td data-label={t('users.name')}>
        {name || '—'}
        {u.email && <div className="meta">{u.email}</div>}
        {u.affiliation && <div className="meta">{u.affiliation}</div>}
      </td>
      <td data-label={t('users.role')}>{t(`role.${u.role}`)}</td>
      <td data-label={t('users.workspaces')}>
        {u.role === 'organization_manager' && <div>{t('users.allWorkspaces')}</div>}
        {u.workspaces.length > 0 && (
          <ul className={u.role === 'organization_manager' ? 'inline-list meta' : 'inline-list'}>
            {u.workspaces.map((w) => (
              <li key={w}>
                <code>{w}</code>
              </li>
            ))}
          </ul>
        )}
        {u.role !== 'organization_manager' && u.workspaces.length === 0 && t('users.none')}
      </td>
      <td data-label={t('users.state')}>
        <span className={u.enabled ? 'user-state user-state--enabled' : 'user-state user-state--disabled'}>
          <span aria-hidden="true">{u.enabled ? '● ' : '○ '}</span>
          {u.enabled ? t('users.stateEnabled') : t('users.stateDisabled')}
        </span>
      </td>
      <td className="row-actions">
        <WriteButton onClick={onEdit} aria-label={t('users.editNamed', { name: u.username })}>
          {t('common.edit')}
        </WriteButton>
        <WriteButton onClick={() => onAction({ kind: 'reset', user: u })} aria-label={t('users.resetNamed', { name: u.username })}>
          {t('users.resetPassword')}
        </WriteButton>
        {!self &&
          (u.enabled ? (
            <WriteButton onClick={() => onAction({ kind: 'disable', user: u })} aria-label={t('users.disableNamed', { name: u.username })}>
              {t('users.disable')}
            </WriteButton>
          ) : (
            <WriteButton onClick={() => void enable()} disabled={busy} aria-label={t('users.enableNamed', { name: u.username })}>
              {t('users.enable')}
            </WriteButton>
          ))}
        {!self && (
          <WriteButton
            className="button button--danger"
            onClick={() => onAction({ kind: 'delete', user: u })}
            aria-label={t('users.deleteNamed', { name: u.username })}
          >
            {t('common.delete')}
          </WriteButton>
        )}
        <ErrorAlert error={error} />
      </td>
    </tr>
  );
}
