import type { Texts } from '../language.js';

/**
 * The catalogue's refusals of the ITA API with Exastro IT Automation's own codes (499-xxxxx, see
 * `../server-messages.ts`): menus, columns, jobs, conductors, menu creation and log levels.
 */

/** The unsupported conductor node types, as a refusal names them. */
const NODE_TYPE: ReadonlyMap<string, Texts> = new Map([
  ['conditional-branch', { en: 'conditional branches', ja: '条件分岐' }],
  ['status-file-branch', { en: 'status-file branches', ja: 'ステータスファイル分岐' }],
  ['call', { en: 'calls of other conductors', ja: 'Conductor呼び出し' }],
]);

/** How a conductor's node is named in the refusals of its release (499-0081x). */
const nodeIds = (conductor: string, node: string): Texts => ({
  en: `(conductor instance ID: ${conductor}, node instance ID: ${node})`,
  ja: `(Conductorインスタンス ID: ${conductor}、Nodeインスタンス ID: ${node})`,
});

/** A job status refusal (499-00904 / 499-00910, and the conductor's 499-00809 / 499-00808). */
const statusRefusal = (action: Texts, status: string, allowed: string, id: string): Texts => ({
  en: `The status does not allow ${action.en} (status: ${status}; allowed: ${allowed}; execution: ${id}).`,
  ja: `ステータスが${action.ja}できる状態ではありません。(ステータス: ${status}、可能なステータス: ${allowed}、作業: ${id})`,
});

/** The conductor class registration refusal (499-00801) around what is wrong. */
const classInvalid = (en: string, ja: string): Texts => ({
  en: `The conductor class cannot be registered: ${en}`,
  ja: `Conductorクラスを登録できません。${ja}`,
});

/** 499-00001: the menu of the path runs no driver. */
export const menuNotForThis = {
  menuRunsNoDriver: (menu: string, menus: string): Texts => ({
    en: `The menu runs no driver (menu: ${menu}); use one of ${menus}.`,
    ja: `対象のメニューは作業実行できません。(menu: ${menu}) 次のいずれかを使ってください: ${menus}`,
  }),
} as const;

/** 499-00002. */
export const menuNotFound = {
  menuNotFound: (workspace: string, menu: string): Texts => ({
    en: `The menu does not exist in workspace ${workspace} (menu: ${menu}).`,
    ja: `ワークスペース ${workspace} に対象のメニューが存在しません。(menu: ${menu})`,
  }),
} as const;

/** 499-00006. */
export const columnNotFound = {
  noSuchColumn: (menu: string, column: string): Texts => ({
    en: `The menu has no such column (menu: ${menu}, column: ${column}).`,
    ja: `対象のメニューに項目が存在しません。(menu: ${menu}、column: ${column})`,
  }),
  notAFileColumn: (column: string, menu: string, fileColumns: string): Texts => ({
    en: `${column} is not a file column of menu ${menu} (its file columns: ${fileColumns || 'none'}).`,
    ja: `${column} はメニュー ${menu} のファイル項目ではありません。（ファイル項目: ${fileColumns || 'なし'}）`,
  }),
} as const;

/** 499-00008, or the system menu's own "not found" code (a movement's 499-00901, an operation's 499-00902). */
export const invalidTarget = {
  noActiveRecord: (workspace: string, menu: string, key: string, name: string, also: Texts): Texts => ({
    en: `No active record with ${key} "${name}"${also.en} in menu ${menu} of workspace ${workspace}: register it there first.`,
    ja: `ワークスペース ${workspace} のメニュー ${menu} に ${key} が「${name}」${also.ja}の有効なレコードがありません。先に登録してください。`,
  }),
  /** A further condition of `noActiveRecord` (a movement's orchestrator); several are joined with nothing between. */
  alsoWith: (column: string, value: string): Texts => ({ en: ` and ${column} "${value}"`, ja: `、${column} が「${value}」` }),
} as const;

