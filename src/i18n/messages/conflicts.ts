import type { Texts } from '../language.js';

/**
 * The catalogue's conflicts (409, see `../server-messages.ts`): what exists already, what another
 * request changed meanwhile, and the fleet's runs and invariants.
 */

/** 409-00001: the request contradicts what exists (or what another request did meanwhile). */
export const conflict = {
  organizationExists: (organization: string): Texts => ({
    en: `Organization ${organization} already exists.`,
    ja: `オーガナイゼーション ${organization} はすでに存在します。`,
  }),
  workspaceExists: (workspace: string, organization: string): Texts => ({
    en: `Workspace ${workspace} already exists in organization ${organization}.`,
    ja: `ワークスペース ${workspace} はオーガナイゼーション ${organization} にすでに存在します。`,
  }),
  userExists: (user: string): Texts => ({ en: `User "${user}" already exists.`, ja: `ユーザ「${user}」はすでに存在します。` }),
  userExistsInOrganization: (user: string, organization: string): Texts => ({
    en: `User "${user}" already exists in organization ${organization}.`,
    ja: `ユーザ「${user}」はオーガナイゼーション ${organization} にすでに存在します。`,
  }),
  menuExists: (menu: string, workspace: string): Texts => ({
    en: `Menu ${menu} already exists in workspace ${workspace}.`,
    ja: `メニュー ${menu} はワークスペース ${workspace} にすでに存在します。`,
  }),
  menuNameIsView: (menu: string, of: string): Texts => ({
    en: `${menu} is Exastro's name of a view of ${of}: choose another name.`,
    ja: `${menu} は Exastro で ${of} のビューに使われている名前です。別の名前を指定してください。`,
  }),
  fileColumnsNeedSchema: (schema: number, menu: string): Texts => ({
    en: `File columns need the store's schema ${schema}: define ${menu} once the upgrade has migrated it.`,
    ja: `ファイル項目にはストアのスキーマ ${schema} が必要です。アップグレードによる移行が終わってから ${menu} を定義してください。`,
  }),
  createdMeanwhile: {
    en: 'It already exists: another request created it at the same time. Read it again, or choose another name.',
    ja: 'すでに存在します。別のリクエストが同時に作成しました。読み直すか、別の名前を指定してください。',
  },
  changedMeanwhile: {
    en: 'What this refers to was changed or deleted by another request at the same time. Read it again and retry.',
    ja: '参照先が別のリクエストによって同時に変更または削除されました。読み直してから再実行してください。',
  },
  fleetRunUnderWay: (runs: string): Texts => ({
    en: `the fleet cannot change while a run is under way: ${runs}; wait for it to complete, or let it finish after \`drydock fleet resume\``,
    ja: `実行中のためフリートは変更できません: ${runs}。完了を待つか、\`drydock fleet resume\` の後に最後まで実行させてください`,
  }),
  fleetOpenRun: (environment: string, run: string, state: string): Texts => ({
    en: `environment ${environment} already has an open run: ${run} (${state}); resume or finish it first`,
    ja: `環境 ${environment} には終わっていない実行 ${run} (${state}) があります。先に再開するか、終わらせてください`,
  }),
  fleetVersionGated: (version: string, environment: string, reason: string): Texts => ({
    en: `version ${version} may not be deployed to ${environment}: ${reason}`,
    ja: `バージョン ${version} は ${environment} にデプロイできません: ${reason}`,
  }),
  fleetPhaseGated: (version: string, phase: number, previous: number, needed: string, carried: string): Texts => ({
    en: `phase ${phase} needs ${needed} on ${version}; it carries ${carried}: complete phase ${previous} first (drydock fleet run --phases …)`,
    ja: `フェーズ ${phase} には ${version} に ${needed} が必要です。現在のステータス: ${carried}。先にフェーズ ${previous} を完了してください (drydock fleet run --phases …)`,
  }),
  /** As fleetPhaseGated, while the run that would give the status (`run`, for `phases`) is still open. */
  fleetPhaseGatedByRun: (version: string, phase: number, needed: string, carried: string, run: string, phases: string, state: string): Texts => ({
    en: `phase ${phase} needs ${needed} on ${version}; it carries ${carried}. Run ${run} for phases ${phases} is still ${state}: phase ${phase} may start once it completed`,
    ja: `フェーズ ${phase} には ${version} に ${needed} が必要です。現在のステータス: ${carried}。フェーズ ${phases} の実行 ${run} はまだ ${state} です。完了してからフェーズ ${phase} を開始できます`,
  }),
  fleetRunState: (run: string, state: string, from: Texts, to: string): Texts => ({
    en: `run ${run} is ${state}: only a ${from.en} run can become ${to}`,
    ja: `実行 ${run} は ${state} です。${to} にできるのは ${from.ja} の実行だけです`,
  }),
  fleetPairNotFailed: (pair: string, state: string, run: string): Texts => ({
    en: `pair ${pair} is ${state} in run ${run}: only a failed pair can be retried`,
    ja: `ペア ${pair} は実行 ${run} で ${state} です。再試行できるのは failed のペアだけです`,
  }),
  leaseLost: (owner: string, run: string): Texts => ({
    en: `orchestrator ${owner} no longer holds the lease of run ${run}`,
    ja: `オーケストレータ ${owner} は実行 ${run} のリースを失いました`,
  }),
  invariant: (problem: Texts): Texts => ({ en: `refused, an invariant would break: ${problem.en}`, ja: `不変条件が崩れるため拒否しました: ${problem.ja}` }),
  upgradeActiveNode: (node: string, pair: string): Texts => ({
    en: `${node} is the active node of ${pair}; only the passive node is upgraded`,
    ja: `${node} はペア ${pair} のアクティブノードです。アップグレードするのはパッシブノードだけです`,
  }),
  activeUnhealthy: (active: string, node: string): Texts => ({
    en: `${active} has not passed a health check, so ${node} must stay up`,
    ja: `${active} がヘルスチェックに合格していないため、${node} は停止できません`,
  }),
  targetNotUpgraded: (target: string, installed: string, version: string): Texts => ({
    en: `${target} runs ${installed}, not ${version}; a pair is only switched to an upgraded node`,
    ja: `${target} のバージョンは ${version} ではなく ${installed} です。ペアはアップグレード済みのノードにだけ切り替えます`,
  }),
  targetUnhealthyOn: (target: string, version: string): Texts => ({
    en: `${target} has not passed a health check on ${version}`,
    ja: `${target} は ${version} でのヘルスチェックに合格していません`,
  }),
  rollbackTargetUnhealthy: (target: string): Texts => ({
    en: `${target} has not passed a health check; traffic is not switched back to it`,
    ja: `${target} はヘルスチェックに合格していないため、トラフィックを戻しません`,
  }),
} as const;
