import type { FleetRunPair } from '../../../../src/http/wire-types';
import { useI18n } from '../../i18n/i18n';
import { cellLabel, nodeRole, pairStateLabel, PHASES } from './fleet-labels';
import { StateText } from './state-text';
import { PairStepsLink } from './pair-steps-link';

interface RunMatrixProps {
  readonly pairs: readonly FleetRunPair[];
  /** The run's version: a node already on it is marked so. */
  readonly version: string;
  /** The phase the run is in (its column is marked). */
  readonly currentPhase: number;
  readonly onRetry: (pair: FleetRunPair) => void;
  /** The run: each pair links to its step log in it. */
  readonly runId?: string;
}

/**
 * The pairs × phases matrix: one row per pair with each phase's cell, the node serving now, both
 * nodes' versions and the last error; a failed pair has its Retry button. In a region that scrolls
 * sideways on a narrow screen (focusable, so the keyboard can scroll it too).
 */
export function RunMatrix({ pairs, version, currentPhase, onRetry, runId }: RunMatrixProps) {
  const { t } = useI18n();
  return (
    <div className="table-scroll" role="region" aria-labelledby="fleet-matrix-title" tabIndex={0}>
      <table className="table matrix" data-testid="fleet-matrix">
        <caption id="fleet-matrix-title">{t('fleet.matrix')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('fleet.pair')}</th>
            {PHASES.map(({ phase, title }) => (
              <th scope="col" key={phase} className={Number(phase) === currentPhase ? 'matrix__phase matrix__current' : 'matrix__phase'}>
                <span className="matrix__phase-no">{t('fleet.phaseNo', { phase })}</span> {t(title)}
                {Number(phase) === currentPhase && <span className="matrix__now"> {t('fleet.currentPhase')}</span>}
              </th>
            ))}
            <th scope="col">{t('fleet.active')}</th>
            <th scope="col">{t('fleet.versions')}</th>
            <th scope="col" className="matrix__error">
              {t('fleet.error')}
            </th>
          </tr>
        </thead>
        <tbody>
          {pairs.map((p) => {
            const role = p.active ? nodeRole(p.active) : undefined;
            return (
              <tr key={p.pair} data-pair={p.pair}>
                <th scope="row">
                  <div>{p.pair}</div>
                  {runId && <PairStepsLink runId={runId} pair={p.pair} />}
                  <StateText label={pairStateLabel(p.state)} value={p.state} />
                  {p.attempt > 1 && <div className="meta">{t('fleet.attempt', { attempt: p.attempt })}</div>}
                </th>
                {PHASES.map(({ phase }) => {
                  const cell = p.phases[phase] ?? 'pending';
                  return (
                    <td key={phase} data-phase={phase} className="matrix__cell">
                      <StateText label={cellLabel(cell)} value={cell} />
                    </td>
                  );
                })}
                <td>
                  {p.active ? (
                    <>
                      <code>{p.active}</code>
                      {role && <div className="meta">{t(role === 'primary' ? 'fleet.primary' : 'fleet.secondary')}</div>}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="nowrap">
                  <NodeVersion label={t('fleet.primary')} installed={p.primaryVersion} target={version} />
                  <NodeVersion label={t('fleet.secondary')} installed={p.secondaryVersion} target={version} />
                </td>
                <td className="matrix__error">
                  {p.error && (
                    // It scrolls when long (a driver's output), so the keyboard can reach it too.
                    <div className="matrix__error-text" tabIndex={0} role="region" aria-label={t('fleet.errorOf', { pair: p.pair })}>
                      {p.error}
                    </div>
                  )}
                  {p.state === 'failed' && (
                    <button type="button" className="button" onClick={() => onRetry(p)} aria-label={t('fleet.retryNamed', { pair: p.pair })}>
                      {t('fleet.retry')}
                    </button>
                  )}
                  {!p.error && p.state !== 'failed' && '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** One node's installed version; the run's version gets a ✓ and says so in words. */
function NodeVersion({ label, installed, target }: { readonly label: string; readonly installed: string | null; readonly target: string }) {
  const { t } = useI18n();
  const upgraded = installed === target;
  return (
    <div>
      {label} <code>{installed ?? '—'}</code>
      {upgraded && (
        <span className="state state--ok" title={t('fleet.onTarget')}>
          {' '}
          <span aria-hidden="true">✓</span>
          <span className="visually-hidden">{t('fleet.onTarget')}</span>
        </span>
      )}
    </div>
  );
}