/** 499-00903 (executionNotFound) and 499-00806 (conductorNotFound). */
export const executionNotFound = {
  execution: (workspace: string, id: string): Texts => ({
    en: `The execution does not exist in workspace ${workspace} (execution No.: ${id}).`,
    ja: `ワークスペース ${workspace} に対象の作業が存在しません。(作業No.: ${id})`,
  }),
  conductor: (workspace: string, id: string): Texts => ({
    en: `The conductor instance does not exist in workspace ${workspace} (conductor instance ID: ${id}).`,
    ja: `ワークスペース ${workspace} に対象のConductorインスタンスが存在しません。(Conductorインスタンス ID: ${id})`,
  }),
} as const;

/** 499-00904, or the conductor's 499-00809. */
export const cannotScram = {
  statusDoesNotAllow: (status: string, allowed: string, id: string): Texts => statusRefusal({ en: 'an emergency stop', ja: '緊急停止' }, status, allowed, id),
} as const;

/** 499-00910, or the conductor's 499-00808. */
export const cannotCancel = {
  statusDoesNotAllow: (status: string, allowed: string, id: string): Texts =>
    statusRefusal({ en: 'a schedule cancellation', ja: '予約取消' }, status, allowed, id),
} as const;

/** 499-00801: an editor JSON that cannot be registered as a conductor class. */
export const conductorClassInvalid = {
  nameRequired: classInvalid('conductor.conductor_name is required.', 'conductor.conductor_name を指定してください。'),
  edgeWithoutNodes: (edge: string): Texts => classInvalid(`${edge} names no outNode and inNode.`, `${edge} に outNode と inNode がありません。`),
  startNodes: (found: number): Texts => classInvalid(`a class has one start node (found ${found}).`, `開始Nodeは1つです。(${found} 個あります)`),
  unsupportedNode: (node: string, type: string): Texts => {
    const what = NODE_TYPE.get(type) ?? { en: type, ja: type };
    return classInvalid(`node ${node}: drydock's conductors have no ${what.en}.`, `Node ${node}: drydockのConductorに${what.ja}はありません。`);
  },
  unknownNodeType: (node: string, type: string): Texts =>
    classInvalid(`node ${node} has an unknown type "${type}".`, `Node ${node} の type「${type}」は不明です。`),
  cannotSkip: (node: string): Texts =>
    classInvalid(`node ${node}: drydock cannot skip a node (skip_flag).`, `Node ${node}: drydockはNodeをスキップできません。(skip_flag)`),
  edgeToNowhere: (from: string, to: string): Texts =>
    classInvalid(`an edge joins ${from} to ${to}, which is not a node.`, `${from} から ${to} へのエッジが、存在しないNodeを指しています。`),
  notConnected: (node: string): Texts =>
    classInvalid(`node ${node} is not connected: no edge leads to it.`, `Node ${node} は接続されていません。(入力のエッジがありません)`),
  noMovement: (node: string, id: string, name: string): Texts =>
    classInvalid(
      `node ${node}: no movement with movement_id ${id} or movement_name ${name}.`,
      `Node ${node}: movement_id ${id}、movement_name ${name} のムーブメントがありません。`,
    ),
  noOperation: (node: string, id: string, name: string): Texts =>
    classInvalid(
      `node ${node}: no operation with operation_id ${id} or operation_name ${name}.`,
      `Node ${node}: operation_id ${id}、operation_name ${name} のオペレーションがありません。`,
    ),
  /** The definition drawn does not fit the definition's schema: its problems. */
  definitionProblems: (problems: Texts): Texts => classInvalid(`${problems.en}.`, problems.ja),
  /** The definition drawn is no graph a conductor can run (`checkGraph`'s refusal). */
  graph: (problem: Texts): Texts => classInvalid(problem.en, problem.ja),
} as const;

/** 499-00802. */
export const conductorClassNotFound = {
  conductorClassNotFound: (id: string, workspace: string): Texts => ({
    en: `No conductor class has the id ${id} in workspace ${workspace}.`,
    ja: `ワークスペース ${workspace} に ID ${id} のConductorクラスはありません。`,
  }),
} as const;

