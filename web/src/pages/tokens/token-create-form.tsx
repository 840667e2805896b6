import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { IssuedToken } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { Field } from '../../components/field';
import { useI18n } from '../../i18n/i18n';

/** The expiries offered, in days; 0 is "never" (the API's default when none is sent). */
const EXPIRIES = [7, 30, 90, 365, 0] as const;

/** Creates a token with a name and an expiry; the answer carries its secret, this once. */
export function TokenCreateForm({ onCreated }: { readonly onCreated: (token: IssuedToken) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [name, setName] = useState('');
  const [days, setDays] = useState<number>(30);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const token = await api<IssuedToken>('POST', '/api/auth/tokens', { name: name.trim(), ...(days > 0 && { expires_in_days: days }) });
      setName('');
      onCreated(token);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const label = (d: number) => (d === 0 ? t('tokens.never') : d === 365 ? t('tokens.year') : t('tokens.days', { days: d }));
  return (
    <form className="form panel" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('tokens.create')}</h2>
      <div className="grid">
        <Field label={t('tokens.name')} hint={t('tokens.nameHint')} required maxLength={255} value={name} onChange={(e) => setName(e.target.value)} />
        <div className="field">
          <label htmlFor={`${id}-expiry`}>{t('tokens.expiry')}</label>
          <select id={`${id}-expiry`} value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {EXPIRIES.map((d) => (
              <option key={d} value={d}>
                {label(d)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorAlert error={error} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={busy || name.trim() === ''}>
          {t('common.create')}
        </button>
      </div>
    </form>
  );
}
