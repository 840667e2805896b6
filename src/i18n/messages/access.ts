import type { Texts } from '../language.js';

/**
 * The catalogue's messages about who calls and what they name (see `../server-messages.ts`):
 * sign-in and sessions (401), roles and tenants (403), what does not exist (404).
 */

/** 401-00002: who the caller is could not be established. */
export const unauthorized = {
  signInFailed: {
    en: 'Authentication failed: check the user name and password, or the token.',
    ja: '認証に失敗しました。ユーザ名とパスワード、またはトークンを確認してください。',
  },
  authenticationRequired: {
    en: 'Authentication required: use Basic auth, a Bearer token or a session.',
    ja: '認証が必要です。Basic 認証、Bearer トークン、またはセッションを使用してください。',
  },
  unsupportedScheme: (scheme: string): Texts => ({
    en: `Unsupported Authorization scheme "${scheme}": use Basic or Bearer.`,
    ja: `Authorization ヘッダーの方式「${scheme}」には対応していません。Basic か Bearer を使用してください。`,
  }),
  sessionExpired: { en: 'Your session has expired: sign in again.', ja: 'セッションの有効期限が切れました。もう一度サインインしてください。' },
  malformedBasic: {
    en: 'Malformed Basic credentials: expected base64 of "user:password".',
    ja: 'Basic 認証の資格情報の形式が正しくありません。"user:password" を base64 でエンコードしてください。',
  },
  unknownTokenKind: {
    en: 'Unknown token: send an access token from POST /auth/realms/{organization}/protocol/openid-connect/token, or a personal access token from POST /api/auth/tokens.',
    ja: '不明なトークンです。POST /auth/realms/{organization}/protocol/openid-connect/token で取得したアクセストークンか、POST /api/auth/tokens で発行した個人用アクセストークンを送信してください。',
  },
  tokenInvalid: { en: 'The token is unknown, expired or revoked.', ja: 'トークンが不明か、有効期限切れか、失効しています。' },
  nodeTokenUnbound: {
    en: 'This fleet-node token was issued before node tokens named their node, and is no longer accepted: issue each node its own token ("scope": "fleet-node", "node": "PROD_P_017") and restart its agent with it.',
    ja: 'この fleet-node トークンはノードを指定する前の形式で発行されたため、使用できなくなりました。ノードごとにトークンを発行し ("scope": "fleet-node", "node": "PROD_P_017")、そのトークンでエージェントを再起動してください。',
  },
} as const;

/** 403-00001: the caller may not make this call. */
export const forbidden = {
  roleDoesNotAllow: { en: 'Your role does not allow this call.', ja: 'あなたのロールではこの操作はできません。' },
  systemAdminOnly: { en: 'Only a system administrator may make this call.', ja: 'この操作はシステム管理者のみ実行できます。' },
  fleetNodeTokenOnly: {
    en: 'This token is scoped fleet-node: it may only announce fleet nodes (POST /api/platform/fleet/nodes). Use a token without a scope for other calls.',
    ja: 'このトークンのスコープは fleet-node です。フリートのノードの登録 (POST /api/platform/fleet/nodes) にのみ使用できます。その他の操作にはスコープのないトークンを使用してください。',
  },
  fleetNodeTokenOtherNode: (tokenNode: string, announced: string): Texts => ({
    en: `This token may only announce node ${tokenNode}, not ${announced}. Issue each node its own token ("scope": "fleet-node", "node": "${announced}").`,
    ja: `このトークンで登録できるのはノード ${tokenNode} のみで、${announced} は登録できません。ノードごとにトークンを発行してください ("scope": "fleet-node", "node": "${announced}")。`,
  }),
  notOrganizationUser: (organization: string): Texts => ({
    en: `You are not a user of organization ${organization}.`,
    ja: `オーガナイゼーション ${organization} のユーザではありません。`,
  }),
  organizationManagerOnly: (organization: string): Texts => ({
    en: `Only a manager of organization ${organization} may make this call.`,
    ja: `この操作はオーガナイゼーション ${organization} の管理者のみ実行できます。`,
  }),
  notWorkspaceMember: (workspace: string): Texts => ({
    en: `You are not a member of workspace ${workspace}.`,
    ja: `ワークスペース ${workspace} のメンバーではありません。`,
  }),
  cannotDisableSelf: { en: 'You cannot disable yourself.', ja: '自分自身を無効にすることはできません。' },
  cannotDeleteSelf: { en: 'You cannot delete yourself.', ja: '自分自身を削除することはできません。' },
  cannotChangeOwnRole: {
    en: 'You cannot change your own role: another organization manager can.',
    ja: '自分自身のロールは変更できません。別のオーガナイゼーション管理者が変更できます。',
  },
  csrf: (header: string): Texts => ({
    en: `Missing or wrong ${header} header: the console sends the token it got at sign-in.`,
    ja: `${header} ヘッダーがないか、正しくありません。コンソールはサインイン時に受け取ったトークンを送信します。`,
  }),
} as const;

