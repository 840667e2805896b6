import { useId, useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { Fleet, FleetRun, UpgradePlan, VersionStatuses } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { Field } from '../../components/field';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/i18n';
import { navigate } from '../../router/router';
import { formatDuration, parseDuration } from '../../../../src/util/duration';
import { PlanView } from './plan-view';

/** What a plan was asked for (the run starts with exactly that). */
interface Request {
  readonly environment: string;
  readonly version: string;
  /** The phases of the run, as the API takes them; all four when absent. */
  readonly phases?: string;
  readonly concurrency?: number;
  /** A soak: the run waits this long after the phase, durably, then goes on. */
  readonly holdAfter?: { readonly phase: number; readonly seconds: number };
}

/** The ranges the form offers: all four phases, the two halves a soak separates, or one phase. */
const PHASE_RANGES = ['1-4', '1-2', '3-4', '1', '2', '3', '4'] as const;

/** The phases a run of `range` may hold after: each but its last. */
function holdablePhases(range: string): number[] {
  const [first, last = first] = range.split('-').map(Number) as [number, number?];
  return Array.from({ length: last - first }, (_, i) => first + i);
}

/**
 * Start a run from its plan (system administrators): choose the environment and the version, read
 * the phases (all four, or a range: 1-2 now, 3-4 once the secondaries soaked), read the dry-run plan
 * (`GET /api/platform/fleet/plan`), then "Start the run" creates it with the same environment,
 * version, phases, concurrency and hold (a soak after a phase, e.g. 1d after phase 2 of a 1-4 run)
 * and opens its page. Changing the form puts the plan away, so
 * what starts is always what was shown. Fleet work is allowed in read-only mode, as in the API.
 */
export function FleetStartRun() {
  const { t } = useI18n();
  const id = useId();
  const fleet = useLoad(() => api<Fleet>('GET', '/api/platform/fleet'), []);
  const versions = useLoad(() => api<VersionStatuses[]>('GET', '/api/platform/fleet/versions'), []);
  const [environment, setEnvironment] = useState('');
  const [version, setVersion] = useState('');
  const [concurrency, setConcurrency] = useState('');
  const [phases, setPhases] = useState<string>('1-4');
  const [holdAfter, setHoldAfter] = useState('');
  const [holdFor, setHoldFor] = useState('');
  const [shown, setShown] = useState<{ readonly request: Request; readonly plan: UpgradePlan } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const environments = fleet.data?.environments ?? [];
  const chosen = environment || (environments.length === 1 ? environments[0]!.name : '');
  const edited =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setShown(undefined);
    };

  const holdable = holdablePhases(phases);
  const holding = holdAfter !== '' && holdable.includes(Number(holdAfter));

  const showPlan = async (e: FormEvent) => {
    e.preventDefault();
    let holdSeconds = 0;
    if (holding) {
      try {
        holdSeconds = Math.ceil(parseDuration(holdFor) / 1000);
      } catch {
        setError(t('fleetPlan.holdForInvalid', { text: holdFor }));
        return;
      }
    }
    setBusy(true);
    setError(undefined);
    const request: Request = {
      environment: chosen,
      version: version.trim(),
      ...(phases !== '1-4' && { phases }),
      ...(concurrency.trim() !== '' && { concurrency: Number(concurrency) }),
      ...(holding && { holdAfter: { phase: Number(holdAfter), seconds: holdSeconds } }),
    };
    try {
      const query = new URLSearchParams({ environment: request.environment, version: request.version, ...(request.phases && { phases: request.phases }) });
      const plan = await api<UpgradePlan>('GET', `/api/platform/fleet/plan?${query.toString()}`);
      setShown({ request, plan: request.concurrency !== undefined ? { ...plan, concurrency: request.concurrency } : plan });
    } catch (err) {
      setShown(undefined);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const start = async () => {
    if (!shown) return;
    setBusy(true);
    setError(undefined);
    try {
      const run = await api<FleetRun>('POST', '/api/platform/fleet/runs', shown.request);
      navigate(`/system/fleet/runs/${seg(run.id)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const heading = `${id}-title`;
  return (
    <section className="panel fleet-start" aria-labelledby={heading} data-testid="fleet-start">
      <h2 id={heading}>{t('fleetPlan.startTitle')}</h2>
      <p className="hint">{t('fleetPlan.startLead')}</p>
      <ErrorAlert error={fleet.error} />
      {fleet.data && environments.length === 0 && <p>{t('fleetPlan.noFleet')}</p>}
      {environments.length > 0 && (
        <form className="form" onSubmit={(e) => void showPlan(e)} aria-labelledby={heading}>
          <div className="grid">
            <div className="field">
              <label htmlFor={`${id}-env`}>{t('fleet.environment')}</label>
              <select id={`${id}-env`} required value={chosen} onChange={(e) => edited(setEnvironment)(e.target.value)}>
                {environments.length > 1 && <option value="">{t('fleetPlan.choose')}</option>}
                {environments.map((env) => (
                  <option key={env.name} value={env.name}>
                    {env.name} — {t('fleetPlan.envPairs', { count: env.pairs })}
                  </option>
                ))}
              </select>
            </div>
            <Field
              label={t('fleet.version')}
              hint={t('fleetPlan.versionHint')}
              required
              list={`${id}-versions`}
              autoComplete="off"
              spellCheck={false}
              value={version}
              onChange={(e) => edited(setVersion)(e.target.value)}
            />
            <div className="field">
              <label htmlFor={`${id}-phases`}>{t('fleet.phases')}</label>
              <select id={`${id}-phases`} value={phases} aria-describedby={`${id}-phases-hint`} onChange={(e) => edited(setPhases)(e.target.value)}>
                {PHASE_RANGES.map((range) => (
                  <option key={range} value={range}>
                    {range}
                  </option>
                ))}
              </select>
              <p id={`${id}-phases-hint`} className="hint">
                {t('fleetPlan.phasesHint', { env: chosen || 'ENV' })}
              </p>
            </div>
            {holdable.length > 0 && (
              <div className="field">
                <label htmlFor={`${id}-hold`}>{t('fleetPlan.holdAfter')}</label>
                <select id={`${id}-hold`} value={holding ? holdAfter : ''} onChange={(e) => edited(setHoldAfter)(e.target.value)}>
                  <option value="">{t('fleetPlan.noHold')}</option>
                  {holdable.map((phase) => (
                    <option key={phase} value={phase}>
                      {t('fleetPlan.holdAfterPhase', { phase })}
                    </option>
                  ))}
                </select>
              </div>
            )}
            {holding && (
              <Field
                label={t('fleetPlan.holdFor')}
                hint={t('fleetPlan.holdForHint')}
                required
                autoComplete="off"
                spellCheck={false}
                value={holdFor}
                onChange={(e) => edited(setHoldFor)(e.target.value)}
              />
            )}
            <Field
              label={t('fleet.concurrency')}
              hint={t('fleetPlan.concurrencyHint')}
              type="number"
              min={1}
              max={1000}
              inputMode="numeric"
              value={concurrency}
              onChange={(e) => edited(setConcurrency)(e.target.value)}
            />
          </div>
          <datalist id={`${id}-versions`}>
            {versions.data?.map((v) => (
              <option key={v.version} value={v.version} />
            ))}
          </datalist>
          <div className="actions">
            <button type="submit" className="button" disabled={busy || chosen === '' || version.trim() === ''}>
              {t('fleetPlan.showPlan')}
            </button>
          </div>
        </form>
      )}
      {shown && (
        <div className="fleet-start__plan" aria-labelledby={`${id}-plan`} role="group">
          <h3 id={`${id}-plan`}>{t('fleetPlan.planTitle', { env: shown.plan.environment, version: shown.plan.version })}</h3>
          {shown.request.holdAfter && (
            <p data-testid="fleet-start-hold">
              {t('fleet.hold')}: {t('fleet.holdValue', { phase: shown.request.holdAfter.phase, duration: formatDuration(shown.request.holdAfter.seconds) })}
            </p>
          )}
          <PlanView plan={shown.plan} />
          <div className="actions">
            <button type="button" className="button button--primary" disabled={busy || !shown.plan.gate.open} onClick={() => void start()}>
              {t('fleetPlan.start')}
            </button>
            <button type="button" className="button" onClick={() => setShown(undefined)}>
              {t('fleetPlan.close')}
            </button>
          </div>
          <p className="hint">{t('fleetPlan.startHint')}</p>
        </div>
      )}
      <ErrorAlert error={error} />
    </section>
  );
}
