import type { AuditEntry } from '../../api/types';
import { useI18n, type Translate } from '../../i18n/i18n';

type State = AuditEntry['after'];

/** "Read-only: off → on; message: …" for one audit entry. */
function describe(before: State, after: State, t: Translate, formatTime: (iso: string | null) => string): string[] {
  const onOff = (v: boolean) => (v ? t('settings.on') : t('settings.off'));
  const lines: string[] = [];
  if (before.backyard_execute_stop !== after.backyard_execute_stop) {
    lines.push(`${t('settings.jobs')}: ${onOff(before.backyard_execute_stop)} → ${onOff(after.backyard_execute_stop)}`);
  }
  if (before.data_update_stop !== after.data_update_stop) {
    lines.push(`${t('settings.readOnly')}: ${onOff(before.data_update_stop)} → ${onOff(after.data_update_stop)}`);
  }
  if (before.message !== after.message) lines.push(`${t('settings.message')}: ${after.message ?? t('audit.none')}`);
  if (before.announced_end !== after.announced_end) {
    lines.push(`${t('settings.announcedEnd')}: ${after.announced_end ? formatTime(after.announced_end) : t('audit.none')}`);
  }
  return lines.length > 0 ? lines : [t('audit.noChange')];
}

/** Who changed the maintenance settings, when, and what, newest first. */
export function AuditTable({ entries }: { readonly entries: readonly AuditEntry[] }) {
  const { t, formatTime } = useI18n();
  if (entries.length === 0) return <p>{t('audit.empty')}</p>;
  return (
    <table className="table">
      <caption className="visually-hidden">{t('audit.title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('audit.when')}</th>
          <th scope="col">{t('audit.who')}</th>
          <th scope="col">{t('audit.what')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id}>
            <td className="nowrap">{formatTime(e.changed_at)}</td>
            <td>{e.changed_by}</td>
            <td>
              {describe(e.before, e.after, t, formatTime).map((line, i) => (
                <div key={i}>{line}</div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
