import type { AuditEntry, MaintenanceSetting } from '../../api/types';
import { fromLocalInput, toLocalInput } from '../../components/time';

/** The form's values: the switches, the banner message, the announced end (a datetime-local value). */
export interface SettingValues {
  readonly jobs: boolean;
  readonly readOnly: boolean;
  readonly message: string;
  readonly announcedEnd: string;
}

/** What the administrator changed; untouched fields follow the server's current value. */
export type Edits = Partial<SettingValues>;

/** One consequence of saving, as the confirmation lists it. */
export type Change =
  | { readonly kind: 'jobsOn' | 'jobsOff' | 'readOnlyOn' | 'readOnlyOff' | 'messageCleared' | 'endCleared' }
  | { readonly kind: 'message' | 'end'; readonly value: string };

export function currentValues(s: MaintenanceSetting): SettingValues {
  return {
    jobs: s.backyard_execute_stop === '1',
    readOnly: s.data_update_stop === '1',
    message: s.message ?? '',
    announcedEnd: toLocalInput(s.announced_end),
  };
}

export function formValues(s: MaintenanceSetting, edits: Edits): SettingValues {
  return { ...currentValues(s), ...edits };
}

/** What saving would change, in the order the confirmation explains it. */
export function listChanges(s: MaintenanceSetting, edits: Edits): Change[] {
  const now = currentValues(s);
  const next = formValues(s, edits);
  const changes: Change[] = [];
  if (next.jobs !== now.jobs) changes.push({ kind: next.jobs ? 'jobsOn' : 'jobsOff' });
  if (next.readOnly !== now.readOnly) changes.push({ kind: next.readOnly ? 'readOnlyOn' : 'readOnlyOff' });
  if (next.message.trim() !== now.message.trim()) {
    changes.push(next.message.trim() === '' ? { kind: 'messageCleared' } : { kind: 'message', value: next.message.trim() });
  }
  if (next.announcedEnd !== now.announcedEnd) {
    changes.push(next.announcedEnd === '' ? { kind: 'endCleared' } : { kind: 'end', value: fromLocalInput(next.announcedEnd) });
  }
  return changes;
}

/** The PATCH body for the changes: only what changed, switches as "0"/"1". */
export function patchBody(changes: readonly Change[]): Record<string, string | null> {
  const body: Record<string, string | null> = {};
  for (const c of changes) {
    switch (c.kind) {
      case 'jobsOn':
      case 'jobsOff':
        body.backyard_execute_stop = c.kind === 'jobsOn' ? '1' : '0';
        break;
      case 'readOnlyOn':
      case 'readOnlyOff':
        body.data_update_stop = c.kind === 'readOnlyOn' ? '1' : '0';
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

/** The newest audit entry that changed `key`: who turned the switch to its current value, and when. */
export function lastChange(audit: readonly AuditEntry[] | undefined, key: 'backyard_execute_stop' | 'data_update_stop'): AuditEntry | undefined {
  return audit?.find((e) => e.before[key] !== e.after[key]);
}
