/**
 * The execute-check built the straightforward way, as drydock built it until its construction was
 * optimized (src/backyard/execute-check.ts): organizations, workspaces and in-flight jobs as three
 * queries of plain rows, and per workspace an object made with Object.fromEntries. Kept as the
 * reference the optimized one must equal byte for byte (test/execute-check.test.ts) and as the
 * "before" of bench/execute-check.ts. Change it only together with the response's contract.
 */
import type { Kysely } from 'kysely';
import { toInFlightJob, type ExecuteCheck, type InFlightJob } from '../../src/backyard/execute-check.js';
import { backyardNames, isCounted, type Backyard } from '../../src/backyard/kinds/registry.js';
import type { Language } from '../../src/i18n/language.js';
import { nowTimestamp } from '../../src/store/clock.js';
import type { Database } from '../../src/store/schema.js';

export async function referenceExecuteCheck(db: Kysely<Database>, language: Language): Promise<ExecuteCheck> {
  const [organizations, workspaces, jobs] = await Promise.all([
    db.selectFrom('organizations').select('id').orderBy('id').execute(),
    db.selectFrom('workspaces').select(['organization_id', 'id']).orderBy('organization_id').orderBy('id').execute(),
    db
      .selectFrom('backyard_jobs')
      .select(['id', 'organization_id', 'workspace_id', 'backyard', 'status_id', 'last_update_timestamp', 'lease_expires_at', 'started_at'])
      .where('in_flight', '=', 1)
      .orderBy('created_at')
      .execute(),
  ]);
  const now = nowTimestamp();
  const byWorkspace = new Map<string, typeof jobs>();
  for (const j of jobs) {
    const key = `${j.organization_id}\0${j.workspace_id}`;
    const list = byWorkspace.get(key);
    if (list) list.push(j);
    else byWorkspace.set(key, [j]);
  }
  const wsByOrg = new Map<string, string[]>();
  for (const w of workspaces) {
    const list = wsByOrg.get(w.organization_id);
    if (list) list.push(w.id);
    else wsByOrg.set(w.organization_id, [w.id]);
  }
  const names = backyardNames();
  let total = 0;
  const orgs = organizations.map((o) => {
    let orgCount = 0;
    const wss = (wsByOrg.get(o.id) ?? []).map((wsId) => {
      const backyards = Object.fromEntries(names.map((b) => [b, [] as InFlightJob[]])) as Record<Backyard, InFlightJob[]>;
      let count = 0;
      for (const j of byWorkspace.get(`${o.id}\0${wsId}`) ?? []) {
        const backyard = j.backyard as Backyard;
        backyards[backyard]?.push(toInFlightJob(j, backyard, language, now));
        if (isCounted(backyard)) count++;
      }
      orgCount += count;
      return { id: wsId, execute_count: count, backyards };
    });
    total += orgCount;
    return { id: o.id, execute_count: orgCount, workspaces: wss };
  });
  return { execute_count: total, organizations: orgs };
}
