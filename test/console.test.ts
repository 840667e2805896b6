/**
 * The web console in a real browser (Debian's Chromium driven by playwright-core) against a real
 * listening drydock on SQLite, with a real worker running ansible-playbook:
 * - sign-in from a Japanese and an English browser (the language follows the browser, a switch changes it);
 * - an organization user is refused the system state settings page;
 * - the administrator turns read-only mode on through the settings page (with its confirmation);
 *   an organization user, in a second browser context, sees the banner without a reload, finds the
 *   save button disabled with the reason, and a write sent anyway shows the server's refusal — both
 *   through the console (a form opened before the banner arrived) and as a forced request;
 * - the administrator turns it off: the banner goes, and the save works (register, edit, search, discard);
 * - the backyard page shows a running Ansible job (registered through the jobs page) and updates
 *   when it ends; the settings confirmation names the jobs in flight before read-only goes on;
 * - the administrator creates, renames and deletes an organization and a workspace.
 * Screenshots of the settings page and of a page with the banner, in both languages, go to
 * test-output/screenshots/.
 *
 * Chromium is required: a missing /usr/bin/chromium fails this file with the command that installs it.
 * The fleet upgrades page has its own file (console-fleet.test.ts); both share support/console-browser.ts.
 */
import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import pino from 'pino';
import { CONSOLE_DIR, consoleRoutes } from '../src/http/console.js';
import { commandPlaybook, registerAnsibleMovement } from './support/ansible-jobs.js';
import { ITA1, SEED, startTestApp, type TestApp } from './support/app.js';
import {
  assertNotReloaded,
  literal,
  markNoReload,
  msg,
  onPage,
  shoot,
  signIn,
  startConsole,
  switchMsg,
  switchLanguage,
  USERS,
  type InProcessConsole,
  type Language,
} from './support/console-browser.js';
import { ensureConsoleBuilt } from './support/console-build.js';
import { waitFor } from './support/wait-for.js';

const logger = pino({ level: process.env.DRYDOCK_TEST_LOG ?? 'silent' });

/** The banner must follow a change "within a few seconds": the console polls every 2 s. */
const BANNER_WITHIN_MS = 6000;

