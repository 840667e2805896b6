import type { ExecuteCheck } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages.en';
import { SWITCHES } from '../../../../src/maintenance/switches';
import { turnsWritesOff, type Change } from './changes';

/** The line for a change of the banner (a switch's line is its own: src/maintenance/switches.ts). */
const EXPLAIN: Record<Exclude<Change['kind'], 'switch'>, MessageKey> = {
  message: 'confirm.message',
  messageCleared: 'confirm.messageCleared',
  end: 'confirm.end',
  endCleared: 'confirm.endCleared',
};

interface SaveConfirmationProps {
  readonly changes: readonly Change[];
  /** The execute-check read when the dialog opened (for turning read-only on). */
  readonly check: ExecuteCheck | undefined;
  readonly checkError: unknown;
  readonly saveError: unknown;
}

/** What saving will do, change by change, and a warning when read-only mode would catch jobs in flight. */
export function SaveConfirmation({ changes, check, checkError, saveError }: SaveConfirmationProps) {
  const { t, formatTime, language } = useI18n();
  const readOnlyOn = turnsWritesOff(changes);
  const inFlight = check?.execute_count ?? 0;
  return (
    <>
      <p>{t('confirm.intro')}</p>
      <ul className="change-list">
        {changes.map((c) => (
          <li key={c.kind === 'switch' ? c.id : c.kind}>
            {c.kind === 'switch'
              ? SWITCHES[c.id].console[c.on ? 'turnOn' : 'turnOff'][language]
              : 'value' in c
                ? t(EXPLAIN[c.kind], { value: c.kind === 'end' ? formatTime(c.value) : c.value })
                : t(EXPLAIN[c.kind])}
          </li>
        ))}
      </ul>
      {readOnlyOn && checkError !== undefined && (
        <>
          <p className="notice notice--warning">{t('confirm.checkFailed')}</p>
          <ErrorAlert error={checkError} />
        </>
      )}
      {readOnlyOn && check && inFlight > 0 && (
        <div className="notice notice--warning" role="alert" data-testid="in-flight-warning">
          <p>
            <strong>{t('confirm.inFlight', { count: inFlight })}</strong>
          </p>
          <p>{t('confirm.inFlightAdvice')}</p>
        </div>
      )}
      {readOnlyOn && check && inFlight === 0 && <p className="notice notice--info">{t('confirm.nothingInFlight')}</p>}
      <ErrorAlert error={saveError} />
    </>
  );
}
