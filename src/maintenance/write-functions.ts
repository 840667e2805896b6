import { textIn, type Language, type Texts } from '../i18n/language.js';

/**
 * Every function that registers or updates data, with the code and the message a caller gets when
 * read-only mode (`data_update_stop`) refuses it. Routes name one of these in their declaration;
 * the guard and the in-transaction gate refuse by it. One code per function, so a script can tell
 * which of its calls was refused.
 */
export const WRITE_FUNCTIONS = {
  menu_record_maintenance: {
    result: '498-00001',
    en: 'Menu records cannot be registered, updated, discarded or restored',
    ja: 'メニューのレコードを登録・更新・廃止・復活できません',
  },
  menu_definition: {
    result: '498-00002',
    en: 'Menus cannot be defined or created',
    ja: 'メニューの定義・作成はできません',
  },
  conductor_execution: {
    result: '498-00003',
    en: 'Conductors cannot be registered or executed',
    ja: 'Conductorの登録・実行はできません',
  },
  driver_execution: {
    result: '498-00004',
    en: 'Drivers (Ansible, Terraform) cannot be executed',
    ja: '作業実行（Ansible・Terraform）はできません',
  },
  menu_export_import: {
    result: '498-00005',
    en: 'Menus cannot be exported or imported',
    ja: 'メニューのエクスポート・インポートはできません',
  },
  excel_export_import: {
    result: '498-00006',
    en: 'Excel workbooks cannot be exported or imported',
    ja: 'Excel一括エクスポート・インポートはできません',
  },
  loglevel_change: {
    result: '498-00007',
    en: 'Log levels cannot be changed',
    ja: 'ログレベルを変更できません',
  },
  organization_create: {
    result: '498-00008',
    en: 'Organizations cannot be created',
    ja: 'オーガナイゼーションを作成できません',
  },
  organization_update: {
    result: '498-00009',
    en: 'Organizations cannot be updated',
    ja: 'オーガナイゼーションを更新できません',
  },
  organization_delete: {
    result: '498-00010',
    en: 'Organizations cannot be deleted',
    ja: 'オーガナイゼーションを削除できません',
  },
  workspace_create: {
    result: '498-00011',
    en: 'Workspaces cannot be created',
    ja: 'ワークスペースを作成できません',
  },
  workspace_update: {
    result: '498-00012',
    en: 'Workspaces cannot be updated',
    ja: 'ワークスペースを更新できません',
  },
  workspace_delete: {
    result: '498-00013',
    en: 'Workspaces cannot be deleted',
    ja: 'ワークスペースを削除できません',
  },
  user_maintenance: {
    result: '498-00014',
    en: 'Users cannot be created, updated or deleted',
    ja: 'ユーザーを作成・更新・削除できません',
  },
  job_control: {
    result: '498-00015',
    en: 'Jobs cannot be cancelled or stopped',
    ja: '作業の取消・緊急停止はできません',
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
