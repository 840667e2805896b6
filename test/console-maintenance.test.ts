/**
 * Maintenance from the console (README "Console"), in Debian's Chromium against a real listening
 * drydock on SQLite with a real worker running ansible-playbook `sleep`:
 * - the system state page's state card: Normal, then "Drain and go read-only" with two jobs running
 *   shows 2 → 1 → 0 left (a progress bar, what still runs by organization, workspace, backyard and
 *   job) and ends read-only, recorded as a drain; a job registered meanwhile is counted apart, as held
 *   back; the header says Draining, then Read-only; Resume restores what was on before (both off) and
 *   the held-back job then starts;
 * - in Japanese: jobs already stopped before the drain stay stopped after Resume; leaving the page
 *   mid-drain (a reload) still shows Draining, with Continue and Resume, and Continue finishes it;
 * - the save confirmation's button is named for what it does ("Turn read-only on",
 *   「読み取り専用モードにする」) and lists where the jobs in flight are; a switch says "never changed"
 *   only while no history entry changed it;
 * - a save that changes nothing (someone saved the same meanwhile) adds no history row;
 * - the banner editor: a Japanese and an English message with a live preview of each, the other
 *   language's message when one is empty; users see the message of their language in the banner,
 *   which is one line at a desk too and opens with Details.
 * Screenshots in both languages under test-output/screenshots/maintenance/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { commandPlaybook, registerAnsibleMovement, startAnsible, waitForStatus } from './support/ansible-jobs.js';
import { SEED, setMaintenance, type TestApp } from './support/app.js';
import {
  literal,
  msg,
  text,
  onPage,
  shoot,
  startConsole,
  switchLanguage,
  switchMsg,
  USERS,
  type InProcessConsole,
  type Language,
} from './support/console-browser.js';
import { waitFor } from './support/wait-for.js';

const SETTING = '/api/platform/maintenance-mode-setting';
const SHORT = { movement: 'short', operation: 'short-op' };
const LONG = { movement: 'long', operation: 'long-op' };
/** Long enough for a drain to be seen waiting, short enough for the test: ansible adds a few seconds. */
const JOB_WITHIN_MS = 90_000;

