import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { IssuedToken } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { Field } from '../../components/field';
import { useI18n } from '../../i18n/i18n';
import { useUser } from '../../session/session';

/** The expiries offered, in days; 0 is "never" (the API's default when none is sent). */
const EXPIRIES = [7, 30, 90, 365, 0] as const;

/** What a token may do: act as its user, or only announce one fleet node (system administrators only: nobody else's would be accepted). */
type TokenUse = 'full' | 'fleet-node';

/**
 * Creates a token with a name and an expiry; the answer carries its secret, this once. A system
 * administrator may instead create a fleet node's token: it may only announce the node it names
 * (the agent's token), so the form asks for that node.
 */
export function TokenCreateForm({ onCreated }: { readonly onCreated: (token: IssuedToken) => void }) {
  const { t } = useI18n();
  const user = useUser();
  const id = useId();
  const [name, setName] = useState('');
  const [days, setDays] = useState<number>(30);
  const [use, setUse] = useState<TokenUse>('full');
  const [node, setNode] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const forNode = use === 'fleet-node';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const token = await api<IssuedToken>('POST', '/api/auth/tokens', {
        name: name.trim(),
        ...(days > 0 && { expires_in_days: days }),
        ...(forNode && { scope: 'fleet-node', node: node.trim() }),
      });
      setName('');
      setNode('');
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
        {user.role === 'system_admin' && (
          <div className="field">
            <label htmlFor={`${id}-use`}>{t('tokens.use')}</label>
            <select id={`${id}-use`} value={use} onChange={(e) => setUse(e.target.value as TokenUse)}>
              <option value="full">{t('tokens.useFull')}</option>
              <option value="fleet-node">{t('tokens.useFleetNode')}</option>
            </select>
          </div>
        )}
        {forNode && (
          <Field
            label={t('tokens.node')}
            hint={t('tokens.nodeHint')}
            required
            maxLength={200}
            pattern="[A-Z][A-Z0-9\-]*_[PS]_[A-Za-z0-9][A-Za-z0-9\-]*"
            spellCheck={false}
            autoCapitalize="characters"
            value={node}
            onChange={(e) => setNode(e.target.value)}
          />
        )}
      </div>
      <ErrorAlert error={error} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={busy || name.trim() === '' || (forNode && node.trim() === '')}>
          {t('common.create')}
        </button>
      </div>
    </form>
  );
}
