import { useState } from 'react';
import { api, seg } from '../../api/client';
import type { IssuedToken, Token } from '../../../../src/http/wire-types';
import { ErrorAlert, SuccessNotice, type Notice } from '../../components/alerts';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PageTitle } from '../../components/page-title';
import { DataList } from '../../components/data-list';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/i18n';
import { IssuedTokenPanel } from './issued-token';
import { TokenCreateForm } from './token-create-form';

/**
 * A token's state now: usable, past its expiry, revoked, or refused by this release — a node token
 * issued before tokens named their node, or a scope a newer release issued (listed with no node).
 */
function tokenState(token: Token, now: number): 'active' | 'expired' | 'revoked' | 'refused' {
  if (token.revoked_at) return 'revoked';
  if (token.expires_at && Date.parse(token.expires_at) <= now) return 'expired';
  if (token.scope !== null && token.node === null) return 'refused';
  return 'active';
}

/**
 * The signed-in user's own API tokens (every user): create one with a name and an expiry — its
 * secret is shown once, with a copy button — and revoke one after a confirmation. Token issue and
 * revocation work in read-only mode too (the API allows them), so nothing here is disabled then.
 */
export function TokensPage() {
  const { t, formatTime } = useI18n();
  const tokens = useLoad(() => api<Token[]>('GET', '/api/auth/tokens'), []);
  const [issued, setIssued] = useState<IssuedToken | undefined>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [revoking, setRevoking] = useState<Token | undefined>(undefined);
  const [revokeError, setRevokeError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const now = Date.now();

  const revoke = async () => {
    if (!revoking) return;
    setBusy(true);
    setRevokeError(undefined);
    try {
      await api('DELETE', `/api/auth/tokens/${seg(revoking.id)}`);
      setNotice({ key: 'tokens.revoked', params: { name: revoking.name } });
      setRevoking(undefined);
      void tokens.reload();
    } catch (err) {
      setRevokeError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>{t('tokens.title')}</PageTitle>
      <p className="lead">{t('tokens.lead')}</p>
      <SuccessNotice notice={notice} />
      {issued ? (
        <IssuedTokenPanel token={issued} onDone={() => setIssued(undefined)} />
      ) : (
        <TokenCreateForm
          onCreated={(token) => {
            setNotice(undefined);
            setIssued(token);
            void tokens.reload();
          }}
        />
      )}
      <section className="panel" aria-labelledby="tokens-list-title">
        <h2 id="tokens-list-title">{t('tokens.list')}</h2>
        <DataList
          result={tokens}
          empty={t('tokens.empty')}
          labelledBy="tokens-list-title"
          testId="tokens"
          columns={[t('tokens.name'), t('tokens.created'), t('tokens.expires'), t('tokens.state'), t('common.actions')]}
        >
          {(list) =>
            list.map((token) => {
              const state = tokenState(token, now);
              return (
                <tr key={token.id} data-token={token.name} className={state === 'active' ? undefined : 'token-row--inactive'}>
                  <th scope="row">
                    {token.name}
                    {token.node && <span className="token-node">{t('tokens.fleetNodeOf', { node: token.node })}</span>}
                    {token.scope === 'fleet-node' && !token.node && <span className="token-node">{t('tokens.unboundNode')}</span>}
                  </th>
                  <td data-label={t('tokens.created')} className="nowrap">
                    {formatTime(token.created_at)}
                  </td>
                  <td data-label={t('tokens.expires')} className="nowrap">
                    {token.expires_at ? formatTime(token.expires_at) : t('tokens.never')}
                  </td>
                  <td data-label={t('tokens.state')}>
                    <span className={`token-state token-state--${state}`}>
                      <span aria-hidden="true">{state === 'active' ? '● ' : '○ '}</span>
                      {state === 'active'
                        ? t('tokens.active')
                        : state === 'expired'
                          ? t('tokens.expired')
                          : state === 'refused'
                            ? t('tokens.refused')
                            : t('tokens.revokedAt', { time: formatTime(token.revoked_at) })}
                    </span>
                  </td>
                  <td className="row-actions">
                    {(state === 'active' || state === 'refused') && (
                      <button
                        type="button"
                        className="button button--danger"
                        aria-label={t('tokens.revokeNamed', { name: token.name })}
                        onClick={() => {
                          setRevokeError(undefined);
                          setRevoking(token);
                        }}
                      >
                        {t('tokens.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })
          }
        </DataList>
      </section>
      <ConfirmDialog
        open={revoking !== undefined}
        title={t('tokens.revokeTitle', { name: revoking?.name ?? '' })}
        confirmLabel={t('tokens.revoke')}
        danger
        busy={busy}
        onConfirm={() => void revoke()}
        onCancel={() => setRevoking(undefined)}
      >
        <p>{t('tokens.revokeWarning')}</p>
        <ErrorAlert error={revokeError} />
      </ConfirmDialog>
    </>
  );
}
