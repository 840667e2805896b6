import JSZip from 'jszip';
import type { Kysely } from 'kysely';
import { RESULT, refused } from '../errors.js';
import { MESSAGES } from '../i18n/server-messages.js';
import { textIn, type Language, type Texts } from '../i18n/language.js';
import { toExastroDateTime } from '../store/clock.js';
import type { Database } from '../store/schema.js';
import type { ConductorSpec } from './conductor-spec.js';
import { inputDataName, populatedData, resultData, resultDataName } from './execution-data.js';
import { initialProgress, type NodeProgress, type NodeState } from './executors/conductor.js';
import { getJob, listChildren, readLog, type Job } from './jobs.js';
import { backyardKinds, kindOf, statusName } from './kinds/registry.js';
import { DRIVER_STATUS, statusFamily } from './kinds/status-families.js';
import { activeNames } from './system-menus.js';

/**
 * A conductor as Exastro IT Automation's conductor menus show it: `GET …/conductor/{id}/` (the class
 * it ran, the conductor's row, and each node's), `GET …/conductor/info/{id}/` (the names behind the
 * ids), the node release of a pause, and the input and result data archives.
 *
 * drydock's conductor classes are graphs of movement and pause nodes (conductor-spec.ts), so the
 * node map holds those nodes under their own ids — no start, end or merge nodes — and a node's
 * `node_instance_id` is its id: what a client reads there it sends back to `…/node/{id}/relese/`.
 */

/** Exastro's conductor node statuses (T_COMN_CONDUCTOR_NODE_STATUS), those a drydock node can be in. */
const NODE_STATUS = {
  unexecuted: '1',
  preparing: '2',
  executing: '3',
  delayed: '4',
  normalEnd: '5',
  abend: '6',
  unexpectedError: '7',
  emergencyStop: '8',
  onHold: '11',
} as const;

const NODE_STATUS_NAMES: ReadonlyMap<string, Texts> = new Map([
  [NODE_STATUS.unexecuted, { en: 'Unexecuted', ja: '未実行' }],
  [NODE_STATUS.preparing, { en: 'Preparing', ja: '準備中' }],
  [NODE_STATUS.executing, { en: 'Executing', ja: '実行中' }],
  [NODE_STATUS.delayed, { en: 'Executing (delay)', ja: '実行中(遅延)' }],
  [NODE_STATUS.normalEnd, { en: 'Normal end', ja: '正常終了' }],
  [NODE_STATUS.abend, { en: 'Abend', ja: '異常終了' }],
  [NODE_STATUS.unexpectedError, { en: 'Unexpected error', ja: '想定外エラー' }],
  [NODE_STATUS.emergencyStop, { en: 'Emergency stop', ja: '緊急停止' }],
  [NODE_STATUS.onHold, { en: 'On hold', ja: '保留中' }],
]);

const NODE_TYPES = ['movement', 'pause'] as const;

/** A node's status from its state and, for a movement, the driver execution it started. */
function nodeStatus(state: NodeState, child: Job | undefined): string {
  switch (state) {
    case 'waiting':
    case 'skipped':
      return NODE_STATUS.unexecuted;
    case 'paused':
      return NODE_STATUS.onHold;
    case 'completed':
      return NODE_STATUS.normalEnd;
    case 'stopped':
      return NODE_STATUS.emergencyStop;
    case 'running':
    case 'failed':
      return child === undefined ? NODE_STATUS.preparing : nodeStatusOfDriver(child.status_id);
  }
}

function nodeStatusOfDriver(statusId: string): string {
  switch (statusId) {
    case DRIVER_STATUS.executing:
      return NODE_STATUS.executing;
    case DRIVER_STATUS.delayed:
      return NODE_STATUS.delayed;
    case DRIVER_STATUS.completed:
      return NODE_STATUS.normalEnd;
    case DRIVER_STATUS.completedError:
      return NODE_STATUS.abend;
    case DRIVER_STATUS.unexpectedError:
      return NODE_STATUS.unexpectedError;
    case DRIVER_STATUS.emergencyStop:
    case DRIVER_STATUS.scheduleCancelled:
      return NODE_STATUS.emergencyStop;
    default:
      return NODE_STATUS.preparing;
  }
}

/** The node states the conductor's executor last wrote, or every node waiting before its first round. */
function progressOf(job: Job<ConductorSpec>): NodeProgress[] {
  const written = (job.result as { nodes?: NodeProgress[] } | null)?.nodes;
  return Array.isArray(written) ? written : initialProgress(job.spec);
}

