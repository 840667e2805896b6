import type { SettingView } from '../../../../src/http/wire-types';
import { fromLocalInput, toLocalInput } from '../../components/time';
import type { Language } from '../../i18n/language';
import { SWITCHES, SWITCH_IDS, fromFlags, toWire, type SwitchId, type SwitchValues } from '../../../../src/maintenance/switches';
import { currentMessages, messageChanges, messagesBody, type MessageChange, type Messages } from './setting-rules';

/** The form's values: the switches, the banner message in each language, the announced end (a datetime-local value). */
export interface SettingValues {
  readonly switches: SwitchValues;
  readonly messages: Messages;
  readonly announcedEnd: string;
}

/** What the administrator changed; untouched fields (and switches) follow the server's current value. */
export interface Edits {
  readonly switches?: Partial<SwitchValues>;
  readonly messages?: Partial<Record<Language, string>>;
  readonly announcedEnd?: string;
}

/** One consequence of saving, as the confirmation lists it. */
export type Change =
  | { readonly kind: 'switch'; readonly id: SwitchId; readonly on: boolean }
  | MessageChange
  | { readonly kind: 'endCleared' }
  | { readonly kind: 'end'; readonly value: string };

export function currentValues(s: SettingView): SettingValues {
  return { switches: fromFlags(s), messages: currentMessages(s), announcedEnd: toLocalInput(s.announced_end) };
}

export function formValues(s: SettingView, edits: Edits): SettingValues {
  const now = currentValues(s);
  return {
    switches: { ...now.switches, ...edits.switches },
    messages: { ...now.messages, ...edits.messages },
    announcedEnd: edits.announcedEnd ?? now.announcedEnd,
  };
}

/** What saving would change, in the order the confirmation explains it: the switches first. */
export function listChanges(s: SettingView, edits: Edits): Change[] {
  const now = currentValues(s);
  const next = formValues(s, edits);
  const changes: Change[] = [];
  for (const id of SWITCH_IDS) {
    if (next.switches[id] !== now.switches[id]) changes.push({ kind: 'switch', id, on: next.switches[id] });
  }
  changes.push(...messageChanges(now.messages, next.messages));
  if (next.announcedEnd !== now.announcedEnd) {
    changes.push(next.announcedEnd === '' ? { kind: 'endCleared' } : { kind: 'end', value: fromLocalInput(next.announcedEnd) });
  }
  return changes;
}

/** Whether saving turns on a switch that refuses writes (the confirmation then names the jobs in flight). */
export function turnsWritesOff(changes: readonly Change[]): boolean {
  return changes.some((c) => c.kind === 'switch' && c.on && SWITCHES[c.id].effects.refusesWrites);
}

/**
 * The PATCH body for the changes: the switches that changed as "0"/"1", the announced end if it
 * changed, and, if a message changed, both messages as the form has them (`message_ja`,
 * `message_en`: so a message kept from Exastro's single `message` stays where the form showed it).
 */
export function patchBody(changes: readonly Change[], values: SettingValues): Record<string, string | null> {
  const body: Record<string, string | null> = {};
  for (const c of changes) {
    switch (c.kind) {
      case 'switch':
        body[c.id] = toWire(c.on);
        break;
      case 'message':
      case 'messageCleared':
        Object.assign(body, messagesBody(values.messages));
        break;
      case 'end':
        body.announced_end = c.value;
        break;
      case 'endCleared':
        body.announced_end = null;
        break;
      default: {
        const never: never = c;
        throw new Error(`unknown change ${String(never)}`);
      }
    }
  }
  return body;
}
