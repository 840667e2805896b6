import type { AuditEntry } from '../../../../src/http/wire-types';
import { useI18n, type Language, type Translate } from '../../i18n/i18n';
import { SWITCHES, SWITCH_IDS } from '../../../../src/maintenance/switches';
import { TableScroll } from '../../components/table-scroll';

type State = AuditEntry['after'];

/** "Read-only mode: off → on; message: …" for one audit entry. */
function describe(before: State, after: State, t: Translate, language: Language, formatTime: (iso: string | null) => string): string[] {
  // An entry written before a switch existed does not name it: off.
  const onOff = (v: boolean | undefined) => (v ? t('settings.on') : t('settings.off'));
  const lines: string[] = [];
  for (const id of SWITCH_IDS) {
    if (before[id] !== after[id]) lines.push(`${SWITCHES[id].console.label[language]}: ${onOff(before[id])} → ${onOff(after[id])}`);
  }
  if (before.message !== after.message) lines.push(`${t('settings.message')}: ${after.message ?? t('audit.none')}`);
  if (before.announced_end !== after.announced_end) {
    lines.push(`${t('settings.announcedEnd')}: ${after.announced_end ? formatTime(after.announced_end) : t('audit.none')}`);
  }
  return lines.length > 0 ? lines : [t('audit.noChange')];
}

/** Who changed the maintenance settings, when, and what, newest first. */
export function AuditTable({ entries }: { readonly entries: readonly AuditEntry[] }) {
  const { t, formatTime, language } = useI18n();
  if (entries.length === 0) return <p>{t('audit.empty')}</p>;
  return (
    <TableScroll label={t('audit.title')}>
      <table className="table table--cards">
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
              <td data-label={t('audit.when')} className="nowrap">
                {formatTime(e.changed_at)}
              </td>
              <td data-label={t('audit.who')}>{e.changed_by}</td>
              <td data-label={t('audit.what')}>
                {describe(e.before, e.after, t, language, formatTime).map((line, i) => (
                  <div key={i}>{line}</div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
