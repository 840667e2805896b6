import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router/router';
import { pairStepsPath } from './fleet-plan-labels';

/** The link from a pair's row in a run's matrix to its step log. */
export function PairStepsLink({ runId, pair }: { readonly runId: string; readonly pair: string }) {
  const { t } = useI18n();
  return (
    <div className="meta">
      <Link to={pairStepsPath(runId, pair)} aria-label={t('fleetPlan.stepsLinkNamed', { pair })}>
        {t('fleetPlan.stepsLink')}
      </Link>
    </div>
  );
}
