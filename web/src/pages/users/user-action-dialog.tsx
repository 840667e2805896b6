import { useEffect, useState } from 'react';
import { api, seg } from '../../api/client';
import type { OrganizationUser } from '../../../../src/http/wire-types';
import { ErrorAlert, type Notice } from '../../components/alerts';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useI18n } from '../../i18n/i18n';
import { PasswordField } from './password-field';

/** What a manager asked to do to a user, waiting for confirmation. */
export type UserAction =
  | { readonly kind: 'disable'; readonly user: OrganizationUser }
  | { readonly kind: 'delete'; readonly user: OrganizationUser }
  | { readonly kind: 'reset'; readonly user: OrganizationUser };

interface UserActionDialogProps {
  readonly organization: string;
  readonly action: UserAction | undefined;
  readonly onCancel: () => void;
  readonly onDone: (notice: Notice) => void;
}

/**
 * The confirmation of a disable, a delete or a password reset (with the new password's field),
 * saying what it does to the user; the server's refusal, if any, stays in the dialog.
 */
export function UserActionDialog({ organization, action, onCancel, onDone }: UserActionDialogProps) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setPassword('');
    setError(undefined);
  }, [action]);

  const name = action?.user.username ?? '';
  const url = action ? `/api/${seg(organization)}/platform/users/${seg(action.user.id)}` : '';
  const confirm = async () => {
    if (!action) return;
    setBusy(true);
    setError(undefined);
    try {
      switch (action.kind) {
        case 'disable':
          await api('PUT', url, { enabled: false });
          onDone({ key: 'users.disabledNotice', params: { name } });
          break;
        case 'delete':
          await api('DELETE', url);
          onDone({ key: 'users.deleted', params: { name } });
          break;
        case 'reset':
          await api('PUT', url, { password });
          onDone({ key: 'users.passwordReset', params: { name } });
          break;
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const kind = action?.kind;
  const title = kind === 'disable' ? t('users.disableTitle', { name }) : kind === 'delete' ? t('users.deleteTitle', { name }) : t('users.resetTitle', { name });
  const label = kind === 'disable' ? t('users.disable') : kind === 'delete' ? t('common.delete') : t('common.save');
  return (
    <ConfirmDialog
      open={action !== undefined}
      title={title}
      confirmLabel={label}
      writes
      danger={kind !== 'reset'}
      busy={busy || (kind === 'reset' && password.length < 8)}
      onConfirm={() => void confirm()}
      onCancel={onCancel}
    >
      {kind === 'disable' && <p>{t('users.disableWarning')}</p>}
      {kind === 'delete' && <p>{t('users.deleteWarning')}</p>}
      {kind === 'reset' && (
        <>
          <p>{t('users.resetExplain')}</p>
          <PasswordField label={t('users.password')} value={password} onChange={setPassword} />
        </>
      )}
      <ErrorAlert error={error} />
    </ConfirmDialog>
  );
}
