import type { Transaction } from 'kysely';
import type { ConductorNode, ConductorSpec } from '../conductor-spec.js';
import type { ExecutionContext, Executor, Outcome } from '../executor.js';
import { CONDUCTOR_STATUS, DRIVER_STATUS, statusFamily, terminalStatuses } from '../kinds/status-families.js';
import { getJobById, listChildren, registerJob, transitionAndNotify, type Job } from '../jobs.js';
import { nowTimestamp } from '../../store/clock.js';
import type { Database } from '../../store/schema.js';
import type { Store } from '../../store/store.js';

/**
 * A node's state in the conductor's `result`:
 * - `waiting`: its dependencies have not all ended well yet;
 * - `running`: its driver job is registered (`execution_no`) and has not ended;
 * - `paused`: a pause node holding the conductor in Pause until someone resumes it;
 * - `completed`: its driver job ended Completed, or the pause was resumed;
 * - `failed`: its driver job ended otherwise (Completed (error), Unexpected error, Emergency stop);
 *   with `allow_failure` the conductor goes on and ends in Warning end;
 * - `skipped`: never started, because another node failed or the conductor was stopped;
 * - `stopped`: running or paused when the conductor was emergency-stopped.
 */
export type NodeState = 'waiting' | 'running' | 'paused' | 'completed' | 'failed' | 'skipped' | 'stopped';

/** One node as the conductor's `result` shows it (GET …/conductor/{id}/ reads it while it runs). */
export interface NodeProgress {
  readonly id: string;
  readonly type: ConductorNode['type'];
  readonly allow_failure: boolean;
  state: NodeState;
  /** The driver job this node started. */
  execution_no: string | null;
  /** That job's status id, as last seen. */
  status_id: string | null;
  started_at: string | null;
  finished_at: string | null;
}

export interface ConductorProgress {
  readonly nodes: NodeProgress[];
}

/** Every node of a conductor as it starts: waiting, nothing started. */
export function initialProgress(spec: ConductorSpec): NodeProgress[] {
  return spec.nodes.map((n) => ({
    id: n.id,
    type: n.type,
    allow_failure: n.allow_failure,
    state: 'waiting',
    execution_no: null,
    status_id: null,
    started_at: null,
    finished_at: null,
  }));
}

/** The statuses a driver job ends in: its node has ended. */
const TERMINAL_DRIVER: ReadonlySet<string> = new Set(terminalStatuses('driver'));

const CONDUCTOR_IN_FLIGHT: readonly string[] = statusFamily('conductor').inFlight;

/**
 * Runs a conductor (`ita-by-conductor-synchronize`): a DAG of nodes frozen in the job's spec.
 *
 * Each round it reads its own row and its children, then:
 * - starts every movement node whose dependencies all ended well (Completed, or a failure the
 *   dependency was allowed to have) as an ordinary driver job with `parent_id` = the conductor;
 * - at a pause node, enters Pause (5) and starts nothing more until the API resumes it (5 → 3);
 *   children already running go on meanwhile;
 * - moves itself 3 → 4 once a child is Executing (delayed), and stays delayed until it ends;
 * - after a failure starts nothing more, and ends Abend once the running children have ended;
 * - ends Warning end when only allowed failures happened, Normal end otherwise;
 * - on an emergency stop ends at once in Emergency stop (the API stops the children).
 * Rounds run every `settings.pollMs` and whenever a `jobs` change is announced. Node states are
 * written to `result` as they change, so the API shows progress.
 *
 * Registering children is not a user's data write: it is the continuation of work already
 * admitted, so it runs in an ordinary shared transaction (ordered against the maintenance toggle,
 * but not refused in read-only mode) and a conductor in flight can finish. The children are claimed
 * like any job: not while `backyard_execute_stop` or `data_update_stop` is on.
 */
