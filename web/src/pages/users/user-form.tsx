import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { OrganizationUser, Workspace } from '../../../../src/http/wire-types';
import { Field } from '../../components/field';
import { FormActions } from '../../components/form-actions';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages.en';
import { PasswordField } from './password-field';

/** The roles an organization's user may have (a system administrator belongs to no organization). */
export const ORGANIZATION_ROLES = ['workspace_member', 'organization_manager'] as const;
export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number];

interface UserFormProps {
  readonly organization: string;
  /** The organization's workspaces, to tick the user's memberships. */
  readonly workspaces: readonly Workspace[];
  /** The user to edit; absent to create one. */
  readonly user?: OrganizationUser;
  /** Whether `user` is the one signed in (who cannot change their own role). */
  readonly self?: boolean;
  readonly onSaved: (name: string) => void;
  readonly onCancel: () => void;
}

/**
 * Creates a user of the organization (user name, password, role, workspaces, profile), or edits one
 * (role, workspaces, profile: the password has its own dialog, enabling its own button). An edit
 * sends only what changed, so it never overwrites a field someone else changed meanwhile.
 */
export function UserForm({ organization, workspaces, user, self = false, onSaved, onCancel }: UserFormProps) {
  const { t, language } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<OrganizationRole>(user?.role === 'organization_manager' ? 'organization_manager' : 'workspace_member');
  const [member, setMember] = useState<ReadonlySet<string>>(new Set(user?.workspaces ?? []));
  const [firstName, setFirstName] = useState(user?.firstName ?? '');
  const [lastName, setLastName] = useState(user?.lastName ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [affiliation, setAffiliation] = useState(user?.affiliation ?? '');
  const [description, setDescription] = useState(user?.description ?? '');
  const [enabled, setEnabled] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const roleId = useId();
  const workspacesId = useId();

  // The form opens above the list: bring it into view and start the keyboard there.
  useEffect(() => {
    headingRef.current?.scrollIntoView({ block: 'nearest' });
    headingRef.current?.focus({ preventScroll: true });
  }, []);

  const toggle = (id: string, on: boolean) => {
    const next = new Set(member);
    if (on) next.add(id);
    else next.delete(id);
    setMember(next);
  };

  /** What the edit changes: only the fields that differ from the user as loaded. */
  const changes = (u: OrganizationUser): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const text = (key: 'firstName' | 'lastName' | 'affiliation' | 'description', value: string) => {
      if (value.trim() !== (u[key] ?? '')) out[key] = value.trim();
    };
    text('firstName', firstName);
    text('lastName', lastName);
    text('affiliation', affiliation);
    text('description', description);
    // The API takes an e-mail address or nothing: an emptied field keeps the address it had.
    if (email.trim() !== '' && email.trim() !== (u.email ?? '')) out.email = email.trim();
    if (!self && role !== u.role) out.role = role;
    const workspaceIds = [...member].sort();
    if (workspaceIds.join('\n') !== [...u.workspaces].sort().join('\n')) out.workspaces = workspaceIds;
    return out;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const base = `/api/${seg(organization)}/platform/users`;
    try {
      if (user) {
        const body = changes(user);
        if (Object.keys(body).length > 0) await api('PUT', `${base}/${seg(user.id)}`, body);
        onSaved(user.username);
      } else {
        await api('POST', base, {
          username: username.trim(),
          password,
          role,
          workspaces: [...member].sort(),
          enabled,
          ...(firstName.trim() !== '' && { firstName: firstName.trim() }),
          ...(lastName.trim() !== '' && { lastName: lastName.trim() }),
          ...(email.trim() !== '' && { email: email.trim() }),
          ...(affiliation.trim() !== '' && { affiliation: affiliation.trim() }),
          ...(description.trim() !== '' && { description: description.trim() }),
        });
        onSaved(username.trim());
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const title = user ? t('users.editTitle', { name: user.username }) : t('users.create');
  const roleLabel: Record<OrganizationRole, MessageKey> = { workspace_member: 'role.workspace_member', organization_manager: 'role.organization_manager' };
  return (
    <form className="form panel user-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${roleId}-title`} data-testid="user-form">
      <h2 id={`${roleId}-title`} ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      {!user && (
        <div className="grid">
          <Field
            label={t('users.username')}
            hint={t('users.usernameHint', { org: organization })}
            required
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <PasswordField label={t('users.password')} value={password} onChange={setPassword} />
        </div>
      )}
      <div className="field user-form__role">
        <label htmlFor={roleId}>{t('users.role')}</label>
        <select id={roleId} value={role} disabled={self} aria-describedby={`${roleId}-hint`} onChange={(e) => setRole(e.target.value as OrganizationRole)}>
          {ORGANIZATION_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(roleLabel[r])}
            </option>
          ))}
        </select>
        <p className="hint" id={`${roleId}-hint`}>
          {self ? t('users.ownRole') : t('users.roleHint')}
        </p>
      </div>
      {!user && (
        <label className="user-form__check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> {t('users.enabled')}
        </label>
      )}
      <fieldset className="user-form__workspaces" aria-describedby={`${workspacesId}-hint`}>
        <legend>{t('users.workspaces')}</legend>
        <p className="hint" id={`${workspacesId}-hint`}>
          {t('users.workspacesHint')}
        </p>
        {workspaces.length === 0 ? (
          <p>{t('users.noWorkspaces')}</p>
        ) : (
          <ul className="check-list">
            {workspaces.map((w) => (
              <li key={w.id}>
                <label>
                  <input type="checkbox" checked={member.has(w.id)} onChange={(e) => toggle(w.id, e.target.checked)} /> <code>{w.id}</code>
                  {w.name !== w.id && <span className="meta"> {w.name}</span>}
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <div className="grid">
        {/* A Japanese name is family name first. */}
        {(language === 'ja' ? (['last', 'first'] as const) : (['first', 'last'] as const)).map((part) =>
          part === 'last' ? (
            <Field key={part} label={t('users.lastName')} maxLength={100} autoComplete="off" value={lastName} onChange={(e) => setLastName(e.target.value)} />
          ) : (
            <Field
              key={part}
              label={t('users.firstName')}
              maxLength={100}
              autoComplete="off"
              value={firstName}
              onChange={(e) => setFirstName(e.target.value)}
            />
          ),
        )}
        <Field label={t('users.email')} type="email" maxLength={255} autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field label={t('users.affiliation')} maxLength={255} value={affiliation} onChange={(e) => setAffiliation(e.target.value)} />
        <Field label={t('users.description')} maxLength={255} value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <FormActions error={error} busy={busy} submitLabel={user ? t('common.save') : t('common.create')} onCancel={onCancel} />
    </form>
  );
}
