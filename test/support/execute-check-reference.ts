/**
 * The execute-check built the straightforward way, as drydock built it until its construction was
 * optimized (src/backyard/execute-check.ts): organizations, workspaces and in-flight jobs as three
 * queries of plain rows, and per workspace an object made with Object.fromEntries; the held-back
 * jobs from the rows of every job that has not started, filtered and counted here. Kept as the
 * reference the optimized one must equal byte for byte (test/execute-check.test.ts) and as the
 * "before" of bench/execute-check.ts. Change it only together with the response's contract.
 */
import type { Kysely } from 'kysely';
import { toInFlightJob, type ExecuteCheck, type HeldBack, type InFlightJob } from '../../src/backyard/execute-check.js';
import { backyardNames, familyOf, isCounted, kindOf, type Backyard } from '../../src/backyard/kinds/registry.js';
import type { Language } from '../../src/i18n/language.js';
import { nowTimestamp } from '../../src/store/clock.js';
import type { Database } from '../../src/store/schema.js';

export async function referenceExecuteCheck(db: Kysely<Database>, language: Language): Promise<ExecuteCheck> {
  const now = nowTimestamp();
  const [organizations, workspaces, jobs, waiting] = await Promise.all([
    db.selectFrom('organizations').select('id').orderBy('id').execute(),
    db.selectFrom('workspaces').select(['organization_id', 'id']).orderBy('organization_id').orderBy('id').execute(),
    db
      .selectFrom('backyard_jobs')
      .select(['id', 'organization_id', 'workspace_id', 'backyard', 'status_id', 'last_update_timestamp', 'lease_expires_at', 'started_at'])
      .where('in_flight', '=', 1)
      .orderBy('created_at')
      .execute(),
    // Jobs neither in flight nor finished, in workspace and backyard order (held back when due: below).
    db
      .selectFrom('backyard_jobs')
      .select(['organization_id', 'workspace_id', 'backyard', 'status_id', 'scheduled_at'])
      .where('in_flight', '=', 0)
      .where('finished_at', 'is', null)
      .orderBy('organization_id')
      .orderBy('workspace_id')
      .orderBy('backyard')
      .execute(),
  ]);
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
  // Held back: Unexecuted, or in the family's scheduled status with the time come; counted per
  // organization, workspace and backyard in the order the rows came.
  const heldBack: Array<{ -readonly [K in keyof HeldBack]: HeldBack[K] }> = [];
  for (const j of waiting) {
    const scheduled = kindOf(j.backyard) ? familyOf(j.backyard as Backyard).scheduled : null;
    const due = j.status_id === '1' || (scheduled !== null && j.status_id === scheduled && j.scheduled_at !== null && j.scheduled_at <= now);
    if (!due) continue;
    const last = heldBack.at(-1);
    if (last && last.organization_id === j.organization_id && last.workspace_id === j.workspace_id && last.backyard === j.backyard) last.count++;
    else heldBack.push({ organization_id: j.organization_id, workspace_id: j.workspace_id, backyard: j.backyard, count: 1 });
  }
  return { execute_count: total, organizations: orgs, held_back_count: heldBack.reduce((n, h) => n + h.count, 0), held_back: heldBack };
}
