import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { AuditEntry, ExecuteCheck, SettingView } from '../../../../src/http/wire-types';
import { ErrorAlert, SuccessNotice, type Notice } from '../../components/alerts';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Field } from '../../components/field';
import { PageTitle } from '../../components/page-title';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/i18n';
import { useMaintenance } from '../../maintenance/maintenance';
import { Link } from '../../router/router';
import { AuditTable } from './audit-table';
import { formValues, lastChange, listChanges, patchBody, turnsWritesOff, type Change, type Edits } from './changes';
import { SWITCHES, SWITCH_IDS } from '../../../../src/maintenance/switches';
import { SaveConfirmation } from './save-confirmation';
import { SwitchField } from './switch-field';

const SETTING = '/api/platform/maintenance-mode-setting';
const MESSAGE_MAX = 1000;

/**
 * System state settings (system administrators): the switches with their values now and who
 * changed them, the banner message and announced end, a confirmation that says what saving does
 * (naming the jobs still in flight before read-only goes on), and the audit of every change.
 */
export function SettingsPage() {
  const { t, formatTime, language } = useI18n();
  const maintenance = useMaintenance();
  const setting = useLoad(() => api<SettingView>('GET', SETTING), [], 2000);
  const audit = useLoad(() => api<AuditEntry[]>('GET', `${SETTING}/audit?limit=50`), [], 5000);
  const [edits, setEdits] = useState<Edits>({});
  const [confirming, setConfirming] = useState<{ changes: Change[]; check?: ExecuteCheck; checkError?: unknown } | undefined>();
  const [saveError, setSaveError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<Notice | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const messageId = useId();

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
    setEdits((prev) => ({ ...prev, ...e, switches: { ...prev.switches, ...e.switches } }));
  };

  const review = async (e: FormEvent) => {
    e.preventDefault();
    setSaveError(undefined);
    if (!turnsWritesOff(changes)) return setConfirming({ changes });
    // Turning read-only on: say how many jobs it would catch in flight, read now.
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
      await api<null>('PATCH', SETTING, patchBody(confirming.changes));
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
      <form className="form panel" onSubmit={(e) => void review(e)} aria-labelledby="settings-switches">
        <h2 id="settings-switches">{t('settings.switches')}</h2>
        {SWITCH_IDS.map((id) => (
          <SwitchField
            key={id}
            label={SWITCHES[id].console.label[language]}
            description={SWITCHES[id].console.help[language]}
            current={current[id] === '1'}
            checked={values.switches[id]}
            changed={lastChange(audit.data, id)}
            onChange={(on) => edit({ switches: { [id]: on } })}
          />
        ))}
        <h2>{t('settings.bannerSection')}</h2>
        <div className="field">
          <label htmlFor={messageId}>{t('settings.message')}</label>
          <textarea
            id={messageId}
            rows={3}
            maxLength={MESSAGE_MAX}
            value={values.message}
            aria-describedby={`${messageId}-hint`}
            onChange={(e) => edit({ message: e.target.value })}
          />
          <p className="hint" id={`${messageId}-hint`}>
            {t('settings.messageHelp', { used: values.message.length, max: MESSAGE_MAX })}
          </p>
        </div>
        <Field
          label={t('settings.announcedEnd')}
          hint={t('settings.announcedEndHelp')}
          type="datetime-local"
          value={values.announcedEnd}
          onChange={(e) => edit({ announcedEnd: e.target.value })}
        />
        <p className="meta">
          {current.last_update_user
            ? t('settings.lastChange', { user: current.last_update_user, time: formatTime(current.last_update_timestamp) })
            : t('settings.neverChanged')}
        </p>
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
        confirmLabel={t('confirm.apply')}
        danger={confirming?.changes.some((c) => c.kind === 'switch' && c.on)}
        busy={busy}
        onConfirm={() => void save()}
        onCancel={() => setConfirming(undefined)}
      >
        {confirming && <SaveConfirmation changes={confirming.changes} check={confirming.check} checkError={confirming.checkError} saveError={saveError} />}
      </ConfirmDialog>
    </>
  );
}