/** 499-00814. */
export const conductorCannotRun = {
  classAndOperationRequired: {
    en: 'Name the conductor class and the operation: conductor_class_name and operation_name (or conductor_class_id and operation_id).',
    ja: 'Conductorクラスとオペレーションを指定してください: conductor_class_name と operation_name (または conductor_class_id と operation_id)。',
  },
} as const;

/** 499-00811. */
export const conductorNodeNotPause = {
  notPause: (conductor: string, node: string): Texts => {
    const ids = nodeIds(conductor, node);
    return { en: `The node is not a pause node, so it cannot be released ${ids.en}.`, ja: `一時停止Nodeではないため、一時停止解除できません。${ids.ja}` };
  },
} as const;

/** 499-00812. */
export const conductorNodeReleased = {
  released: (conductor: string, node: string): Texts => {
    const ids = nodeIds(conductor, node);
    return { en: `The pause has already been released ${ids.en}.`, ja: `一時停止は解除済みです。${ids.ja}` };
  },
} as const;

/** 499-00813. */
export const conductorNodeNotOnHold = {
  noSuchNode: (conductor: string, node: string): Texts => {
    const ids = nodeIds(conductor, node);
    return { en: `The conductor has no such node ${ids.en}.`, ja: `Conductorに対象のNodeがありません。${ids.ja}` };
  },
  notOnHold: (conductor: string, node: string): Texts => {
    const ids = nodeIds(conductor, node);
    return { en: `The node is not on hold, so it cannot be released ${ids.en}.`, ja: `Nodeが保留中ではないため、一時停止解除できません。${ids.ja}` };
  },
} as const;

/** 499-00815. */
export const conductorNoData = {
  noResultData: (conductor: string): Texts => ({
    en: `The conductor has no result data yet (conductor instance ID: ${conductor}).`,
    ja: `Conductorの結果データがまだありません。(Conductorインスタンス ID: ${conductor})`,
  }),
} as const;

/** 499-00701: an Exastro menu-creation body drydock cannot create (499-00703 for the type). */
export const menuCreateRefused = {
  sheetType: (sheet: string): Texts => ({
    en: `sheet_type_id ${sheet}: drydock's menus are data sheets (sheet_type_id "2"); records have no host or operation of their own.`,
    ja: `sheet_type_id ${sheet}: drydock のメニューはデータシート（sheet_type_id "2"）です。レコードはホストやオペレーションを持ちません。`,
  }),
  columnClass: (key: string, column: string, columnClass: string, classes: string): Texts => ({
    en: `column ${key} (${column}): drydock has no ${columnClass}; use one of ${classes}.`,
    ja: `項目 ${key}（${column}）: drydock に ${columnClass} はありません。${classes} を使ってください。`,
  }),
  definition: (problems: Texts): Texts => ({ en: `The menu cannot be created as sent: ${problems.en}.`, ja: `このメニューは作成できません: ${problems.ja}` }),
  /** Where a problem of the whole menu is listed. */
  wholeMenu: { en: '(menu)', ja: '(メニュー)' },
} as const;

/** 499-00703. */
export const menuCreateType = {
  createNewOnly: (type: string): Texts => ({
    en: `type "${type}": drydock creates new menus only ("create_new"); a menu's columns do not change once it exists.`,
    ja: `type「${type}」: drydock は新規作成（"create_new"）のみ行います。作成したメニューの項目は変更できません。`,
  }),
} as const;

/** 499-01401. */
export const invalidLogLevel = {
  invalidLogLevel: (service: string, level: string, levels: Texts): Texts => ({
    en: `The service name or the log level is not valid (${service}:${level}): a name of letters, digits and -, and one of ${levels.en}.`,
    ja: `サービス名とログレベルが不正です。(${service}:${level}) 英数字と - の名前と、${levels.ja} のいずれかを指定してください。`,
  }),
} as const;
