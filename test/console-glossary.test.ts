/**
 * The Japanese console speaks the terms of Exastro IT Automation's manual, which its users know:
 * the maintenance switches 「サーバーサイドジョブ停止」 and 「読み取り専用モード」 on the
 * 「システム状態一覧」 screen, 「登録」 for registering a record, 「オーガナイゼーション」 and
 * 「ワークスペース」. This pins them where they are shown, and refuses the other words a
 * translation might drift to, anywhere in the console's Japanese text and the switches' texts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SWITCHES, SWITCH_IDS } from '../src/maintenance/switches.js';
import { ja } from '../web/src/i18n/messages.ja.js';

/** Where the console shows a term of Exastro's, and the term. */
const PINNED: ReadonlyArray<readonly [keyof typeof ja, string]> = [
  ['nav.settings', 'システム状態一覧'],
  ['settings.title', 'システム状態一覧'],
  ['records.register', '登録'],
  ['nav.organizations', 'オーガナイゼーション'],
  ['nav.workspaces', 'ワークスペース'],
];

/** Words that name the same things differently from Exastro's manual, and the term to use. */
const DRIFT: ReadonlyArray<readonly [RegExp, string]> = [
  [/読み込み専用|リードオンリー|参照専用/, '読み取り専用モード'],
  [/バックグラウンドジョブ|バックエンドジョブ|サーバ側ジョブ|サーバージョブ/, 'サーバーサイドジョブ'],
  [/システムステータス|システム状況/, 'システム状態一覧'],
  [/組織/, 'オーガナイゼーション'],
  [/作業スペース/, 'ワークスペース'],
  // The server's messages say ユーザ (src/i18n/server-messages.ts): one word on the whole screen.
  [/ユーザー/, 'ユーザ'],
];

describe("the Japanese console's glossary (Exastro's terms)", () => {
  it('names the two switches as Exastro does', () => {
    assert.deepEqual(
      SWITCH_IDS.map((id) => [id, SWITCHES[id].console.label.ja]),
      [
        ['backyard_execute_stop', 'サーバーサイドジョブ停止'],
        ['data_update_stop', '読み取り専用モード'],
      ],
    );
  });

  it("shows Exastro's term where the console names the screen, the register button, organizations and workspaces", () => {
    for (const [key, term] of PINNED) assert.equal(ja[key], term, key);
  });

  it('uses no other word for these things in any Japanese text', () => {
    const texts: Array<[string, string]> = [
      ...Object.entries(ja),
      ...SWITCH_IDS.flatMap((id) => Object.entries(SWITCHES[id]).flatMap(([k, v]) => jaTexts(`${id}.${k}`, v))),
    ];
    const drifted = texts.flatMap(([where, text]) =>
      DRIFT.filter(([word]) => word.test(text)).map(([word, term]) => `${where}: ${word.exec(text)![0]} → ${term}`),
    );
    assert.deepEqual(drifted, []);
  });
});

/** Every `ja` text inside a switch's definition (labels, help, confirmations), with where it is. */
function jaTexts(where: string, value: unknown): Array<[string, string]> {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'ja' && typeof v === 'string' ? [[`${where}.ja`, v] as [string, string]] : jaTexts(`${where}.${k}`, v),
  );
}
