import { useState } from 'react';
import { api, seg } from '../../api/client';
import type { NodeRegistration } from '../../../../src/http/wire-types';
import { ErrorAlert, SuccessNotice, type Notice } from '../../components/alerts';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DataList } from '../../components/data-list';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/i18n';

/** How often the registrations are read again: agents announce every 30 s by default. */
const NODES_POLL_MS = 5000;

/**
 * The nodes that registered themselves (system administrators): each as its agent last announced
 * it — the address the drivers use, the version it reports, its health, when it was last seen — and
 * Forget, which removes a node's registration and its pair after a confirmation (the API refuses
 * while a run of its environment is open, and a running agent registers it again).
 */
export function FleetRegisteredNodes() {
  const { t, formatTime } = useI18n();
  const nodes = useLoad(() => api<NodeRegistration[]>('GET', '/api/platform/fleet/nodes'), [], NODES_POLL_MS);
  const [forgetting, setForgetting] = useState<NodeRegistration | undefined>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const forget = async () => {
    if (!forgetting) return;
    setBusy(true);
    setError(undefined);
    try {
      const done = await api<{ node: string; removedPair: string | null }>('DELETE', `/api/platform/fleet/nodes/${seg(forgetting.node)}`);
      setNotice(
        done.removedPair
          ? { key: 'fleetNodes.forgottenWithPair', params: { node: done.node, pair: done.removedPair } }
          : { key: 'fleetNodes.forgotten', params: { node: done.node } },
      );
      setForgetting(undefined);
      void nodes.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="fleet-nodes-title">
      <h2 id="fleet-nodes-title">{t('fleetNodes.title')}</h2>
      <p className="hint">{t('fleetNodes.lead')}</p>
      <SuccessNotice notice={notice} />
      <DataList
        result={nodes}
        empty={
          <>
            {t('fleetNodes.empty')} <code>drydock fleet agent --token ddn_… --name PROD_P_017 --address http://…</code>
          </>
        }
        labelledBy="fleet-nodes-title"
        testId="fleet-nodes"
        columns={[
          t('fleetNodes.node'),
          t('fleet.pair'),
          t('fleetNodes.address'),
          t('fleetNodes.reportedVersion'),
          t('fleetNodes.health'),
          t('fleetNodes.lastSeen'),
          t('common.actions'),
        ]}
      >
        {(items) =>
          items.map((n) => (
            <tr key={n.node} data-node={n.node}>
              <th scope="row">
                <code>{n.node}</code>
                <div className="meta">{n.role === 'P' ? t('fleet.primary') : t('fleet.secondary')}</div>
              </th>
              <td data-label={t('fleet.pair')}>{n.pair}</td>
              <td data-label={t('fleetNodes.address')}>
                <code>{n.address}</code>
              </td>
              <td data-label={t('fleetNodes.reportedVersion')}>
                <code>{n.reportedVersion}</code>
              </td>
              <td data-label={t('fleetNodes.health')}>
                <span className={`node-health node-health--${n.health ?? 'unknown'}`} data-health={n.health ?? 'unknown'}>
                  <span aria-hidden="true">{n.health === 'healthy' ? '● ' : n.health === 'unhealthy' ? '✗ ' : '○ '}</span>
                  {n.health === 'healthy' ? t('fleetNodes.healthy') : n.health === 'unhealthy' ? t('fleetNodes.unhealthy') : t('fleetNodes.notReported')}
                </span>
                {n.healthDetail && <div className="meta">{n.healthDetail}</div>}
              </td>
              <td data-label={t('fleetNodes.lastSeen')} className="nowrap">
                {formatTime(n.lastSeenAt)}
              </td>
              <td className="row-actions">
                <button
                  type="button"
                  className="button button--danger"
                  aria-label={t('fleetNodes.forgetNamed', { node: n.node })}
                  onClick={() => {
                    setError(undefined);
                    setForgetting(n);
                  }}
                >
                  {t('fleetNodes.forget')}
                </button>
              </td>
            </tr>
          ))
        }
      </DataList>
      <ConfirmDialog
        open={forgetting !== undefined}
        title={t('fleetNodes.forgetTitle', { node: forgetting?.node ?? '' })}
        confirmLabel={t('fleetNodes.forget')}
        danger
        busy={busy}
        onConfirm={() => void forget()}
        onCancel={() => setForgetting(undefined)}
      >
        <p>{t('fleetNodes.forgetWarning', { pair: forgetting?.pair ?? '' })}</p>
        <ErrorAlert error={error} />
      </ConfirmDialog>
    </section>
  );
}
