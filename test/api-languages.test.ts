/**
 * Every message the server answers with follows the request's language: Japanese for `Language:
 * ja` (Exastro's header) or an `Accept-Language` that prefers Japanese, English otherwise — for
 * sign-in failures, validation, unknown keys, conflicts, what does not exist, roles, the fleet and
 * jobs. Each Japanese answer is in Japanese and names what it is about (the organization, the
 * workspace, the key); the English one is worded as it always was. The texts are the catalogue's
 * (src/i18n/server-messages.ts, checked entry by entry by test/server-messages.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from './support/backends.js';
import { ITA1, SEED, adminAuth, basic, organizationBody, seedTenants, startTestApp, type CallOptions, type CallResult, type TestApp } from './support/app.js';

/** Japanese script: hiragana, katakana, kanji. */
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

const JA = { language: 'ja' };
const EN = { language: 'en' };
/** A browser's preference: Japanese first, English next. */
const BROWSER_JA = { 'accept-language': 'ja,en;q=0.8' };

/** Checks a refusal: its status, its code, the envelope, and a message that names `detail`. */
function assertRefusal(r: CallResult, status: number, result: string, detail: string, what: string): string {
  assert.equal(r.status, status, `${what}: expected ${status}, got ${r.status} ${r.text}`);
  assert.deepEqual(Object.keys(r.body ?? {}).sort(), ['data', 'message', 'result', 'ts'], `${what}: ${r.text}`);
  assert.equal(r.body.result, result, `${what}: ${r.text}`);
  assert.equal(r.body.data, null, what);
  const message = r.body.message as string;
  assert.ok(message.includes(detail), `${what}: the message names ${detail}: ${message}`);
  return message;
}

/** A Japanese refusal: in Japanese, naming `detail`, and matching `pattern`. */
function assertJapanese(r: CallResult, status: number, result: string, detail: string, pattern: RegExp, what: string): void {
  const message = assertRefusal(r, status, result, detail, what);
  assert.match(message, JAPANESE, `${what}: a Japanese message: ${message}`);
  assert.match(message, pattern, what);
}

/** An English refusal: no Japanese, and as worded before (`expected`). */
function assertEnglish(r: CallResult, status: number, result: string, detail: string, expected: RegExp | string, what: string): void {
  const message = assertRefusal(r, status, result, detail, what);
  assert.doesNotMatch(message, JAPANESE, `${what}: an English message: ${message}`);
  if (typeof expected === 'string') assert.equal(message, expected, what);
  else assert.match(message, expected, what);
}

const workspaceBody = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `${id}-name`,
  informations: { description: '', environments: [], workspace_administrators: [] },
  ...extra,
});

