import type { MaintenanceModeView } from '../../../src/http/wire-types.js';
import type { Language } from '../i18n/language.js';

/** The banner's words as the administrator set them: Exastro's single message and drydock's per language. */
export type BannerMessages = Pick<MaintenanceModeView, 'message' | 'message_ja' | 'message_en'>;

/**
 * The message a viewer of `language` sees: the one in their language, else the other language's,
 * else Exastro's single message (set by an Exastro client, or by a server that predates the
 * per-language ones, whose answer lacks them).
 */
export function bannerMessage(m: Partial<BannerMessages>, language: Language): string | null {
  const own = language === 'ja' ? m.message_ja : m.message_en;
  const other = language === 'ja' ? m.message_en : m.message_ja;
  return own ?? other ?? m.message ?? null;
}
