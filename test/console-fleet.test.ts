/**
 * The console's fleet upgrades page in a real browser (Debian's Chromium driven by playwright-core)
 * against a real listening drydock on SQLite with a fleet orchestrator in the same process, as
 * `drydock serve --workers` runs one:
 * - the administrator finds the page in the navigation; an organization user does not, and is
 *   refused the page (and the API);
 * - a run of three `noop` pairs is followed live, without a reload: phase cells as symbol and word,
 *   pause and resume (the resume by keyboard), a failed pair with its error, retried from its row,
 *   a retry the server refuses shown in the server's words, and finally every pair × phase done;
 * - polling stops when the page is left.
 * The noop driver is wrapped so the test decides when actions finish and which one fails: without
 * that a noop run ends before the page could show it moving.
 * Screenshots of the fleet pages, in both languages, go to test-output/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { createDriver } from '../src/fleet/drivers/driver-config.js';
import type { NodeDriver } from '../src/fleet/drivers/node-driver.js';
import type { TestApp } from './support/app.js';
import {
  assertNotReloaded,
  declareFleet,
  literal,
  markNoReload,
  msg,
  text,
  onPage,
  shoot,
  startConsole,
  switchLanguage,
  USERS,
  type InProcessConsole,
  type Language,
} from './support/console-browser.js';
import { waitFor } from './support/wait-for.js';

const V1 = '1.0.0';
const V2 = '2.0.0';
const PAIRS = ['PROD_001', 'PROD_002', 'PROD_003'];
/** The node whose upgrade to V2 fails, and how many times. */
const FAILING_NODE = 'PROD_S_002';
const FAILURES = 2;

/**
 * What the test decides about the driver's actions: while held, every action waits; and
 * FAILING_NODE's upgrade to V2 fails FAILURES times. Shared by every driver the orchestrator
 * builds (one per claim of the run: a retried run is claimed again).
 */
class Steering {
  failuresLeft = FAILURES;
  private opened: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  /** Holds every action from now on. */
  close(): void {
    if (!this.release) this.opened = new Promise((resolve) => (this.release = resolve));
  }

  /** Lets the held actions and every later one through. */
  open(): void {
    this.release?.();
    this.release = undefined;
  }

  pass(): Promise<void> {
    return this.opened;
  }
}

/** The environment's own driver (noop), steered. */
function steered(inner: NodeDriver, steering: Steering): NodeDriver {
  return {
    type: inner.type,
    upgrade: async (node, version, ctx) => {
      await steering.pass();
      if (node.name === FAILING_NODE && version === V2 && steering.failuresLeft > 0) {
        steering.failuresLeft--;
        return { ok: false, output: `simulated: ${node.name} did not come back after installing ${version}` };
      }
      return inner.upgrade(node, version, ctx);
    },
    switchActive: async (pair, to, ctx) => {
      await steering.pass();
      return inner.switchActive(pair, to, ctx);
    },
    health: async (node, ctx) => {
      await steering.pass();
      return inner.health(node, ctx);
    },
    close: () => inner.close(),
  };
}