describe('maintenance from the console in Chromium (SQLite, real worker)', () => {
  let c: InProcessConsole;
  let t: TestApp;

  const setting = async () => (await t.admin({ url: SETTING })).body.data;
  const inFlight = async () => Number((await t.admin({ url: '/api/ita/backyard-execute-check/' })).body.data.execute_count);
  const historyLength = async () => ((await t.admin({ url: `${SETTING}/audit?limit=1000` })).body.data as unknown[]).length;
  const card = (page: Page) => page.getByTestId('state-card');
  const headerState = (page: Page) => page.getByTestId('header-state').locator('.state-badge').innerText();
  const phase = (page: Page) => page.getByTestId('state-phase').innerText();
  const waitPhase = (page: Page, language: Language, which: 'normal' | 'stopping' | 'draining' | 'read-only', timeoutMs = 15_000) =>
    waitFor(`the state card says ${which}`, async () => (await phase(page)) === msg(language, `maint.phase.${which}`), onPage(timeoutMs));
  const openSettings = async (page: Page, language: Language) => {
    await c.signInAt(page, '/system/settings', language);
    await card(page).waitFor();
  };

  before(async () => {
    c = await startConsole({ worker: true });
    ({ t } = c);
    await registerAnsibleMovement(t, SHORT.movement, commandPlaybook('sleep 5'));
    await registerAnsibleMovement(t, LONG.movement, commandPlaybook('sleep 14'));
  });

  after(() => c?.stop());

  it('Drain and go read-only with two jobs running: 2 → 1 → 0 left, read-only, a held-back job counted apart; Resume turns both off', async () => {
    const page = await c.newPage('en');
    await openSettings(page, 'en');
    await waitPhase(page, 'en', 'normal');
    // A fresh system: no history entry changed either switch, so both say so.
    await waitFor(
      'both switches say never changed',
      async () => {
        const said = await page.getByTestId('switch-last-change').allInnerTexts();
        return said.length === 2 && said.every((s) => s === msg('en', 'settings.neverChanged'));
      },
      onPage(10_000),
    );
    assert.equal(await headerState(page), msg('en', 'maint.phase.normal'));
    await shoot(page, 'maintenance/state-normal-en');

    const short = await startAnsible(t, SHORT);
    const long = await startAnsible(t, LONG);
    await waitFor('both jobs are in flight', async () => (await inFlight()) === 2, { timeoutMs: JOB_WITHIN_MS, everyMs: 200 });
    await waitFor('the card counts 2 in flight', async () => (await page.getByTestId('in-flight-count').innerText()).startsWith('2'), onPage(10_000));

    // The save confirmation is named for what it does and says where the jobs in flight are.
    await page.getByRole('switch', { name: switchMsg('en', 'data_update_stop', 'label') }).check();
    await page.getByRole('button', { name: msg('en', 'settings.review') }).click();
    const save = page.getByRole('dialog', { name: msg('en', 'confirm.title') });
    await save.getByTestId('in-flight-warning').waitFor();
    assert.equal(await save.getByRole('button', { name: 'Turn read-only on', exact: true }).count(), 1, 'the button says what it does');
    assert.equal(await save.getByRole('button', { name: msg('en', 'confirm.apply'), exact: true }).count(), 0, 'no bare "Save"');
    assert.match(await save.getByTestId('in-flight-where').innerText(), new RegExp(`${SEED.org1} / ${SEED.ws1}: 2 job\\(s\\) \\(ita-by-ansible-execute`));
    await shoot(page, 'maintenance/save-confirm-en', { fullPage: false });
    await save.getByRole('button', { name: msg('en', 'common.cancel') }).click();
    await page.getByRole('button', { name: msg('en', 'settings.discardEdits') }).click();

    // Drain and go read-only: the confirmation names the button and where the jobs are.
    await card(page)
      .getByRole('button', { name: msg('en', 'maint.drain'), exact: true })
      .click();
    const drain = page.getByRole('dialog', { name: msg('en', 'maint.drainTitle') });
    await drain.getByTestId('drain-in-flight').waitFor();
    assert.match(await drain.innerText(), new RegExp(literal(msg('en', 'maint.drainStop'))));
    assert.match(await drain.getByTestId('drain-in-flight').innerText(), new RegExp(`${SEED.org1} / ${SEED.ws1}: 2 job\\(s\\)`));
    await shoot(page, 'maintenance/drain-confirm-en', { fullPage: false });

    // Follow "N of M left" as the page shows it, from the click to read-only.
    const seen: number[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const left = await page
          .getByTestId('drain-left')
          .getAttribute('data-left', { timeout: 100 })
          .catch(() => null);
        if (left !== null && seen.at(-1) !== Number(left)) seen.push(Number(left));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await drain.getByRole('button', { name: msg('en', 'maint.drain'), exact: true }).click();
    await waitPhase(page, 'en', 'draining');
    assert.match(await headerState(page), new RegExp(`^${msg('en', 'maint.phase.draining')}`));

    // Registered while draining: held back, counted apart from the jobs in flight.
    const held = await startAnsible(t, SHORT);
    await waitFor(
      'the card counts 1 held back',
      async () => (await page.getByTestId('held-back-count').innerText()) === text('en', 'maint.heldBack', { count: 1 }),
      onPage(10_000),
    );
    assert.ok(Number((await page.getByTestId('in-flight-count').innerText()).split(' ')[0]) <= 2, 'the held-back job is not counted in flight');
    await page.getByTestId('still-running').waitFor();
    assert.match(await page.getByTestId('still-running').innerText(), new RegExp(`${SEED.org1}\\s+${SEED.ws1}\\s+ita-by-ansible-execute`));
    await shoot(page, 'maintenance/draining-en');

    await waitPhase(page, 'en', 'read-only', JOB_WITHIN_MS);
    watching = false;
    await watcher;
    assert.equal(seen[0], 2, `the drain started with 2 left (seen: ${seen.join(' → ')})`);
    assert.ok(seen.includes(1), `1 left was shown (seen: ${seen.join(' → ')})`);
    assert.ok(seen.indexOf(2) < seen.indexOf(1), `2 then 1 (seen: ${seen.join(' → ')})`);
    assert.equal(
      await page
        .getByTestId('drain-run')
        .innerText()
        .then((s) => s.split('\n')[0]),
      msg('en', 'maint.run.done'),
    );
    await waitFor('the header says read-only', async () => (await headerState(page)) === msg('en', 'maint.phase.read-only'), onPage(5000));
    for (const id of [short, long]) assert.equal((await waitForStatus(t, id, ['5'], 5000)).status_id, '5', `${id} ran to its end`);
    const drained = await setting();
    assert.deepEqual(
      [drained.backyard_execute_stop, drained.data_update_stop, drained.drain_prior],
      ['1', '1', { backyard_execute_stop: '0', data_update_stop: '0' }],
      'read-only, recorded as a drain from all off',
    );
    assert.equal(await page.getByTestId('held-back-count').innerText(), text('en', 'maint.heldBack', { count: 1 }));
    await shoot(page, 'maintenance/read-only-en');

    // Resume: what it will do, then both off and the held-back job starts.
    await card(page)
      .getByRole('button', { name: msg('en', 'maint.resume'), exact: true })
      .click();
    const resume = page.getByRole('dialog', { name: msg('en', 'maint.resumeTitle') });
    await resume.getByTestId('resume-confirmation').waitFor();
    const plan = await resume.innerText();
    assert.match(plan, new RegExp(literal(switchMsg('en', 'data_update_stop', 'turnOff'))));
    assert.match(plan, new RegExp(literal(switchMsg('en', 'backyard_execute_stop', 'turnOff'))));
    assert.match(plan, new RegExp(literal(text('en', 'maint.heldBackStart', { count: 1 }))));
    await shoot(page, 'maintenance/resume-confirm-en', { fullPage: false });
    await resume.getByRole('button', { name: msg('en', 'maint.resume'), exact: true }).click();
    await waitPhase(page, 'en', 'normal');
    const resumed = await setting();
    assert.deepEqual([resumed.backyard_execute_stop, resumed.data_update_stop, resumed.drain_prior], ['0', '0', null]);
    await waitForStatus(t, held, ['2', '3', '5'], JOB_WITHIN_MS);
    await waitFor(
      'both switches name their last change',
      async () => {
        const said = await page.getByTestId('switch-last-change').allInnerTexts();
        return said.length === 2 && said.every((s) => s.startsWith('last changed by admin on'));
      },
      onPage(10_000),
    );
    await waitForStatus(t, held, ['5'], JOB_WITHIN_MS);
  });

  it('日本語: jobs stopped before the drain stay stopped after Resume; leaving mid-drain shows ドレイン中 with Continue', async () => {
    const page = await c.newPage('ja');
    await openSettings(page, 'ja');
    const job = await startAnsible(t, LONG);
    await waitFor('the job is in flight', async () => (await inFlight()) === 1, { timeoutMs: JOB_WITHIN_MS, everyMs: 200 });
    await setMaintenance(t, { backyard_execute_stop: '1' });
    await waitPhase(page, 'ja', 'stopping');
    await shoot(page, 'maintenance/state-stopping-ja');

    await card(page)
      .getByRole('button', { name: msg('ja', 'maint.drain'), exact: true })
      .click();
    const drain = page.getByRole('dialog', { name: msg('ja', 'maint.drainTitle') });
    await drain.getByTestId('drain-in-flight').waitFor();
    assert.match(await drain.innerText(), new RegExp(literal(msg('ja', 'maint.drainStopAlready'))));
    assert.match(await drain.getByTestId('drain-in-flight').innerText(), new RegExp(`${SEED.org1} / ${SEED.ws1}`));
    await shoot(page, 'maintenance/drain-confirm-ja', { fullPage: false });
    await drain.getByRole('button', { name: msg('ja', 'maint.drain'), exact: true }).click();
    await waitPhase(page, 'ja', 'draining');
    await page.getByTestId('drain-left').waitFor();
    await shoot(page, 'maintenance/draining-ja');

    // The operator leaves the page mid-drain (here: reloads it): still Draining, with Continue and Resume.
    await page.reload();
    await card(page).waitFor();
    await waitPhase(page, 'ja', 'draining');
    await page.getByTestId('drain-left-behind').waitFor();
    const recorded = await setting();
    assert.deepEqual(
      [recorded.backyard_execute_stop, recorded.data_update_stop, recorded.drain_prior],
      ['1', '0', { backyard_execute_stop: '1', data_update_stop: '0' }],
      'jobs stopped, read-only not yet on, the drain recorded with jobs stopped before it',
    );
    assert.equal(
      await card(page)
        .getByRole('button', { name: msg('ja', 'maint.resume'), exact: true })
        .count(),
      1,
    );
    await shoot(page, 'maintenance/draining-left-ja');
    await card(page)
      .getByRole('button', { name: msg('ja', 'maint.continue'), exact: true })
      .click();
    await waitPhase(page, 'ja', 'read-only', JOB_WITHIN_MS);
    assert.equal((await waitForStatus(t, job, ['5'], 5000)).status_id, '5');
    await shoot(page, 'maintenance/read-only-ja');

    await card(page)
      .getByRole('button', { name: msg('ja', 'maint.resume'), exact: true })
      .click();
    const resume = page.getByRole('dialog', { name: msg('ja', 'maint.resumeTitle') });
    await resume.getByTestId('resume-confirmation').waitFor();
    const plan = await resume.innerText();
    assert.match(plan, new RegExp(literal(switchMsg('ja', 'data_update_stop', 'turnOff'))));
    assert.match(plan, new RegExp(literal(text('ja', 'maint.resumeKeep', { label: switchMsg('ja', 'backyard_execute_stop', 'label') }))));
    await shoot(page, 'maintenance/resume-confirm-ja', { fullPage: false });
    await resume.getByRole('button', { name: msg('ja', 'maint.resume'), exact: true }).click();
    await waitPhase(page, 'ja', 'stopping');
    const after = await setting();
    assert.deepEqual([after.backyard_execute_stop, after.data_update_stop, after.drain_prior], ['1', '0', null], 'jobs stay stopped, as before the drain');
    await setMaintenance(t, { backyard_execute_stop: '0' });
    await waitPhase(page, 'ja', 'normal');
  });

  it('日本語: the save confirmation says 「読み取り専用モードにする」; a save that changes nothing adds no history row', async () => {
    const page = await c.newPage('ja');
    await openSettings(page, 'ja');
    await page.getByRole('switch', { name: switchMsg('ja', 'data_update_stop', 'label') }).check();
    await page.getByRole('button', { name: msg('ja', 'settings.review') }).click();
    const dialog = page.getByRole('dialog', { name: msg('ja', 'confirm.title') });
    await dialog.getByRole('button', { name: '読み取り専用モードにする', exact: true }).waitFor();
    await shoot(page, 'maintenance/save-confirm-ja', { fullPage: false });
    await dialog.getByRole('button', { name: msg('ja', 'common.cancel') }).click();
    await page.getByRole('button', { name: msg('ja', 'settings.discardEdits') }).click();

    // The administrator asks to save a message; meanwhile someone saves the very same one.
    const messageJa = page.getByLabel(text('ja', 'maint.messageIn', { language: msg('ja', 'maint.lang.ja') }));
    await messageJa.fill('同じメッセージ');
    await page.getByRole('button', { name: msg('ja', 'settings.review') }).click();
    await dialog.getByRole('button', { name: msg('ja', 'maint.saveBanner'), exact: true }).waitFor();
    const r = await t.admin({ method: 'PATCH', url: SETTING, body: { message_ja: '同じメッセージ', message_en: null } });
    assert.equal(r.status, 200, r.text);
    const rows = await historyLength();
    await dialog.getByRole('button', { name: msg('ja', 'maint.saveBanner'), exact: true }).click();
    await page.getByText(msg('ja', 'settings.saved')).waitFor({ timeout: 10_000 });
    assert.equal(await historyLength(), rows, 'the save changed nothing, and recorded nothing');
    await waitFor(
      'the history table shows the same rows',
      async () => (await page.locator('section[aria-labelledby="audit-title"] tbody tr').count()) === rows,
      onPage(10_000),
    );
    assert.equal(await page.getByRole('cell', { name: msg('ja', 'audit.noChange') }).count(), 0, 'no 「変更なし」 row');
    await setMaintenance(t, { message: null });
  });

  it('the banner in Japanese and English: a live preview of each, users see theirs, one line with Details at a desk too', async () => {
    const page = await c.newPage('en');
    await openSettings(page, 'en');
    const field = (language: Language) => page.getByLabel(text('en', 'maint.messageIn', { language: msg('en', `maint.lang.${language}`) }));
    const preview = (language: Language) => page.getByTestId(`banner-preview-${language}`);
    const ja = '本日 06:00 まで読み取り専用です。バックアップ中のため、登録・更新はできません。';
    const en = 'Read-only until 06:00 today: a backup is being taken.';
    await page.getByRole('switch', { name: switchMsg('en', 'data_update_stop', 'label') }).check();
    await field('ja').fill(ja);
    await field('en').fill(en);
    await waitFor(
      'each preview shows its language',
      async () => (await preview('ja').innerText()).includes(ja) && (await preview('en').innerText()).includes(en),
      onPage(5000),
    );
    assert.match(await preview('ja').innerText(), new RegExp(literal(switchMsg('ja', 'data_update_stop', 'banner'))));
    assert.match(await preview('en').innerText(), new RegExp(literal(switchMsg('en', 'data_update_stop', 'banner'))));
    // One language empty: its users see the other one.
    await field('en').fill('');
    await waitFor('the English preview falls back to Japanese', async () => (await preview('en').innerText()).includes(ja), onPage(5000));
    await field('en').fill(en);
    await page.getByTestId('banner-preview').scrollIntoViewIfNeeded();
    await shoot(page, 'maintenance/banner-editor-en');
    await switchLanguage(page, 'en', 'ja');
    await page.getByText(text('ja', 'maint.previewAs', { language: msg('ja', 'maint.lang.en') })).waitFor();
    await shoot(page, 'maintenance/banner-editor-ja');
    await switchLanguage(page, 'ja', 'en');

    await page.getByRole('button', { name: msg('en', 'settings.review') }).click();
    const dialog = page.getByRole('dialog', { name: msg('en', 'confirm.title') });
    const confirmation = await dialog.innerText();
    assert.match(confirmation, new RegExp(literal(text('en', 'confirm.message', { language: msg('en', 'maint.lang.ja'), value: ja }))));
    assert.match(confirmation, new RegExp(literal(text('en', 'confirm.message', { language: msg('en', 'maint.lang.en'), value: en }))));
    await dialog.getByRole('button', { name: 'Turn read-only on', exact: true }).click();
    await page.getByText(msg('en', 'settings.saved')).waitFor({ timeout: 10_000 });
    const saved = await setting();
    assert.deepEqual([saved.message, saved.message_ja, saved.message_en], [ja, ja, en], "Exastro's message is the Japanese one");

    // Users see the message of their language; the banner is one line at a desk, Details opens it.
    for (const language of ['ja', 'en'] as const) {
      const member = await c.newPage(language);
      await c.signInAt(member, `/o/${SEED.org1}/workspaces`, language, USERS.member);
      const banner = member.getByTestId('maintenance-banner');
      await banner.waitFor({ timeout: 10_000 });
      const toggle = banner.getByTestId('maintenance-banner-toggle');
      assert.equal(await toggle.isVisible(), true, 'Details at a desk');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      const title = banner.locator('.banner__title');
      const oneLine = await title.evaluate((el) => el.getBoundingClientRect().height < (parseFloat(getComputedStyle(el).lineHeight) || 24) * 1.5);
      assert.ok(oneLine, `${language}: the folded banner is one line`);
      assert.match(await title.innerText(), new RegExp(literal((language === 'ja' ? ja : en).slice(0, 10))), `${language}: its message starts on the line`);
      assert.equal(await banner.getByText(switchMsg(language, 'data_update_stop', 'banner')).isVisible(), false, 'the details are folded');
      await shoot(member, `maintenance/banner-folded-${language}`);
      await toggle.click();
      await banner.getByText(switchMsg(language, 'data_update_stop', 'banner')).waitFor({ timeout: 2000 });
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      const shown = await banner.innerText();
      assert.ok(shown.includes(language === 'ja' ? ja : en), `${language}: the message of the user's language`);
      assert.ok(!shown.includes(language === 'ja' ? en : ja), `${language}: not the other one`);
      await shoot(member, `maintenance/banner-open-${language}`);
      await member.close();
    }
    await setMaintenance(t, { data_update_stop: '0', message: null });
    assert.deepEqual(c.pageErrors, []);
  });
});
