/**
 * Every page of the console, in Japanese and English, at a desk (1440×900) and on a phone (390×844,
 * checked at 360 px too), in a real browser (Debian's Chromium driven by playwright-core) against a
 * real listening drydock on SQLite with seeded data. For each page:
 * - the page does not scroll sideways (a wide table scrolls in its own region), and no text is laid
 *   out one character per line (how Japanese broke in narrow columns and buttons);
 * - a full-page screenshot goes to test-output/screenshots/pages/<page>-<lang>-<desk|phone>.png.
 * On a phone also: the header is one row (at most 64 px), its navigation folded behind the Menu
 * button, which opens it (aria-expanded, aria-controls) and closes on Escape (focus back on the
 * button) and when a page is chosen; with read-only mode on (the Japanese passes), the maintenance
 * banner is one line and its Details button shows the whole message. At a desk the menu is always
 * shown and the banner whole.
 * And the code-splitting: the sign-in page loads the entry script alone; a page's code arrives when
 * the page is opened.
 *
 * One fleet run is created through the API with no orchestrator running, so it stays waiting;
 * another is driven to its end in the test (noop actions). The job is registered and claimed as a worker would, but nothing runs it, so it stays in flight: both
 * pages show a real record, cheaply.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { claimJobs } from '../src/backyard/claim.js';
import { ITA1, SEED, type TestApp } from './support/app.js';
import { commandPlaybook, registerAnsibleMovement, startAnsible } from './support/ansible-jobs.js';
import {
  msg,
  onPage,
  rememberLanguage,
  shoot,
  sidewaysScroll,
  signIn,
  squeezedTexts,
  startConsole,
  switchMsg,
  USERS,
  declareFleet,
  type InProcessConsole,
  type Language,
} from './support/console-browser.js';
import { waitFor } from './support/wait-for.js';

const DESK = { width: 1440, height: 900 } as const;
const PHONE = { width: 390, height: 844 } as const;
const NARROWEST = 360;
/** The header on a phone: one row. */
const PHONE_HEADER_MAX_PX = 64;
/** The maintenance message: a sentence in Japanese and a URL that cannot break at a space. */
const MAINTENANCE_MESSAGE =
  '夜間バックアップのため 02:30 まで登録・更新を停止します。詳細は https://status.example.com/maintenance/2030-01-02-nightly-backup-window を参照してください。';

type Who = 'nobody' | 'admin' | 'manager';
type Size = 'desk' | 'phone';

interface Visit {
  /** The screenshot's name. */
  readonly name: string;
  readonly who: Who;
  readonly path: () => string;
  /** Resolves once the page shows its content (not only its heading). */
  readonly ready: (page: Page, language: Language) => Locator;
}

