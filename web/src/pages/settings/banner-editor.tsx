import { useId, useState, type ReactNode } from 'react';
import { SWITCHES, SWITCH_IDS, switchValues } from '../../../../src/maintenance/switches';
import { Field } from '../../components/field';
import { fromLocalInput } from '../../components/time';
import { useI18n } from '../../i18n/i18n';
import { LANGUAGES, type Language } from '../../i18n/language';
import { BannerBox } from '../../maintenance/banner';
import { bannerMessage } from '../../maintenance/banner-message';
import type { Edits, SettingValues } from './changes';

/** The longest message, in each language (the server refuses longer: src/maintenance/sanitize.ts). */
export const MESSAGE_MAX = 1000;

/**
 * The banner's message in Japanese and in English, the announced end, and a live preview of the
 * banner as users of each language will see it (their message, else the other one), with the
 * switches as the form would save them.
 */
export function BannerEditor({ values, edit }: { readonly values: SettingValues; readonly edit: (e: Edits) => void }) {
  const { t } = useI18n();
  const anyOn = SWITCH_IDS.some((id) => values.switches[id]);
  // With no switch on, no banner shows: preview it as read-only mode would show it.
  const switches = anyOn ? values.switches : switchValues((id) => SWITCHES[id].effects.refusesWrites);
  const end = values.announcedEnd === '' ? null : fromLocalInput(values.announcedEnd);
  const messages = { message: null, message_ja: values.messages.ja.trim() || null, message_en: values.messages.en.trim() || null };
  return (
    <div className="banner-editor">
      <div className="banner-editor__fields">
        {LANGUAGES.map((language) => (
          <MessageField key={language} language={language} value={values.messages[language]} onChange={(text) => edit({ messages: { [language]: text } })} />
        ))}
        <Field
          label={t('settings.announcedEnd')}
          hint={t('settings.announcedEndHelp')}
          type="datetime-local"
          value={values.announcedEnd}
          onChange={(e) => edit({ announcedEnd: e.target.value })}
        />
      </div>
      <section className="banner-preview" aria-labelledby="banner-preview-title" data-testid="banner-preview">
        <h3 id="banner-preview-title">{t('maint.preview')}</h3>
        {!anyOn && <p className="hint">{t('maint.previewHidden')}</p>}
        {LANGUAGES.map((language) => (
          <PreviewIn key={language} language={language}>
            {(expanded, toggle) => (
              <BannerBox
                switches={switches}
                message={bannerMessage(messages, language)}
                announcedEnd={end}
                language={language}
                expanded={expanded}
                onToggle={toggle}
                testId={`banner-preview-${language}`}
                heading="h4"
              />
            )}
          </PreviewIn>
        ))}
      </section>
    </div>
  );
}

function MessageField({ language, value, onChange }: { readonly language: Language; readonly value: string; readonly onChange: (text: string) => void }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{t('maint.messageIn', { language: t(`maint.lang.${language}`) })}</label>
      <textarea
        id={id}
        rows={3}
        lang={language}
        maxLength={MESSAGE_MAX}
        value={value}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange(e.target.value)}
      />
      <p className="hint" id={`${id}-hint`}>
        {t('settings.messageHelp', { used: value.length, max: MESSAGE_MAX })}
      </p>
    </div>
  );
}

/** One language's preview, open at first (the whole message shows), folded and opened like the banner itself. */
function PreviewIn({ language, children }: { readonly language: Language; readonly children: (expanded: boolean, toggle: () => void) => ReactNode }) {
  const { t } = useI18n();
  const [expanded, setExpanded] = useState(true);
  return (
    <figure className="banner-preview__item">
      <figcaption className="meta">{t('maint.previewAs', { language: t(`maint.lang.${language}`) })}</figcaption>
      {children(expanded, () => setExpanded((e) => !e))}
    </figure>
  );
}
