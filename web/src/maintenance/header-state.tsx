import type { User } from '../../../src/http/wire-types';
import type { MaintenancePhase } from '../../../src/maintenance/drain-plan';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router/router';
import { useDrainRun, type DrainRun } from './drain-runner';
import { useMaintenance } from './maintenance';

/** The phase to show: a drain this console carries out is Draining before the server's state says so. */
export function shownPhase(phase: MaintenancePhase, run: DrainRun): MaintenancePhase {
  return run.step === 'starting' || run.step === 'waiting' || run.step === 'finishing' ? 'draining' : phase;
}

/**
 * The system's state in the header, compact: Normal, Stopping jobs, Draining (with how many jobs are
 * left while this console drains), Read-only. For system administrators always, as a link to the
 * system state page; for other users only while it is not Normal (they see a drain as jobs stopped).
 */
export function HeaderState({ user }: { readonly user: User }) {
  const { t } = useI18n();
  const { view, phase } = useMaintenance();
  const run = useDrainRun();
  if (!view) return null;
  const shown = shownPhase(phase, run);
  const admin = user.role === 'system_admin';
  if (!admin && shown === 'normal') return null;
  const label = t(`maint.phase.${shown}`);
  const left = run.step === 'waiting' ? t('maint.headerLeft', { left: run.inFlight }) : undefined;
  const text = left ? `${label} · ${left}` : label;
  const badge = <span className={`state-badge state-badge--${shown}`}>{text}</span>;
  return admin ? (
    <Link to="/system/settings" className="header-state" title={t('maint.headerLabel', { state: text })} data-testid="header-state">
      <span className="visually-hidden">{t('maint.headerLabel', { state: '' })}</span>
      {badge}
    </Link>
  ) : (
    <span className="header-state" data-testid="header-state">
      <span className="visually-hidden">{t('maint.headerLabel', { state: '' })}</span>
      {badge}
    </span>
  );
}
