import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { Field } from '../../components/field';
import { FormActions } from '../../components/form-actions';
import { useI18n } from '../../i18n/i18n';

/** Creates an organization, with its first manager when a user name and password are given. */
export function OrganizationCreateForm({ onCreated, onCancel }: { readonly onCreated: (id: string) => void; readonly onCancel: () => void }) {
  const { t } = useI18n();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [manager, setManager] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/api/platform/organizations', {
        id: id.trim(),
        name: name.trim(),
        ...(manager.trim() !== '' && {
          organization_managers: [{ username: manager.trim(), credentials: [{ type: 'password', value: password, temporary: false }], enabled: true }],
        }),
      });
      onCreated(id.trim());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form panel" onSubmit={(e) => void submit(e)} aria-labelledby="org-create-title">
      <h2 id="org-create-title">{t('orgs.create')}</h2>
      <div className="grid">
        <Field label={t('orgs.id')} hint={t('common.idHint')} required value={id} onChange={(e) => setId(e.target.value)} />
        <Field label={t('orgs.name')} required value={name} onChange={(e) => setName(e.target.value)} />
        <Field label={t('orgs.manager')} hint={t('orgs.managerHint')} value={manager} autoComplete="off" onChange={(e) => setManager(e.target.value)} />
        <Field
          label={t('orgs.managerPassword')}
          type="password"
          autoComplete="new-password"
          required={manager.trim() !== ''}
          minLength={8}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <FormActions error={error} busy={busy} submitLabel={t('common.create')} onCancel={onCancel} />
    </form>
  );
}
