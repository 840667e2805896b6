import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { parseJson } from '../store/store.js';
import type { MaintenanceState } from './mode.js';

/** One change of the maintenance settings: who, when, before, after. */
export interface AuditEntry {
  readonly id: number;
  readonly changed_at: string;
  readonly changed_by: string;
  readonly before: AuditedState;
  readonly after: AuditedState;
}

type AuditedState = Pick<MaintenanceState, 'backyard_execute_stop' | 'data_update_stop' | 'message' | 'announced_end'>;

const audited = (s: MaintenanceState): AuditedState => ({
  backyard_execute_stop: s.backyard_execute_stop,
  data_update_stop: s.data_update_stop,
  message: s.message,
  announced_end: s.announced_end,
});

/** Records a change in the same transaction as the change itself. */
export async function recordAudit(
  trx: Transaction<Database>,
  entry: { actor: string; at: string; before: MaintenanceState; after: MaintenanceState },
): Promise<void> {
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
export async function listAudit(
  db: Kysely<Database>,
  page: { limit: number; beforeId?: number | undefined },
): Promise<AuditEntry[]> {
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
