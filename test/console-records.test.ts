/**
 * The records grid of the console in Chromium, on a menu of 1,000 records, in Japanese and English,
 * at a desk (1440×900) and on a phone (390×844), against a real listening drydock on SQLite:
 * - no value breaks inside a word, the page never scrolls sideways, the header and first column stay;
 * - paging, sorting and the filters show exactly what the API answers for the same query;
 * - an edit opened from the last row of a page is in view, titled with the record, its first field focused;
 * - a conflicting save (someone else saved meanwhile) shows who and when, their values beside mine,
 *   and "reload, keep my edits" saves my edit without undoing theirs;
 * - a problem of a field (a duplicate) is shown on that field, in the user's language;
 * - bulk discard and restore, the column picker, the expander, download and bulk register (Excel, JSON).
 * Screenshots go to test-output/screenshots/records/.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ITA1, SEED, type TestApp } from './support/app.js';
import { msg, onPage, shoot, signIn, startConsole, USERS, type InProcessConsole, type Language } from './support/console-browser.js';
import { waitFor } from './support/wait-for.js';

const MENU = 'inventory';
const RECORDS = 1000;
const SIZES = { desk: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } } as const;
type Size = keyof typeof SIZES;

const OSES = ['RHEL 8.10', 'RHEL 9.4', 'Ubuntu 22.04 LTS', 'Windows Server 2022 Datacenter'];
const PLAYBOOK = [
  '- hosts: all',
  '  become: true',
  '  tasks:',
  '    - name: install the web server',
  '      ansible.builtin.package: { name: httpd, state: present }',
].join('\n');

/** The i-th seeded record: names and addresses that would break mid-word in a proportional font if allowed to. */
function seeded(i: number): Record<string, unknown> {
  const n = String(i).padStart(4, '0');
  return {
    host: `${i % 3 === 0 ? 'db' : 'web'}-${n}.rack-${i % 40}.tokyo.example.com`,
    address: `10.${Math.floor(i / 250)}.${i % 250}.${(i * 7) % 250}`,
    os: OSES[i % OSES.length],
    version: `2.${i % 5}.${i % 11}`,
    port: [22, 80, 443, 5432, 8080][i % 5],
    enabled: i % 4 !== 0,
    since: `2025/${String((i % 12) + 1).padStart(2, '0')}/${String((i % 28) + 1).padStart(2, '0')}`,
    playbook: PLAYBOOK,
  };
}

