import type { Texts } from '../language.js';

/**
 * The catalogue's messages about the request as such (see `../server-messages.ts`): what a call
 * that did something answers (000-00000), a request that cannot be read or carried out
 * (400-00001), and the refusals of HTTP's own limits and failures (405, 408, 413, 414, 415, 429,
 * 431, 503, 500).
 */

/** 000-00000: what a call that did something answers, as Exastro's do (a sentence). */
export const success = {
  settingCompleted: { en: 'Setting completed.', ja: '設定が完了しました。' },
  executionCancelAccepted: (id: string): Texts => ({
    en: `The schedule cancellation was accepted: check the status of execution ${id}.`,
    ja: `予約取消を受け付けました。作業 ${id} のステータスを確認してください。`,
  }),
  executionScramAccepted: (id: string): Texts => ({
    en: `The emergency stop was accepted: check the status of execution ${id}.`,
    ja: `緊急停止を受け付けました。作業 ${id} のステータスを確認してください。`,
  }),
  conductorCancelAccepted: (id: string): Texts => ({
    en: `The schedule cancellation was accepted: check the status of conductor ${id}.`,
    ja: `予約取消を受け付けました。Conductor ${id} のステータスを確認してください。`,
  }),
  conductorScramAccepted: (id: string): Texts => ({
    en: `The emergency stop was accepted: check the status of conductor ${id}.`,
    ja: `緊急停止を受け付けました。Conductor ${id} のステータスを確認してください。`,
  }),
  releaseAccepted: (id: string, node: string): Texts => ({
    en: `The release of the pause was accepted: check the status of conductor ${id} (node ${node}).`,
    ja: `一時停止解除を受け付けました。Conductor ${id} (Node ${node}) のステータスを確認してください。`,
  }),
} as const;

/**
 * 400-00001: a request that cannot be read or carried out as sent. Also the words of the other
 * 4xx refusals Fastify makes itself (`refusedByServer`, answered with `<status>-00001`) and of
 * the ones Node's HTTP parser makes before there is a request (answered in English: no header
 * has been read).
 */
