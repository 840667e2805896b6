import { useId, useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { StatusDefinition, VersionChanged, VersionStatuses } from '../../../../src/http/wire-types';
import { ErrorAlert, SuccessNotice, type Notice } from '../../components/alerts';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Field } from '../../components/field';
import { TableScroll } from '../../components/table-scroll';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/i18n';
import { FleetStatusCatalogue } from './fleet-status-catalogue';

/** How often the statuses are read again: a run adds its phase's status when a phase completes. */
const VERSIONS_POLL_MS = 5000;

/**
 * The statuses each version carries (system administrators), who added each and when; add a status
 * to a version (an existing one or a new one: a sign-off such as `QA_OK` that opens a gate) and
 * remove one after a confirmation, through `PATCH /api/platform/fleet/versions/{version}`. The
 * status catalogue is shown below them; only its statuses may be added (they are offered as you type).
 */
export function FleetVersions() {
  const { t, formatTime } = useI18n();
  const id = useId();
  const versions = useLoad(() => api<VersionStatuses[]>('GET', '/api/platform/fleet/versions'), [], VERSIONS_POLL_MS);
  const catalogue = useLoad(() => api<StatusDefinition[]>('GET', '/api/platform/fleet/statuses'), [], VERSIONS_POLL_MS);
  const [version, setVersion] = useState('');
  const [status, setStatus] = useState('');
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<{ readonly version: string; readonly status: string } | undefined>(undefined);
  const [removeError, setRemoveError] = useState<unknown>(undefined);

  const change = async (v: string, body: { add?: string[]; remove?: string[] }): Promise<void> => {
    const changed = await api<VersionChanged>('PATCH', `/api/platform/fleet/versions/${seg(v)}`, body);
    setNotice({ key: 'fleetPlan.statusesChanged', params: { version: changed.version, statuses: changed.statuses.join(', ') || t('users.none') } });
    await versions.reload();
  };

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await change(version.trim(), { add: [status.trim()] });
      setStatus('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!removing) return;
    setBusy(true);
    setRemoveError(undefined);
    setNotice(undefined);
    try {
      await change(removing.version, { remove: [removing.status] });
      setRemoving(undefined);
    } catch (err) {
      setRemoveError(err);
    } finally {
      setBusy(false);
    }
  };

  const heading = `${id}-title`;
  return (
    <section className="panel" aria-labelledby={heading} data-testid="fleet-versions">
      <h2 id={heading}>{t('fleetPlan.versionsTitle')}</h2>
      <p className="hint">{t('fleetPlan.versionsLead')}</p>
      <SuccessNotice notice={notice} />
      <ErrorAlert error={versions.error} />
      {versions.data?.length === 0 && <p>{t('fleetPlan.noVersions')}</p>}
      {versions.data && versions.data.length > 0 && (
        <TableScroll labelledBy={heading}>
          <table className="table table--cards">
            <thead>
              <tr>
                <th scope="col">{t('fleet.version')}</th>
                <th scope="col">{t('fleetPlan.status')}</th>
              </tr>
            </thead>
            <tbody>
              {versions.data.map((v) => (
                <tr key={v.version} data-version={v.version}>
                  <th scope="row">
                    <code>{v.version}</code>
                  </th>
                  <td data-label={t('fleetPlan.status')}>
                    <ul className="version-statuses">
                      {v.statuses.map((s) => (
                        <li key={s.status} className="version-status" data-status={s.status}>
                          <code className="version-status__name">{s.status}</code>{' '}
                          <span className="meta">{t('fleetPlan.statusAdded', { user: s.addedBy, time: formatTime(s.addedAt) })}</span>{' '}
                          <button
                            type="button"
                            className="button button--danger version-status__remove"
                            aria-label={t('fleetPlan.removeStatus', { status: s.status, version: v.version })}
                            onClick={() => {
                              setRemoveError(undefined);
                              setRemoving({ version: v.version, status: s.status });
                            }}
                          >
                            {t('fleetPlan.remove')}
                          </button>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <form className="form version-add" onSubmit={(e) => void add(e)} aria-labelledby={`${id}-add`}>
        <h3 id={`${id}-add`}>{t('fleetPlan.addStatus')}</h3>
        <div className="grid">
          <Field
            label={t('fleet.version')}
            hint={t('fleetPlan.versionHint')}
            required
            list={`${id}-known`}
            autoComplete="off"
            spellCheck={false}
            value={version}
            onChange={(e) => setVersion(e.target.value)}
          />
          <Field
            label={t('fleetPlan.status')}
            hint={t('fleetPlan.statusHint')}
            required
            list={`${id}-statuses`}
            autoComplete="off"
            spellCheck={false}
            value={status}
            onChange={(e) => setStatus(e.target.value)}
          />
        </div>
        <datalist id={`${id}-known`}>
          {versions.data?.map((v) => (
            <option key={v.version} value={v.version} />
          ))}
        </datalist>
        <datalist id={`${id}-statuses`}>
          {catalogue.data?.map((s) => (
            <option key={s.name} value={s.name} />
          ))}
        </datalist>
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="submit" className="button" disabled={busy || version.trim() === '' || status.trim() === ''}>
            {t('fleetPlan.add')}
          </button>
        </div>
      </form>
      <FleetStatusCatalogue catalogue={catalogue.data} error={catalogue.error} />
      <ConfirmDialog
        open={removing !== undefined}
        title={t('fleetPlan.removeTitle', { status: removing?.status ?? '', version: removing?.version ?? '' })}
        confirmLabel={t('fleetPlan.remove')}
        danger
        busy={busy}
        onConfirm={() => void remove()}
        onCancel={() => setRemoving(undefined)}
      >
        <p>{t('fleetPlan.removeWarning')}</p>
        <ErrorAlert error={removeError} />
      </ConfirmDialog>
    </section>
  );
}
