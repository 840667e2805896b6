/**
 * The languages the server speaks — Exastro's two — and the helpers every localised text goes
 * through: which language a request asks for (`pickLanguage`), a text in it (`textIn`), and texts
 * made of parts worded per language (`joinTexts`, `inEachLanguage`).
 *
 * Where the texts live: every message an answer carries — each refusal, each sentence a call
 * answers with — is in one catalogue, `server-messages.ts`, grouped by result code; the errors of
 * `src/errors.ts` take its `Texts`, so no refusal can be thrown in English only. Read-only mode's
 * refusals are worded by the write-function table (`maintenance/write-functions.ts`), where each
 * write function has its code. Words that are not messages live with what they name: the backyard
 * kinds' labels and status names (`backyard/kinds/`), the switches' words (`maintenance/switches.ts`).
 * The HTTP layer picks the language once per request and hands it to the handler
 * (`RouteContext.language`); the error handler answers a refusal in it.
 *
 * A leaf: this module imports nothing, so every floor may use it, and so may the console, which
 * imports the kinds and the switches that use it (the console's own texts are `web/src/i18n/`).
 */

/** The languages drydock speaks. English is the answer to a request for any other. */
export const LANGUAGES = ['ja', 'en'] as const;

export type Language = (typeof LANGUAGES)[number];

/** A text in every language drydock speaks. */
export type Texts = { readonly [L in Language]: string };

/** `texts` in `language`. */
export function textIn(texts: Texts, language: Language): string {
  return texts[language];
}

/** A text worded for each language by `text`. */
export function inEachLanguage(text: (language: Language) => string): Texts {
  return { ja: text('ja'), en: text('en') };
}

/** A text that reads the same in every language: an identifier, a path, a value as sent. */
export function untranslated(text: string): Texts {
  return { ja: text, en: text };
}

/** `texts` joined with `separator`, in each language. */
export function joinTexts(texts: readonly Texts[], separator: string): Texts {
  return inEachLanguage((language) => texts.map((t) => textIn(t, language)).join(separator));
}

/**
 * Picks ja or en from `Language` (Exastro's own header) or `Accept-Language`, honouring q-values.
 * Anything that is not Japanese gets English.
 */
export function pickLanguage(languageHeader: string | undefined, acceptLanguage: string | undefined): Language {
  if (languageHeader) return languageHeader.trim().toLowerCase().startsWith('ja') ? 'ja' : 'en';
  if (!acceptLanguage) return 'en';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((x) => x.tag !== '' && Number.isFinite(x.q) && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('ja')) return 'ja';
    if (tag.startsWith('en') || tag === '*') return 'en';
  }
  return 'en';
}
