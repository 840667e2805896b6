import type { ExecuteCheck } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { useI18n, type Translate } from '../../i18n/i18n';
import type { Language } from '../../i18n/language';
import { SWITCHES, claimsStopped, type SwitchValues } from '../../../../src/maintenance/switches';
import { turnsWritesOff, type Change } from './changes';
import { InFlightWhere } from './jobs-where';

interface SaveConfirmationProps {
  readonly changes: readonly Change[];
  /** The switches as the form would save them. */
  readonly next: SwitchValues;
  /** The execute-check read when the dialog opened (when a switch changes). */
  readonly check: ExecuteCheck | undefined;
  readonly checkError: unknown;
  readonly saveError: unknown;
  /** Opens the drain's confirmation instead (offered when read-only mode would catch jobs in flight). */
  readonly onDrainInstead: () => void;
}

/**
 * The confirmation's button, named for what it does: a switch's own words when one switch changes
 * ("Turn read-only on", 「読み取り専用モードにする」), "Change the switches" for several, "Save the
 * banner" when only the banner changes.
 */
export function confirmLabel(changes: readonly Change[], t: Translate, language: Language): string {
  const switches = changes.flatMap((c) => (c.kind === 'switch' ? [c] : []));
  const [only] = switches;
  if (switches.length === 1 && only) return SWITCHES[only.id].console[only.on ? 'turnOnButton' : 'turnOffButton'][language];
  return t(switches.length > 1 ? 'maint.changeSwitches' : 'maint.saveBanner');
}

/** One change as the confirmation explains it. */
function explain(c: Change, t: Translate, language: Language, formatTime: (iso: string) => string): string {
  switch (c.kind) {
    case 'switch':
      return SWITCHES[c.id].console[c.on ? 'turnOn' : 'turnOff'][language];
    case 'message':
      return t('confirm.message', { language: t(`maint.lang.${c.language}`), value: c.value });
    case 'messageCleared':
      return t('confirm.messageCleared', { language: t(`maint.lang.${c.language}`) });
    case 'end':
      return t('confirm.end', { value: formatTime(c.value) });
    case 'endCleared':
      return t('confirm.endCleared');
  }
}

/**
 * What saving will do, change by change; before read-only mode goes on, the jobs it would catch in
 * flight, where they are (organization and workspace), and the drain instead; when server-side jobs
 * go back on, how many held-back jobs then start.
 */
export function SaveConfirmation({ changes, next, check, checkError, saveError, onDrainInstead }: SaveConfirmationProps) {
  const { t, formatTime, language } = useI18n();
  const readOnlyOn = turnsWritesOff(changes);
  const switchChanges = changes.some((c) => c.kind === 'switch');
  const inFlight = check?.execute_count ?? 0;
  const jobsStart = changes.some((c) => c.kind === 'switch' && !c.on && SWITCHES[c.id].effects.stopsClaims) && !claimsStopped(next);
  return (
    <>
      <p>{t('confirm.intro')}</p>
      <ul className="change-list">
        {changes.map((c) => (
          <li key={c.kind === 'switch' ? c.id : 'language' in c ? `${c.kind}-${c.language}` : c.kind}>{explain(c, t, language, formatTime)}</li>
        ))}
      </ul>
      {switchChanges && checkError !== undefined && (
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
          <InFlightWhere check={check} testId="in-flight-where" />
          <p>{t('confirm.inFlightAdvice')}</p>
          <p>
            <button type="button" className="button" onClick={onDrainInstead}>
              {t('maint.drainInstead')}
            </button>
          </p>
        </div>
      )}
      {readOnlyOn && check && inFlight === 0 && <p className="notice notice--info">{t('confirm.nothingInFlight')}</p>}
      {jobsStart && check && check.held_back_count > 0 && <p className="notice notice--info">{t('maint.heldBackStart', { count: check.held_back_count })}</p>}
      <ErrorAlert error={saveError} />
    </>
  );
}