export const invalidRequest = {
  methodOverrideHeader: (header: string): Texts => ({
    en: `The ${header} header is not supported: send the real HTTP method.`,
    ja: `${header} ヘッダーには対応していません。実際の HTTP メソッドで送信してください。`,
  }),
  methodParameter: {
    en: 'The _method parameter is not supported: send the real HTTP method.',
    ja: '_method パラメータには対応していません。実際の HTTP メソッドで送信してください。',
  },
  bodyNotJson: (detail: string): Texts => ({
    en: `The request body is not valid JSON: ${detail}.`,
    ja: `リクエストボディが正しい JSON ではありません: ${detail}`,
  }),
  bodyTooDeep: (levels: number): Texts => ({
    en: `The request body nests arrays and objects more than ${levels} levels deep: flatten it.`,
    ja: `リクエストボディの配列とオブジェクトの入れ子が ${levels} 階層を超えています。入れ子を浅くしてください。`,
  }),
  multipartNoJsonParameters: {
    en: 'The multipart form needs a json_parameters field holding the records as JSON.',
    ja: 'multipart フォームには、レコードを JSON で記述した json_parameters フィールドが必要です。',
  },
  jsonParametersNotJson: (detail: string): Texts => ({
    en: `json_parameters is not valid JSON: ${detail}.`,
    ja: `json_parameters が正しい JSON ではありません: ${detail}`,
  }),
  jsonParametersTooDeep: (levels: number): Texts => ({
    en: `json_parameters nests more than ${levels} levels deep: flatten it.`,
    ja: `json_parameters の入れ子が ${levels} 階層を超えています。入れ子を浅くしてください。`,
  }),
  jsonParametersNotArray: {
    en: 'json_parameters must be a JSON array of records.',
    ja: 'json_parameters にはレコードの JSON 配列を指定してください。',
  },
  jsonParametersNotObject: {
    en: 'json_parameters must be a JSON object: one record.',
    ja: 'json_parameters には JSON オブジェクト（レコード 1 件）を指定してください。',
  },
  badUrl: {
    en: 'The URL is not valid: a percent-encoded part of its path is incomplete or not UTF-8 (such as %zz or %ED%A0%80). Encode the path as UTF-8.',
    ja: 'URL が正しくありません。パスのパーセントエンコードが不完全か、UTF-8 ではありません（%zz、%ED%A0%80 など）。パスは UTF-8 でエンコードしてください。',
  },
  notHttp: { en: 'The request is not valid HTTP.', ja: 'リクエストが正しい HTTP ではありません。' },
  refusedByServer: (detail: string): Texts => ({ en: detail, ja: `リクエストを受け付けられません: ${detail}` }),
  badRequest: { en: 'Bad request.', ja: 'リクエストが正しくありません。' },
  noWorkspaceAdministrator: (user: string, organization: string): Texts => ({
    en: `informations.workspace_administrators: no user "${user}" in organization ${organization}.`,
    ja: `informations.workspace_administrators: オーガナイゼーション ${organization} にユーザ「${user}」は存在しません。`,
  }),
  excelNotBase64: {
    en: 'excel must be the workbook (.xlsx) in base64, or send it as the file `excel` of a multipart form.',
    ja: 'excel にはワークブック (.xlsx) を base64 で指定するか、multipart フォームのファイル excel として送ってください。',
  },
  workbookNoRowToApply: {
    en: 'The workbook has no row to apply: write Register, Update, Discard or Restore (登録, 更新, 廃止, 復活) in the _type column of each row to apply.',
    ja: 'ワークブックに反映する行がありません。反映する行の _type 列に 登録・更新・廃止・復活 (Register, Update, Discard, Restore) のいずれかを入力してください。',
  },
  // Jobs: what a driver execution or a conductor needs of its movement, operation and class.
  notADriver: (backyard: string): Texts => ({ en: `${backyard} is not a driver.`, ja: `${backyard} はドライバではありません。` }),
  movementNoPlaybook: (movement: string): Texts => ({
    en: `Movement "${movement}" has no playbook.`,
    ja: `ムーブメント「${movement}」に playbook がありません。`,
  }),
  terraformFilesNotJson: (movement: string): Texts => ({
    en: `Movement "${movement}": terraform_files must be a JSON object {"main.tf": "…"}.`,
    ja: `ムーブメント「${movement}」: terraform_files には JSON オブジェクト {"main.tf": "…"} を指定してください。`,
  }),
  terraformFilesNotTf: (movement: string): Texts => ({
    en: `Movement "${movement}": terraform_files must be a JSON object of *.tf files, e.g. {"main.tf": "…"}.`,
    ja: `ムーブメント「${movement}」: terraform_files には *.tf ファイルの JSON オブジェクト（例: {"main.tf": "…"}）を指定してください。`,
  }),
  movementNeedsTfc: (movement: string): Texts => ({
    en: `Movement "${movement}" needs tfc_organization and tfc_workspace.`,
    ja: `ムーブメント「${movement}」には tfc_organization と tfc_workspace が必要です。`,
  }),
  movementUnknownOrchestrator: (movement: string, orchestrator: string): Texts => ({
    en: `Movement "${movement}" has an unknown orchestrator "${orchestrator}".`,
    ja: `ムーブメント「${movement}」のオーケストレータ「${orchestrator}」は不明です。`,
  }),
  operationVariablesNotObject: (operation: string): Texts => ({
    en: `Operation "${operation}": variables must be a JSON object.`,
    ja: `オペレーション「${operation}」: variables には JSON オブジェクトを指定してください。`,
  }),
  operationRecordMissing: (operation: string, record: string, menu: string): Texts => ({
    en: `Operation "${operation}": no record ${record} in menu ${menu}.`,
    ja: `オペレーション「${operation}」: メニュー ${menu} にレコード ${record} は存在しません。`,
  }),
  scheduleDateInvalid: (text: string): Texts => ({
    en: `schedule_date: "${text}" must be a date and time YYYY/MM/DD hh:mm (UTC).`,
    ja: `schedule_date: "${text}" は日時 YYYY/MM/DD hh:mm (UTC) で指定してください。`,
  }),
  scheduleDatePast: (text: string): Texts => ({
    en: `schedule_date: ${text} is in the past.`,
    ja: `schedule_date: ${text} は過去の日時です。未来の日時を指定してください。`,
  }),
  conductorDefinitionNotJson: (conductorClass: string): Texts => ({
    en: `Conductor class "${conductorClass}": definition is not JSON.`,
    ja: `Conductorクラス「${conductorClass}」: definition が JSON ではありません。`,
  }),
  conductorDefinitionInvalid: (conductorClass: string, problems: Texts): Texts => ({
    en: `Conductor class "${conductorClass}": ${problems.en}.`,
    ja: `Conductorクラス「${conductorClass}」の定義が正しくありません: ${problems.ja}`,
  }),
  conductorNodeNoMovement: (conductorClass: string, node: string): Texts => ({
    en: `Conductor class "${conductorClass}": node ${node} names no movement_name.`,
    ja: `Conductorクラス「${conductorClass}」: Node ${node} に movement_name がありません。`,
  }),
  conductorNodeIdTwice: (conductorClass: string, node: string): Texts => ({
    en: `Conductor class "${conductorClass}": node id ${node} is used twice.`,
    ja: `Conductorクラス「${conductorClass}」: Node ID ${node} が重複しています。`,
  }),
  conductorUnknownDependency: (conductorClass: string, node: string, unknown: string): Texts => ({
    en: `Conductor class "${conductorClass}": node ${node} depends on unknown node(s) ${unknown}.`,
    ja: `Conductorクラス「${conductorClass}」: Node ${node} が存在しないNode ${unknown} に依存しています。`,
  }),
  conductorCycle: (conductorClass: string, cycle: string): Texts => ({
    en: `Conductor class "${conductorClass}": cycle ${cycle}.`,
    ja: `Conductorクラス「${conductorClass}」: Nodeの依存関係が循環しています (${cycle})。`,
  }),
  // The fleet (drydock's own API).
  fleetFileProblems: (count: number, problems: string): Texts => ({
    en: `the fleet file has ${count} problem(s):\n${problems}`,
    ja: `フリートファイルに ${count} 件の問題があります:\n${problems}`,
  }),
  fleetNodeName: (name: string): Texts => ({
    en: `"${name}" is not a node name: name a node <ENV_TYPE>_<P|S>_<ENV_ID>, e.g. PROD_P_017 (the environment in upper-case letters, digits and dashes; P for the primary or S for the secondary; then the sub-environment id: letters, digits, dashes)`,
    ja: `"${name}" はノード名ではありません。ノード名は <ENV_TYPE>_<P|S>_<ENV_ID> の形式で指定してください (例: PROD_P_017。環境は英大文字・数字・ダッシュ、プライマリは P、セカンダリは S、その後にサブ環境の ID (英数字・ダッシュ))`,
  }),
  fleetEnvironmentNoPairs: (environment: string): Texts => ({
    en: `environment ${environment} has no pairs: declare its nodes in the fleet file, or let both nodes of a pair register (drydock fleet agent)`,
    ja: `環境 ${environment} にペアがありません。フリートファイルでノードを宣言するか、ペアの両方のノードを登録してください (drydock fleet agent)。`,
  }),
  fleetStatusUndefinedClose: (status: string, close: string): Texts => ({
    en: `${status} is not a defined status; did you mean ${close}? (the statuses are defined in the fleet file's statuses: list; \`drydock fleet statuses\` lists them)`,
    ja: `${status} は定義されたステータスではありません。${close} のことですか?(ステータスはフリートファイルの statuses: で定義します。一覧は \`drydock fleet statuses\` で確認できます)`,
  }),
  fleetStatusUndefined: (status: string, defined: string): Texts => ({
    en: `${status} is not a defined status (defined: ${defined}); add it to the fleet file's statuses: list and apply the file`,
    ja: `${status} は定義されたステータスではありません(定義済み: ${defined})。フリートファイルの statuses: に追加して適用してください`,
  }),
  fleetPhaseRange: (text: string): Texts => ({
    en: `phases "${text}" is not a range of phases: give the first and the last of phases 1 to 4, first not after last, e.g. 1-2, 3-4, 2 or 1-4`,
    ja: `フェーズ "${text}" はフェーズの範囲ではありません。1 から 4 のうち最初と最後のフェーズを、最初が最後より後にならないように指定してください (例: 1-2、3-4、2、1-4)`,
  }),
  fleetHoldOutsideRun: (afterPhase: number, phases: string, allowed: string | null): Texts => ({
    en: `a hold after phase ${afterPhase} does not fit a run for phases ${phases}: ${allowed === null ? 'a run for one phase has no phase to hold before; leave the hold out' : `hold after phase ${allowed} (a phase of the run other than its last)`}`,
    ja: `フェーズ ${afterPhase} の後の待機は、フェーズ ${phases} の実行には指定できません。${allowed === null ? '1 フェーズだけの実行には待機を置く場所がありません。待機を外してください' : `フェーズ ${allowed} の後を指定してください (実行の最後以外のフェーズ)`}`,
  }),
} as const;