const seconds = (timestamp: string | null): string | null => (timestamp === null ? null : toExastroDateTime(timestamp).slice(0, 19));

/** Where Exastro's console shows a driver execution: its kind's status menu (`check_operation_status_…`). */
function statusMenuOf(backyard: string): string | null {
  const menus = kindOf(backyard)?.menus ?? [];
  return menus.find((m) => m.startsWith('check_operation_status_')) ?? menus[0] ?? null;
}

/** A conductor of the workspace, or Exastro's 499-00806 naming the id. */
export const getConductor = (db: Kysely<Database>, org: string, ws: string, id: string): Promise<Job> =>
  getJob(db, org, ws, id, ['ita-by-conductor-synchronize']);

/** `GET …/conductor/{conductor_instance_id}/` as Exastro answers it: `conductor_class`, `conductor`, `node`. */
export async function exastroConductorView(db: Kysely<Database>, job: Job, language: Language) {
  const conductor = job as Job<ConductorSpec>;
  const spec = conductor.spec;
  const children = new Map((await listChildren(db, job.id)).map((c) => [c.id, c]));
  const log = await readLog(db, job.id);
  const node = Object.fromEntries(
    progressOf(conductor).map((p) => {
      const frozen = spec.nodes.find((n) => n.id === p.id);
      const child = p.execution_no === null ? undefined : children.get(p.execution_no);
      const status = nodeStatus(p.state, child);
      const menu = child ? statusMenuOf(child.backyard) : null;
      const view = {
        node_instance_id: p.id,
        node_name: p.id,
        node_type: p.type,
        status: textIn(NODE_STATUS_NAMES.get(status)!, language),
        status_id: status,
        status_file: null,
        skip: 'False' as const,
        remarks: null,
        time_start: seconds(child?.started_at ?? p.started_at),
        time_end: seconds(child?.finished_at ?? p.finished_at),
        movement_name: frozen?.driver_spec?.movement_name ?? null,
        operation_id: null,
        operation_name: frozen?.driver_spec?.operation_name ?? null,
        jump: { menu_id: menu, execution_id: child?.id ?? null },
        jump_url: menu && child ? `menu=${menu}&execution_no=${child.id}` : null,
      };
      return [p.id, view] as const;
    }),
  );
  return {
    conductor_class: classSettingOf(spec),
    conductor: {
      conductor_instance_id: job.id,
      conductor_class_id: spec.conductor_class_id ?? null,
      conductor_name: spec.conductor_class_name,
      status: statusName(job.backyard, job.status_id, language),
      status_id: job.status_id,
      execution_user: job.created_by,
      abort_execute_flag: job.stop_requested ? ('True' as const) : ('False' as const),
      operation_id: spec.operation_id ?? null,
      operation_name: spec.operation_name,
      time_register: seconds(job.created_at),
      time_book: seconds(job.scheduled_at),
      time_start: seconds(job.started_at),
      time_end: seconds(job.finished_at),
      execution_log: { exec_log: (log.length > 0 ? { 'exec.log': log.map((l) => l.text).join('') } : {}) as Record<string, string> },
      remarks: null,
      last_update_date_time: toExastroDateTime(job.last_update_timestamp),
    },
    node,
  };
}

/** The class a conductor ran, as frozen at its registration: drydock's definition (conductor-spec.ts), with each movement's operation. */
function classSettingOf(spec: ConductorSpec) {
  return {
    conductor: { id: spec.conductor_class_id ?? null, conductor_name: spec.conductor_class_name, note: null },
    nodes: spec.nodes.map((n) => ({
      id: n.id,
      type: n.type,
      depends_on: n.depends_on,
      allow_failure: n.allow_failure,
      ...(n.driver_spec && { movement_name: n.driver_spec.movement_name, operation_name: n.driver_spec.operation_name, backyard: n.backyard }),
    })),
  };
}

/**
 * `GET …/conductor/info/{conductor_instance_id}/`: the names behind the ids a conductor's view
 * shows, as lists, as id → name and as name → id: statuses, node types, orchestrators, and the
 * workspace's conductor classes, operations and movements.
 */
