/**
 * The languages the server speaks — Exastro's two — and the two helpers every localised text goes
 * through: which language a request asks for (`pickLanguage`) and a text in it (`textIn`).
 *
 * The texts themselves live with what they describe, each a `Texts`: the backyard kinds' labels and
 * status names (`backyard/kinds/`), the switches' words (`maintenance/switches.ts`), the write
 * refusals (`maintenance/write-functions.ts`). The HTTP layer picks the language once per request
 * and hands it to the handler (`RouteContext.language`).
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