for (const backend of BACKENDS) {
  describe(`every server message in the request's language (${backend})`, () => {
    let t: TestApp;
    /** A fresh client address per call that fails a sign-in, so no attempt is slowed by the ones before. */
    let address = 0;
    const fresh = (): string => `10.77.${Math.floor(++address / 250)}.${address % 250}`;
    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
    });
    after(async () => t?.close());

    /** `o` sent twice: asking for Japanese, then for English. */
    const both = async (o: CallOptions) => ({
      ja: await t.call({ ...o, headers: { ...o.headers, ...JA } }),
      en: await t.call({ ...o, headers: { ...o.headers, ...EN } }),
    });

    it('a sign-in failure with Basic auth (401): Japanese for Language: ja and for a browser preferring Japanese, English for en', async () => {
      const o: CallOptions = { url: `/api/${SEED.org1}/platform/workspaces`, auth: basic('manager1', 'wrong-password') };
      const signIn = /^認証に失敗しました。ユーザ名とパスワード、またはトークンを確認してください。$/;
      assertJapanese(await t.call({ ...o, headers: JA, remoteAddress: fresh() }), 401, '401-00002', '認証', signIn, 'Basic, Language: ja');
      assertJapanese(await t.call({ ...o, headers: BROWSER_JA, remoteAddress: fresh() }), 401, '401-00002', '認証', signIn, 'Basic, Accept-Language: ja');
      assertEnglish(
        await t.call({ ...o, headers: EN, remoteAddress: fresh() }),
        401,
        '401-00002',
        'Authentication failed',
        'Authentication failed: check the user name and password, or the token.',
        'Basic, Language: en',
      );
      // No language asked for: English, as before.
      assertEnglish(await t.call({ ...o, remoteAddress: fresh() }), 401, '401-00002', 'Authentication failed', /check the user name and password/, 'Basic');
    });

    it("a sign-in failure at the console's sign-in (POST /api/auth/login, 401)", async () => {
      const o: CallOptions = { method: 'POST', url: '/api/auth/login', body: { organization_id: SEED.org1, username: 'manager1', password: 'wrong-password' } };
      assertJapanese(await t.call({ ...o, headers: JA, remoteAddress: fresh() }), 401, '401-00002', 'ユーザ名', /^認証に失敗しました。/, 'sign-in, ja');
      assertJapanese(
        await t.call({ ...o, headers: BROWSER_JA, remoteAddress: fresh() }),
        401,
        '401-00002',
        'パスワード',
        /^認証に失敗しました。/,
        'sign-in, browser',
      );
      assertEnglish(await t.call({ ...o, headers: EN, remoteAddress: fresh() }), 401, '401-00002', 'password', /^Authentication failed:/, 'sign-in, en');
    });

    it('a value of the wrong type (400-00027) names its path in both languages', async () => {
      const r = await both({
        method: 'POST',
        url: `/api/${SEED.org1}/platform/workspaces`,
        auth: SEED.manager1,
        body: workspaceBody('ws-typed', { name: 42 }),
      });
      assertJapanese(r.ja, 400, '400-00027', 'name', /^リクエストボディの値が正しくありません: .*name: 無効な入力/, 'wrong type, ja');
      assertEnglish(r.en, 400, '400-00027', 'name', /^Invalid body: .*name: Invalid input: expected string, received number/, 'wrong type, en');
      const browser = await t.call({
        method: 'POST',
        url: `/api/${SEED.org1}/platform/workspaces`,
        auth: SEED.manager1,
        body: workspaceBody('ws-typed', { name: 42 }),
        headers: BROWSER_JA,
      });
      assertJapanese(browser, 400, '400-00027', 'name', /^リクエストボディの値が正しくありません/, 'wrong type, browser');
    });

    it('an unknown key (400-00026) names the key in both languages', async () => {
      const r = await both({
        method: 'POST',
        url: `/api/${SEED.org1}/platform/workspaces`,
        auth: SEED.manager1,
        body: workspaceBody('ws-keys', { colour: 'red' }),
      });
      assertJapanese(r.ja, 400, '400-00026', 'colour', /^リクエストボディに不明なキーがあります: colour。/, 'unknown key, ja');
      assertEnglish(r.en, 400, '400-00026', 'colour', 'Unknown key(s) in the body: colour. Remove them (see /api/docs).', 'unknown key, en');
    });

    it('an organization that exists already (409) names it in both languages', async () => {
      const r = await both({ method: 'POST', url: '/api/platform/organizations', auth: adminAuth, body: organizationBody(SEED.org1) });
      assertJapanese(r.ja, 409, '409-00001', SEED.org1, /^オーガナイゼーション org1 はすでに存在します。$/, 'conflict, ja');
      assertEnglish(r.en, 409, '409-00001', SEED.org1, 'Organization org1 already exists.', 'conflict, en');
    });

    it('a workspace that does not exist (404) names it and its organization in both languages', async () => {
      const r = await both({ url: `/api/${SEED.org1}/platform/workspaces/no-such-ws`, auth: SEED.manager1 });
      assertJapanese(r.ja, 404, '404-00001', 'no-such-ws', /^ワークスペース no-such-ws はオーガナイゼーション org1 に存在しません。$/, 'not found, ja');
      assertEnglish(r.en, 404, '404-00001', 'no-such-ws', 'Workspace no-such-ws does not exist in organization org1.', 'not found, en');
    });

    it('a member calling a route for managers and administrators (403) in both languages', async () => {
      const manager = await both({ url: `/api/${SEED.org1}/platform/users`, auth: SEED.member1 });
      assertJapanese(manager.ja, 403, '403-00001', SEED.org1, /^この操作はオーガナイゼーション org1 の管理者のみ実行できます。$/, 'manager route, ja');
      assertEnglish(manager.en, 403, '403-00001', SEED.org1, 'Only a manager of organization org1 may make this call.', 'manager route, en');
      const admin = await both({ url: '/api/platform/organizations', auth: basic(`${SEED.org1}/member1`, 'member1-password') });
      assertJapanese(admin.ja, 403, '403-00001', 'システム管理者', /^この操作はシステム管理者のみ実行できます。$/, 'admin route, ja');
      assertEnglish(admin.en, 403, '403-00001', 'system administrator', 'Only a system administrator may make this call.', 'admin route, en');
    });

    it('fleet refusals: a run for an environment the fleet lacks (404), a version its gate keeps out (409)', async () => {
      const fleet = {
        environments: [{ name: 'PROD', gate: 'QA_OK', driver: { type: 'noop' } }],
        nodes: [
          { name: 'PROD_P_001', version: '1.0.0' },
          { name: 'PROD_S_001', version: '1.0.0' },
        ],
      };
      const declared = await t.admin({ method: 'PUT', url: '/api/platform/fleet', body: fleet });
      assert.equal(declared.status, 200, declared.text);
      const unknown = await both({ method: 'POST', url: '/api/platform/fleet/runs', auth: adminAuth, body: { environment: 'STAGE', version: '2.0.0' } });
      assertJapanese(unknown.ja, 404, '404-00001', 'STAGE', /^フリートの環境 STAGE は存在しません \(存在する環境: PROD\)$/, 'unknown environment, ja');
      assertEnglish(unknown.en, 404, '404-00001', 'STAGE', 'no fleet environment STAGE (known: PROD)', 'unknown environment, en');
      const gated = await both({ method: 'POST', url: '/api/platform/fleet/runs', auth: adminAuth, body: { environment: 'PROD', version: '2.0.0' } });
      assertJapanese(gated.ja, 409, '409-00001', '2.0.0', /^バージョン 2\.0\.0 は PROD にデプロイできません: /, 'gate, ja');
      assertEnglish(gated.en, 409, '409-00001', '2.0.0', /^version 2\.0\.0 may not be deployed to PROD: the PROD gate is closed/, 'gate, en');
    });

    it('job refusals: a driver execution scheduled in the past (400), or naming a movement that does not exist (499-00901)', async () => {
      const url = `${ITA1}/menu/execution_ansible_legacy/driver/execute/`;
      const past = await both({
        method: 'POST',
        url,
        auth: SEED.member1,
        body: { movement_name: 'm', operation_name: 'o', schedule_date: '2001/01/01 00:00' },
      });
      assertJapanese(past.ja, 400, '400-00001', '2001/01/01 00:00', /^schedule_date: 2001\/01\/01 00:00 は過去の日時です。/, 'past schedule, ja');
      assertEnglish(past.en, 400, '400-00001', '2001/01/01 00:00', 'schedule_date: 2001/01/01 00:00 is in the past.', 'past schedule, en');
      const missing = await both({ method: 'POST', url, auth: SEED.member1, body: { movement_name: 'no-such-movement', operation_name: 'o' } });
      assertJapanese(
        missing.ja,
        499,
        '499-00901',
        'no-such-movement',
        /^ワークスペース ws1 のメニュー movement_list に movement_name が「no-such-movement」.*の有効なレコードがありません。/,
        'unknown movement, ja',
      );
      assertEnglish(missing.en, 499, '499-00901', 'no-such-movement', /^No active record with movement_name "no-such-movement"/, 'unknown movement, en');
    });

    it("HTTP's own refusals too: no such route (404), a body that is not JSON (400)", async () => {
      const route = await both({ url: '/api/no/such/route', auth: adminAuth });
      assertJapanese(route.ja, 404, '404-00001', '/api/no/such/route', /の API は存在しません。/, 'no route, ja');
      assertEnglish(route.en, 404, '404-00001', '/api/no/such/route', /^No route GET \/api\/no\/such\/route: see \/api\/docs for the API\.$/, 'no route, en');
      const json = await both({
        method: 'POST',
        url: `/api/${SEED.org1}/platform/workspaces`,
        auth: SEED.manager1,
        payload: '{"id": ',
        headers: { 'content-type': 'application/json' },
      });
      assertJapanese(json.ja, 400, '400-00001', 'JSON', /^リクエストボディが正しい JSON ではありません: /, 'not JSON, ja');
      assertEnglish(json.en, 400, '400-00001', 'JSON', /^The request body is not valid JSON: /, 'not JSON, en');
    });
  });
}
