import type { UpgradePlan } from '../../../../src/http/wire-types';
import { StatusBadge } from '../../components/status-badge';
import { useI18n } from '../../i18n/i18n';
import { PHASES } from './fleet-labels';
import { PHASE_EXPLAINED, PLAN_OUTCOMES } from './fleet-plan-labels';

/**
 * A dry-run plan as the server built it: the gate (open or closed, and why), the limits the run
 * will keep, a pairs × phases table of what happens to each pair (runs, stops here — with the
 * reason — or not reached), and each pair's steps phase by phase.
 */
export function PlanView({ plan }: { readonly plan: UpgradePlan }) {
  const { t } = useI18n();
  const budget = [
    plan.failureBudget.count !== undefined ? t('fleetPlan.budgetCount', { count: plan.failureBudget.count }) : undefined,
    plan.failureBudget.percent !== undefined ? t('fleetPlan.budgetPercent', { percent: plan.failureBudget.percent }) : undefined,
  ].filter((b) => b !== undefined);
  return (
    <div className="plan" data-testid="fleet-plan">
      <dl className="facts">
        <dt>{t('fleetPlan.gate')}</dt>
        <dd data-testid="fleet-plan-gate">
          {plan.gate.expression ? <code>{plan.gate.expression}</code> : t('fleetPlan.noGate')}{' '}
          <StatusBadge outcome={plan.gate.open ? 'succeeded' : 'stopped'} data={{ 'data-gate': plan.gate.open ? 'open' : 'closed' }}>
            {plan.gate.open ? t('fleetPlan.gateOpen') : t('fleetPlan.gateClosed')}
          </StatusBadge>
        </dd>
        <dt>{t('fleetPlan.driver')}</dt>
        <dd>
          <code>{plan.driver}</code>
        </dd>
        <dt>{t('fleet.concurrency')}</dt>
        <dd>{t('fleet.concurrencyValue', { n: plan.concurrency })}</dd>
        <dt>{t('fleetPlan.failureBudget')}</dt>
        <dd>{budget.length > 0 ? budget.join(' / ') : t('fleetPlan.budgetNone')}</dd>
      </dl>
      {!plan.gate.open && (
        <p className="notice notice--warning" role="alert">
          {t('fleetPlan.gateClosedNote', { reason: plan.gate.reason ?? '' })}
        </p>
      )}
      <p className="plan__summary" data-testid="fleet-plan-summary">
        {t('fleetPlan.summary', { pairs: plan.summary.pairs, complete: plan.summary.complete, blocked: plan.summary.blocked, version: plan.version })}
      </p>
      <div className="table-scroll" role="region" aria-labelledby="fleet-plan-matrix" tabIndex={0}>
        <table className="table matrix plan__matrix" data-testid="fleet-plan-matrix">
          <caption id="fleet-plan-matrix">{t('fleetPlan.matrix')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('fleet.pair')}</th>
              {PHASES.map(({ phase, title }) => (
                <th scope="col" key={phase} className="matrix__phase">
                  <span className="matrix__phase-no">{t('fleet.phaseNo', { phase })}</span> {t(title)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {plan.pairs.map((p) => (
              <tr key={p.pair} data-pair={p.pair}>
                <th scope="row">
                  <div>{p.pair}</div>
                  <div className="meta nowrap">
                    {t('fleet.primary')} <code>{p.primary.version}</code>
                  </div>
                  <div className="meta nowrap">
                    {t('fleet.secondary')} <code>{p.secondary.version}</code>
                  </div>
                </th>
                {p.phases.map((ph) => {
                  const label = PLAN_OUTCOMES[ph.outcome];
                  return (
                    <td key={ph.phase} data-phase={ph.phase} className="matrix__cell">
                      <StatusBadge outcome={label?.outcome} data={{ 'data-outcome-plan': ph.outcome }}>
                        {label ? t(label.key) : ph.outcome}
                      </StatusBadge>
                      {ph.reason && <div className="plan__reason">{ph.reason}</div>}
                      {ph.note && <div className="meta">{ph.note}</div>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">{t('fleetPlan.stepsNote')}</p>
      {plan.pairs.map((p, i) => (
        <details key={p.pair} className="plan__pair" open={i === 0} data-pair-steps={p.pair}>
          <summary>{t('fleetPlan.stepsOf', { pair: p.pair })}</summary>
          <ol className="plan__phases">
            {p.phases.map((ph) => {
              const title = PHASES.find((x) => Number(x.phase) === ph.phase)?.title;
              const label = PLAN_OUTCOMES[ph.outcome];
              return (
                <li key={ph.phase} className="plan__phase">
                  <div className="plan__phase-head">
                    <strong>
                      {t('fleet.phaseNo', { phase: ph.phase })}
                      {title && ` — ${t(title)}`}
                    </strong>{' '}
                    <StatusBadge outcome={label?.outcome}>{label ? t(label.key) : ph.outcome}</StatusBadge>
                  </div>
                  {ph.outcome === 'run' && <p className="meta">{t(PHASE_EXPLAINED[ph.phase], { version: plan.version })}</p>}
                  {ph.reason && <p className="plan__reason">{ph.reason}</p>}
                  {ph.requires?.map((r) => (
                    <p key={r} className="meta" data-requires>
                      {t('fleetPlan.requires', { condition: r })}
                    </p>
                  ))}
                  {ph.steps.length > 0 && (
                    <ol className="plan__steps">
                      {ph.steps.map((step, n) => (
                        <li key={n}>
                          <code>{step}</code>
                        </li>
                      ))}
                    </ol>
                  )}
                  {ph.note && <p className="meta">{ph.note}</p>}
                </li>
              );
            })}
          </ol>
        </details>
      ))}
    </div>
  );
}
