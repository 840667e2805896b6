import type { StatusDefinition } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { TableScroll } from '../../components/table-scroll';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages.en';

/** Who defines a status of the catalogue, in words. */
const SOURCES: Readonly<Record<StatusDefinition['source'], MessageKey>> = {
  declared: 'fleetPlan.catalogueDeclared',
  phase: 'fleetPlan.cataloguePhase',
  gate: 'fleetPlan.catalogueGate',
};

/**
 * The status catalogue (`GET /api/platform/fleet/statuses`): the statuses gates may name and
 * versions may be given, who defines each (the fleet file, drydock's phases, a gate of a fleet
 * without a list) and its description. Read by the version statuses panel, which also offers
 * these names when a status is added.
 */
export function FleetStatusCatalogue({ catalogue, error }: { readonly catalogue: readonly StatusDefinition[] | undefined; readonly error: unknown }) {
  const { t } = useI18n();
  const heading = 'fleet-status-catalogue-title';
  return (
    <div data-testid="fleet-status-catalogue">
      <h3 id={heading}>{t('fleetPlan.catalogueTitle')}</h3>
      <p className="hint">{t('fleetPlan.catalogueLead')}</p>
      <ErrorAlert error={error} />
      {catalogue?.length === 0 && <p>{t('fleetPlan.catalogueEmpty')}</p>}
      {catalogue && catalogue.length > 0 && (
        <TableScroll labelledBy={heading}>
          <table className="table table--cards">
            <thead>
              <tr>
                <th scope="col">{t('fleetPlan.status')}</th>
                <th scope="col">{t('fleetPlan.catalogueSource')}</th>
                <th scope="col">{t('fleetPlan.catalogueDescription')}</th>
              </tr>
            </thead>
            <tbody>
              {catalogue.map((s) => (
                <tr key={s.name} data-status-name={s.name} data-source={s.source}>
                  <th scope="row">
                    <code>{s.name}</code>
                  </th>
                  <td data-label={t('fleetPlan.catalogueSource')}>{t(SOURCES[s.source])}</td>
                  <td data-label={t('fleetPlan.catalogueDescription')}>
                    {s.description ?? <span className="meta">{t('fleetPlan.catalogueNoDescription')}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}