describe('the records grid in Chromium (1,000 records, SQLite)', () => {
  let c: InProcessConsole;
  let t: TestApp;
  let base: string;
  const pages = new Map<Language, Page>();

  before(async () => {
    c = await startConsole();
    ({ t, base } = c);
    const defined = await t.call({
      method: 'POST',
      url: `${ITA1}/menu/`,
      auth: SEED.manager1,
      body: {
        menu: MENU,
        title: 'Inventory',
        columns: [
          { name: 'host', type: 'string', required: true, unique: true },
          { name: 'address', type: 'string' },
          { name: 'os', type: 'string' },
          { name: 'version', type: 'string' },
          { name: 'port', type: 'integer' },
          { name: 'enabled', type: 'boolean' },
          { name: 'since', type: 'date' },
          { name: 'playbook', type: 'string' },
        ],
      },
    });
    assert.equal(defined.status, 200, defined.text);
    for (let from = 0; from < RECORDS; from += 250) {
      const batch = Array.from({ length: 250 }, (_, k) => ({ type: 'Register', parameter: seeded(from + k) }));
      const r = await t.call({ method: 'POST', url: `${ITA1}/menu/${MENU}/maintenance/all/`, auth: SEED.member1, body: batch });
      assert.equal(r.status, 200, r.text);
    }
    for (const language of ['en', 'ja'] as const) {
      // A Japanese operator's browser is on Tokyo time: the console names the zone (JST).
      const context = await c.newContext(language, { timezoneId: language === 'ja' ? 'Asia/Tokyo' : 'UTC', viewport: SIZES.desk, acceptDownloads: true });
      const page = await context.newPage();
      await page.goto(recordsUrl());
      await signIn(page, language, USERS.member);
      await gridReady(page);
      pages.set(language, page);
    }
  });

  after(async () => {
    await c?.stop();
    assert.deepEqual(c?.pageErrors ?? [], [], 'no uncaught error in any page');
  });

  const recordsUrl = () => `${base}/o/${SEED.org1}/w/${SEED.ws1}/menus/${MENU}`;
  const grid = (page: Page) => page.getByTestId('records');
  const rows = (page: Page) => grid(page).locator('tbody tr');

  async function gridReady(page: Page): Promise<void> {
    await rows(page).first().waitFor({ timeout: 15_000 });
  }

  /** The hosts the grid shows, top to bottom. */
  const shownHosts = (page: Page) => rows(page).locator('td.grid__sticky-second').allInnerTexts();

  /** The hosts the API answers for a filter body and a page query. */
  async function apiHosts(body: Record<string, unknown>, query: string): Promise<{ hosts: string[]; total: number }> {
    const found = await t.call({ method: 'POST', url: `${ITA1}/menu/${MENU}/filter/${query}`, auth: SEED.member1, body });
    assert.equal(found.status, 200, found.text);
    const count = await t.call({ method: 'POST', url: `${ITA1}/menu/${MENU}/filter/count/`, auth: SEED.member1, body });
    return { hosts: (found.body.data as Array<{ parameter: { host: string } }>).map((r) => r.parameter.host), total: count.body.data as number };
  }

  async function open(language: Language, size: Size): Promise<Page> {
    const page = pages.get(language)!;
    await page.setViewportSize(SIZES[size]);
    await page.goto(recordsUrl());
    await gridReady(page);
    return page;
  }

  /** What the user would see go wrong: a value on more than one line, a page wider than the screen. */
  async function assertLaidOut(page: Page, where: string): Promise<void> {
    const broken = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="records"] .cell-value')]
        .filter((el) => el.getBoundingClientRect().height > (parseFloat(getComputedStyle(el).lineHeight) || 20) * 1.5)
        .map((el) => el.textContent),
    );
    assert.deepEqual(broken, [], `${where}: no value wraps onto a second line`);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(sideways <= 0, `${where}: the page does not scroll sideways (${sideways}px wider)`);
  }

  for (const language of ['en', 'ja'] as const) {
    for (const size of ['desk', 'phone'] as const) {
      it(`${language}, ${size}: 1,000 records paged with the total, no value broken, no sideways page, header and first column stay`, async () => {
        const page = await open(language, size);
        const range = await page.getByTestId('records-range').innerText();
        assert.match(range, /1,000/, `the total: ${range}`);
        assert.equal(await rows(page).count(), 50, 'the first page');
        await assertLaidOut(page, `${language} ${size}`);
        // Scroll the grid both ways: the header row and the first column stay in view.
        const scroller = page.locator('.grid-scroll');
        await scroller.evaluate((el) => el.scrollTo({ top: 600, left: 400 }));
        const stuck = await page.evaluate(() => {
          const region = document.querySelector('.grid-scroll')!.getBoundingClientRect();
          const header = document.querySelector('[data-testid="records"] thead th')!.getBoundingClientRect();
          const first = document.querySelector('[data-testid="records"] tbody td.grid__sticky-second')!.getBoundingClientRect();
          return {
            headerTop: header.top - region.top,
            firstLeft: first.left - region.left,
          };
        });
        assert.ok(Math.abs(stuck.headerTop) <= 2, `the header row stays on top (${stuck.headerTop})`);
        assert.ok(stuck.firstLeft >= 0 && stuck.firstLeft < 60, `the first column stays on the left (${stuck.firstLeft})`);
        await scroller.evaluate((el) => el.scrollTo({ top: 0, left: 0 }));
        await shoot(page, `records/grid-${language}-${size}`);
      });
    }
  }

  it('paging, sorting and the filters show what the API answers for the same query', async () => {
    const page = await open('en', 'desk');
    const notDiscarded = { discard: { LIST: ['0'] } };
    assert.deepEqual(await shownHosts(page), (await apiHosts(notDiscarded, '?limit=50&offset=0')).hosts, 'the first page');

    // Sort by port, descending (two clicks), then the third page.
    const portHeader = grid(page).getByRole('button', { name: 'port', exact: true });
    await portHeader.click();
    await waitFor('ascending', async () => (await grid(page).locator('th[aria-sort="ascending"]').count()) === 1, onPage(5000));
    await portHeader.click();
    await waitFor('descending', async () => (await grid(page).locator('th[aria-sort="descending"]').count()) === 1, onPage(5000));
    await page.getByRole('button', { name: msg('en', 'records.nextPage') }).click();
    await page.getByRole('button', { name: msg('en', 'records.nextPage') }).click();
    const sorted = await apiHosts(notDiscarded, '?sort=-port&limit=50&offset=100');
    await waitFor('the third page, by port descending', async () => JSON.stringify(await shownHosts(page)) === JSON.stringify(sorted.hosts), onPage(5000));
    assert.match(await page.getByTestId('records-range').innerText(), /101–150 of 1,000/);

    // 100 a page, and the last page.
    await page.getByLabel(msg('en', 'records.pageSize')).selectOption('100');
    await page.getByRole('button', { name: msg('en', 'records.lastPage') }).click();
    const last = await apiHosts(notDiscarded, '?sort=-port&limit=100&offset=900');
    await waitFor('the last page of 100', async () => JSON.stringify(await shownHosts(page)) === JSON.stringify(last.hosts), onPage(5000));

    // The address keeps the page, its size and the order: a reload (or a shared link) shows the same records.
    assert.match(page.url(), /\?page=10&size=100&sort=-port$/);
    await page.reload();
    await gridReady(page);
    assert.deepEqual(await shownHosts(page), last.hosts, 'the same page after a reload');
    assert.match(await page.getByTestId('records-range').innerText(), /901–1,000 of 1,000/);

    // Filters: host contains "web", port from 80 to 443, enabled = yes, since in the first half of 2025.
    await page.getByText(msg('en', 'records.filters'), { exact: true }).click();
    const filter = (column: string) => msg('en', 'records.filterValue').replace('{column}', column);
    await page.getByLabel(filter('host')).fill('web');
    await page.getByLabel(msg('en', 'records.filterFrom').replace('{column}', 'port')).fill('80');
    await page.getByLabel(msg('en', 'records.filterTo').replace('{column}', 'port')).fill('443');
    await page.getByLabel(filter('enabled')).selectOption('true');
    await page.getByLabel(msg('en', 'records.filterFrom').replace('{column}', 'since')).fill('2025-01-01');
    await page.getByLabel(msg('en', 'records.filterTo').replace('{column}', 'since')).fill('2025-06-30');
    await page.getByRole('button', { name: msg('en', 'records.searchButton'), exact: true }).click();
    const body = {
      host: { NORMAL: 'web' },
      port: { RANGE: { START: 80, END: 443 } },
      enabled: { LIST: ['true'] },
      since: { RANGE: { START: '2025/01/01', END: '2025/06/30' } },
      ...notDiscarded,
    };
    const filtered = await apiHosts(body, '?sort=-port&limit=100&offset=0');
    assert.ok(filtered.total > 0 && filtered.total < RECORDS, `the filters find some: ${filtered.total}`);
    await waitFor('the filtered records', async () => JSON.stringify(await shownHosts(page)) === JSON.stringify(filtered.hosts), onPage(5000));
    assert.match(await page.getByTestId('records-range').innerText(), new RegExp(`of ${filtered.total}$`));
    assert.match(await page.getByText(/^Filters \(/).innerText(), /4 on/);

    // "is exactly" is an exact match.
    const exact = seeded(7).host as string;
    await page.getByRole('button', { name: msg('en', 'records.clear') }).click();
    await page.getByText(msg('en', 'records.filters'), { exact: true }).click();
    await page.getByLabel(msg('en', 'records.filterMode').replace('{column}', 'host')).selectOption('exact');
    await page.getByLabel(filter('host')).fill(exact);
    await page.getByRole('button', { name: msg('en', 'records.searchButton'), exact: true }).click();
    await waitFor('one exact match', async () => JSON.stringify(await shownHosts(page)) === JSON.stringify([exact]), onPage(5000));
    await shoot(page, 'records/filters-en-desk');
  });

  for (const [language, size] of [
    ['ja', 'desk'],
    ['en', 'phone'],
  ] as const) {
    it(`${language}, ${size}: an edit opened from the last row is in view, titled with the record, its first field focused`, async () => {
      const page = await open(language, size);
      const lastRow = rows(page).last();
      const host = await lastRow.locator('td.grid__sticky-second').innerText();
      await lastRow.getByRole('button', { name: msg(language, 'records.editNamed').replace('{name}', host) }).click();
      const drawer = page.getByRole('dialog', { name: msg(language, 'records.editTitleNamed').replace('{name}', host) });
      await drawer.waitFor();
      const box = (await drawer.boundingBox())!;
      const viewport = SIZES[size];
      assert.ok(
        box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width + 1 && box.y < viewport.height,
        `the drawer is in view: ${JSON.stringify(box)}`,
      );
      const focused = await page.evaluate(() => ({
        id: document.activeElement?.id,
        label: (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent,
      }));
      assert.match(focused.label ?? '', /^host/, `the first field has the focus: ${JSON.stringify(focused)}`);
      assert.equal(await drawer.getByLabel(/^host/).inputValue(), host);
      await shoot(page, `records/edit-${language}-${size}`);
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });
    });
  }

  it('a conflicting save shows who saved and when, their values beside mine; "reload, keep my edits" keeps both changes', async () => {
    const page = await open('en', 'desk');
    const host = (await shownHosts(page))[2]!;
    await page.getByRole('button', { name: `Edit ${host}` }).click();
    const drawer = page.getByRole('dialog', { name: `Edit record: ${host}` });
    await drawer.getByLabel('os', { exact: true }).fill('RHEL 10.0');

    // Meanwhile the manager changes the port of the same record.
    const [current] = (await t.call({ method: 'POST', url: `${ITA1}/menu/${MENU}/filter/`, auth: SEED.manager1, body: { host: { LIST: [host] } } })).body.data;
    const theirs = await t.call({
      method: 'POST',
      url: `${ITA1}/menu/${MENU}/maintenance/all/`,
      auth: SEED.manager1,
      body: [{ type: 'Update', parameter: { uuid: current.parameter.uuid, port: 9443, last_update_date_time: current.parameter.last_update_date_time } }],
    });
    assert.equal(theirs.status, 200, theirs.text);

    await drawer.getByRole('button', { name: msg('en', 'common.save'), exact: true }).click();
    const panel = drawer.getByRole('alert').filter({ hasText: msg('en', 'records.conflictTitle') });
    await panel.waitFor({ timeout: 10_000 });
    const text = await panel.innerText();
    assert.match(text, /manager1 saved it at \d{1,2} \w{3} \d{4}, \d{2}:\d{2}:\d{2} UTC, after you opened it/, 'who and when');
    const portRow = panel.locator('tbody tr').filter({ has: page.locator('th', { hasText: /^port$/ }) });
    assert.deepEqual(await portRow.locator('td').allInnerTexts(), ['9443', String(current.parameter.port)], 'their port beside mine');
    assert.equal(await portRow.getAttribute('data-differs'), 'true');
    const osRow = panel.locator('tbody tr').filter({ has: page.locator('th', { hasText: /^os$/ }) });
    assert.deepEqual(await osRow.locator('td').allInnerTexts(), [current.parameter.os, 'RHEL 10.0']);
    await shoot(page, 'records/conflict-en-desk', { fullPage: false });

    await panel.getByRole('button', { name: msg('en', 'records.conflictKeepMine') }).click();
    assert.equal(await drawer.getByLabel('os', { exact: true }).inputValue(), 'RHEL 10.0', 'my edit kept');
    assert.equal(await drawer.getByLabel('port', { exact: true }).inputValue(), '9443', 'their change taken where I changed nothing');
    await drawer.getByRole('button', { name: msg('en', 'common.save'), exact: true }).click();
    await page.getByText(msg('en', 'records.updated')).waitFor({ timeout: 10_000 });
    const [saved] = (await t.call({ method: 'POST', url: `${ITA1}/menu/${MENU}/filter/`, auth: SEED.member1, body: { host: { LIST: [host] } } })).body.data;
    assert.equal(saved.parameter.os, 'RHEL 10.0');
    assert.equal(saved.parameter.port, 9443, 'their change was not undone');
    assert.equal(saved.parameter.last_updated_user, 'member1');
  });

  it('ja: a conflict, a problem of a field and a sign-in failure are in Japanese', async () => {
    const page = await open('ja', 'desk');
    const [first, second] = await shownHosts(page);

    // A duplicate host: the problem shows on the host field, in Japanese.
    await page.getByRole('button', { name: msg('ja', 'records.editNamed').replace('{name}', second!) }).click();
    const drawer = page.getByRole('dialog', { name: msg('ja', 'records.editTitleNamed').replace('{name}', second!) });
    const hostField = drawer.getByLabel(/^host/);
    await hostField.fill(first!);
    await drawer.getByRole('button', { name: msg('ja', 'common.save'), exact: true }).click();
    await waitFor('the host field is marked', async () => (await hostField.getAttribute('aria-invalid')) === 'true', onPage(10_000));
    const problemId = (await hostField.getAttribute('aria-describedby'))!;
    assert.match(await page.locator(`[id="${problemId}"]`).innerText(), /重複/);
    await drawer
      .getByRole('alert')
      .filter({ hasText: msg('ja', 'records.fieldProblems') })
      .waitFor();
    await shoot(page, 'records/field-problem-ja-desk', { fullPage: false });

    // Someone else saves the record: the conflict panel is Japanese.
    await hostField.fill(second!);
    await drawer.getByLabel('os', { exact: true }).fill('RHEL 10.1');
    const [current] = (await t.call({ method: 'POST', url: `${ITA1}/menu/${MENU}/filter/`, auth: SEED.manager1, body: { host: { LIST: [second] } } })).body
      .data;
    const theirs = await t.call({
      method: 'POST',
      url: `${ITA1}/menu/${MENU}/maintenance/all/`,
      auth: SEED.manager1,
      body: [{ type: 'Update', parameter: { uuid: current.parameter.uuid, version: '9.9.9', last_update_date_time: current.parameter.last_update_date_time } }],
    });
    assert.equal(theirs.status, 200, theirs.text);
    await drawer.getByRole('button', { name: msg('ja', 'common.save'), exact: true }).click();
    const panel = drawer.getByRole('alert').filter({ hasText: msg('ja', 'records.conflictTitle') });
    await panel.waitFor({ timeout: 10_000 });
    assert.match(await panel.innerText(), /開いた後に manager1 が \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} JST に保存しました/);
    await shoot(page, 'records/conflict-ja-desk', { fullPage: false });
    await panel.getByRole('button', { name: msg('ja', 'records.conflictKeepMine') }).click();
    await drawer.getByRole('button', { name: msg('ja', 'common.save'), exact: true }).click();
    await page.getByText(msg('ja', 'records.updated')).waitFor({ timeout: 10_000 });

    // A sign-in failure, in a fresh Japanese browser.
    const fresh = await c.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: SIZES.phone });
    try {
      const signInPage = await fresh.newPage();
      await signInPage.goto(recordsUrl());
      await signIn(signInPage, 'ja', { ...USERS.member, password: 'wrong-password' });
      const alert = signInPage.getByRole('alert');
      await alert.waitFor({ timeout: 10_000 });
      assert.match(await alert.innerText(), /[\u3040-\u30ff\u4e00-\u9fff]/, 'Japanese');
      assert.doesNotMatch(await alert.innerText(), /Authentication failed/);
      await shoot(signInPage, 'records/sign-in-failed-ja-phone');
    } finally {
      await fresh.close();
    }
  });

  it("pointing at a menu's link fetches the records page's code before the click", async () => {
    const context = await c.browser.newContext({ locale: 'en-US', viewport: SIZES.desk });
    try {
      const page = await context.newPage();
      const scripts: string[] = [];
      page.on('request', (r) => {
        if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
      });
      await c.signInAt(page, `/o/${SEED.org1}/w/${SEED.ws1}`, 'en', USERS.member);
      const link = page.getByRole('link', { name: new RegExp(MENU) }).first();
      await link.waitFor();
      assert.equal(scripts.filter((s) => /records-page/.test(s)).length, 0, 'not fetched before the pointer comes');
      await link.hover();
      await waitFor('the records page code is fetched on hover', async () => scripts.some((s) => /records-page/.test(s)), onPage(5000));
      await link.click();
      await gridReady(page);
    } finally {
      await context.close();
    }
  });

  it('bulk discard and restore, the column picker and the expander', async () => {
    const page = await open('en', 'desk');
    const hosts = (await shownHosts(page)).slice(0, 3);
    for (const host of hosts) await page.getByRole('checkbox', { name: `Select ${host}` }).check();
    await page.getByRole('button', { name: 'Discard selected (3)' }).click();
    await page.getByText('3 record(s) discarded.').waitFor({ timeout: 10_000 });
    const discarded = await apiHosts({ discard: { LIST: ['1'] } }, '');
    assert.deepEqual(discarded.hosts.sort(), [...hosts].sort());
    assert.equal(await page.getByRole('checkbox', { name: `Select ${hosts[0]}` }).count(), 0, 'discarded records leave the list');

    await page.getByText(msg('en', 'records.filters'), { exact: true }).click();
    await page.getByLabel(msg('en', 'records.showDiscarded')).check();
    await page.getByRole('button', { name: msg('en', 'records.searchButton'), exact: true }).click();
    for (const host of hosts) await page.getByRole('checkbox', { name: `Select ${host}` }).check();
    await page.getByRole('button', { name: 'Restore selected (3)' }).click();
    await page.getByText('3 record(s) restored.').waitFor({ timeout: 10_000 });
    assert.equal((await apiHosts({ discard: { LIST: ['1'] } }, '')).total, 0);

    // Hide the playbook column: remembered after a reload.
    await page.getByText(/^Columns \(8 of 8\)$/).click();
    await page.getByRole('checkbox', { name: 'playbook', exact: true }).uncheck();
    await page.reload();
    await gridReady(page);
    assert.equal(await grid(page).getByRole('button', { name: 'playbook', exact: true }).count(), 0, 'the column is hidden');
    await page.getByText(/^Columns \(7 of 8\)$/).click();
    await page.getByRole('checkbox', { name: 'playbook', exact: true }).check();
    await page.getByText(/^Columns \(8 of 8\)$/).click();

    // The playbook (several lines) opens whole, in monospace.
    await rows(page)
      .first()
      .getByRole('button', { name: msg('en', 'records.showValue').replace('{column}', 'playbook') })
      .click();
    const dialog = page.getByRole('dialog').filter({ has: page.locator('pre') });
    await dialog.waitFor();
    assert.equal(await dialog.locator('pre').innerText(), PLAYBOOK);
    assert.match(await dialog.locator('pre').evaluate((el) => getComputedStyle(el).fontFamily), /mono|Consolas|Menlo/i);
    await shoot(page, 'records/expander-en-desk', { fullPage: false });
    await page.keyboard.press('Escape');
    // Addresses are in monospace in the grid too.
    const address = rows(page).first().locator('.cell-value--code').first();
    assert.match((await address.innerText()).trim(), /^10\.\d+\.\d+\.\d+$/);
  });

  it('downloads the filtered records (Excel and JSON) and bulk registers from a JSON file and a workbook', async () => {
    const page = await open('en', 'desk');
    const target = seeded(11).host as string;
    await page.getByText(msg('en', 'records.filters'), { exact: true }).click();
    await page.getByLabel(msg('en', 'records.filterMode').replace('{column}', 'host')).selectOption('exact');
    await page.getByLabel(msg('en', 'records.filterValue').replace('{column}', 'host')).fill(target);
    await page.getByRole('button', { name: msg('en', 'records.searchButton'), exact: true }).click();
    await waitFor('one record', async () => (await rows(page).count()) === 1, onPage(5000));

    const [excel] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: msg('en', 'records.exportExcel') }).click()]);
    assert.equal(excel.suggestedFilename(), `${MENU}.xlsx`);
    assert.equal(
      readFileSync(await excel.path())
        .subarray(0, 2)
        .toString(),
      'PK',
      'an .xlsx (zip) workbook',
    );

    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: msg('en', 'records.exportJson') }).click()]);
    const document = JSON.parse(readFileSync(await json.path(), 'utf8')) as Array<{ parameter: Record<string, unknown> }>;
    assert.deepEqual(
      document.map((r) => r.parameter.host),
      [target],
      'the filtered records',
    );

    // Edit the downloaded file and register it back: the record with its id is updated, a new one registered.
    document[0]!.parameter.os = 'Rocky Linux 9';
    document.push({ parameter: { host: 'new-0001.tokyo.example.com', port: 22 } });
    const file = path.join(c.workRoot, 'records.json');
    writeFileSync(file, JSON.stringify(document));
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: msg('en', 'records.import') }).click()]);
    await chooser.setFiles(file);
    await page.getByText('File applied: 1 registered, 1 updated, 0 discarded, 0 restored.').waitFor({ timeout: 10_000 });
    const [updated] = (await t.call({ method: 'POST', url: `${ITA1}/menu/${MENU}/filter/`, auth: SEED.member1, body: { host: { LIST: [target] } } })).body.data;
    assert.equal(updated.parameter.os, 'Rocky Linux 9');
    assert.equal((await apiHosts({ host: { LIST: ['new-0001.tokyo.example.com'] } }, '')).total, 1);

    // The downloaded workbook, applied as is, has no row to apply: the server says what to write in _type.
    const [chooser2] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: msg('en', 'records.import') }).click()]);
    await chooser2.setFiles(await excel.path().then((p) => ({ name: 'inventory.xlsx', mimeType: 'application/octet-stream', buffer: readFileSync(p) })));
    const alert = page.getByRole('alert').filter({ hasText: /_type/ });
    await alert.waitFor({ timeout: 10_000 });
  });
});
