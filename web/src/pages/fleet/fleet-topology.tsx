import { api } from '../../api/client';
import type { Fleet } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { TableScroll } from '../../components/table-scroll';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/i18n';

/** How often the topology is read again: a run changes versions and the serving node every few seconds at most. */
const TOPOLOGY_POLL_MS = 5000;

type Pair = Fleet['pairs'][number];

/**
 * The fleet as declared and as it is now (system administrators): per environment its gate,
 * driver and limits, and its pairs — both nodes with their installed version, which one serves,
 * and the version levels a run recorded.
 */
export function FleetTopology() {
  const { t } = useI18n();
  const fleet = useLoad(() => api<Fleet>('GET', '/api/platform/fleet'), [], TOPOLOGY_POLL_MS);
  return (
    <section className="panel" aria-labelledby="fleet-topology-title" data-testid="fleet-topology">
      <h2 id="fleet-topology-title">{t('fleetPlan.topology')}</h2>
      <p className="hint">{t('fleetPlan.topologyLead')}</p>
      <ErrorAlert error={fleet.error} />
      {!fleet.data && !fleet.error && <p>{t('common.loading')}</p>}
      {fleet.data?.environments.length === 0 && <p>{t('fleetPlan.noFleet')}</p>}
      {fleet.data?.environments.map((env) => {
        const pairs = fleet.data!.pairs.filter((p) => p.environment === env.name);
        const titleId = `fleet-env-${env.name}`;
        const budget = [
          env.failureBudget.count !== undefined ? t('fleetPlan.budgetCount', { count: env.failureBudget.count }) : undefined,
          env.failureBudget.percent !== undefined ? t('fleetPlan.budgetPercent', { percent: env.failureBudget.percent }) : undefined,
        ].filter((b) => b !== undefined);
        return (
          <div key={env.name} className="topology__env" data-environment={env.name}>
            <h3 id={titleId}>
              {env.name} <span className="meta">{t('fleetPlan.envPairs', { count: env.pairs })}</span>
            </h3>
            <dl className="facts">
              <dt>{t('fleetPlan.gate')}</dt>
              <dd>{env.gate ? <code>{env.gate}</code> : t('fleetPlan.noGate')}</dd>
              <dt>{t('fleetPlan.driver')}</dt>
              <dd>
                <code>{env.driver}</code>
              </dd>
              <dt>{t('fleet.concurrency')}</dt>
              <dd>{t('fleet.concurrencyValue', { n: env.concurrency })}</dd>
              <dt>{t('fleetPlan.failureBudget')}</dt>
              <dd>{budget.length > 0 ? budget.join(' / ') : t('fleetPlan.budgetNone')}</dd>
            </dl>
            <TableScroll label={t('fleetPlan.pairsOf', { env: env.name })}>
              <table className="table table--cards topology">
                <caption className="visually-hidden">{t('fleetPlan.pairsOf', { env: env.name })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('fleet.pair')}</th>
                    <th scope="col">{t('fleet.primary')}</th>
                    <th scope="col">{t('fleet.secondary')}</th>
                    <th scope="col">{t('fleet.active')}</th>
                  </tr>
                </thead>
                <tbody>
                  {pairs.map((p) => (
                    <tr key={p.pair} data-pair={p.pair}>
                      <th scope="row">{p.pair}</th>
                      <td data-label={t('fleet.primary')}>
                        <NodeCell pair={p} node={p.primary.name} version={p.primary.version} />
                        {p.primary.secondaryVersionLevel && (
                          <div className="meta">{t('fleetPlan.secondaryLevel', { version: p.primary.secondaryVersionLevel })}</div>
                        )}
                      </td>
                      <td data-label={t('fleet.secondary')}>
                        <NodeCell pair={p} node={p.secondary.name} version={p.secondary.version} />
                        {p.secondary.primaryVersionLevel && (
                          <div className="meta">{t('fleetPlan.primaryLevel', { version: p.secondary.primaryVersionLevel })}</div>
                        )}
                      </td>
                      <td data-label={t('fleet.active')}>
                        <code>{p.active}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </div>
        );
      })}
    </section>
  );
}

/** A node: its name, installed version, and whether it serves (a word and a symbol, not colour alone). */
function NodeCell({ pair, node, version }: { readonly pair: Pair; readonly node: string; readonly version: string }) {
  const { t } = useI18n();
  const serving = pair.active === node;
  return (
    <div className={serving ? 'node node--serving' : 'node'} data-node={node} data-version={version}>
      <code>{node}</code> <code className="node__version">{version}</code>{' '}
      <span className="node__role">
        <span aria-hidden="true">{serving ? '● ' : '○ '}</span>
        {serving ? t('fleetPlan.serving') : t('fleetPlan.standby')}
      </span>
    </div>
  );
}