/** 405-00001. */
export const methodNotAllowed = {
  methodNotAllowed: { en: 'Method not allowed.', ja: 'このメソッドは使用できません。' },
} as const;

/** 408-00001 (answered in English: the request's headers have not been read). */
export const requestTimeout = {
  requestTimeout: { en: 'The request did not arrive in time.', ja: 'リクエストが時間内に届きませんでした。' },
} as const;

/** 413-00001. */
export const payloadTooLarge = {
  bodyTooLarge: (bytes: number): Texts => ({
    en: `The request body is larger than ${bytes} bytes.`,
    ja: `リクエストボディが ${bytes} バイトを超えています。`,
  }),
} as const;

/** 414-00001. */
export const uriTooLong = {
  pathPartTooLong: (characters: number): Texts => ({
    en: `A part of the path is longer than ${characters} characters: no id is that long (see /api/docs).`,
    ja: `パスの一部が ${characters} 文字を超えています。それほど長い ID はありません（/api/docs を参照）。`,
  }),
} as const;

/** 415-00001. */
export const unsupportedMediaType = {
  contentType: (type: string): Texts => ({
    en: `Unsupported Content-Type "${type}": send application/json.`,
    ja: `Content-Type「${type}」には対応していません。application/json で送信してください。`,
  }),
} as const;

