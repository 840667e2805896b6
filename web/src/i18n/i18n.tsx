import { createContext, useCallback, useContext, useLayoutEffect, useMemo, useState, type ReactNode } from 'react';
import { setApiLanguage } from '../api/client';
import { en, type MessageKey } from './messages.en';
import { ja } from './messages.ja';
import { formatInstant } from './date-time';
import type { Language } from './language';

export { LANGUAGES, type Language } from './language';

const CATALOGS: Record<Language, Record<MessageKey, string>> = { en, ja };
const STORAGE_KEY = 'drydock.language';

/** `{name}` placeholders are replaced by `params.name`. */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

interface I18n {
  readonly language: Language;
  readonly setLanguage: (language: Language) => void;
  readonly t: Translate;
  /** Instants in the language on screen, in the browser's time zone with the zone named (date-time.ts). */
  readonly formatTime: (iso: string | null | undefined) => string;
}

const I18nContext = createContext<I18n | undefined>(undefined);

/** The language chosen with the switch, else the browser's first Japanese or English preference. */
export function initialLanguage(): Language {
  const saved = window.localStorage.getItem(STORAGE_KEY);
  if (saved === 'ja' || saved === 'en') return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('ja')) return 'ja';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function I18nProvider({ children }: { readonly children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  // Before the first request of this render: the API answers in the language on screen.
  setApiLanguage(language);

  // <html lang> is the language on screen, set before the browser paints: screen readers pick their
  // voice by it, and the Japanese line breaking (styles.css, `:lang(ja)`) depends on it.
  useLayoutEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    window.localStorage.setItem(STORAGE_KEY, next);
    setApiLanguage(next);
    setLanguageState(next);
  }, []);

  const value = useMemo<I18n>(() => {
    const catalog = CATALOGS[language];
    const t: Translate = (key, params) => {
      const text = catalog[key];
      return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
    };
    // One formatter for every instant on screen (date-time.ts): local time with the zone named.
    const formatTime = (iso: string | null | undefined) => formatInstant(iso, language);
    return { language, setLanguage, t, formatTime };
  }, [language, setLanguage]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
