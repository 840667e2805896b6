import type { Texts } from '../language.js';

/**
 * The catalogue's problems of records (499-00201, see `../server-messages.ts`), each listed under
 * its row and column: a record's keys, its lock, its discard state, its values and its files.
 */

/**
 * 499-00201: the problems of a request's records, each listed under its row and column
 * (`RecordProblems`); a problem that is not about one column under `individualCheck`.
 */
export const recordProblems = {
  individualCheck: { en: 'Individual check', ja: '(個別チェック)' },
  unknownKeys: (keys: string): Texts => ({
    en: `These keys are not columns of the menu: ${keys}.`,
    ja: `メニューの項目ではないキーがあります: ${keys}`,
  }),
  keyMissing: (key: string): Texts => ({
    en: `Name the record to change in parameter.${key}.`,
    ja: `変更するレコードを parameter.${key} で指定してください。`,
  }),
  notFound: (uuid: string): Texts => ({ en: `The record does not exist (uuid: ${uuid}).`, ja: `対象のレコードが存在しません。(uuid: ${uuid})` }),
  lockMissing: {
    en: 'Send parameter.last_update_date_time as you read it (YYYY/MM/DD hh:mm:ss.ffffff), for the optimistic lock.',
    ja: '読み取った parameter.last_update_date_time (YYYY/MM/DD hh:mm:ss.ffffff) を送ってください（楽観ロック）。',
  },
  stale: (user: string, at: string, uuid: string): Texts => ({
    en: `The record was updated by ${user} at ${at} after you read it (uuid: ${uuid}): read it again and apply your change to it.`,
    ja: `読み取った後に ${user} が ${at} にレコードを更新しました。(uuid: ${uuid}) 読み直してから変更してください。`,
  }),
  alreadyDiscarded: (uuid: string): Texts => ({
    en: `The record is already discarded (uuid: ${uuid}).`,
    ja: `対象のレコードは廃止済みです。(uuid: ${uuid})`,
  }),
  notDiscarded: (uuid: string): Texts => ({
    en: `The record is not discarded, so it cannot be restored (uuid: ${uuid}).`,
    ja: `対象のレコードは廃止されていないため復活できません。(uuid: ${uuid})`,
  }),
  duplicate: (holder: string, value: string): Texts => ({
    en: `must be unique: record ${holder} already has ${value}.`,
    ja: `他のレコードと重複しています。(uuid: ${holder}, 値: ${value})`,
  }),
  remarks: { en: 'must be a string or null', ja: '文字列か null で入力してください' },
  // A value of a column, worded to follow the column's name (also in imported documents).
  required: { en: 'is required', ja: '必須項目です' },
  string: { en: 'must be a string', ja: '文字列で入力してください' },
  tooLong: (max: number): Texts => ({ en: `must be at most ${max} characters`, ja: `${max}文字以内で入力してください` }),
  integer: { en: 'must be an integer', ja: '整数で入力してください' },
  number: { en: 'must be a number', ja: '数値で入力してください' },
  boolean: { en: 'must be true or false', ja: 'true か false で入力してください' },
  date: { en: 'must be a date YYYY/MM/DD', ja: '日付 YYYY/MM/DD で入力してください' },
  datetime: { en: 'must be a date and time YYYY/MM/DD hh:mm[:ss]', ja: '日時 YYYY/MM/DD hh:mm[:ss] で入力してください' },
  // A record's files (`menus/record-files.ts`).
  filesNotColumns: (keys: string): Texts => ({
    en: `file holds content for ${keys}, which are not file columns of the menu.`,
    ja: `file に、メニューのファイル項目ではない ${keys} の内容があります。`,
  }),
  fileNotBase64: { en: 'the file content must be base64', ja: 'ファイルの内容は base64 で送ってください' },
  fileNoContent: {
    en: 'the file has not been uploaded: send its content as base64 in file.<column> (or as a part of the form)',
    ja: 'ファイルがアップロードされていません。内容を file.<項目名> に base64 で送ってください（フォームならそのパートで）',
  },
  fileNoName: { en: 'name the uploaded file in parameter.<column>', ja: 'アップロードしたファイルの名前を parameter.<項目名> で指定してください' },
  fileName: {
    en: 'must be a file name of at most 255 characters, without / \\ : * ? " < > | or control characters',
    ja: '255文字以内のファイル名を指定してください（/ \\ : * ? " < > | と制御文字は使えません）',
  },
} as const;
