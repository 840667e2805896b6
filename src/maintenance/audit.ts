import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { parseJson } from '../store/store.js';
import { pickSwitches, type SwitchValues } from './switches.js';

/** One change of the maintenance settings: who, when, before, after. */
export interface AuditEntry {
  readonly id: number;
  readonly changed_at: string;
  readonly changed_by: string;
  readonly before: AuditedState;
  readonly after: AuditedState;
}

/**
 * What the audit keeps of the setting: every switch, the message, the announced end, the message in
 * each language and the drain record. An entry written before a switch (or one of these fields)
 * existed does not name it.
 */
export interface AuditedState extends SwitchValues {
  readonly message: string | null;
  readonly announced_end: string | null;
  readonly message_ja?: string | null;
  readonly message_en?: string | null;
  /** The switches as a drain found them, while one is recorded. */
  readonly drain_prior?: SwitchValues | null;
}

const audited = (s: AuditedState): AuditedState => ({
  ...pickSwitches(s),
  message: s.message,
  announced_end: s.announced_end,
  message_ja: s.message_ja ?? null,
  message_en: s.message_en ?? null,
  drain_prior: s.drain_prior ? pickSwitches(s.drain_prior) : null,
});

/** Records a change in the same transaction as the change itself. */
export async function recordAudit(trx: Transaction<Database>, entry: { actor: string; at: string; before: AuditedState; after: AuditedState }): Promise<void> {
  await trx
    .insertInto('maintenance_audit')
    .values({
      changed_at: entry.at,
      changed_by: entry.actor,
      before_state: JSON.stringify(audited(entry.before)),
      after_state: JSON.stringify(audited(entry.after)),
    })
    .execute();
}

/** The newest changes first; `beforeId` pages further back. */
export async function listAudit(db: Kysely<Database>, page: { limit: number; beforeId?: number | undefined }): Promise<AuditEntry[]> {
  let q = db.selectFrom('maintenance_audit').selectAll().orderBy('id', 'desc').limit(page.limit);
  if (page.beforeId !== undefined) q = q.where('id', '<', page.beforeId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    changed_at: r.changed_at,
    changed_by: r.changed_by,
    before: parseJson<AuditedState>(r.before_state),
    after: parseJson<AuditedState>(r.after_state),
  }));
}
