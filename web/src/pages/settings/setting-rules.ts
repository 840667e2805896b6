/**
 * The system state page's rules that need no browser: the banner messages as the form edits them and
 * sends them, and who last changed each switch. Plain functions (imports named with .js), so
 * test/console-maintenance-rules.test.ts runs them under node.
 */
import type { AuditEntry, SettingView } from '../../../../src/http/wire-types.js';
import { SWITCH_IDS, type SwitchId } from '../../../../src/maintenance/switches.js';
import type { Language } from '../../i18n/language.js';

/** The languages the banner has a message in, in the order the form and the confirmation show them. */
export const MESSAGE_LANGUAGES: readonly Language[] = ['ja', 'en'];

export type Messages = { readonly [L in Language]: string };

/** A change of one language's message, as the confirmation lists it. */
export type MessageChange =
  { readonly kind: 'message'; readonly language: Language; readonly value: string } | { readonly kind: 'messageCleared'; readonly language: Language };

/**
 * The banner messages as the form edits them. A message set for every language (by an Exastro
 * client, or a server before per-language messages: `message` alone) is shown as the Japanese one,
 * as it is the one `message` follows; saving then keeps it there.
 */
export function currentMessages(s: Pick<SettingView, 'message'> & Partial<Pick<SettingView, 'message_ja' | 'message_en'>>): Messages {
  const ja = s.message_ja ?? null;
  const en = s.message_en ?? null;
  return ja === null && en === null ? { ja: s.message ?? '', en: '' } : { ja: ja ?? '', en: en ?? '' };
}

/** What changes between the messages now and the form's (spaces around a message are no change). */
export function messageChanges(now: Messages, next: Messages): MessageChange[] {
  return MESSAGE_LANGUAGES.flatMap((language): MessageChange[] => {
    const value = next[language].trim();
    if (value === now[language].trim()) return [];
    return [value === '' ? { kind: 'messageCleared', language } : { kind: 'message', language, value }];
  });
}

/**
 * The PATCH fields for a change of either message: both, as the form has them (so a message kept
 * from Exastro's single `message` stays where the form showed it); an empty one is null.
 */
export function messagesBody(messages: Messages): { message_ja: string | null; message_en: string | null } {
  return { message_ja: messages.ja.trim() || null, message_en: messages.en.trim() || null };
}

/**
 * Who last changed each switch, from the history newest first: the entry, null when the whole history
 * has none (never changed), undefined while that is not known yet (the history is still loading, or
 * the entry is older than the entries read so far).
 */
export type LastChanges = { readonly [K in SwitchId]: AuditEntry | null | undefined };

/** The newest entry that changed each switch among `entries`; `complete`: they are the whole history. */
export function lastChanges(entries: readonly AuditEntry[] | undefined, complete: boolean): LastChanges {
  const found = (id: SwitchId): AuditEntry | null | undefined => {
    // An entry written before a switch existed does not name it: it was off.
    const entry = entries?.find((e) => (e.before[id] ?? false) !== (e.after[id] ?? false));
    return entry ?? (entries && complete ? null : undefined);
  };
  return Object.fromEntries(SWITCH_IDS.map((id) => [id, found(id)])) as LastChanges;
}
