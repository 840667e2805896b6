/**
 * The server's message catalogue (src/i18n/server-messages.ts): every message an answer can carry
 * has a Japanese and an English text, grouped by the result code it is answered with. Each group is
 * a key of `RESULT`; each entry, called with placeholders for its parameters, words both languages,
 * the Japanese in Japanese (in Exastro's terms) and no two English texts alike. And the 400 a
 * request's validation answers lists each problem with its path, in the request's language.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { DocumentError, DomainError, RESULT, RateLimited, badRequest, unauthorized } from '../src/errors.js';
import { type Texts } from '../src/i18n/language.js';
import { MESSAGES } from '../src/i18n/server-messages.js';
import { parseOrThrow } from '../src/http/validation.js';

/** Japanese script: hiragana, katakana, kanji. */
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** Words that name Exastro's things differently from its Japanese manual, and the term to use. */
const DRIFT: ReadonlyArray<readonly [RegExp, string]> = [
  [/組織/, 'オーガナイゼーション'],
  [/作業スペース/, 'ワークスペース'],
  [/ユーザー/, 'ユーザ'],
  [/読み込み専用|リードオンリー/, '読み取り専用モード'],
  [/Movement|ムーヴメント/, 'ムーブメント'],
  [/(?<!サーバーサイド)ジョブ/, '作業'],
];

/**
 * The placeholder for parameter `i`: a string (for `${…}`) that is also a `Texts` (for parts worded
 * per language), so every entry can be called without knowing its parameters' types.
 */
function placeholder(i: number): string {
  const text = `‹${i}›`;
  return Object.assign(new String(text), { en: text, ja: text }) as unknown as string;
}

/** `texts` with plain strings (an entry that answers with a parameter as it is gives back the placeholder object). */
function plain(texts: Texts): Texts {
  const text = (t: unknown) => (t instanceof String ? t.valueOf() : t) as string;
  return { ...texts, en: text(texts.en), ja: text(texts.ja) };
}

/** Every entry of the catalogue as `group.name` and its texts with placeholders for its parameters. */
function entries(): Array<[string, Texts]> {
  return Object.entries(MESSAGES).flatMap(([group, members]) =>
    Object.entries(members as Record<string, Texts | ((...args: string[]) => Texts)>).map(([name, entry]): [string, Texts] => [
      `${group}.${name}`,
      plain(typeof entry === 'function' ? entry(...Array.from({ length: entry.length }, (_, i) => placeholder(i))) : entry),
    ]),
  );
}

describe('the server message catalogue', () => {
  it('groups its messages by result code: every group is a key of RESULT', () => {
    const codes = new Set(Object.keys(RESULT));
    assert.deepEqual(
      Object.keys(MESSAGES).filter((group) => !codes.has(group)),
      [],
    );
  });

  it('has a Japanese and an English text for every entry, the Japanese in Japanese', () => {
    const all = entries();
    assert.ok(all.length > 150, `${all.length} entries`);
    for (const [where, texts] of all) {
      assert.deepEqual(Object.keys(texts).sort(), ['en', 'ja'], where);
      assert.equal(typeof texts.en, 'string', where);
      assert.equal(typeof texts.ja, 'string', where);
      assert.ok(texts.en.trim() !== '', `${where}: en is empty`);
      assert.ok(texts.ja.trim() !== '', `${where}: ja is empty`);
      // A few entries only lay out their parameters (`path: problem`); everything else has words.
      const words = texts.ja.replace(/‹\d+›/g, '');
      assert.ok(JAPANESE.test(words) || !/[A-Za-z]/.test(words), `${where}: the Japanese text has no Japanese: ${texts.ja}`);
      assert.ok(!texts.ja.includes('undefined') && !texts.en.includes('undefined'), `${where}: a parameter is missing: ${texts.en}`);
    }
  });

  it('has no two entries with the same English text', () => {
    const seen = new Map<string, string>();
    // An entry whose English is its parameter as it is (another component's words, Fastify's or a
    // migration's, which only the Japanese frames) is not a wording of the catalogue's own.
    const worded = entries().filter(([, { en }]) => !/^‹\d+›$/.test(en));
    const twice = worded.flatMap(([where, { en }]) => {
      const first = seen.get(en);
      seen.set(en, where);
      return first ? [`${first} and ${where}: ${en}`] : [];
    });
    assert.deepEqual(twice, []);
  });

  it("uses Exastro's terms in every Japanese text", () => {
    const drifted = entries().flatMap(([where, { ja }]) =>
      DRIFT.filter(([word]) => word.test(ja)).map(([word, term]) => `${where}: ${word.exec(ja)![0]} → ${term}`),
    );
    assert.deepEqual(drifted, []);
  });
});

describe('the errors take texts, never one language', () => {
  it('keeps the English text as the message, and answers in the language asked for', () => {
    const err = badRequest(MESSAGES.notFound.organization('org-x'));
    assert.ok(err instanceof DomainError);
    assert.equal(err.message, 'Organization org-x does not exist.');
    assert.equal(err.messageIn('en'), 'Organization org-x does not exist.');
    assert.equal(err.messageIn('ja'), 'オーガナイゼーション org-x は存在しません。');
  });

  it('words a sign-in failure, a rate limit and a document refusal in both languages', () => {
    assert.equal(unauthorized().messageIn('ja'), '認証に失敗しました。ユーザ名とパスワード、またはトークンを確認してください。');
    const limited = new RateLimited(42);
    assert.match(limited.messageIn('ja'), /42 秒後/);
    assert.match(limited.message, /try again in 42 s/);
    const doc = new DocumentError([MESSAGES.invalidValue.menuTwice('servers'), MESSAGES.invalidValue.workbookNoSheet]);
    assert.equal(doc.message, 'The document cannot be imported: menu servers appears twice; the workbook has no sheet.');
    assert.match(doc.messageIn('ja'), /^ドキュメントをインポートできません: メニュー servers が 2 回あります; ワークブックにシートがありません$/);
  });
});

describe('validation in both languages (src/http/validation.ts)', () => {
  const schema = z.object({ port: z.number(), host: z.string().regex(/^[a-z]+$/, 'must be lower-case letters') }).strict();

  /** The 400 `parseOrThrow` throws for `value`. */
  function refusal(value: unknown): DomainError {
    try {
      parseOrThrow(schema, value, 'body');
    } catch (err) {
      assert.ok(err instanceof DomainError, String(err));
      return err;
    }
    assert.fail('parsed');
  }

  it("names each problem's path in Japanese, with zod's Japanese for its own problems", () => {
    const err = refusal({ port: 'eighty', host: 'EXAMPLE' });
    assert.equal(err.result, RESULT.invalidValue);
    const ja = err.messageIn('ja');
    assert.match(ja, /^リクエストボディの値が正しくありません: /);
    assert.match(ja, /port: 無効な入力: 数値が期待されましたが、stringが入力されました/);
    // A schema's own message stays as written, inside the Japanese sentence.
    assert.match(ja, /host: must be lower-case letters/);
    assert.equal(err.message, 'Invalid body: port: Invalid input: expected number, received string; host: must be lower-case letters.');
  });

  it('names unknown keys in Japanese (400-00026)', () => {
    const err = refusal({ port: 80, host: 'a', colour: 'red' });
    assert.equal(err.result, RESULT.unknownKey);
    assert.equal(err.messageIn('ja'), 'リクエストボディに不明なキーがあります: colour。削除してください（/api/docs を参照）。');
    assert.equal(err.message, 'Unknown key(s) in the body: colour. Remove them (see /api/docs).');
  });
});
