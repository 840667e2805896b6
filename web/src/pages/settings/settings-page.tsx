import { useCallback, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { AuditEntry, ExecuteCheck, SettingView } from '../../../../src/http/wire-types';
import { ErrorAlert, SuccessNotice, type Notice } from '../../components/alerts';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PageTitle } from '../../components/page-title';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/i18n';
import { useMaintenance } from '../../maintenance/maintenance';
import { Link } from '../../router/router';
import { AuditTable } from './audit-table';
import { BannerEditor } from './banner-editor';
import { formValues, listChanges, patchBody, type Change, type Edits } from './changes';
import { useLastChanges } from './last-changes';
import { SWITCHES, SWITCH_IDS } from '../../../../src/maintenance/switches';
import { confirmLabel, SaveConfirmation } from './save-confirmation';
import { StateCard } from './state-card';
import { SwitchField } from './switch-field';

const SETTING = '/api/platform/maintenance-mode-setting';
/** The history entries the page shows (a switch's last change is looked up further back if need be). */
const AUDIT_PAGE = 50;

/**
 * System state (system administrators): the state card — Normal, Stopping jobs, Draining, Read-only,
 * with the jobs in flight and held back, "Drain and go read-only" and "Resume" — then the switches
 * with their values now and who last changed each, the banner in Japanese and English with a live
 * preview, and the announced end; a confirmation that says what saving does and is named for it
 * (naming where the jobs in flight are before read-only goes on); and the history of every change.
 */
export function SettingsPage() {
  const { t, formatTime, language } = useI18n();
  const maintenance = useMaintenance();
  const setting = useLoad(() => api<SettingView>('GET', SETTING), [], 2000);
  const audit = useLoad(() => api<AuditEntry[]>('GET', `${SETTING}/audit?limit=${AUDIT_PAGE}`), [], 5000);
  const changedBy = useLastChanges(audit.data, AUDIT_PAGE);
  const [edits, setEdits] = useState<Edits>({});
  const [confirming, setConfirming] = useState<{ changes: Change[]; check?: ExecuteCheck; checkError?: unknown } | undefined>();
  const [saveError, setSaveError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<Notice | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [drainRequested, setDrainRequested] = useState(false);
  const reloadSetting = setting.reload;
  const reloadAudit = audit.reload;
  const onChanged = useCallback(() => {
    maintenance.refresh();
    void reloadSetting();
    void reloadAudit();
  }, [maintenance, reloadSetting, reloadAudit]);
  const onDrainRequestHandled = useCallback(() => setDrainRequested(false), []);

  const current = setting.data;
  if (!current) {
    return (
      <>
        <PageTitle>{t('settings.title')}</PageTitle>
        {setting.error ? <ErrorAlert error={setting.error} /> : <p>{t('common.loading')}</p>}
      </>
    );
  }
  const values = formValues(current, edits);
  const changes = listChanges(current, edits);
  const edit = (e: Edits) => {
    setSaved(undefined);
    setEdits((prev) => ({ ...prev, ...e, switches: { ...prev.switches, ...e.switches }, messages: { ...prev.messages, ...e.messages } }));
  };

  const review = async (e: FormEvent) => {
    e.preventDefault();
    setSaveError(undefined);
    if (!changes.some((c) => c.kind === 'switch')) return setConfirming({ changes });
    // A switch changes: say what it catches in flight (read-only on) or lets start (jobs on), read now.
    try {
      setConfirming({ changes, check: await api<ExecuteCheck>('GET', '/api/ita/backyard-execute-check/') });
    } catch (err) {
      setConfirming({ changes, checkError: err });
    }
  };

  const save = async () => {
    if (!confirming) return;
    setBusy(true);
    setSaveError(undefined);
    try {
      await api<null>('PATCH', SETTING, patchBody(confirming.changes, values));
      setConfirming(undefined);
      setEdits({});
      setSaved({ key: 'settings.saved' });
      maintenance.refresh();
      await Promise.all([setting.reload(), audit.reload()]);
    } catch (err) {
      setSaveError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>{t('settings.title')}</PageTitle>
      <p className="lead">
        {t('settings.lead')} <Link to="/system/backyard">{t('settings.leadLink')}</Link>
      </p>
      <StateCard setting={current} audit={audit.data} onChanged={onChanged} drainRequested={drainRequested} onDrainRequestHandled={onDrainRequestHandled} />
      <form className="form panel" onSubmit={(e) => void review(e)} aria-labelledby="settings-switches">
        <h2 id="settings-switches">{t('settings.switches')}</h2>
        {SWITCH_IDS.map((id) => (
          <SwitchField
            key={id}
            label={SWITCHES[id].console.label[language]}
            description={SWITCHES[id].console.help[language]}
            current={current[id] === '1'}
            checked={values.switches[id]}
            changed={changedBy[id]}
            onChange={(on) => edit({ switches: { [id]: on } })}
          />
        ))}
        <h2>{t('settings.bannerSection')}</h2>
        <BannerEditor values={values} edit={edit} />
        <p className="meta">{t('settings.lastChange', { user: current.last_update_user, time: formatTime(current.last_update_timestamp) })}</p>
        <SuccessNotice notice={saved} />
        {setting.error !== undefined && <ErrorAlert error={setting.error} />}
        <div className="actions">
          <button type="submit" className="button button--primary" disabled={changes.length === 0}>
            {t('settings.review')}
          </button>
          <button type="button" className="button" disabled={changes.length === 0} onClick={() => setEdits({})}>
            {t('settings.discardEdits')}
          </button>
        </div>
      </form>

      <section className="panel" aria-labelledby="audit-title">
        <h2 id="audit-title">{t('audit.title')}</h2>
        {audit.error !== undefined && <ErrorAlert error={audit.error} />}
        {audit.data && <AuditTable entries={audit.data} />}
      </section>

      <ConfirmDialog
        open={confirming !== undefined}
        title={t('confirm.title')}
        confirmLabel={confirming ? confirmLabel(confirming.changes, t, language) : ''}
        danger={confirming?.changes.some((c) => c.kind === 'switch' && c.on)}
        busy={busy}
        onConfirm={() => void save()}
        onCancel={() => setConfirming(undefined)}
      >
        {confirming && (
          <SaveConfirmation
            changes={confirming.changes}
            next={values.switches}
            check={confirming.check}
            checkError={confirming.checkError}
            saveError={saveError}
            onDrainInstead={() => {
              setConfirming(undefined);
              setEdits((prev) => ({ ...prev, switches: {} }));
              setDrainRequested(true);
            }}
          />
        )}
      </ConfirmDialog>
    </>
  );
}