describe('fleet upgrades page in Chromium (SQLite, in-process orchestrator)', () => {
  let c: InProcessConsole;
  let t: TestApp;
  const steering = new Steering();
  let base: string;
  let adminContext: BrowserContext;
  let memberContext: BrowserContext;
  let admin: Page;
  let runId: string;

  before(async () => {
    c = await startConsole();
    ({ t, base } = c);
    const declared = await declareFleet(t, [{ name: 'PROD', driver: { type: 'noop' } }], PAIRS, V1);
    assert.equal(declared.pairs, PAIRS.length);
    c.orchestrator((config, deps) => steered(createDriver(config, deps), steering)).start();
    adminContext = await c.newContext('en');
    memberContext = await c.newContext('ja');
    admin = await adminContext.newPage();
  });

  after(async () => {
    steering.open();
    await c?.stop();
  });

  const runState = () => admin.getByTestId('fleet-run-state');
  const row = (pair: string) => admin.getByTestId('fleet-matrix').locator(`tr[data-pair="${pair}"]`);
  const cell = (pair: string, phase: number) => row(pair).locator(`td[data-phase="${phase}"] [data-state]`);
  const cellState = (pair: string, phase: number) => cell(pair, phase).getAttribute('data-state');
  const dialog = (language: Language, key: Parameters<typeof msg>[1], params: Record<string, string>) =>
    admin.getByRole('dialog', { name: text(language, key, params) });

  async function waitForRunState(state: string, timeoutMs = 15_000): Promise<void> {
    await waitFor(`the run shows as ${state}`, async () => (await runState().locator('[data-state]').getAttribute('data-state')) === state, onPage(timeoutMs));
  }

  it('is in the administrator’s navigation; an organization user neither sees it nor may open it', async () => {
    await c.signInAt(admin, '/system/fleet', 'en');
    await admin.getByRole('heading', { name: msg('en', 'fleet.title'), level: 1 }).waitFor();
    const nav = admin.getByRole('navigation', { name: msg('en', 'nav.label') });
    assert.equal(await nav.getByRole('link', { name: msg('en', 'nav.fleet') }).getAttribute('aria-current'), 'page');
    await admin.getByText(msg('en', 'fleet.noRuns')).waitFor();

    const member = await memberContext.newPage();
    await c.signInAt(member, '/system/fleet', 'ja', USERS.member);
    const refusal = member.getByTestId('admin-only');
    await refusal.waitFor();
    assert.equal(await refusal.innerText(), msg('ja', 'errors.adminOnly'));
    assert.equal(
      await member
        .getByRole('navigation', { name: msg('ja', 'nav.label') })
        .getByRole('link')
        .count(),
      1,
      'only the workspaces link',
    );
    assert.equal(await member.getByRole('link', { name: msg('ja', 'nav.fleet') }).count(), 0);
    assert.equal(await member.getByTestId('fleet-matrix').count(), 0);
    // The API refuses it too, whatever the console shows.
    const status = await member.evaluate(async () => (await fetch('/api/platform/fleet/runs')).status);
    assert.equal(status, 403);
    await member.goto(`${base}/system/fleet/runs/run-20260101-00000000`);
    await member.getByTestId('admin-only').waitFor();
    await member.close();
  });

  it('follows a run live: pause, resume by keyboard, a failed pair retried, a refused retry, every phase done', async () => {
    // Every action is held: the run is seen in the middle of phase 1.
    steering.close();
    const started = await t.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: 'PROD', version: V2 } });
    assert.equal(started.status, 200, started.text);
    runId = started.body.data.id;

    // The list (still on screen from the previous test) shows the new run without a reload.
    await markNoReload(admin);
    const listed = admin.getByTestId('fleet-runs').locator(`tr[data-run="${runId}"]`);
    await listed.waitFor({ timeout: 10_000 });
    await listed.getByRole('link', { name: runId }).click();
    await admin.getByRole('heading', { name: msg('en', 'fleet.runTitle').replace('{id}', runId), level: 1 }).waitFor();
    for (const pair of PAIRS) {
      await waitFor(`${pair} runs phase 1`, async () => (await cellState(pair, 1)) === 'running', onPage(10_000));
      assert.equal(await cellState(pair, 2), 'pending');
    }
    assert.match(await runState().innerText(), new RegExp(`${literal(msg('en', 'fleet.run.running'))}.*Phase 1 of 4`));
    // Symbol and word, not colour alone.
    assert.equal(await cell('PROD_001', 1).innerText(), `▶ ${msg('en', 'fleet.cell.running')}`);
    assert.equal(await cell('PROD_001', 2).innerText(), `○ ${msg('en', 'fleet.cell.pending')}`);
    assert.equal(await row('PROD_001').locator('td').nth(4).innerText(), `PROD_P_001\n${msg('en', 'fleet.primary')}`);
    await shoot(admin, 'fleet-run-running-en');

    // Pause (with its confirmation): the phases in flight finish, no new one starts.
    await admin.getByRole('button', { name: msg('en', 'fleet.pause'), exact: true }).click();
    const pause = dialog('en', 'fleet.pauseTitle', { id: runId });
    await pause.waitFor();
    assert.match(await pause.innerText(), new RegExp(literal(msg('en', 'fleet.pauseExplain'))));
    await pause.getByRole('button', { name: msg('en', 'fleet.pause'), exact: true }).click();
    await pause.waitFor({ state: 'hidden' });
    await waitForRunState('paused');
    await admin.getByText(msg('en', 'fleet.paused').replace('{id}', runId)).waitFor();
    steering.open();
    for (const pair of ['PROD_001', 'PROD_003']) await waitFor(`${pair} finished phase 1`, async () => (await cellState(pair, 1)) === 'done', onPage(10_000));
    await waitFor('PROD_002 failed phase 1', async () => (await cellState('PROD_002', 1)) === 'failed', onPage(10_000));
    assert.match(await row('PROD_002').innerText(), /simulated: PROD_S_002 did not come back after installing 2\.0\.0/);
    assert.equal(await cell('PROD_002', 1).innerText(), `✗ ${msg('en', 'fleet.cell.failed')}`);
    await new Promise((r) => setTimeout(r, 1500));
    for (const pair of PAIRS) assert.equal(await cellState(pair, 2), 'pending', `${pair}: no phase starts while paused`);
    await admin.getByRole('button', { name: `Retry pair PROD_002` }).waitFor();
    await waitFor('the statuses show phase 1', async () => /PROD_Phase1_OK/.test(await admin.getByTestId('fleet-statuses').innerText()), onPage(5000));
    assert.match(await admin.getByTestId('fleet-counts').innerText(), /Failed\s*1/);
    await shoot(admin, 'fleet-run-paused-en');
    await switchLanguage(admin, 'en', 'ja');
    await admin.getByRole('heading', { name: msg('ja', 'fleet.runTitle').replace('{id}', runId) }).waitFor();
    await admin.getByRole('button', { name: 'ペア PROD_002 を再試行' }).waitFor();
    await shoot(admin, 'fleet-run-paused-ja');
    await switchLanguage(admin, 'ja', 'en');

    // Resume with the keyboard alone: the button, then the dialog (Cancel has the focus first).
    const resumeButton = admin.getByRole('button', { name: msg('en', 'fleet.resume'), exact: true });
    await resumeButton.focus();
    await admin.keyboard.press('Enter');
    const resume = dialog('en', 'fleet.resumeTitle', { id: runId });
    await resume.waitFor();
    assert.equal(await admin.evaluate(() => document.activeElement?.textContent), msg('en', 'common.cancel'));
    await admin.keyboard.press('Tab');
    assert.equal(await admin.evaluate(() => document.activeElement?.textContent), msg('en', 'fleet.resume'));
    assert.equal(await admin.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle), 'solid', 'the focus is visible');
    await admin.keyboard.press('Enter');
    await resume.waitFor({ state: 'hidden' });
    await admin.getByText(msg('en', 'fleet.resumed').replace('{id}', runId)).waitFor();

    // The other pairs go through every phase; the run completes, naming the failed pair.
    await waitForRunState('completed', 30_000);
    for (const pair of ['PROD_001', 'PROD_003']) {
      for (const phase of [1, 2, 3, 4]) assert.equal(await cellState(pair, phase), 'done', `${pair} phase ${phase}`);
    }
    assert.match(await admin.getByTestId('fleet-run-state').locator('..').innerText(), /1 of 3 pairs failed: PROD_002/);

    // Retry the failed pair from its row: it fails again (attempt 2), and says so.
    await admin.getByRole('button', { name: 'Retry pair PROD_002' }).click();
    const retry = dialog('en', 'fleet.retryTitle', { pair: 'PROD_002' });
    await retry.waitFor();
    assert.match(await retry.innerText(), /starts again at phase 1 \(attempt 2\)/);
    assert.match(await retry.innerText(), /simulated: PROD_S_002/);
    await retry.getByRole('button', { name: msg('en', 'fleet.retry'), exact: true }).click();
    await retry.waitFor({ state: 'hidden' });
    await admin.getByText(msg('en', 'fleet.retried').replace('{pair}', 'PROD_002')).waitFor();
    await waitFor(
      'PROD_002 failed its second attempt',
      async () => /attempt 2/.test(await row('PROD_002').innerText()) && (await cellState('PROD_002', 1)) === 'failed',
      onPage(15_000),
    );

    // A retry the server refuses (the pair was retried meanwhile, say from the CLI) shows its words.
    await admin.getByRole('button', { name: 'Retry pair PROD_002' }).click();
    await retry.waitFor();
    const behind = await t.admin({ method: 'POST', url: `/api/platform/fleet/runs/${runId}/pairs/PROD_002/retry` });
    assert.equal(behind.status, 200, behind.text);
    await retry.getByRole('button', { name: msg('en', 'fleet.retry'), exact: true }).click();
    const refusal = retry.getByRole('alert');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /pair PROD_002 is (waiting|running|done) in run .*: only a failed pair can be retried \(409-00001\)/);
    await shoot(admin, 'fleet-retry-refused-en', { fullPage: false });
    await retry.getByRole('button', { name: msg('en', 'common.cancel') }).click();
    await retry.waitFor({ state: 'hidden' });

    // Attempt 3 goes through: every pair × phase is done, without a reload.
    await waitFor(
      'every cell is done',
      async () => (await admin.getByTestId('fleet-matrix').locator('td[data-phase] [data-state="done"]').count()) === 12,
      onPage(30_000),
    );
    await waitForRunState('completed', 10_000);
    assert.equal(await admin.getByTestId('fleet-matrix').locator('tbody tr').count(), 3);
    assert.equal(await admin.getByRole('button', { name: /^Retry/ }).count(), 0);
    assert.equal(await admin.getByRole('button', { name: msg('en', 'fleet.pause'), exact: true }).count(), 0);
    assert.equal(await admin.getByRole('button', { name: msg('en', 'fleet.resume'), exact: true }).count(), 0);
    await waitFor('the counts show 3 done', async () => /Done\s*3/.test(await admin.getByTestId('fleet-counts').innerText()), onPage(5000));
    assert.match(await admin.getByTestId('fleet-statuses').innerText(), /PROD_OK/);
    for (const pair of PAIRS) {
      const text = await row(pair).innerText();
      assert.match(text, /Primary 2\.0\.0/);
      assert.match(text, /Secondary 2\.0\.0/);
      assert.match(text, new RegExp(`PROD_P_${pair.slice(5)}\\s+Primary`), `${pair} is served by its primary again`);
    }
    await assertNotReloaded(admin);
    const view = await t.admin({ url: `/api/platform/fleet/runs/${runId}` });
    assert.equal(view.body.data.run.state, 'completed');
    assert.equal(view.body.data.run.reason, null);
    await shoot(admin, 'fleet-run-en');
    await switchLanguage(admin, 'en', 'ja');
    await admin.getByRole('heading', { name: msg('ja', 'fleet.runTitle').replace('{id}', runId) }).waitFor();
    await shoot(admin, 'fleet-run-ja');

    // The list, in both languages.
    await admin
      .getByRole('navigation', { name: msg('ja', 'nav.breadcrumb') })
      .getByRole('link', { name: msg('ja', 'fleet.title') })
      .click();
    await admin.getByTestId('fleet-runs').locator(`tr[data-run="${runId}"]`).getByText(msg('ja', 'fleet.run.completed')).waitFor();
    await shoot(admin, 'fleet-ja');
    await switchLanguage(admin, 'ja', 'en');
    await admin.getByTestId('fleet-runs').locator(`tr[data-run="${runId}"]`).getByText(msg('en', 'fleet.run.completed')).waitFor();
    await shoot(admin, 'fleet-en');
    await assertNotReloaded(admin);
  });

  it('polls an open run about once a second, and stops when the page is left', async () => {
    const runUrl = `/api/platform/fleet/runs/${runId}`;
    let reads = 0;
    admin.on('request', (request) => {
      if (new URL(request.url()).pathname === runUrl) reads++;
    });
    await admin.getByTestId('fleet-runs').getByRole('link', { name: runId }).click();
    await admin.getByTestId('fleet-matrix').waitFor();
    const before = reads;
    await new Promise((r) => setTimeout(r, 3000));
    const perThreeSeconds = reads - before;
    assert.ok(perThreeSeconds >= 2 && perThreeSeconds <= 5, `${perThreeSeconds} reads in 3 s`);

    await admin
      .getByRole('navigation', { name: msg('en', 'nav.label') })
      .getByRole('link', { name: msg('en', 'nav.settings') })
      .click();
    await admin.getByRole('heading', { name: msg('en', 'settings.title') }).waitFor();
    const left = reads;
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(reads, left, 'no read of the run after the page was left');
    assert.deepEqual(c.pageErrors, [], 'no page threw');
  });

  it('a run for phases 1-2 holding after phase 1 says until when, in both languages; End the hold starts phase 2 and the run completes there', async () => {
    const V3 = '3.0.0';
    // The start form's plan of phases 3-4 for a version that has not been through 1-2: closed, naming the status.
    await admin.goto(`${base}/system/fleet`);
    const form = admin.getByTestId('fleet-start');
    await form.getByLabel(msg('en', 'fleet.phases')).selectOption('3-4');
    await form.getByLabel(new RegExp(`^${literal(msg('en', 'fleet.version'))}`)).fill(V3);
    await form.getByRole('button', { name: msg('en', 'fleetPlan.showPlan') }).click();
    const plan = form.getByTestId('fleet-plan');
    await plan.locator('[data-gate="closed"]').waitFor({ timeout: 10_000 });
    await plan
      .getByText(/phase 3 requires the version to carry PROD_Phase2_OK/)
      .first()
      .waitFor();
    assert.equal(await plan.locator('td[data-phase="1"] [data-outcome-plan="outside"]').count(), PAIRS.length);
    assert.equal(await form.getByRole('button', { name: msg('en', 'fleetPlan.start') }).isDisabled(), true);

    // Phases 1-2 with a soak after phase 1, from the form: a duration it cannot read is refused, saying what to type.
    await form.getByLabel(msg('en', 'fleet.phases'), { exact: true }).selectOption('1-2');
    assert.deepEqual(await form.getByLabel(msg('en', 'fleetPlan.holdAfter')).locator('option').allInnerTexts(), [
      msg('en', 'fleetPlan.noHold'),
      text('en', 'fleetPlan.holdAfterPhase', { phase: 1 }),
    ]);
    await form.getByLabel(msg('en', 'fleetPlan.holdAfter')).selectOption('1');
    const holdFor = form.getByLabel(new RegExp(`^${literal(msg('en', 'fleetPlan.holdFor'))}`));
    await holdFor.fill('2 hours');
    await form.getByRole('button', { name: msg('en', 'fleetPlan.showPlan') }).click();
    await form
      .getByRole('alert')
      .getByText(text('en', 'fleetPlan.holdForInvalid', { text: '2 hours' }))
      .waitFor();
    await holdFor.fill('2h');
    await form.getByRole('button', { name: msg('en', 'fleetPlan.showPlan') }).click();
    await plan.locator('[data-gate="open"]').waitFor({ timeout: 10_000 });
    assert.equal(await form.getByTestId('fleet-start-hold').innerText(), `${msg('en', 'fleet.hold')}: after phase 1, 2h`);
    await form.scrollIntoViewIfNeeded();
    await shoot(admin, 'fleet-start-hold-en', { fullPage: false });
    await form.getByRole('button', { name: msg('en', 'fleetPlan.start') }).click();
    await admin.waitForURL(/\/system\/fleet\/runs\/run-/);
    const id = decodeURIComponent(admin.url().split('/').pop()!);
    const hold = admin.getByTestId('fleet-run-hold');
    await hold.waitFor({ timeout: 30_000 });
    const stored = (await t.admin({ url: `/api/platform/fleet/runs/${id}` })).body.data.run as { firstPhase: number; lastPhase: number; hold: unknown };
    assert.deepEqual([stored.firstPhase, stored.lastPhase], [1, 2]);
    assert.deepEqual((stored.hold as { afterPhase: number; seconds: number }).seconds, 7_200);

    // The list of runs says what the run covers and until when it holds.
    await admin.goto(`${base}/system/fleet`);
    const listed = admin.getByTestId('fleet-runs').locator(`tr[data-run="${id}"]`);
    await listed.getByText(text('en', 'fleet.runCovers', { range: '1–2' })).waitFor();
    await listed.getByText(/^holding until /).waitFor();
    await admin.goto(`${base}/system/fleet/runs/${id}`);
    await hold.waitFor();
    const until = (await t.admin({ url: `/api/platform/fleet/runs/${id}` })).body.data.holdingUntil as string;
    assert.ok(until, 'the API says the run holds');
    assert.match(await hold.innerText(), /^Holding after phase 1 until .+: phase 2 starts then\./);
    assert.equal(await admin.getByTestId('fleet-run-phases').innerText(), '1 to 2 of 4');
    assert.match(await admin.locator('.facts').innerText(), /after phase 1, 2h \(started, ends /);
    await switchLanguage(admin, 'en', 'ja');
    await admin
      .getByTestId('fleet-run-hold')
      .getByText(/フェーズ 1 の後、.+ まで待機中です/)
      .waitFor();
    await shoot(admin, 'fleet-run-hold-ja', { fullPage: false });
    await switchLanguage(admin, 'ja', 'en');

    await admin
      .getByTestId('fleet-run-hold')
      .getByRole('button', { name: msg('en', 'fleet.endHold') })
      .click();
    const confirm = dialog('en', 'fleet.endHoldTitle', { id });
    await confirm.getByText(/^Phase 2 starts now instead of at /).waitFor();
    await confirm.getByRole('button', { name: msg('en', 'fleet.endHold') }).click();
    await confirm.waitFor({ state: 'hidden' });
    await waitForRunState('completed', 30_000);
    assert.equal(await admin.getByTestId('fleet-run-hold').count(), 0);
    assert.match(await admin.getByTestId('fleet-statuses').innerText(), /PROD_Phase2_OK/);
    for (const pair of PAIRS) {
      assert.equal(await cellState(pair, 2), 'done', pair);
      assert.equal(await cellState(pair, 3), 'pending', pair);
    }
    const run = (await t.admin({ url: `/api/platform/fleet/runs/${id}` })).body.data.run as { hold: { until: string } };
    assert.ok(run.hold.until < until, 'the hold ended before its time');
    await shoot(admin, 'fleet-run-phases-en');
    assert.deepEqual(c.pageErrors, [], 'no page threw');
  });

  // Last: the registered pair it adds would change the other tests' pair counts.
  it('lists the registered nodes as they announced themselves; Forget removes a node and its pair, after a confirmation', async () => {
    const announce = async (name: string, address: string, health: { healthy: boolean; detail?: string }) => {
      const r = await t.admin({ method: 'POST', url: '/api/platform/fleet/nodes', body: { name, address, version: '2.0.0', health } });
      assert.equal(r.status, 200, r.text);
    };
    await announce('PROD_P_050', 'http://10.0.0.50:8080', { healthy: true });
    await announce('PROD_S_050', 'http://10.0.1.50:8080', { healthy: false, detail: 'GET http://10.0.1.50:8080/healthz answered 503' });
    await admin.goto(`${base}/system/fleet`);
    const nodes = admin.getByTestId('fleet-nodes');
    const primary = nodes.locator('tr[data-node="PROD_P_050"]');
    const secondary = nodes.locator('tr[data-node="PROD_S_050"]');
    await primary.waitFor({ timeout: 10_000 });
    assert.match(await primary.innerText(), /PROD_050[\s\S]*http:\/\/10\.0\.0\.50:8080[\s\S]*2\.0\.0[\s\S]*healthy/);
    assert.equal(await primary.locator('[data-health]').getAttribute('data-health'), 'healthy');
    assert.equal(await secondary.locator('[data-health]').getAttribute('data-health'), 'unhealthy');
    await secondary.getByText('GET http://10.0.1.50:8080/healthz answered 503').waitFor();
    await nodes.scrollIntoViewIfNeeded();
    await shoot(admin, 'fleet-nodes-en', { fullPage: false });

    await secondary.getByRole('button', { name: text('en', 'fleetNodes.forgetNamed', { node: 'PROD_S_050' }) }).click();
    const confirm = dialog('en', 'fleetNodes.forgetTitle', { node: 'PROD_S_050' });
    await confirm.getByText(text('en', 'fleetNodes.forgetWarning', { pair: 'PROD_050' })).waitFor();
    await confirm.getByRole('button', { name: msg('en', 'fleetNodes.forget') }).click();
    await admin.getByText(text('en', 'fleetNodes.forgottenWithPair', { node: 'PROD_S_050', pair: 'PROD_050' })).waitFor();
    await secondary.waitFor({ state: 'detached' });
    const pairs = (await t.admin({ url: '/api/platform/fleet' })).body.data.pairs as Array<{ pair: string }>;
    assert.equal(
      pairs.some((p) => p.pair === 'PROD_050'),
      false,
      'the pair left the fleet',
    );

    await primary.getByRole('button', { name: text('en', 'fleetNodes.forgetNamed', { node: 'PROD_P_050' }) }).click();
    await dialog('en', 'fleetNodes.forgetTitle', { node: 'PROD_P_050' })
      .getByRole('button', { name: msg('en', 'fleetNodes.forget') })
      .click();
    await admin.getByText(text('en', 'fleetNodes.forgotten', { node: 'PROD_P_050' })).waitFor();
    await admin.getByText(msg('en', 'fleetNodes.empty')).waitFor();
    assert.deepEqual((await t.admin({ url: '/api/platform/fleet/nodes' })).body.data, []);
    assert.deepEqual(c.pageErrors, [], 'no page threw');
  });
});
