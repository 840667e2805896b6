import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { AuditEntry } from '../../../../src/http/wire-types';
import { SWITCH_IDS } from '../../../../src/maintenance/switches';
import { lastChanges, type LastChanges } from './setting-rules';

const AUDIT = '/api/platform/maintenance-mode-setting/audit';
/** The most entries the audit answers at once. */
const OLDER_PAGE = 1000;

/**
 * Who last changed each switch. The page reads the newest `pageSize` entries of the history; a
 * switch whose last change is older than those is looked up further back, page by page, until it is
 * found or the history ends — so "never changed" is said only of a switch no entry changed.
 */
export function useLastChanges(page: readonly AuditEntry[] | undefined, pageSize: number): LastChanges {
  const whole = page !== undefined && page.length < pageSize;
  const first = lastChanges(page, whole);
  const missing = SWITCH_IDS.some((id) => first[id] === undefined);
  const oldest = page?.at(-1)?.id;
  const [older, setOlder] = useState<{ from: number; entries: AuditEntry[]; complete: boolean } | undefined>(undefined);

  useEffect(() => {
    if (!page || whole || !missing || oldest === undefined || older?.from === oldest) return;
    let cancelled = false;
    void (async () => {
      const entries: AuditEntry[] = [];
      let before = oldest;
      for (;;) {
        const next = await api<AuditEntry[]>('GET', `${AUDIT}?limit=${OLDER_PAGE}&before_id=${before}`);
        entries.push(...next);
        const complete = next.length < OLDER_PAGE;
        const found = lastChanges([...page, ...entries], complete);
        if (complete || SWITCH_IDS.every((id) => found[id] !== undefined)) {
          if (!cancelled) setOlder({ from: oldest, entries, complete });
          return;
        }
        before = next.at(-1)!.id;
      }
    })().catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [page, whole, missing, oldest, older?.from]);

  if (!missing || !page || !older || older.from !== oldest) return first;
  return lastChanges([...page, ...older.entries], older.complete);
}