export const conductorExecutor: Executor = {
  backyard: 'ita-by-conductor-synchronize',
  async run(ctx: ExecutionContext): Promise<Outcome> {
    const spec = ctx.job.spec as ConductorSpec;
    const nodes = new Map(spec.nodes.map((n) => [n.id, n]));
    const progress: ConductorProgress = { nodes: initialProgress(spec) };
    const byId = new Map(progress.nodes.map((p) => [p.id, p]));
    const wakeup = new Wakeup(ctx.store, ctx.signal);
    let written = JSON.stringify(progress);
    let delayed = false;
    let failureLogged = false;
    const saveProgress = async () => {
      const now = JSON.stringify(progress);
      if (now === written) return;
      await ctx.store.transaction('shared', (trx) => writeResult(trx, ctx.job, now));
      written = now;
    };
    await ctx.log('system', `Conductor ${spec.conductor_class_name} with operation ${spec.operation_name}: ${spec.nodes.length} node(s).\n`);

    try {
      for (;;) {
        if (ctx.signal.aborted) return await stopped(ctx, progress);
        const self = await getJobById(ctx.store.db, ctx.job.id);
        if (!self || self.lease_owner !== ctx.job.lease_owner || !CONDUCTOR_IN_FLIGHT.includes(self.status_id)) {
          // Reaped or ended elsewhere: the worker will not be able to record anything either.
          await ctx.log('system', 'The conductor is no longer held by this worker; it stops following its nodes.\n');
          return { statusId: CONDUCTOR_STATUS.unexpectedError, result: progress };
        }
        if (self.stop_requested) return await stopped(ctx, progress);

        // Follow the children.
        const children = new Map((await listChildren(ctx.store.db, ctx.job.id)).map((c) => [c.id, c]));
        for (const p of progress.nodes) {
          if (p.state !== 'running' || p.execution_no === null) continue;
          const child = children.get(p.execution_no);
          if (!child) continue;
          if (child.status_id !== p.status_id) {
            await ctx.log('system', `Node ${p.id}: execution ${child.id} is in status ${child.status_id}.\n`);
          }
          p.status_id = child.status_id;
          p.started_at = child.started_at;
          if (child.status_id === DRIVER_STATUS.delayed) delayed = true;
          if (TERMINAL_DRIVER.has(child.status_id)) {
            p.state = child.status_id === DRIVER_STATUS.completed ? 'completed' : 'failed';
            p.finished_at = child.finished_at ?? nowTimestamp();
          }
        }

        // A pause ends when the API moved the conductor back to Executing.
        const resumed = self.status_id !== CONDUCTOR_STATUS.paused;
        for (const p of progress.nodes) {
          if (p.state === 'paused' && resumed) {
            p.state = 'completed';
            p.finished_at = nowTimestamp();
            await ctx.log('system', `Node ${p.id}: resumed.\n`);
          }
        }

        const failed = progress.nodes.filter((p) => p.state === 'failed' && !p.allow_failure);
        const running = progress.nodes.filter((p) => p.state === 'running');
        if (failed.length > 0) {
          if (!failureLogged) {
            failureLogged = true;
            await ctx.log('system', `Node(s) ${failed.map((p) => p.id).join(', ')} failed: no further node starts.\n`);
          }
          for (const p of progress.nodes) if (p.state === 'waiting' || p.state === 'paused') p.state = 'skipped';
          if (running.length === 0) {
            await ctx.log('system', 'Abend.\n');
            return { statusId: CONDUCTOR_STATUS.abend, result: progress };
          }
        } else {
          const ended = (p: NodeProgress) => p.state === 'completed' || (p.state === 'failed' && p.allow_failure);
          if (progress.nodes.every(ended)) {
            const warned = progress.nodes.some((p) => p.state === 'failed');
            await ctx.log('system', warned ? 'Warning end: some nodes allowed to fail did.\n' : 'Normal end.\n');
            return { statusId: warned ? CONDUCTOR_STATUS.warningEnd : CONDUCTOR_STATUS.normalEnd, result: progress };
          }
          const pausedNow = progress.nodes.some((p) => p.state === 'paused') || self.status_id === CONDUCTOR_STATUS.paused;
          if (!pausedNow) {
            const ready = progress.nodes.filter((p) => p.state === 'waiting' && nodes.get(p.id)!.depends_on.every((d) => ended(byId.get(d)!)));
            // Movements up to the first pause node start now; the pause then holds the rest.
            const firstPause = ready.findIndex((p) => p.type === 'pause');
            const toStart = firstPause === -1 ? ready : ready.slice(0, firstPause);
            if (
              toStart.length > 0 &&
              !(await startNodes(
                ctx,
                toStart.map((p) => nodes.get(p.id)!),
                progress,
              ))
            ) {
              return await stopped(ctx, progress);
            }
            const pause = firstPause === -1 ? undefined : ready[firstPause];
            if (pause && (await enterPause(ctx, pause, progress))) {
              await ctx.log('system', `Node ${pause.id}: paused; resume the conductor to go on.\n`);
            }
          }
        }

        if (delayed && self.status_id === CONDUCTOR_STATUS.executing) {
          if (await ctx.setStatus([CONDUCTOR_STATUS.executing], CONDUCTOR_STATUS.delayed)) {
            await ctx.log('system', 'A node is Executing (delayed): the conductor is delayed.\n');
          }
        }
        await saveProgress();
        await wakeup.wait(ctx.settings.pollMs);
      }
    } finally {
      wakeup.close();
    }
  },
};

/**
 * Registers driver jobs for `toStart` and records them in the conductor's result, in one
 * transaction that first locks the conductor's row and checks it is still ours, in flight and not
 * asked to stop. The emergency stop locks the same row before listing children, so a child is
 * either registered before the stop (and stopped by it) or not at all. False when the conductor
 * may not start anything any more.
 */
