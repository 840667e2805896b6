import { useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { Workspace } from '../../../../src/http/wire-types';
import { Field } from '../../components/field';
import { FormActions } from '../../components/form-actions';
import { useI18n } from '../../i18n/i18n';

interface WorkspaceFormProps {
  readonly organization: string;
  /** The workspace to edit; absent to create one. */
  readonly workspace?: Workspace;
  readonly onSaved: (id: string) => void;
  readonly onCancel: () => void;
}

/** Creates a workspace, or edits one's name and description. */
export function WorkspaceForm({ organization, workspace, onSaved, onCancel }: WorkspaceFormProps) {
  const { t } = useI18n();
  const [id, setId] = useState(workspace?.id ?? '');
  const [name, setName] = useState(workspace?.name ?? '');
  const [description, setDescription] = useState(workspace?.informations?.description ?? '');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const base = `/api/${seg(organization)}/platform/workspaces`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const informations = { ...(workspace?.informations ?? {}), description };
      if (workspace) await api('PUT', `${base}/${seg(workspace.id)}`, { name: name.trim(), informations });
      else await api('POST', base, { id: id.trim(), name: name.trim(), informations });
      onSaved(workspace?.id ?? id.trim());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const title = workspace ? t('workspaces.editTitle', { id: workspace.id }) : t('workspaces.create');
  return (
    <form className="form panel" onSubmit={(e) => void submit(e)} aria-label={title}>
      <h2>{title}</h2>
      <div className="grid">
        {!workspace && <Field label={t('workspaces.id')} hint={t('common.idHint')} required value={id} onChange={(e) => setId(e.target.value)} />}
        <Field label={t('workspaces.name')} required value={name} onChange={(e) => setName(e.target.value)} />
        <Field label={t('workspaces.description')} value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <FormActions error={error} busy={busy} submitLabel={workspace ? t('common.save') : t('common.create')} onCancel={onCancel} />
    </form>
  );
}