describe('web console in Chromium (SQLite, real worker)', () => {
  let c: InProcessConsole;
  let t: TestApp;
  let base: string;
  let adminContext: BrowserContext;
  let memberContext: BrowserContext;
  let admin: Page;
  let member: Page;

  before(async () => {
    c = await startConsole({ worker: true });
    ({ t, base } = c);
    await registerAnsibleMovement(t, 'sleeper', commandPlaybook('sleep 10'));
    const seeded = await t.call({
      method: 'POST',
      url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
      auth: SEED.member1,
      body: [{ type: 'Register', parameter: { host: 'web-1.example.com', port: '443', enabled: 'true' } }],
    });
    assert.equal(seeded.status, 200, seeded.text);
    // The administrator's browser prefers English, the member's Japanese.
    adminContext = await c.newContext('en');
    memberContext = await c.newContext('ja');
    admin = await adminContext.newPage();
    member = await memberContext.newPage();
  });

  after(() => c?.stop());

  const memberRecordsUrl = () => `${base}/o/${SEED.org1}/w/${SEED.ws1}/menus/${SEED.menu}`;
  const readOnlySwitch = () => admin.getByRole('switch', { name: switchMsg('en', 'data_update_stop', 'label') });
  const banner = (page: Page) => page.getByTestId('maintenance-banner');
  const formSave = (page: Page, language: Language): Locator =>
    page
      .locator('form')
      .filter({ has: page.getByRole('heading', { name: msg(language, 'records.registerTitle') }) })
      .getByRole('button', {
        name: msg(language, 'common.save'),
        exact: true,
      });

  /** The banner message field for Japanese (the message Japanese users see). */
  const messageJa = () => admin.getByLabel(msg('en', 'maint.messageIn').replace('{language}', msg('en', 'maint.lang.ja')));
  /** Opens a folded banner (one line with Details, at a desk too), even under an open drawer. */
  const openBanner = async (page: Page) => {
    const toggle = banner(page).getByTestId('maintenance-banner-toggle');
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.dispatchEvent('click');
    await waitFor('the banner is open', async () => (await toggle.getAttribute('aria-expanded')) === 'true', onPage(2000));
  };

  /** Saves the settings form through its confirmation, whose button says what it does; returns the dialog's text. */
  async function saveSettings(confirmLabel: string): Promise<string> {
    await admin.getByRole('button', { name: msg('en', 'settings.review') }).click();
    const dialog = admin.getByRole('dialog', { name: msg('en', 'confirm.title') });
    await dialog.waitFor();
    const text = await dialog.innerText();
    await dialog.getByRole('button', { name: confirmLabel, exact: true }).click();
    await admin.getByText(msg('en', 'settings.saved')).waitFor({ timeout: 10_000 });
    await dialog.waitFor({ state: 'hidden' });
    return text;
  }

  it('signs in each user in the language of their browser and serves the console at its own paths', async () => {
    await c.signInAt(admin, '/system/settings', 'en');
    assert.equal(await admin.locator('html').getAttribute('lang'), 'en');
    await admin.getByRole('heading', { name: msg('en', 'settings.title') }).waitFor();
    assert.equal(await readOnlySwitch().isChecked(), false);

    // A deep link survives sign-in: the server answers index.html for every console path.
    await member.goto(memberRecordsUrl());
    await member.getByRole('heading', { name: msg('ja', 'auth.title') }).waitFor();
    await shoot(member, 'sign-in-ja');
    await signIn(member, 'ja', USERS.member);
    await member.getByRole('heading', { name: 'Servers (servers)' }).waitFor();
    assert.equal(await member.locator('html').getAttribute('lang'), 'ja');
    await member.getByRole('cell', { name: 'web-1.example.com', exact: true }).waitFor();
    // The member's navigation has no system pages.
    assert.equal(await member.getByRole('link', { name: msg('ja', 'nav.settings') }).count(), 0);
  });

  it('refuses the system state settings page to an organization user', async () => {
    const page = await memberContext.newPage();
    await page.goto(`${base}/system/settings`);
    const refusal = page.getByTestId('admin-only');
    await refusal.waitFor();
    assert.equal(await refusal.innerText(), msg('ja', 'errors.adminOnly'));
    assert.equal(await page.getByRole('switch').count(), 0);
    // The API refuses it too, whatever the console shows.
    const status = await page.evaluate(async () => (await fetch('/api/platform/maintenance-mode-setting')).status);
    assert.equal(status, 403);
    await page.close();
  });

  it('read-only on: the member sees the banner without reload, cannot save, and a write sent anyway shows the refusal', async () => {
    // The member opens the register form; then loses sight of the maintenance state (its polls
    // fail), so the console still offers Save when the administrator turns read-only on.
    await member.getByRole('button', { name: msg('ja', 'records.register'), exact: true }).click();
    await member.getByRole('dialog').getByLabel(/^host/).fill('web-2.example.com');
    await member.getByRole('dialog').getByLabel('port', { exact: true }).fill('8080');
    await markNoReload(member);
    const blocked = '**/platform/maintenance-mode-setting';
    await member.route(blocked, (route) => route.abort());

    await readOnlySwitch().check();
    await messageJa().fill('Backup until 02:30 UTC. サーバー移設のため。');
    await admin.getByLabel(msg('en', 'settings.announcedEnd')).fill('2030-01-02T02:30');
    const confirmation = await saveSettings(switchMsg('en', 'data_update_stop', 'turnOnButton'));
    assert.match(confirmation, new RegExp(literal(switchMsg('en', 'data_update_stop', 'turnOn'))));
    assert.match(confirmation, /Announce the end for/);
    assert.match(confirmation, new RegExp(literal(msg('en', 'confirm.nothingInFlight'))));
    await admin.getByRole('cell', { name: /Read-only mode: Off → On/ }).waitFor();
    assert.match(
      await admin
        .getByText(/last changed by admin on/)
        .first()
        .innerText(),
      /admin/,
    );

    // Save anyway (the form was open before the banner could arrive): the server refuses, and the
    // console shows its message, not a success.
    const save = formSave(member, 'ja');
    assert.equal(await save.isEnabled(), true);
    await save.click();
    const alert = member.getByRole('alert').filter({ hasText: msg('ja', 'error.refusedTitle') });
    await alert.waitFor({ timeout: 10_000 });
    assert.match(await alert.innerText(), /メンテナンス中のため.*\(498-\d{5}\)/s);
    assert.equal(await member.getByText(msg('ja', 'records.registered')).count(), 0);
    const stored = await t.call({ url: `${ITA1}/menu/${SEED.menu}/filter/?host=web-2.example.com`, auth: SEED.member1 });
    assert.deepEqual(stored.body.data, []);

    // The state comes back: the banner appears without a reload, within a few seconds.
    await member.unroute(blocked);
    const unrouted = Date.now();
    await waitFor('the banner shows', () => banner(member).isVisible(), onPage(BANNER_WITHIN_MS));
    const ms = Date.now() - unrouted;
    await assertNotReloaded(member);
    await openBanner(member);
    const text = await banner(member).innerText();
    assert.match(text, new RegExp(literal(switchMsg('ja', 'data_update_stop', 'banner'))));
    assert.match(text, /Backup until 02:30 UTC\. サーバー移設のため。/);
    assert.match(text, /終了予定：2030/);
    assert.doesNotMatch(text, new RegExp(literal(switchMsg('ja', 'backyard_execute_stop', 'banner'))));
    logger.info({ ms }, 'banner appeared');

    // Every write button is disabled, with the reason in its tooltip and its description.
    await waitFor('the save button is disabled', async () => !(await save.isEnabled()), onPage(5000));
    assert.equal(await save.getAttribute('title'), msg('ja', 'readOnly.reason'));
    const describedBy = await save.getAttribute('aria-describedby');
    assert.ok(describedBy);
    assert.equal(await member.locator(`[id="${describedBy}"]`).textContent(), msg('ja', 'readOnly.reason'));
    assert.equal(
      await member
        .getByRole('button', { name: /web-1\.example\.com/ })
        .first()
        .isDisabled(),
      true,
    );
    await member.getByText(msg('ja', 'readOnly.notice')).waitFor();

    // A request forced past the console (with the session's CSRF token) is refused by the server.
    const forced = await member.evaluate(async (url) => {
      const who = await (await fetch('/api/auth/whoami')).json();
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': who.data.csrf_token, language: 'ja' },
        body: JSON.stringify([{ type: 'Register', parameter: { host: 'forced.example.com' } }]),
      });
      return { status: r.status, body: await r.json() };
    }, `${ITA1}/menu/${SEED.menu}/maintenance/all/`);
    assert.equal(forced.status, 498);
    assert.match(forced.body.result, /^498-\d{5}$/);
    assert.match(forced.body.message, /メンテナンス中/);

    // Screenshots with the banner, in both languages (the switch changes the language in place).
    await shoot(member, 'banner-ja');
    await switchLanguage(member, 'ja', 'en');
    await banner(member)
      .getByText(switchMsg('en', 'data_update_stop', 'banner'))
      .waitFor();
    await assertNotReloaded(member);
    await shoot(member, 'banner-en');

    // The settings page in both languages, read-only on.
    await admin.getByRole('heading', { name: msg('en', 'settings.title') }).waitFor();
    await banner(admin).waitFor({ timeout: BANNER_WITHIN_MS });
    await openBanner(admin);
    await banner(admin)
      .getByText(switchMsg('en', 'data_update_stop', 'banner'))
      .waitFor();
    await shoot(admin, 'settings-en');
    await switchLanguage(admin, 'en', 'ja');
    await admin.getByRole('heading', { name: msg('ja', 'settings.title') }).waitFor();
    await banner(admin)
      .getByText(switchMsg('ja', 'data_update_stop', 'banner'))
      .waitFor();
    await shoot(admin, 'settings-ja');
    await switchLanguage(admin, 'ja', 'en');
  });

  it('read-only off: the banner goes without reload and the member registers, searches, edits and discards', async () => {
    await readOnlySwitch().uncheck();
    await messageJa().fill('');
    await admin.getByLabel(msg('en', 'settings.announcedEnd')).fill('');
    const confirmation = await saveSettings(switchMsg('en', 'data_update_stop', 'turnOffButton'));
    assert.match(confirmation, new RegExp(literal(msg('en', 'confirm.endCleared'))));
    assert.match(confirmation, new RegExp(literal(switchMsg('en', 'data_update_stop', 'turnOff'))));
    assert.match(confirmation, new RegExp(literal(msg('en', 'confirm.messageCleared').replace('{language}', msg('en', 'maint.lang.ja')))));

    await waitFor('the banner is gone', async () => !(await banner(member).isVisible()), onPage(BANNER_WITHIN_MS));
    await assertNotReloaded(member);
    const save = formSave(member, 'en');
    await waitFor('the save button is enabled', () => save.isEnabled(), onPage(5000));
    assert.equal(await save.getAttribute('title'), null);
    await save.click();
    await member.getByText(msg('en', 'records.registered')).waitFor({ timeout: 10_000 });
    await member.getByRole('cell', { name: 'web-2.example.com', exact: true }).waitFor();
    const stored = await t.call({ url: `${ITA1}/menu/${SEED.menu}/filter/?host=web-2.example.com`, auth: SEED.member1 });
    assert.equal(stored.body.data.length, 1);
    assert.equal(stored.body.data[0].parameter.port, 8080);

    // Search (a read), edit with the optimistic lock, discard.
    await member.getByText(msg('en', 'records.filters'), { exact: true }).click();
    await member.getByLabel(msg('en', 'records.filterValue').replace('{column}', 'host')).fill('web-2');
    await member.getByRole('button', { name: msg('en', 'records.searchButton'), exact: true }).click();
    await waitFor('the search leaves one record', async () => (await member.getByTestId('records').locator('tbody tr').count()) === 1, onPage(5000));
    await member.getByRole('button', { name: 'Edit web-2.example.com' }).click();
    await member.getByRole('dialog').getByLabel('port', { exact: true }).fill('8443');
    await member
      .locator('form')
      .filter({ has: member.getByRole('heading', { name: msg('en', 'records.editTitleNamed').replace('{name}', 'web-2.example.com') }) })
      .getByRole('button', { name: msg('en', 'common.save'), exact: true })
      .click();
    await member.getByText(msg('en', 'records.updated')).waitFor({ timeout: 10_000 });
    await member.getByRole('cell', { name: '8443', exact: true }).waitFor();
    await member.getByRole('button', { name: 'Discard web-2.example.com' }).click();
    await member.getByText(msg('en', 'records.discarded')).waitFor({ timeout: 10_000 });
    const after = await t.call({ url: `${ITA1}/menu/${SEED.menu}/filter/?host=web-2.example.com`, auth: SEED.member1 });
    assert.equal(after.body.data[0].parameter.discard, '1');
    assert.equal(after.body.data[0].parameter.port, 8443);
  });

  it('a file column: the member uploads a file in the form, the list links it by name, the link downloads it', async () => {
    const defined = await t.call({
      method: 'POST',
      url: `${ITA1}/menu/`,
      auth: SEED.manager1,
      body: {
        menu: 'configs',
        title: 'Configs',
        columns: [
          { name: 'name', type: 'string', required: true },
          { name: 'config', type: 'file' },
        ],
      },
    });
    assert.equal(defined.status, 200, defined.text);
    // (The member chose English in an earlier test.)
    await member.goto(`${base}/o/${SEED.org1}/w/${SEED.ws1}/menus/configs`);
    await member.getByRole('button', { name: msg('en', 'records.register'), exact: true }).click();
    await member.getByRole('dialog').getByRole('textbox', { name: /^name/ }).fill('web');
    await member
      .getByRole('dialog')
      .getByLabel('config', { exact: true })
      .setInputFiles({ name: 'web.env', mimeType: 'text/plain', buffer: Buffer.from('PORT=8080\n') });
    await formSave(member, 'en').click();
    await member.getByText(msg('en', 'records.registered')).waitFor({ timeout: 10_000 });
    const link = member.getByRole('link', { name: msg('en', 'records.downloadNamed').replace('{name}', 'web.env') });
    await link.waitFor();
    await shoot(member, 'records-file-column');
    const [download] = await Promise.all([member.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'web.env');
    assert.equal(readFileSync(await download.path(), 'utf8'), 'PORT=8080\n', 'the file as uploaded');

    // Editing without choosing a file keeps it.
    await member.getByRole('button', { name: msg('en', 'records.editNamed').replace('{name}', 'web') }).click();
    await member.getByText(msg('en', 'records.fileKept').replace('{name}', 'web.env')).waitFor();

    await member.getByRole('button', { name: msg('en', 'common.cancel') }).click();

    // A long value stays on one line, read whole in its tooltip; the page never scrolls sideways.
    const long = `RHEL 8.10 ${'web-server.rack-42.example.com '.repeat(8).trim()}`;
    const r = await t.call({ method: 'POST', url: `${ITA1}/menu/configs/maintenance/`, auth: SEED.member1, body: { parameter: { name: long } } });
    assert.equal(r.status, 200, r.text);
    await member.reload();
    const value = member.locator('[data-testid="records"] .cell-value', { hasText: 'RHEL 8.10' });
    await value.waitFor();
    assert.equal(await value.getAttribute('title'), long, 'the whole value in the tooltip');
    const box = await value.evaluate((el) => ({ height: el.getBoundingClientRect().height, line: parseFloat(getComputedStyle(el).lineHeight) || 20 }));
    assert.ok(box.height < box.line * 1.5, `one line: ${JSON.stringify(box)}`);
    const sideways = await member.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(sideways <= 0, `the page does not scroll sideways (${sideways}px)`);
    await shoot(member, 'records-long-value');
  });

  it('the backyard page shows a running job live, the confirmation names it, and the page updates when it ends', async () => {
    const backyard = await adminContext.newPage();
    await backyard.goto(`${base}/system/backyard`);
    await backyard.getByRole('heading', { name: msg('en', 'backyard.title') }).waitFor();
    await backyard.getByText(msg('en', 'live.live'), { exact: true }).waitFor();
    await waitFor('nothing is in flight', async () => (await backyard.getByTestId('execute-count').innerText()).startsWith('0'), onPage(10_000));
    await markNoReload(backyard);

    // The member runs the movement from the workspace's jobs page and follows it there.
    await member
      .getByRole('navigation', { name: msg('en', 'nav.breadcrumb') })
      .getByRole('link', { name: SEED.ws1 })
      .click();
    await member.getByRole('link', { name: 'movement_list' }).waitFor();
    await shoot(member, 'workspace-en');
    await member.getByRole('link', { name: msg('en', 'workspace.jobs'), exact: true }).click();
    await member.getByLabel(msg('en', 'jobs.movement'), { exact: true }).selectOption('sleeper');
    await member.getByLabel(msg('en', 'jobs.operation'), { exact: true }).selectOption('sleeper-op');
    await shoot(member, 'jobs-en');
    await member.getByRole('button', { name: msg('en', 'jobs.run') }).click();
    await member.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
    const executionNo = member.url().split('/').pop()!;

    // The backyard page shows it, executing, without a reload.
    const row = backyard.locator(`tr[data-job="${executionNo}"]`);
    await waitFor('the job shows as Executing', async () => /Executing/.test(await row.innerText()), onPage(60_000));
    assert.match(await row.innerText(), new RegExp(`${SEED.org1}\\s+${SEED.ws1}\\s+ita-by-ansible-execute`));
    assert.match(await backyard.getByTestId('execute-count').innerText(), /^1/);
    await shoot(backyard, 'backyard-en');

    // Turning read-only on now warns, naming how many jobs are in flight; the admin cancels.
    await readOnlySwitch().check();
    await admin.getByRole('button', { name: msg('en', 'settings.review') }).click();
    const dialog = admin.getByRole('dialog', { name: msg('en', 'confirm.title') });
    await dialog.getByTestId('in-flight-warning').waitFor();
    assert.match(await dialog.getByTestId('in-flight-warning').innerText(), /1 job\(s\) are still in flight/);
    await shoot(admin, 'settings-confirm-en');
    await dialog.getByRole('button', { name: msg('en', 'common.cancel') }).click();
    await dialog.waitFor({ state: 'hidden' });
    await admin.getByRole('button', { name: msg('en', 'settings.discardEdits') }).click();
    assert.equal(await readOnlySwitch().isChecked(), false);

    // It ends: the row goes and the count drops, still without a reload; the member's page has the log.
    await row.waitFor({ state: 'detached', timeout: 60_000 });
    await waitFor('nothing is in flight again', async () => (await backyard.getByTestId('execute-count').innerText()).startsWith('0'), onPage(10_000));
    await assertNotReloaded(backyard);
    const status = member.getByTestId('job-status');
    await waitFor('the job page shows Completed', async () => (await status.innerText()) === 'Completed', onPage(30_000));
    assert.match(await member.getByTestId('job-log').innerText(), /PLAY RECAP/);
    await shoot(member, 'job-en');
    await backyard.close();
  });

  it('the administrator creates, renames and deletes an organization and its workspace', async () => {
    await admin
      .getByRole('navigation', { name: msg('en', 'nav.label') })
      .getByRole('link', { name: msg('en', 'nav.organizations') })
      .click();
    await admin.getByRole('heading', { name: msg('en', 'orgs.title') }).waitFor();
    await admin.getByRole('button', { name: msg('en', 'orgs.create') }).click();
    await admin.getByLabel(new RegExp(`^${literal(msg('en', 'orgs.id'))}`)).fill('org9');
    await admin.getByLabel(new RegExp(`^${literal(msg('en', 'orgs.name'))}`)).fill('Ninth');
    await admin.getByLabel(msg('en', 'orgs.manager')).fill('manager9');
    await admin.getByLabel(new RegExp(`^${literal(msg('en', 'orgs.managerPassword'))}`)).fill('manager9-password');
    await admin.getByRole('button', { name: msg('en', 'common.create'), exact: true }).click();
    await admin.getByText('Organization org9 created.').waitFor();
    await admin.getByRole('button', { name: 'Edit organization org9' }).click();
    await admin.getByRole('textbox', { name: msg('en', 'orgs.name') }).fill('Ninth, renamed');
    await admin.getByRole('button', { name: msg('en', 'common.save'), exact: true }).click();
    await admin.getByRole('cell', { name: 'Ninth, renamed', exact: true }).waitFor();
    await shoot(admin, 'organizations-en');

    await admin.getByRole('link', { name: 'org9', exact: true }).click();
    await admin.getByRole('heading', { name: 'Workspaces of org9' }).waitFor();
    await admin.getByRole('button', { name: msg('en', 'workspaces.create') }).click();
    await admin.getByLabel(new RegExp(`^${literal(msg('en', 'workspaces.id'))}`)).fill('ws9');
    await admin.getByLabel(new RegExp(`^${literal(msg('en', 'workspaces.name'))}`)).fill('Ninth workspace');
    await admin.getByRole('button', { name: msg('en', 'common.create'), exact: true }).click();
    await admin.getByText('Workspace ws9 created.').waitFor();
    await admin.getByRole('button', { name: 'Edit workspace ws9' }).click();
    await admin.getByLabel(msg('en', 'workspaces.description')).fill('for the console test');
    await admin.getByRole('button', { name: msg('en', 'common.save'), exact: true }).click();
    await admin.getByRole('cell', { name: 'for the console test', exact: true }).waitFor();
    const ws = await t.admin({ url: '/api/org9/platform/workspaces/ws9' });
    assert.equal(ws.body.data.informations.description, 'for the console test');
    await shoot(admin, 'workspaces-en');

    await admin.getByRole('button', { name: 'Delete workspace ws9' }).click();
    await admin
      .getByRole('dialog')
      .getByRole('button', { name: msg('en', 'common.delete') })
      .click();
    await admin.getByText('Workspace ws9 deleted.').waitFor();
    await admin
      .getByRole('navigation', { name: msg('en', 'nav.label') })
      .getByRole('link', { name: msg('en', 'nav.organizations') })
      .click();
    await admin.getByRole('button', { name: 'Delete organization org9' }).click();
    // The organization's ID typed exactly (test/console-admin-pages.test.ts checks the dialog itself).
    await admin.getByRole('dialog').getByLabel(msg('en', 'orgs.deleteType').replace('{id}', 'org9')).fill('org9');
    await admin
      .getByRole('dialog')
      .getByRole('button', { name: msg('en', 'common.delete') })
      .click();
    await admin.getByText('Organization org9 deleted.').waitFor();
    assert.equal((await t.admin({ url: '/api/platform/organizations/org9' })).status, 404);
    assert.deepEqual(c.pageErrors, [], 'no page threw');
  });
});

