import type { ExecuteCheck, SettingView } from '../../../../src/http/wire-types';
import { DRAIN_SWITCHES, resumePlan } from '../../../../src/maintenance/drain-plan';
import { SWITCHES, claimsStopped, fromFlags } from '../../../../src/maintenance/switches';
import { useI18n } from '../../i18n/i18n';
import { InFlightWhere } from './jobs-where';

/**
 * What "Drain and go read-only" will do, step by step (as `drydock drain --read-only`), with where
 * the jobs it will wait for are now and where the held-back ones are.
 */
export function DrainConfirmation({ setting, check }: { readonly setting: SettingView; readonly check: ExecuteCheck | undefined }) {
  const { t } = useI18n();
  const alreadyStopped = DRAIN_SWITCHES.beforeWait.every((id) => setting[id] === '1');
  const inFlight = check?.execute_count ?? 0;
  return (
    <div data-testid="drain-confirmation">
      <p>{t('maint.drainIntro')}</p>
      <ol className="change-list">
        <li>{t(alreadyStopped ? 'maint.drainStopAlready' : 'maint.drainStop')}</li>
        <li>{t('maint.drainWait')}</li>
        <li>{t('maint.drainReadOnly')}</li>
      </ol>
      {check && inFlight > 0 && (
        <div className="notice notice--warning" data-testid="drain-in-flight">
          <p>
            <strong>{t('maint.inFlightWhere', { count: inFlight })}</strong>
          </p>
          <InFlightWhere check={check} />
        </div>
      )}
      {check && inFlight === 0 && <p className="notice notice--info">{t('maint.nothingInFlight')}</p>}
      {check && check.held_back_count > 0 && <p>{t('maint.heldBackWhere', { count: check.held_back_count })}</p>}
      <p className="meta">{t('maint.drainResumeNote')}</p>
    </div>
  );
}

/**
 * What "Resume" will do: the plan `drydock resume` follows (drain-plan.ts), switch by switch — turned
 * off, or left on because it was on before the drain — and the held-back jobs that then start.
 */
export function ResumeConfirmation({ setting, check }: { readonly setting: SettingView; readonly check: ExecuteCheck | undefined }) {
  const { t, language } = useI18n();
  const plan = resumePlan(setting);
  const after = fromFlags({ ...setting, ...Object.fromEntries(plan.steps.filter((s) => s.status === 'Success').map((s) => [s.id, '0'])) });
  const heldBack = check?.held_back_count ?? 0;
  const jobsStart = claimsStopped(fromFlags(setting)) && !claimsStopped(after);
  return (
    <div data-testid="resume-confirmation">
      <p>{t('maint.resumeIntro')}</p>
      <ul className="change-list">
        {plan.steps.map((s) =>
          s.status === 'Success' ? (
            <li key={s.id}>{SWITCHES[s.id].console.turnOff[language]}</li>
          ) : s.status === 'NotExecuted' ? (
            <li key={s.id}>{t('maint.resumeKeep', { label: SWITCHES[s.id].console.label[language] })}</li>
          ) : null,
        )}
        {setting.drain_prior ? <li>{t('maint.resumeForget')}</li> : <li>{t('maint.resumeNoDrain')}</li>}
      </ul>
      {jobsStart && heldBack > 0 && <p className="notice notice--info">{t('maint.heldBackStart', { count: heldBack })}</p>}
    </div>
  );
}
