/**
 * Outcomes you can see, in a real browser (Debian's Chromium driven by playwright-core) against a
 * real listening drydock on SQLite, with a real worker running ansible-playbook and a fleet
 * orchestrator in the same process (on the simulated node platform of support/fleet-sim.ts):
 * - a fleet run with one failed pair shows "Completed with failures (1/4)" in amber — in the list
 *   and on its page, in English and Japanese — and a run whose every pair is done stays green; the
 *   list's answer carries the pair counts;
 * - an Ansible job whose task fails shows, at the top of its page, what failed: the status, the exit
 *   code, the task, and the first `fatal:` line, linked to the line in the log, which is marked (a
 *   class and a visually hidden "Error:"); the log search finds a line, counts and steps through
 *   matches and can show only them; the download is the whole log as a .log file;
 * - the jobs list names each job by its movement and operation, its status as a badge;
 * - Run again (disabled in read-only mode) asks first, registers a new job with the same movement
 *   and operation, and opens it, and the new job runs;
 * - every status badge on these pages has a text contrast of at least 4.5:1.
 * Screenshots in both languages go to test-output/screenshots/outcomes/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { registerAnsibleMovement, startAnsible, waitForStatus, getExecution } from './support/ansible-jobs.js';
import { ITA1, SEED, setMaintenance, type TestApp } from './support/app.js';
import {
  declareFleet,
  msg,
  text,
  onPage,
  shoot,
  sidewaysScroll,
  signIn,
  startConsole,
  switchLanguage,
  USERS,
  type InProcessConsole,
} from './support/console-browser.js';
import { SimulatedPlatform } from './support/fleet-sim.js';
import { waitFor } from './support/wait-for.js';

const V1 = '1.0.0';
const V2 = '2.0.0';
const PROD_PAIRS = ['PROD_001', 'PROD_002', 'PROD_003', 'PROD_004'];
const STAGE_PAIRS = ['STAGE_001', 'STAGE_002'];
/** The one node whose upgrade fails: its pair fails, the three others finish. */
const FAILING_NODE = 'PROD_S_002';

/** A playbook whose second task fails, as a broken deployment would. */
const FAILING_PLAYBOOK = [
  '- hosts: all',
  '  gather_facts: false',
  '  tasks:',
  '    - name: check the disk',
  '      command: echo disk ok',
  '    - name: install the package',
  '      command: /bin/false',
  '',
].join('\n');

/** Every status badge on the page, with its words and the contrast of its text on its background. */
async function badgeContrasts(page: Page): Promise<Array<{ text: string; ratio: number }>> {
  // No named functions inside: the page does not have the helper tsx names them with.
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.status')].map((el) => {
      const style = getComputedStyle(el);
      const [a, b] = [style.color, style.backgroundColor].map((css) =>
        (css.match(/[\d.]+/g) ?? [])
          .slice(0, 3)
          .map((v) => Number(v) / 255)
          .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
          .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i]!, 0),
      ) as [number, number];
      return { text: el.textContent ?? '', ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
    }),
  );
}

async function assertBadgesReadable(page: Page): Promise<void> {
  const badges = await badgeContrasts(page);
  assert.ok(badges.length > 0, 'the page shows status badges');
  const poor = badges.filter((b) => b.ratio < 4.5).map((b) => `${b.text}: ${b.ratio.toFixed(2)}`);
  assert.deepEqual(poor, [], 'every badge has a contrast of 4.5:1 or more');
}