describe('every page of the console, ja and en, desk and phone (Chromium, SQLite)', () => {
  let c: InProcessConsole;
  let t: TestApp;
  let base: string;
  const pages = new Map<Who, Page>();
  let runId: string;
  let waitingRunId: string;
  let jobId: string;

  const VISITS: readonly Visit[] = [
    { name: 'sign-in', who: 'nobody', path: () => '/', ready: (p, l) => p.getByRole('button', { name: msg(l, 'auth.signIn') }) },
    { name: 'settings', who: 'admin', path: () => '/system/settings', ready: (p, l) => p.getByRole('heading', { name: msg(l, 'audit.title') }) },
    { name: 'backyard', who: 'admin', path: () => '/system/backyard', ready: (p) => p.getByTestId('in-flight-jobs') },
    { name: 'fleet', who: 'admin', path: () => '/system/fleet', ready: (p) => p.getByTestId('fleet-runs') },
    { name: 'fleet-run', who: 'admin', path: () => `/system/fleet/runs/${runId}`, ready: (p) => p.getByTestId('fleet-matrix') },
    { name: 'organizations', who: 'admin', path: () => '/organizations', ready: (p) => p.getByRole('link', { name: SEED.org2, exact: true }) },
    { name: 'workspaces', who: 'manager', path: () => `/o/${SEED.org1}/workspaces`, ready: (p) => p.getByRole('link', { name: 'ws-staging' }) },
    { name: 'workspace', who: 'manager', path: () => `/o/${SEED.org1}/w/${SEED.ws1}`, ready: (p) => p.getByRole('link', { name: SEED.menu, exact: true }) },
    // The records page is a grid of its own (web/src/pages/records/): here only its title is waited for.
    {
      name: 'records',
      who: 'manager',
      path: () => `/o/${SEED.org1}/w/${SEED.ws1}/menus/${SEED.menu}`,
      ready: (p) => p.getByRole('heading', { level: 1, name: new RegExp(SEED.menu) }),
    },
    { name: 'jobs', who: 'manager', path: () => `/o/${SEED.org1}/w/${SEED.ws1}/jobs`, ready: (p) => p.getByTestId('executions') },
    { name: 'job', who: 'manager', path: () => `/o/${SEED.org1}/w/${SEED.ws1}/jobs/${jobId}`, ready: (p) => p.getByTestId('job-log') },
    { name: 'users', who: 'manager', path: () => `/o/${SEED.org1}/users`, ready: (p) => p.getByTestId('users') },
    { name: 'users-index', who: 'admin', path: () => '/users', ready: (p) => p.getByTestId('user-organizations') },
    { name: 'tokens', who: 'manager', path: () => '/tokens', ready: (p, l) => p.getByRole('heading', { name: msg(l, 'tokens.list') }) },
    { name: 'log-levels', who: 'admin', path: () => '/system/log-levels', ready: (p) => p.getByTestId('log-levels') },
    { name: 'fleet-steps', who: 'admin', path: () => `/system/fleet/runs/${waitingRunId}/pairs/PROD_001`, ready: (p) => p.getByTestId('fleet-steps-empty') },
    { name: 'not-found', who: 'manager', path: () => '/no/such/page', ready: (p, l) => p.getByRole('heading', { name: msg(l, 'errors.notFoundTitle') }) },
    { name: 'admin-only', who: 'manager', path: () => '/system/settings', ready: (p) => p.getByTestId('admin-only') },
  ];

  before(async () => {
    c = await startConsole();
    ({ t, base } = c);
    // A second workspace with a long description (words, and a path that cannot break at a space).
    const staging = await t.call({
      method: 'POST',
      url: `/api/${SEED.org1}/platform/workspaces`,
      auth: SEED.manager1,
      body: {
        id: 'ws-staging',
        name: 'ステージング環境',
        informations: {
          description: '夜間バッチの確認に使う検証用ワークスペース（/var/lib/drydock/staging/inventories/nightly-batch-hosts.yaml）',
          environments: [],
          workspace_administrators: [],
        },
      },
    });
    assert.equal(staging.status, 200, staging.text);
    const record = await t.call({
      method: 'POST',
      url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
      auth: SEED.member1,
      body: [{ type: 'Register', parameter: { host: 'web-1.example.com', port: '443', enabled: 'true' } }],
    });
    assert.equal(record.status, 200, record.text);
    // A job, claimed as a worker would but never run: it stays in flight (on the backyard page too).
    jobId = await startAnsible(t, await registerAnsibleMovement(t, 'deploy-web', commandPlaybook('true')));
    const claimed = await claimJobs(t.deps.store, { backyard: 'ita-by-ansible-execute', workerId: 'console-pages-test', limit: 1, leaseMs: 600_000 });
    assert.deepEqual(
      claimed.map((j) => j.id),
      [jobId],
    );
    // Two fleet runs: PROD's waits at phase 1 (no orchestrator takes it); STAGING's is driven to
    // its end here, so its matrix has every pair done and the versions marked — the widest the
    // run page gets (its visually hidden texts once made a phone scroll sideways).
    await declareFleet(
      t,
      [
        { name: 'PROD', driver: { type: 'noop' } },
        { name: 'STAGING', driver: { type: 'noop' } },
      ],
      ['PROD_001', 'PROD_002', 'STAGING_001', 'STAGING_002'],
      '1.0.0',
    );
    const startRun = async (environment: string) => {
      const run = await t.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment, version: '2.0.0' } });
      assert.equal(run.status, 200, run.text);
      return String(run.body.data.id);
    };
    waitingRunId = await startRun('PROD');
    runId = await startRun('STAGING');
    assert.equal((await c.orchestrator().driveToEnd(runId)).state, 'completed');

    for (const who of ['nobody', 'admin', 'manager'] as const) {
      const page = await c.newPage('en', DESK);
      if (who === 'nobody') await page.goto(`${base}/`);
      else {
        await c.signInAt(page, '/', 'en', USERS[who]);
        await page.locator('h1').waitFor();
      }
      pages.set(who, page);
    }
  });

  after(() => c?.stop());

  async function setReadOnly(on: boolean): Promise<void> {
    const r = await t.admin({
      method: 'PATCH',
      url: '/api/platform/maintenance-mode-setting',
      body: on
        ? { data_update_stop: '1', message: MAINTENANCE_MESSAGE, announced_end: '2030-01-02T02:30:00Z' }
        : { data_update_stop: '0', message: null, announced_end: null },
    });
    assert.equal(r.status, 200, r.text);
  }

  /** Opens `visit` and checks it; returns what is wrong (empty when nothing). */
  async function check(visit: Visit, language: Language, size: Size, maintenance: boolean): Promise<string[]> {
    const page = pages.get(visit.who)!;
    const problems: string[] = [];
    const where = `${visit.name} (${language}, ${size})`;
    await page.goto(`${base}${visit.path()}`);
    await visit.ready(page, language).first().waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('html').getAttribute('lang'), language, `${where}: <html lang>`);
    const banner = page.getByTestId('maintenance-banner');
    if (maintenance && visit.who !== 'nobody') await banner.waitFor({ timeout: 10_000 });
    await page.evaluate(() => document.fonts.ready);

    const sideways = await sidewaysScroll(page);
    if (sideways > 0) problems.push(`${where}: the page scrolls ${sideways}px sideways`);
    const squeezed = await squeezedTexts(page);
    if (squeezed.length > 0) problems.push(`${where}: one character per line: ${squeezed.join(' | ')}`);
    await shoot(page, `pages/${visit.name}-${language}-${size}`);

    if (visit.who === 'nobody') {
      if (size === 'phone') {
        const top = await page.locator('.sign-in__top').boundingBox();
        if (!top || top.height > PHONE_HEADER_MAX_PX) problems.push(`${where}: the top bar is ${top?.height}px high`);
      }
    } else if (size === 'desk') {
      problems.push(...(await checkDeskHeader(page, language, where)));
      if (maintenance) problems.push(...(await checkDeskBanner(page, language, where)));
    } else {
      problems.push(...(await checkPhoneHeader(page, language, where)));
      if (maintenance) problems.push(...(await checkPhoneBanner(page, language, where, visit.name === 'settings')));
    }

    if (size === 'phone') {
      const columns = await formColumns(page);
      if (columns.length > 0) problems.push(`${where}: a form in more than one column: ${columns.join(' | ')}`);
      await page.setViewportSize({ width: NARROWEST, height: PHONE.height });
      const narrow = await sidewaysScroll(page);
      if (narrow > 0) problems.push(`${where}: at ${NARROWEST}px the page scrolls ${narrow}px sideways`);
      const squeezedNarrow = await squeezedTexts(page);
      if (squeezedNarrow.length > 0) problems.push(`${where}: at ${NARROWEST}px, one character per line: ${squeezedNarrow.join(' | ')}`);
      await page.setViewportSize(PHONE);
    }
    return problems;
  }

  /** The forms on screen whose fields stand side by side (each by its heading), for a phone, where a form is one column. */
  const formColumns = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll('form')].flatMap((form) => {
        const lefts = new Set([...form.querySelectorAll('.field')].filter((f) => f.checkVisibility()).map((f) => Math.round(f.getBoundingClientRect().left)));
        return lefts.size > 1 ? [form.querySelector('h2')?.textContent ?? form.getAttribute('aria-label') ?? 'a form'] : [];
      }),
    );

  const navigation = (page: Page, language: Language) => page.getByRole('navigation', { name: msg(language, 'nav.label') });
  const menuButton = (page: Page, language: Language) => page.getByRole('button', { name: msg(language, 'nav.menu') });

  async function checkDeskHeader(page: Page, language: Language, where: string): Promise<string[]> {
    const problems: string[] = [];
    if (await menuButton(page, language).isVisible()) problems.push(`${where}: the Menu button shows at a desk`);
    if (!(await navigation(page, language).isVisible())) problems.push(`${where}: the navigation is hidden at a desk`);
    return problems;
  }

  /** At a desk the banner is one line too (the switches and the start of the message), and Details opens it. */
  async function checkDeskBanner(page: Page, language: Language, where: string): Promise<string[]> {
    const banner = page.getByTestId('maintenance-banner');
    const toggle = banner.getByTestId('maintenance-banner-toggle');
    const problems: string[] = [];
    if (!(await toggle.isVisible())) return [`${where}: the banner has no Details button at a desk`];
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
    const text = await banner.innerText();
    if (!text.includes(switchMsg(language, 'data_update_stop', 'banner'))) problems.push(`${where}: the open banner lacks the read-only line`);
    if (!text.includes('https://status.example.com/maintenance/')) problems.push(`${where}: the open banner lacks the message`);
    return problems;
  }

  async function checkPhoneHeader(page: Page, language: Language, where: string): Promise<string[]> {
    const problems: string[] = [];
    const header = await page.locator('header.header').boundingBox();
    if (!header || header.height > PHONE_HEADER_MAX_PX) problems.push(`${where}: the header is ${header?.height}px high`);
    const button = menuButton(page, language);
    const nav = navigation(page, language);
    if (!(await button.isVisible())) return [...problems, `${where}: no Menu button`];
    if (await nav.isVisible()) problems.push(`${where}: the navigation is not folded`);
    if ((await button.getAttribute('aria-expanded')) !== 'false') problems.push(`${where}: aria-expanded is not false while folded`);
    const controls = await button.getAttribute('aria-controls');
    await button.click();
    await nav.waitFor({ timeout: 2000 });
    if ((await button.getAttribute('aria-expanded')) !== 'true') problems.push(`${where}: aria-expanded is not true while open`);
    if (!controls || !(await page.locator(`[id="${controls}"]`).evaluate((menu, navEl) => menu.contains(navEl), await nav.elementHandle()))) {
      problems.push(`${where}: aria-controls does not name the menu`);
    }
    const sideways = await sidewaysScroll(page);
    if (sideways > 0) problems.push(`${where}: with the menu open the page scrolls ${sideways}px sideways`);
    await page.keyboard.press('Escape');
    await nav.waitFor({ state: 'hidden', timeout: 2000 });
    if (!(await button.evaluate((el) => el === document.activeElement))) problems.push(`${where}: Escape did not give the focus back to the Menu button`);
    return problems;
  }

  async function checkPhoneBanner(page: Page, language: Language, where: string, shootIt: boolean): Promise<string[]> {
    const problems: string[] = [];
    const banner = page.getByTestId('maintenance-banner');
    const title = banner.locator('.banner__title');
    const toggle = banner.getByTestId('maintenance-banner-toggle');
    const oneLine = () =>
      title.evaluate((el) => {
        const style = getComputedStyle(el);
        const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
        return el.getBoundingClientRect().height < line * 1.5;
      });
    if (!(await oneLine())) problems.push(`${where}: the banner's title is not one line`);
    const height = (await banner.boundingBox())?.height ?? 0;
    if (height > 56) problems.push(`${where}: the folded banner is ${height}px high`);
    if (await banner.getByText(/status\.example\.com/).isVisible()) problems.push(`${where}: the folded banner shows the message`);
    if ((await toggle.getAttribute('aria-expanded')) !== 'false') problems.push(`${where}: the banner's aria-expanded is not false while folded`);
    await toggle.click();
    await banner.getByText(/status\.example\.com/).waitFor({ timeout: 2000 });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') problems.push(`${where}: the banner's aria-expanded is not true while open`);
    const text = await banner.innerText();
    if (!text.includes(switchMsg(language, 'data_update_stop', 'banner'))) problems.push(`${where}: the open banner lacks the read-only line`);
    const sideways = await sidewaysScroll(page);
    if (sideways > 0) problems.push(`${where}: with the banner open the page scrolls ${sideways}px sideways`);
    if (shootIt) await shoot(page, `pages/banner-open-${language}-phone`, { fullPage: false });
    await toggle.click();
    await banner.getByText(/status\.example\.com/).waitFor({ state: 'hidden', timeout: 2000 });
    return problems;
  }

  /** Every page in `language` at `size`; the problems found, all of them (not only the first). */
  async function pass(language: Language, size: Size, maintenance: boolean): Promise<void> {
    await setReadOnly(maintenance);
    for (const page of pages.values()) {
      await page.setViewportSize(size === 'desk' ? DESK : PHONE);
      await rememberLanguage(page, language);
    }
    const problems: string[] = [];
    for (const visit of VISITS) problems.push(...(await check(visit, language, size, maintenance)));
    assert.deepEqual(problems, [], 'every page lays out whole');
  }

  it('the sign-in page loads the entry script alone; a page’s code arrives when it is opened', async () => {
    const context = await c.browser.newContext({ locale: 'ja-JP', viewport: PHONE });
    try {
      const page = await context.newPage();
      const scripts: string[] = [];
      page.on('request', (request) => {
        const name = /\/assets\/([^/?]+\.js)$/.exec(new URL(request.url()).pathname)?.[1];
        if (name) scripts.push(name);
      });
      await page.goto(`${base}/system/settings`);
      await page.getByRole('button', { name: msg('ja', 'auth.signIn') }).waitFor();
      assert.deepEqual(
        scripts.map((s) => s.replace(/-[\w-]{8}\.js$/, '')),
        ['index'],
        `the sign-in page fetched ${scripts.join(', ')}`,
      );
      await signIn(page, 'ja', USERS.admin);
      await page.getByRole('heading', { name: msg('ja', 'settings.title') }).waitFor();
      const after = scripts.map((s) => s.replace(/-[\w-]{8}\.js$/, ''));
      assert.ok(after.includes('signed-in') && after.includes('settings-page'), `after sign-in: ${after.join(', ')}`);
      assert.ok(!after.includes('records-page') && !after.includes('fleet-run-page'), `pages not opened are not fetched: ${after.join(', ')}`);
    } finally {
      await context.close();
    }
  });

  it('at a desk, in English', () => pass('en', 'desk', false));

  it('at a desk, in Japanese, with read-only mode and a message on (the banner whole)', () => pass('ja', 'desk', true));

  it('on a phone, in Japanese, with read-only mode and a message on (the banner one line, opened by Details)', () => pass('ja', 'phone', true));

  it('on a phone, in English', () => pass('en', 'phone', false));

  it('on a phone, the menu closes when a page is chosen (the page’s heading takes the focus) and on a tap outside', async () => {
    const page = pages.get('admin')!;
    await page.goto(`${base}/system/settings`);
    await page.getByRole('heading', { name: msg('en', 'settings.title') }).waitFor();
    await menuButton(page, 'en').click();
    await shoot(page, 'pages/menu-open-en-phone', { fullPage: false });
    await navigation(page, 'en')
      .getByRole('link', { name: msg('en', 'nav.organizations') })
      .click();
    await page.getByRole('heading', { name: msg('en', 'orgs.title') }).waitFor();
    await navigation(page, 'en').waitFor({ state: 'hidden', timeout: 2000 });
    assert.equal(await menuButton(page, 'en').getAttribute('aria-expanded'), 'false');
    await waitFor('the heading has the focus', () => page.evaluate(() => document.activeElement?.tagName === 'H1'), onPage(3000));
    // A tap outside the header closes it too.
    await menuButton(page, 'en').click();
    await navigation(page, 'en').waitFor();
    await page.getByRole('heading', { name: msg('en', 'orgs.title') }).click();
    await navigation(page, 'en').waitFor({ state: 'hidden', timeout: 2000 });
    // The language switch is in the menu: it works from there, and the menu stays open meanwhile.
    await menuButton(page, 'en').click();
    await page.getByLabel(msg('en', 'language.label')).selectOption('ja');
    await waitFor('the page is in Japanese', async () => (await page.locator('html').getAttribute('lang')) === 'ja', onPage(5000));
    assert.equal(await menuButton(page, 'ja').getAttribute('aria-expanded'), 'true');
    await shoot(page, 'pages/menu-open-ja-phone', { fullPage: false });
    assert.deepEqual(c.pageErrors, [], 'no page threw');
  });
});
