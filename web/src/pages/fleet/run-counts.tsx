import type { FleetRunView } from '../../../../src/http/wire-types';
import { StatusBadge } from '../../components/status-badge';
import { useI18n } from '../../i18n/i18n';
import { pairStateLabel } from './fleet-labels';

/** How many pairs are in each state: each state's badge (symbol and label) and its number. */
export function RunCounts({ counts }: { readonly counts: FleetRunView['counts'] }) {
  const { t } = useI18n();
  const states = ['done', 'running', 'waiting', 'failed'] as const;
  return (
    <dl className="counts" data-testid="fleet-counts">
      {states.map((state) => {
        const label = pairStateLabel(state);
        return (
          <div key={state} className="counts__item" data-count={state}>
            <dt>
              <StatusBadge outcome={label.outcome}>{t(label.key)}</StatusBadge>
            </dt>
            <dd>{counts[state]}</dd>
          </div>
        );
      })}
      <div className="counts__item" data-count="total">
        <dt>{t('fleet.total')}</dt>
        <dd>{counts.total}</dd>
      </div>
    </dl>
  );
}