describe('serving the console', () => {
  it('answers index.html for console paths, keeps 404s for /api, and says to build when dist/web is missing', async () => {
    ensureConsoleBuilt();
    const built = Fastify();
    await built.register(consoleRoutes, { dir: CONSOLE_DIR });
    const page = await built.inject({ url: '/o/org1/w/ws1/jobs' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<div id="root">/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(page.headers['cache-control'], 'no-cache');
    // The entry script, which every visitor loads (each page is a chunk of its own, some tiny).
    const asset = /src="\/assets\/([^"]+\.js)"/.exec(readFileSync(path.join(CONSOLE_DIR, 'index.html'), 'utf8'))![1]!;
    const js = await built.inject({ url: `/assets/${asset}` });
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers['cache-control']), /immutable/);
    assert.equal(js.headers['content-encoding'], undefined, 'a client that accepts no encoding gets the file itself');
    const raw = readFileSync(path.join(CONSOLE_DIR, 'assets', asset));
    for (const [encoding, decode] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const compressed = await built.inject({ url: `/assets/${asset}`, headers: { 'accept-encoding': encoding } });
      assert.equal(compressed.statusCode, 200);
      assert.equal(compressed.headers['content-encoding'], encoding, `sent with ${encoding}`);
      assert.match(String(compressed.headers['content-type']), /javascript/, 'typed as the script, not the archive');
      assert.match(String(compressed.headers['cache-control']), /immutable/);
      assert.ok(compressed.rawPayload.length < raw.length / 2, `${encoding}: ${compressed.rawPayload.length} bytes for ${raw.length}`);
      assert.ok(decode(compressed.rawPayload).equals(raw), `${encoding} decodes to the script`);
    }
    assert.equal((await built.inject({ url: '/api/nothing' })).statusCode, 404);
    for (const url of ['/assets/../package.json', '/assets/..%2f..%2fpackage.json', '/..%2fpackage.json']) {
      assert.doesNotMatch((await built.inject({ url })).body, /"name": "drydock"/, `${url} stays inside dist/web`);
    }
    await built.close();

    const empty = mkdtempSync(path.join(os.tmpdir(), 'drydock-no-console-'));
    const unbuilt = Fastify();
    await unbuilt.register(consoleRoutes, { dir: empty });
    const r = await unbuilt.inject({ url: '/' });
    assert.equal(r.statusCode, 503);
    assert.match(r.body, /npm run build/);
    await unbuilt.close();
    rmSync(empty, { recursive: true, force: true });
  });

  it("leaves the Basic challenge off the console's 401s (no browser password prompt), and only those", async () => {
    const t = await startTestApp('sqlite');
    try {
      const plain = await t.call({ url: '/api/auth/whoami' });
      assert.equal(plain.status, 401);
      assert.match(String(plain.headers['www-authenticate']), /^Basic /);
      const console = await t.call({ url: '/api/auth/whoami', headers: { 'x-requested-with': 'XMLHttpRequest' } });
      assert.equal(console.status, 401);
      assert.equal(console.headers['www-authenticate'], undefined);
    } finally {
      await t.close();
    }
  });
});
