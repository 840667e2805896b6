import type { AuditEntry } from '../../../../src/http/wire-types';
import { useI18n, type Language, type Translate } from '../../i18n/i18n';
import { SWITCHES, SWITCH_IDS } from '../../../../src/maintenance/switches';
import { TableScroll } from '../../components/table-scroll';

type State = AuditEntry['after'];

/**
 * "Read-only mode: off → on; banner message (Japanese): …; drain started …" for one audit entry. An
 * entry written before a switch or a field existed does not name it: a switch was off, a field
 * unchanged.
 */
function describe(before: State, after: State, t: Translate, language: Language, formatTime: (iso: string | null) => string): string[] {
  const onOff = (v: boolean | undefined) => (v ? t('settings.on') : t('settings.off'));
  const lines: string[] = [];
  for (const id of SWITCH_IDS) {
    if ((before[id] ?? false) !== (after[id] ?? false)) lines.push(`${SWITCHES[id].console.label[language]}: ${onOff(before[id])} → ${onOff(after[id])}`);
  }
  const perLanguage = (['ja', 'en'] as const).filter((l) => `message_${l}` in after && (before[`message_${l}`] ?? null) !== after[`message_${l}`]);
  for (const l of perLanguage) {
    lines.push(`${t('maint.messageIn', { language: t(`maint.lang.${l}`) })}: ${after[`message_${l}`] ?? t('audit.none')}`);
  }
  // Exastro's message follows the per-language ones: said only when it changed alone.
  if (before.message !== after.message && perLanguage.length === 0) lines.push(`${t('settings.message')}: ${after.message ?? t('audit.none')}`);
  if ('drain_prior' in before && 'drain_prior' in after && !before.drain_prior !== !after.drain_prior) {
    const prior = after.drain_prior;
    const on = prior ? SWITCH_IDS.filter((id) => prior[id]).map((id) => SWITCHES[id].console.label[language]) : [];
    lines.push(
      prior
        ? t('maint.auditDrainStarted', { switches: on.length ? on.join(t('banner.switchesJoin')) : t('maint.auditNothingOn') })
        : t('maint.auditDrainEnded'),
    );
  }
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
