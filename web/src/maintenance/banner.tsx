import { useId, useState } from 'react';
import { SWITCHES, SWITCH_IDS } from '../../../src/maintenance/switches';
import { useI18n } from '../i18n/i18n';
import { useMaintenance } from './maintenance';

/**
 * The maintenance banner at the top of every page while a switch is on: one line per switch that is
 * on (its words: src/maintenance/switches.ts), then the administrator's message (plain text) and the
 * announced end. The region is always in the page so screen readers announce the banner when it
 * appears.
 *
 * On a narrow screen (below 48em, styles.css) it is one line — "Maintenance:" and the names of
 * the switches that are on — with a Details button (`aria-expanded`) that shows the rest; on a wide
 * screen the button is hidden and everything shown.
 */
export function MaintenanceBanner() {
  const { view, switches, readOnly, stale } = useMaintenance();
  const { t, formatTime, language } = useI18n();
  const [expanded, setExpanded] = useState(false);
  const detailsId = useId();
  const on = SWITCH_IDS.filter((id) => switches[id]);
  const lines = on.map((id) => SWITCHES[id].console.banner[language]);
  const shown = view !== undefined && lines.length > 0;
  return (
    <div className="banner-region" aria-live="polite">
      {shown && (
        <section
          className={`banner ${readOnly ? 'banner--read-only' : 'banner--jobs'}${expanded ? ' banner--expanded' : ''}`}
          aria-labelledby="maintenance-banner-title"
          data-testid="maintenance-banner"
        >
          <div className="banner__head">
            <h2 id="maintenance-banner-title" className="banner__title">
              <span className="banner__long">{t('banner.title')}</span>
              <span className="banner__short">
                {t('banner.short')}
                {t('banner.switchesSeparator')}
                {on.map((id) => SWITCHES[id].console.label[language]).join(t('banner.switchesJoin'))}
              </span>
            </h2>
            <button
              type="button"
              className="banner__toggle"
              aria-expanded={expanded}
              aria-controls={detailsId}
              onClick={() => setExpanded((e) => !e)}
              data-testid="maintenance-banner-toggle"
            >
              {t('banner.details')}
            </button>
          </div>
          <div id={detailsId} className="banner__details">
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
          </div>
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
