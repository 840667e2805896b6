import type { Kysely, Transaction } from 'kysely';
import { transition, type TransitionColumns } from '../../src/backyard/jobs.js';
import { familyOf, type Backyard } from '../../src/backyard/kinds/registry.js';
import { moves } from '../../src/backyard/kinds/status-families.js';
import type { Database } from '../../src/store/schema.js';

/**
 * Puts a job in `status` the way the code could have: along the shortest path of its family's moves
 * (src/backyard/kinds/status-families.ts), one `transition()` at a time, `extra` written with the
 * last. For tests that need a job in a given status without running a worker. Throws when the
 * family has no path there, or when a step did not move the job.
 */
export async function moveJobTo(
  db: Kysely<Database> | Transaction<Database>,
  job: { id: string; backyard: Backyard; status_id: string },
  status: string,
  extra: TransitionColumns = {},
): Promise<void> {
  const family = familyOf(job.backyard).name;
  const path = shortestPath(family, job.status_id, status);
  if (!path) throw new Error(`moveJobTo: a ${family} job cannot get from ${job.status_id} to ${status}`);
  for (const [i, [from, to]] of path.entries()) {
    const last = i === path.length - 1;
    if (!(await transition(db, job, family, [from], to, last ? extra : {}))) {
      throw new Error(`moveJobTo: job ${job.id} did not move from ${from} to ${to}`);
    }
  }
}

function shortestPath(family: ReturnType<typeof familyOf>['name'], from: string, to: string): Array<readonly [string, string]> | undefined {
  const edges = moves(family);
  const paths = new Map<string, Array<readonly [string, string]>>([[from, []]]);
  const queue = [from];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const edge of edges.filter(([f]) => f === at)) {
      if (paths.has(edge[1])) continue;
      paths.set(edge[1], [...paths.get(at)!, edge]);
      queue.push(edge[1]);
    }
  }
  return paths.get(to);
}
