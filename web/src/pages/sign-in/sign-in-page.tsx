import { useState, type FormEvent } from 'react';
import { ErrorAlert } from '../../components/alerts';
import { Field } from '../../components/field';
import { LanguageSwitch } from '../../components/language-switch';
import { PageTitle } from '../../components/page-title';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session/session';

/**
 * Sign-in for everyone: system administrators leave the organization empty. After signing in the
 * console shows the page that was asked for.
 */
export function SignInPage({ expired }: { readonly expired: boolean }) {
  const { t } = useI18n();
  const { signIn } = useSession();
  const [organization, setOrganization] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(organization, username, password);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="sign-in">
      <div className="sign-in__top">
        <span className="brand">drydock</span>
        <LanguageSwitch />
      </div>
      <main id="main" className="sign-in__card">
        <PageTitle>{t('auth.title')}</PageTitle>
        {expired && <p className="notice notice--warning">{t('auth.expired')}</p>}
        <form onSubmit={(e) => void submit(e)} className="form">
          <Field
            label={t('auth.organization')}
            hint={t('auth.organizationHint')}
            name="organization"
            autoComplete="organization"
            value={organization}
            onChange={(e) => setOrganization(e.target.value)}
          />
          <Field label={t('auth.username')} name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
          <Field
            label={t('auth.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <ErrorAlert error={error} />
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={busy}>
              {t('auth.signIn')}
            </button>
          </div>
        </form>
      </main>
    </div>
  );
}
