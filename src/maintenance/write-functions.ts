import { textIn, type Language, type Texts } from '../i18n/language.js';

/**
 * Every function that registers or updates data, with the code and the message a caller gets when
 * read-only mode (`data_update_stop`) refuses it. Routes name one of these in their declaration;
 * the guard and the in-transaction gate refuse by it. The codes are Exastro's for the same
 * function — IT Automation's 498-000xx for the ITA API, the platform's 498-<function>00x for
 * organizations and workspaces — so a script written for Exastro reads the refusal it expects.
 * Exastro does not refuse user changes; drydock does, under the platform's users function (25).
 */
export const WRITE_FUNCTIONS = {
  menu_record_maintenance: {
    result: '498-00001',
    en: 'Menu records cannot be registered, updated, discarded or restored',
    ja: 'データの登録・更新・廃止・復活はできません',
  },
  loglevel_change: {
    // Exastro refuses every change to the IT Automation system-management API with 498-00001.
    result: '498-00001',
    en: 'Log levels cannot be changed',
    ja: 'ログレベルの変更はできません',
  },
  menu_definition: {
    result: '498-00004',
    en: 'Parameter sheets (menus) cannot be created, edited or deleted',
    ja: 'パラメータシート（メニュー）の作成・編集・削除はできません',
  },
  conductor_class_maintenance: {
    result: '498-00005',
    en: 'Conductor classes cannot be registered or updated',
    ja: 'Conductorの登録・更新はできません',
  },
  conductor_execution: {
    result: '498-00006',
    en: 'Conductors cannot be executed',
    ja: 'Conductorの作業実行はできません',
  },
  conductor_release: {
    result: '498-00009',
    en: 'Paused conductors cannot be released',
    ja: '一時停止解除はできません',
  },
  job_cancel: {
    result: '498-00007',
    en: 'Scheduled executions cannot be cancelled',
    ja: '予約取消はできません',
  },
  driver_execution: {
    result: '498-00010',
    en: 'Drivers (Ansible, Terraform) cannot be executed',
    ja: '作業実行（Ansible・Terraform）はできません',
  },
  driver_dry_run: {
    result: '498-00011',
    en: 'Dry runs and plan confirmations cannot be executed',
    ja: 'ドライラン・Plan確認はできません',
  },
  driver_parameter_check: {
    result: '498-00012',
    en: 'Parameter confirmations cannot be executed',
    ja: 'パラメータ確認はできません',
  },
  menu_export: {
    result: '498-00014',
    en: 'Menus cannot be exported',
    ja: 'メニューエクスポートはできません',
  },
  menu_import: {
    result: '498-00015',
    en: 'Menus cannot be imported',
    ja: 'メニューインポートはできません',
  },
  excel_export: {
    result: '498-00016',
    en: 'Menus cannot be exported to Excel in bulk',
    ja: 'Excel一括エクスポートはできません',
  },
  excel_import: {
    result: '498-00017',
    en: 'Excel workbooks cannot be imported in bulk',
    ja: 'Excel一括インポートはできません',
  },
  workspace_create: {
    result: '498-22001',
    en: 'Workspaces cannot be created',
    ja: 'ワークスペースの作成はできません',
  },
  workspace_delete: {
    result: '498-22002',
    en: 'Workspaces cannot be deleted',
    ja: 'ワークスペースの削除はできません',
  },
  workspace_update: {
    result: '498-22003',
    en: 'Workspaces cannot be updated',
    ja: 'ワークスペースの更新はできません',
  },
  organization_create: {
    result: '498-23001',
    en: 'Organizations cannot be created',
    ja: 'オーガナイゼーションの作成はできません',
  },
  organization_delete: {
    result: '498-23002',
    en: 'Organizations cannot be deleted',
    ja: 'オーガナイゼーションの削除はできません',
  },
  organization_update: {
    result: '498-23003',
    en: 'Organizations cannot be updated',
    ja: 'オーガナイゼーションの更新はできません',
  },
  user_create: {
    result: '498-25001',
    en: 'Users cannot be created',
    ja: 'ユーザの作成はできません',
  },
  user_delete: {
    result: '498-25002',
    en: 'Users cannot be deleted',
    ja: 'ユーザの削除はできません',
  },
  user_update: {
    result: '498-25003',
    en: 'Users cannot be updated',
    ja: 'ユーザの更新はできません',
  },
} as const satisfies Record<string, Texts & { result: string }>;

/** The name of a function that writes data; routes declare one. */
export type WriteFunction = keyof typeof WRITE_FUNCTIONS;

/** The refusal message a caller reads, in its language. */
export function refusalMessage(fn: WriteFunction, language: Language): string {
  const entry = WRITE_FUNCTIONS[fn];
  return textIn(
    {
      ja: `メンテナンス中のため、${entry.ja}。メンテナンス終了後に再実行してください。`,
      en: `The system is in maintenance (read-only mode): ${entry.en}. Retry after the maintenance ends.`,
    },
    language,
  );
}