/** 404-00001: what the request names does not exist. */
export const notFound = {
  noRoute: (method: string, url: string): Texts => ({
    en: `No route ${method} ${url}: see /api/docs for the API.`,
    ja: `${method} ${url} の API は存在しません。API は /api/docs を参照してください。`,
  }),
  organization: (organization: string): Texts => ({
    en: `Organization ${organization} does not exist.`,
    ja: `オーガナイゼーション ${organization} は存在しません。`,
  }),
  workspace: (workspace: string, organization: string): Texts => ({
    en: `Workspace ${workspace} does not exist in organization ${organization}.`,
    ja: `ワークスペース ${workspace} はオーガナイゼーション ${organization} に存在しません。`,
  }),
  workspaces: (workspaces: string, organization: string): Texts => ({
    en: `Workspace(s) ${workspaces} do not exist in organization ${organization}.`,
    ja: `ワークスペース ${workspaces} はオーガナイゼーション ${organization} に存在しません。`,
  }),
  user: (user: string, organization: string): Texts => ({
    en: `User ${user} does not exist in organization ${organization}.`,
    ja: `ユーザ ${user} はオーガナイゼーション ${organization} に存在しません。`,
  }),
  ownUserGone: { en: 'Your user no longer exists.', ja: 'あなたのユーザはすでに存在しません。' },
  token: (token: string): Texts => ({ en: `No active token ${token}.`, ja: `有効なトークン ${token} は存在しません。` }),
  record: (menu: string, record: string): Texts => ({
    en: `Menu ${menu} has no record ${record}.`,
    ja: `メニュー ${menu} にレコード ${record} は存在しません。`,
  }),
  historyEntry: (record: string, journal: string): Texts => ({
    en: `Record ${record} has no history entry ${journal}.`,
    ja: `レコード ${record} に履歴 ${journal} は存在しません。`,
  }),
  noFileUploaded: (record: string, column: string): Texts => ({
    en: `Record ${record} has no file in ${column}: none has been uploaded.`,
    ja: `レコード ${record} の ${column} にファイルはありません。アップロードされていません。`,
  }),
  exportedMenusGone: (menus: string, workspace: string): Texts => ({
    en: `Menu(s) ${menus} do not exist in workspace ${workspace} (deleted after the export was registered?).`,
    ja: `メニュー ${menus} はワークスペース ${workspace} に存在しません (エクスポートの登録後に削除された可能性があります)。`,
  }),
  upload: (upload: string, kind: string, workspace: string): Texts => ({
    en: `Upload ${upload} (${kind}) does not exist in workspace ${workspace}: upload the file first.`,
    ja: `アップロード ${upload} (${kind}) はワークスペース ${workspace} に存在しません。先にファイルをアップロードしてください。`,
  }),
  executionIsImport: (execution: string): Texts => ({
    en: `Execution ${execution} is an import; it has no file to download.`,
    ja: `作業 ${execution} はインポートのため、ダウンロードするファイルはありません。`,
  }),
  executionEndedInError: (execution: string, status: Texts, log: string): Texts => ({
    en: `Execution ${execution} ended in error (status ${status.en}); see its log at GET ${log}.`,
    ja: `作業 ${execution} はエラーで終了しました (ステータス ${status.ja})。ログは GET ${log} で確認してください。`,
  }),
  executionNotFinished: (execution: string, status: Texts): Texts => ({
    en: `Execution ${execution} has not finished (status ${status.en}); its file can be downloaded once it is Completed.`,
    ja: `作業 ${execution} はまだ終了していません (ステータス ${status.ja})。完了後にファイルをダウンロードできます。`,
  }),
  executionNoFile: (execution: string): Texts => ({
    en: `Execution ${execution} has no export file.`,
    ja: `作業 ${execution} にエクスポートファイルはありません。`,
  }),
  fleetEnvironment: (environment: string, known: string): Texts => ({
    en: `no fleet environment ${environment} (known: ${known})`,
    ja: `フリートの環境 ${environment} は存在しません (存在する環境: ${known})`,
  }),
  fleetEnvironmentNoneDeclared: (environment: string): Texts => ({
    en: `no fleet environment ${environment} (known: none; declare a fleet first with \`drydock fleet apply FILE\`)`,
    ja: `フリートの環境 ${environment} は存在しません。環境がまだありません。先に \`drydock fleet apply FILE\` でフリートを宣言してください`,
  }),
  fleetNodeEnvironment: (node: string, environment: string, known: string): Texts => ({
    en: `node ${node} belongs to fleet environment ${environment}, which does not exist (known: ${known}): declare ${environment} in a fleet file (drydock fleet apply FILE) before its nodes register, or fix the node name`,
    ja: `ノード ${node} はフリートの環境 ${environment} に属しますが、この環境は存在しません (存在する環境: ${known})。ノードを登録する前にフリートファイルで ${environment} を宣言するか (drydock fleet apply FILE)、ノード名を修正してください`,
  }),
  fleetNode: (node: string): Texts => ({
    en: `no fleet node ${node}: it is neither registered nor in a pair (\`GET /api/platform/fleet/nodes\` lists the registered ones)`,
    ja: `フリートのノード ${node} は存在しません。登録されておらず、どのペアにも属していません (登録済みのノードは \`GET /api/platform/fleet/nodes\` で確認できます)`,
  }),
  fleetRun: (run: string): Texts => ({
    en: `no fleet run ${run}: \`drydock fleet status\` lists the runs`,
    ja: `フリートの実行 ${run} は存在しません。実行の一覧は \`drydock fleet status\` で確認できます`,
  }),
  fleetPairNotInRun: (pair: string, run: string): Texts => ({
    en: `pair ${pair} is not part of run ${run}`,
    ja: `ペア ${pair} は実行 ${run} に含まれていません`,
  }),
} as const;
