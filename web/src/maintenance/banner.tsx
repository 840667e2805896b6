import { SWITCHES, SWITCH_IDS } from '../../../src/maintenance/switches';
import { useI18n } from '../i18n/i18n';
import { useMaintenance } from './maintenance';

/**
 * The maintenance banner at the top of every page while a switch is on: one line per switch that is
 * on (its words: src/maintenance/switches.ts), then the administrator's message (plain text) and the
 * announced end. The region is always in the page so screen readers announce the banner when it
 * appears.
 */
export function MaintenanceBanner() {
  const { view, switches, readOnly, stale } = useMaintenance();
  const { t, formatTime, language } = useI18n();
  const lines = SWITCH_IDS.filter((id) => switches[id]).map((id) => SWITCHES[id].console.banner[language]);
  const on = view !== undefined && lines.length > 0;
  return (
    <div className="banner-region" aria-live="polite">
      {on && (
        <section
          className={`banner ${readOnly ? 'banner--read-only' : 'banner--jobs'}`}
          aria-labelledby="maintenance-banner-title"
          data-testid="maintenance-banner"
        >
          <h2 id="maintenance-banner-title" className="banner__title">
            {t('banner.title')}
          </h2>
          <ul className="banner__lines">
            {lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          {view.message && (
            <p className="banner__message">
              <span className="banner__label">{t('banner.message')}</span> {view.message}
            </p>
          )}
          {view.announced_end && <p>{t('banner.until', { time: formatTime(view.announced_end) })}</p>}
        </section>
      )}
      {stale && (
        <p className="banner banner--stale" role="status">
          {t('banner.stale')}
        </p>
      )}
    </div>
  );
}
