import { useId, useState } from 'react';
import { SWITCHES, SWITCH_IDS, writesRefused, type SwitchValues } from '../../../src/maintenance/switches';
import { formatInstant } from '../i18n/date-time';
import { useI18n } from '../i18n/i18n';
import type { Language } from '../i18n/language';
import { en, type MessageKey } from '../i18n/messages.en';
import { ja } from '../i18n/messages.ja';
import { bannerMessage } from './banner-message';
import { useMaintenance } from './maintenance';

const CATALOGS: Record<Language, Record<MessageKey, string>> = { en, ja };

/** What a banner shows: the switches that are on, the message in the viewer's language, the announced end. */
export interface BannerContent {
  readonly switches: SwitchValues;
  readonly message: string | null;
  readonly announcedEnd: string | null;
}

interface BannerBoxProps extends BannerContent {
  /** The language it is shown in (the settings page's preview shows both). */
  readonly language: Language;
  readonly expanded: boolean;
  readonly onToggle: () => void;
  /** The live banner is found by tests as `maintenance-banner`; a preview is not. */
  readonly testId?: string;
  /** Its title's heading: the live banner's is a page section's (h2), a preview's sits lower. */
  readonly heading?: 'h2' | 'h4';
}

/**
 * One maintenance banner, in `language`: one line — "Maintenance:", the names of the switches that
 * are on and, on a wide screen, the start of the message — with a Details button (`aria-expanded`)
 * that opens the rest: a line per switch (its words: src/maintenance/switches.ts), the whole
 * message (plain text) and the announced end. The live banner below and the settings page's preview
 * are both this.
 */
export function BannerBox({ switches, message, announcedEnd, language, expanded, onToggle, testId, heading: Heading = 'h2' }: BannerBoxProps) {
  const detailsId = useId();
  const titleId = useId();
  const text = (key: MessageKey, params?: Record<string, string>) => CATALOGS[language][key].replace(/\{(\w+)\}/g, (m, name: string) => params?.[name] ?? m);
  const on = SWITCH_IDS.filter((id) => switches[id]);
  const firstLine = message?.split('\n', 1)[0] ?? '';
  return (
    <section
      className={`banner ${writesRefused(switches) ? 'banner--read-only' : 'banner--jobs'}${expanded ? ' banner--expanded' : ''}`}
      aria-labelledby={titleId}
      lang={language}
      data-testid={testId}
    >
      <div className="banner__head">
        <Heading id={titleId} className="banner__title">
          {text('banner.short')}
          {text('banner.switchesSeparator')}
          {on.map((id) => SWITCHES[id].console.label[language]).join(text('banner.switchesJoin'))}
          {firstLine && !expanded && <span className="banner__snippet"> — {firstLine}</span>}
        </Heading>
        <button
          type="button"
          className="banner__toggle"
          aria-expanded={expanded}
          aria-controls={detailsId}
          onClick={onToggle}
          data-testid={testId && `${testId}-toggle`}
        >
          {text('banner.details')}
        </button>
      </div>
      {/* Its content only while open: the message is then on the page once, never twice. */}
      <div id={detailsId} className="banner__details">
        {expanded && (
          <>
            <p className="banner__lead">{text('banner.title')}</p>
            <ul className="banner__lines">
              {on.map((id) => (
                <li key={id}>{SWITCHES[id].console.banner[language]}</li>
              ))}
            </ul>
            {message && (
              <p className="banner__message">
                <span className="banner__label">{text('banner.message')}</span> {message}
              </p>
            )}
            {announcedEnd && <p>{text('banner.until', { time: formatInstant(announcedEnd, language) })}</p>}
          </>
        )}
      </div>
    </section>
  );
}

/**
 * The maintenance banner at the top of every page while a switch is on, in the language on screen
 * (the message in that language, else the other, else Exastro's single message). The region is
 * always in the page so screen readers announce the banner when it appears. Folded to one line at
 * every width; Details opens it, and it stays open from page to page until folded again.
 */
export function MaintenanceBanner() {
  const { view, switches, stale } = useMaintenance();
  const { t, language } = useI18n();
  const [expanded, setExpanded] = useState(false);
  const shown = view !== undefined && SWITCH_IDS.some((id) => switches[id]);
  return (
    <div className="banner-region" aria-live="polite">
      {shown && (
        <BannerBox
          switches={switches}
          message={bannerMessage(view, language)}
          announcedEnd={view.announced_end}
          language={language}
          expanded={expanded}
          onToggle={() => setExpanded((e) => !e)}
          testId="maintenance-banner"
        />
      )}
      {stale && (
        <p className="banner banner--stale" role="status">
          {t('banner.stale')}
        </p>
      )}
    </div>
  );
}