export async function conductorInfo(db: Kysely<Database>, org: string, ws: string, language: Language) {
  const list = {
    conductor_status: Object.values(statusFamily('conductor').status).map((id) => ({
      id,
      name: statusName('ita-by-conductor-synchronize', id, language),
    })),
    node_status: [...NODE_STATUS_NAMES].map(([id, name]) => ({ id, name: textIn(name, language) })),
    node_type: NODE_TYPES.map((t) => ({ id: t, name: t })),
    orchestra: backyardKinds()
      .filter((k) => k.orchestrator !== null)
      .map((k) => ({ id: k.orchestrator!, name: textIn(k.label, language) })),
    conductor: await activeNames(db, org, ws, 'conductor_class_list', 'conductor_class_name'),
    operation: await activeNames(db, org, ws, 'operation_list', 'operation_name'),
    movement: await activeNames(db, org, ws, 'movement_list', 'movement_name'),
  };
  const dict = Object.fromEntries(Object.entries(list).map(([k, items]) => [k, Object.fromEntries(items.map((i) => [i.id, i.name]))]));
  const dictName = Object.fromEntries(Object.entries(list).map(([k, items]) => [k, Object.fromEntries(items.map((i) => [i.name, i.id]))]));
  return { list, dict, dict_name: dictName, refresh_interval: REFRESH_INTERVAL_MS };
}

/** How often Exastro's conductor view polls, and drydock's console with it. */
const REFRESH_INTERVAL_MS = 1000;

/**
 * Checks that `nodeId` names a pause node holding the conductor (Exastro's `…/node/{id}/relese/`):
 * 499-00811 for a node that is no pause, 499-00812 for one already released, 499-00813 for one
 * not reached yet (or no node at all).
 */
export function requireReleasable(job: Job, nodeId: string): void {
  const progress = progressOf(job as Job<ConductorSpec>).find((p) => p.id === nodeId);
  if (!progress) throw refused(RESULT.conductorNodeNotOnHold, MESSAGES.conductorNodeNotOnHold.noSuchNode(job.id, nodeId));
  if (progress.type !== 'pause') throw refused(RESULT.conductorNodeNotPause, MESSAGES.conductorNodeNotPause.notPause(job.id, nodeId));
  if (progress.state === 'completed') throw refused(RESULT.conductorNodeReleased, MESSAGES.conductorNodeReleased.released(job.id, nodeId));
  if (progress.state !== 'paused') throw refused(RESULT.conductorNodeNotOnHold, MESSAGES.conductorNodeNotOnHold.notOnHold(job.id, nodeId));
}

/** `…/conductor/{id}/input_data/` and `…/result_data/`. */
type ConductorData = 'input_data' | 'result_data';

/**
 * A conductor's input or result data as a zip: its class and operation (`conductor.json`) or its
 * log and node states (`exec.log`, `result.json`), and inside it the archive of each driver
 * execution it started (`<node id>/InputData_<no>.zip`, `<node id>/ResultData_<no>.zip`).
 * Result data of a conductor that has not run yet is refused (499-00815).
 */
export async function conductorData(db: Kysely<Database>, job: Job, which: ConductorData): Promise<{ file_name: string; content: Buffer }> {
  const conductor = job as Job<ConductorSpec>;
  const children = new Map((await listChildren(db, job.id)).map((c) => [c.id, c]));
  const zip = new JSZip();
  if (which === 'input_data') {
    zip.file('conductor.json', `${JSON.stringify(classSettingOf(conductor.spec), null, 2)}\n`);
  } else {
    const log = await readLog(db, job.id);
    if (log.length === 0 && job.result === null) {
      throw refused(RESULT.conductorNoData, MESSAGES.conductorNoData.noResultData(job.id));
    }
    zip.file('exec.log', log.map((l) => l.text).join(''));
    if (job.result !== null) zip.file('result.json', `${JSON.stringify(job.result, null, 2)}\n`);
  }
  for (const p of progressOf(conductor)) {
    const child = p.execution_no === null ? undefined : children.get(p.execution_no);
    if (!child) continue;
    if (which === 'input_data') zip.file(`${p.id}/${inputDataName(child)}`, await populatedData(child));
    else {
      const data = await resultData(db, child);
      if (data) zip.file(`${p.id}/${resultDataName(child)}`, data);
    }
  }
  const name = which === 'input_data' ? `InputData_Conductor_${job.id}.zip` : `ResultData_Conductor_${job.id}.zip`;
  return { file_name: name, content: await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }) };
}
