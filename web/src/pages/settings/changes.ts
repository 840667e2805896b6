import type { AuditEntry, SettingView } from '../../../../src/http/wire-types';
import { fromLocalInput, toLocalInput } from '../../components/time';
import { SWITCHES, SWITCH_IDS, fromFlags, toWire, type SwitchId, type SwitchValues } from '../../../../src/maintenance/switches';

/** The form's values: the switches, the banner message, the announced end (a datetime-local value). */
export interface SettingValues {
  readonly switches: SwitchValues;
  readonly message: string;
  readonly announcedEnd: string;
}

/** What the administrator changed; untouched fields (and switches) follow the server's current value. */
export interface Edits {
  readonly switches?: Partial<SwitchValues>;
  readonly message?: string;
  readonly announcedEnd?: string;
}

/** One consequence of saving, as the confirmation lists it. */
export type Change =
  | { readonly kind: 'switch'; readonly id: SwitchId; readonly on: boolean }
  | { readonly kind: 'messageCleared' | 'endCleared' }
  | { readonly kind: 'message' | 'end'; readonly value: string };

export function currentValues(s: SettingView): SettingValues {
  return {
    switches: fromFlags(s),
    message: s.message ?? '',
    announcedEnd: toLocalInput(s.announced_end),
  };
}

export function formValues(s: SettingView, edits: Edits): SettingValues {
  const now = currentValues(s);
  return {
    switches: { ...now.switches, ...edits.switches },
    message: edits.message ?? now.message,
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
  if (next.message.trim() !== now.message.trim()) {
    changes.push(next.message.trim() === '' ? { kind: 'messageCleared' } : { kind: 'message', value: next.message.trim() });
  }
  if (next.announcedEnd !== now.announcedEnd) {
    changes.push(next.announcedEnd === '' ? { kind: 'endCleared' } : { kind: 'end', value: fromLocalInput(next.announcedEnd) });
  }
  return changes;
}

/** Whether saving turns on a switch that refuses writes (the confirmation then names the jobs in flight). */
export function turnsWritesOff(changes: readonly Change[]): boolean {
  return changes.some((c) => c.kind === 'switch' && c.on && SWITCHES[c.id].effects.refusesWrites);
}

/** The PATCH body for the changes: only what changed, switches as "0"/"1". */
export function patchBody(changes: readonly Change[]): Record<string, string | null> {
  const body: Record<string, string | null> = {};
  for (const c of changes) {
    switch (c.kind) {
      case 'switch':
        body[c.id] = toWire(c.on);
        break;
      case 'message':
        body.message = c.value;
        break;
      case 'messageCleared':
        body.message = null;
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

/** The newest audit entry that changed switch `id`: who turned it to its current value, and when. */
export function lastChange(audit: readonly AuditEntry[] | undefined, id: SwitchId): AuditEntry | undefined {
  return audit?.find((e) => e.before[id] !== e.after[id]);
}