describe('outcomes you can see, in Chromium (SQLite, real worker, fleet orchestrator)', () => {
  let c: InProcessConsole;
  let t: TestApp;
  const platform = new SimulatedPlatform();
  let base: string;
  let admin: Page;
  let member: Page;
  let failedRun: string;
  let cleanRun: string;
  let failedJob: string;
  const jobsUrl = () => `${base}/o/${SEED.org1}/w/${SEED.ws1}/jobs`;

  before(async () => {
    c = await startConsole({ worker: true });
    ({ t, base } = c);

    const pairs = [...PROD_PAIRS, ...STAGE_PAIRS];
    for (const pair of pairs) {
      const [env, id] = pair.split('_') as [string, string];
      platform.addPair(pair, `${env}_P_${id}`, `${env}_S_${id}`, V1);
    }
    platform.failUpgrade.set(FAILING_NODE, { version: V2 });
    const environments = [
      { name: 'PROD', driver: { type: 'noop' } },
      { name: 'STAGE', driver: { type: 'noop' } },
    ];
    await declareFleet(t, environments, pairs, V1);
    c.orchestrator(() => platform.driver()).start();

    admin = await c.newPage('en');
    member = await c.newPage('en');
  });

  after(async () => {
    await c?.stop();
    assert.deepEqual(c?.pageErrors ?? [], [], 'no uncaught error in any page');
  });

  it('shows a fleet run that finished with a failed pair as "Completed with failures (1/4)" in amber, a fully successful one in green', async () => {
    const startRun = async (environment: string) => {
      const started = await t.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment, version: V2 } });
      assert.equal(started.status, 200, started.text);
      const id = String(started.body.data.id);
      await waitFor(
        `run ${id} ends`,
        async () => {
          const r = await t.admin({ url: `/api/platform/fleet/runs/${id}` });
          return r.body.data.run.state === 'completed';
        },
        { timeoutMs: 30_000, everyMs: 100 },
      );
      return id;
    };
    failedRun = await startRun('PROD');
    cleanRun = await startRun('STAGE');

    // The list's answer carries each run's pair counts.
    const list = await t.admin({ url: '/api/platform/fleet/runs' });
    assert.equal(list.status, 200, list.text);
    const byId = new Map<string, { state: string; counts: Record<string, number> }>(list.body.data.map((r: { id: string }) => [r.id, r]));
    assert.deepEqual(byId.get(failedRun)?.counts, { waiting: 0, running: 0, done: 3, failed: 1, total: 4 });
    assert.deepEqual(byId.get(cleanRun)?.counts, { waiting: 0, running: 0, done: 2, failed: 0, total: 2 });
    assert.equal(byId.get(failedRun)?.state, 'completed');

    await c.signInAt(admin, '/system/fleet', 'en');
    for (const language of ['en', 'ja'] as const) {
      if (language === 'ja') await switchLanguage(admin, 'en', 'ja');
      const runs = admin.getByTestId('fleet-runs');
      await runs.waitFor();
      const failedState = runs.locator(`tr[data-run="${failedRun}"] [data-state]`);
      const cleanState = runs.locator(`tr[data-run="${cleanRun}"] [data-state]`);
      const partial = text(language, 'outcome.completedWithFailures', { failed: 1, total: 4 });
      await waitFor(`the list shows ${partial}`, async () => (await failedState.innerText()).includes(partial), onPage(10_000));
      assert.equal(await failedState.getAttribute('data-outcome'), 'partial');
      assert.equal(await failedState.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(255, 244, 214)', 'amber');
      assert.equal(await cleanState.getAttribute('data-outcome'), 'succeeded');
      assert.match(await cleanState.innerText(), new RegExp(`✓ ${msg(language, 'fleet.run.completed')}$`));
      assert.match(
        await runs.locator(`tr[data-run="${failedRun}"]`).innerText(),
        new RegExp(text(language, 'outcome.pairsFailed', { failed: 1 }).replace(/[()]/g, '\\$&')),
      );
      await assertBadgesReadable(admin);
      await shoot(admin, `outcomes/fleet-list-${language}`);

      await runs.getByRole('link', { name: failedRun }).click();
      const state = admin.getByTestId('fleet-run-state').locator('[data-state]');
      await waitFor('the run page shows the partial outcome', async () => (await state.innerText()).includes(partial), onPage(10_000));
      assert.equal(await state.getAttribute('data-outcome'), 'partial');
      assert.equal(await state.getAttribute('data-state'), 'completed');
      assert.equal(
        await admin.getByTestId('fleet-matrix').locator('tr[data-pair="PROD_002"] [data-state="failed"]').first().getAttribute('data-outcome'),
        'failed',
      );
      await assertBadgesReadable(admin);
      await shoot(admin, `outcomes/fleet-run-${language}`);

      await admin.goto(`${base}/system/fleet/runs/${cleanRun}`);
      await waitFor('the clean run shows as completed', async () => (await state.getAttribute('data-outcome')) === 'succeeded', onPage(10_000));
      assert.match(await state.innerText(), new RegExp(`✓ ${msg(language, 'fleet.run.completed')}$`));
      await admin.goto(`${base}/system/fleet`);
    }
  });

  it('names each job by its movement and operation, and shows a failed Ansible job’s failure at the top, its fatal line marked', async () => {
    await registerAnsibleMovement(t, 'deploy-web', FAILING_PLAYBOOK, 'web-servers');
    failedJob = await startAnsible(t, { movement: 'deploy-web', operation: 'web-servers' });
    const ended = await waitForStatus(t, failedJob, ['6'], 90_000);
    assert.match(String(ended.log), /fatal: \[localhost\]/);

    await member.goto(jobsUrl());
    await signIn(member, 'en', USERS.member);
    for (const language of ['en', 'ja'] as const) {
      if (language === 'ja') {
        await member.goto(jobsUrl());
        await switchLanguage(member, 'en', 'ja');
      }
      const row = member.getByTestId('executions').locator(`tr[data-execution="${failedJob}"]`);
      await row.waitFor();
      assert.equal(await row.getByRole('rowheader').innerText(), 'deploy-web');
      assert.equal(await row.locator(`td[data-label="${msg(language, 'jobs.operation')}"]`).innerText(), 'web-servers');
      const badge = row.locator('[data-outcome]');
      assert.equal(await badge.getAttribute('data-outcome'), 'failed');
      // The status's name is the API's, in the language on screen (the list reads it again within 2 s of a switch).
      const failedName = `✗ ${language === 'en' ? 'Completed (error)' : '完了(異常)'}`;
      await waitFor(`the status reads ${failedName}`, async () => (await badge.innerText()) === failedName, onPage(10_000));
      await assertBadgesReadable(member);
      await shoot(member, `outcomes/jobs-${language}`);

      await row.getByRole('link', { name: 'deploy-web' }).click();
      await member.getByRole('heading', { level: 1, name: text(language, 'outcome.jobTitle', { name: 'deploy-web', operation: 'web-servers' }) }).waitFor();
      const summary = member.getByTestId('failure-summary');
      await summary.waitFor();
      assert.ok(await summary.getByRole('heading', { name: new RegExp(msg(language, 'outcome.failureTitle')) }).isVisible(), 'the summary says what failed');
      const said = await summary.innerText();
      assert.ok(said.includes(language === 'en' ? 'Completed (error)' : '完了(異常)'), said);
      assert.ok(said.includes('install the package'), 'the failed task is named');
      assert.equal(await member.getByTestId('failure-exit-code').innerText(), '2', 'ansible-playbook exits 2 when a host failed');
      assert.match(await member.getByTestId('failure-line').innerText(), /fatal: \[localhost\]: FAILED!/);
      await assertBadgesReadable(member);
      await shoot(member, `outcomes/job-failed-${language}`);
    }
    // On a phone the page does not scroll sideways: the log's lines wrap.
    await member.setViewportSize({ width: 390, height: 844 });
    assert.equal(await sidewaysScroll(member), 0);
    await shoot(member, 'outcomes/job-failed-phone-ja');
    await member.setViewportSize({ width: 1280, height: 900 });
    // Back in English, the page reads the job again: its status's name is the API's, in the language on screen.
    await switchLanguage(member, 'ja', 'en');
    await waitFor('the status reads in English', async () => (await member.getByTestId('job-status').innerText()) === 'Completed (error)', onPage(10_000));

    // The fatal line is marked in the log: a class and a visually hidden "Error:" before it.
    const log = member.getByTestId('job-log');
    const fatal = log.locator('.log__line', { hasText: 'fatal: [localhost]: FAILED!' });
    assert.equal(await fatal.count(), 1);
    assert.match((await fatal.getAttribute('class')) ?? '', /log__line--error/);
    assert.equal(await fatal.locator('.log__flag').textContent(), msg('en', 'outcome.errorPrefix'));
    assert.deepEqual(
      await fatal.locator('.log__flag').evaluate((el) => [el.getBoundingClientRect().width, el.getBoundingClientRect().height]),
      [1, 1],
      'the prefix is for screen readers only',
    );
    const recap = log.locator('.log__line', { hasText: 'failed=1' });
    assert.match((await recap.getAttribute('class')) ?? '', /log__line--error/, 'the PLAY RECAP line counting the failure is marked');
    assert.doesNotMatch((await log.locator('.log__line', { hasText: 'changed: [localhost]' }).getAttribute('class')) ?? '', /error/);

    // The summary's link goes to the line, and the keyboard is there.
    const lineNo = await fatal.getAttribute('data-line');
    await member.getByTestId('failure-goto').click();
    await waitFor('the fatal line has the focus', async () => (await member.evaluate(() => document.activeElement?.id)) === `log-line-${lineNo}`, onPage(5000));
  });

  it('searches the log (count, next and previous, only matching lines) and downloads the whole log', async () => {
    const log = member.getByTestId('job-log');
    const search = member.getByRole('searchbox', { name: msg('en', 'outcome.logSearch') });
    const count = member.getByTestId('log-search-count');

    await search.fill('install the package');
    await waitFor('one line matches', async () => (await count.innerText()) === text('en', 'outcome.logMatchOf', { i: 1, n: 1 }), onPage(5000));
    assert.equal(await log.locator('mark').first().innerText(), 'install the package');
    assert.match(await log.locator('.log__line--current').innerText(), /TASK \[install the package\]/);

    // Several lines name the host (its task results and its recap): step through them, then show only them.
    await search.fill('FAILED!');
    await waitFor('the fatal line matches', async () => (await count.innerText()) === text('en', 'outcome.logMatchOf', { i: 1, n: 1 }), onPage(5000));
    await search.fill('localhost');
    const total = await log.locator('.log__line--match').count();
    assert.ok(total >= 2, `several lines name localhost (${total})`);
    await waitFor('the count says so', async () => (await count.innerText()) === text('en', 'outcome.logMatchOf', { i: 1, n: total }), onPage(5000));
    await member.getByRole('button', { name: msg('en', 'outcome.logNext') }).click();
    assert.equal(await count.innerText(), text('en', 'outcome.logMatchOf', { i: 2, n: total }));
    await search.press('Shift+Enter');
    assert.equal(await count.innerText(), text('en', 'outcome.logMatchOf', { i: 1, n: total }));
    await member.getByRole('button', { name: msg('en', 'outcome.logPrevious') }).click();
    assert.equal(await count.innerText(), text('en', 'outcome.logMatchOf', { i: total, n: total }));
    await member.getByLabel(msg('en', 'outcome.logOnlyMatches')).check();
    assert.equal(await log.locator('.log__line').count(), total);
    await shoot(member, 'outcomes/job-log-search-en');
    await member.getByLabel(msg('en', 'outcome.logOnlyMatches')).uncheck();
    await search.fill('no such text');
    await waitFor('nothing matches', async () => (await count.innerText()) === text('en', 'outcome.logNoMatch', { text: 'no such text' }), onPage(5000));
    await search.fill('');

    const [download] = await Promise.all([member.waitForEvent('download'), member.getByRole('button', { name: msg('en', 'outcome.logDownload') }).click()]);
    assert.equal(download.suggestedFilename(), `deploy-web-${failedJob.slice(0, 8)}.log`);
    const saved = readFileSync(await download.path(), 'utf8');
    assert.equal(saved, String((await getExecution(t, failedJob)).log), 'the whole log, as the API has it');
  });

  it('runs a job again: disabled in read-only mode; asks first, then registers a new job with the same movement and operation, which runs', async () => {
    const again = member.getByRole('button', { name: msg('en', 'outcome.rerun'), exact: true });
    await setMaintenance(t, { data_update_stop: '1' });
    await waitFor('Run again is disabled in read-only mode', async () => await again.isDisabled(), onPage(10_000));
    assert.equal(await again.getAttribute('title'), msg('en', 'readOnly.reason'));
    await setMaintenance(t, { data_update_stop: '0' });
    await waitFor('Run again is enabled again', async () => await again.isEnabled(), onPage(10_000));

    await again.click();
    const dialog = member.getByRole('dialog', { name: text('en', 'outcome.rerunTitle', { movement: 'deploy-web', operation: 'web-servers' }) });
    await dialog.waitFor();
    await shoot(member, 'outcomes/job-rerun-en', { fullPage: false });
    // Cancel registers nothing.
    const before = (await t.call({ url: `${ITA1}/executions/?limit=100`, auth: SEED.member1 })).body.data.length;
    await dialog.getByRole('button', { name: msg('en', 'common.cancel') }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await t.call({ url: `${ITA1}/executions/?limit=100`, auth: SEED.member1 })).body.data.length, before);

    await again.click();
    await dialog.getByRole('button', { name: msg('en', 'outcome.rerun'), exact: true }).click();
    await member.waitForURL((url) => /\/jobs\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(failedJob));
    const rerun = member.url().split('/').pop()!;
    const job = await getExecution(t, rerun);
    assert.equal(job.spec.movement_name, 'deploy-web');
    assert.equal(job.spec.operation_name, 'web-servers');
    assert.equal(job.backyard, 'ita-by-ansible-execute');
    // It runs (to the same failure), and its page follows it there.
    await waitForStatus(t, rerun, ['6'], 90_000);
    const status = member.getByTestId('job-status');
    await waitFor('the new job’s page shows its end', async () => (await status.innerText()) === 'Completed (error)', onPage(30_000));
    assert.match(await member.getByTestId('job-log').innerText(), /PLAY RECAP/);
    await member.getByTestId('failure-summary').waitFor();

    // The list has both, newest first.
    await member.goto(jobsUrl());
    const rows = member.getByTestId('executions').locator('tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.nth(0).getAttribute('data-execution'), rerun);
    assert.equal(await rows.nth(1).getAttribute('data-execution'), failedJob);
  });
});
