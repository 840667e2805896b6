import { useId } from 'react';
import { LANGUAGES, useI18n, type Language } from '../i18n/i18n';

const NAMES: Record<Language, string> = { ja: '日本語', en: 'English' };

/** Switches the console between Japanese and English (remembered in this browser). */
export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  const id = useId();
  return (
    <div className="language-switch">
      {/* Visually hidden: the select shows each language by its own name; the label is for assistive technology. */}
      <label htmlFor={id} className="visually-hidden">
        {t('language.label')}
      </label>
      <select id={id} value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