/** 429-00001. */
export const tooManyRequests = {
  tooManySignIns: (seconds: number): Texts => ({
    en: `Too many failed sign-ins from this address: try again in ${seconds} s.`,
    ja: `このアドレスからのサインインの失敗が多すぎます。${seconds} 秒後にもう一度お試しください。`,
  }),
} as const;

/** 431-00001 (answered in English: the request's headers could not be read). */
export const headersTooLarge = {
  headersTooLarge: {
    en: 'The request line and headers are too large: shorten the URL or the headers.',
    ja: 'リクエスト行とヘッダーが大きすぎます。URL かヘッダーを短くしてください。',
  },
} as const;

/** 503-00001. */
export const unavailable = {
  storeUnavailable: {
    en: 'The store is unavailable right now; nothing was changed. Retry shortly.',
    ja: 'ストアが現在利用できません。何も変更されていません。しばらくしてから再実行してください。',
  },
  storeNotAnswering: { en: 'The store does not answer.', ja: 'ストアが応答しません。' },
  stopping: { en: 'This process is stopping.', ja: 'このプロセスは停止処理中です。' },
  schemaNotRunnable: (detail: string): Texts => ({ en: detail, ja: `このリリースはストアのスキーマでは動作できません: ${detail}` }),
} as const;

/** 999-99999: anything unexpected (HTTP 500). */
export const internal = {
  internal: { en: 'Internal error: the server log has the details.', ja: '内部エラーが発生しました。詳細はサーバーのログを確認してください。' },
} as const;