async function startNodes(ctx: ExecutionContext, toStart: readonly ConductorNode[], progress: ConductorProgress): Promise<boolean> {
  const started = await ctx.store.transaction('shared', async (trx) => {
    const held = await trx
      .updateTable('backyard_jobs')
      .set({ last_update_timestamp: nowTimestamp() })
      .where('id', '=', ctx.job.id)
      .where('lease_owner', '=', ctx.job.lease_owner)
      .where('in_flight', '=', 1)
      .where('stop_requested', '=', 0)
      .where('status_id', 'in', [CONDUCTOR_STATUS.executing, CONDUCTOR_STATUS.delayed])
      .executeTakeFirst();
    if (Number(held.numUpdatedRows) !== 1) return undefined;
    const jobs: Array<[ConductorNode, Job]> = [];
    for (const node of toStart) {
      const job = await registerJob(ctx.store, trx, {
        organizationId: ctx.job.organization_id,
        workspaceId: ctx.job.workspace_id,
        backyard: node.backyard!,
        spec: node.driver_spec,
        createdBy: ctx.job.created_by,
        delayMinutes: node.delay_minutes ?? null,
        parentId: ctx.job.id,
      });
      jobs.push([node, job]);
    }
    const next = progress.nodes.map((p) => {
      const found = jobs.find(([n]) => n.id === p.id);
      return found ? { ...p, state: 'running' as const, execution_no: found[1].id, status_id: found[1].status_id } : p;
    });
    await writeResult(trx, ctx.job, JSON.stringify({ nodes: next }));
    return jobs;
  });
  if (!started) return false;
  for (const [node, job] of started) {
    const p = progress.nodes.find((x) => x.id === node.id)!;
    p.state = 'running';
    p.execution_no = job.id;
    p.status_id = job.status_id;
    await ctx.log('system', `Node ${node.id}: started ${node.backyard} execution ${job.id}.\n`);
  }
  return true;
}

/**
 * Moves the conductor to Pause and marks the pause node `paused` in one write, so a reader never
 * sees Pause without the node that caused it. False when the conductor was not Executing.
 */
async function enterPause(ctx: ExecutionContext, pause: NodeProgress, progress: ConductorProgress): Promise<boolean> {
  const startedAt = nowTimestamp();
  const next = progress.nodes.map((p) => (p === pause ? { ...p, state: 'paused' as const, started_at: startedAt } : p));
  const moved = await transitionAndNotify(
    ctx.store,
    ctx.job,
    'conductor',
    [CONDUCTOR_STATUS.executing, CONDUCTOR_STATUS.delayed],
    CONDUCTOR_STATUS.paused,
    { result: JSON.stringify({ nodes: next }) },
    ctx.job.lease_owner ?? undefined,
  );
  if (moved) {
    pause.state = 'paused';
    pause.started_at = startedAt;
  }
  return moved;
}

/** Writes the node states to the conductor's `result` while it is in flight. */
async function writeResult(trx: Transaction<Database>, job: Job, result: string): Promise<void> {
  await trx
    .updateTable('backyard_jobs')
    .set({ result })
    .where('id', '=', job.id)
    .where('lease_owner', '=', job.lease_owner)
    .where('in_flight', '=', 1)
    .execute();
}

/**
 * How the conductor ends when its signal was aborted or a stop was requested: Emergency stop (the
 * API stops its children in the same transaction that asked it to stop). A forced worker shutdown
 * and a lost lease are recorded by the worker itself, whatever we return.
 */
async function stopped(ctx: ExecutionContext, progress: ConductorProgress): Promise<Outcome> {
  for (const p of progress.nodes) {
    if (p.state === 'waiting') p.state = 'skipped';
    else if (p.state === 'running' || p.state === 'paused') p.state = 'stopped';
  }
  const reason: unknown = ctx.signal.aborted ? ctx.signal.reason : 'emergency-stop';
  if (reason === 'emergency-stop') {
    await ctx.log('system', 'Emergency stop: no further node starts; running nodes are being stopped.\n');
    return { statusId: CONDUCTOR_STATUS.emergencyStop, result: progress };
  }
  return { statusId: CONDUCTOR_STATUS.unexpectedError, result: progress };
}

/**
 * Resolves a wait early when a `jobs` change is announced (a child moved, the conductor was
 * resumed or stopped) or the job is aborted. A change that arrives between two waits is not lost:
 * the next wait returns at once.
 */
class Wakeup {
  #pending = false;
  #resolve: (() => void) | undefined;
  readonly #unsubscribe: () => void;
  readonly #signal: AbortSignal;
  readonly #onAbort = () => this.#fire();

  constructor(store: Store, signal: AbortSignal) {
    this.#signal = signal;
    this.#unsubscribe = store.onChange((e) => {
      if (e.topic === 'jobs' || e.topic === 'resync') this.#fire();
    });
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  #fire(): void {
    if (this.#resolve) this.#resolve();
    else this.#pending = true;
  }

  async wait(ms: number): Promise<void> {
    if (this.#pending || this.#signal.aborted) {
      this.#pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#resolve = done;
    });
  }

  close(): void {
    this.#unsubscribe();
    this.#signal.removeEventListener('abort', this.#onAbort);
  }
}
