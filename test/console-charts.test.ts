/**
 * The console's charts in a real browser (Debian's Chromium driven by playwright-core) against a
 * real listening drydock on SQLite, with a real worker running ansible-playbook and a fleet
 * orchestrator in the same process:
 * - the sign-in page loads none of the charts' code (nor d3's); the backyard page does;
 * - jobs the test runs (two that succeed, one that fails, one that sleeps) show on the backyard
 *   page's charts: the accessible tables hold exactly what the history API answers, minute by
 *   minute, and what the test ran (3 succeeded, 1 failed, at least 2 in flight at once); the
 *   sentences say the same;
 * - with server-side jobs stopped while the sleeper still runs, the drain chart follows the count
 *   from 1 down to 0 as the execute-check stream brings it;
 * - a fleet run's page charts the pairs done per phase, as the run view and its step log say;
 * - each chart has a title, a sentence, an SVG image, a hidden table a button shows; both
 *   languages; no sideways page scroll on a 390 px phone. Screenshots in English and Japanese at
 *   1440×900 and 390×844 go to test-output/screenshots/charts/.
 *
 * Chromium and Ansible are required: either missing fails this file with the command that installs it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createDriver } from '../src/fleet/drivers/driver-config.js';
import type { NodeDriver } from '../src/fleet/drivers/node-driver.js';
import type { FleetRunView, FleetStep, JobHistory } from '../src/http/wire-types.js';
import { commandPlaybook, registerAnsibleMovement, startAnsible, waitForStatus } from './support/ansible-jobs.js';
import type { TestApp } from './support/app.js';
import {
  declareFleet,
  msg,
  onPage,
  shoot,
  sidewaysScroll,
  signIn,
  squeezedTexts,
  startConsole,
  switchLanguage,
  USERS,
  type InProcessConsole,
  type Language,
} from './support/console-browser.js';
import { sleep } from '../src/util/sleep.js';
import { waitFor } from './support/wait-for.js';

const HISTORY = '/api/ita/backyard-execute-check/history/?minutes=60';
const ENDED = ['5', '6', '7', '8'];
const V1 = '1.0.0';
const V2 = '2.0.0';
const PAIRS = ['PROD_001', 'PROD_002', 'PROD_003'];
const SIZES = [
  { name: '1440', width: 1440, height: 900 },
  { name: '390', width: 390, height: 844 },
] as const;

/** A message with its `{name}` placeholders filled. */
const fill = (language: Language, key: Parameters<typeof msg>[1], params: Record<string, string | number>) =>
  msg(language, key).replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));

/** A message's text up to where `name` is filled with `value` (what a sentence starts with). */
const upTo = (language: Language, key: Parameters<typeof msg>[1], name: string, value: string | number) =>
  `${msg(language, key).split(`{${name}}`)[0]!}${value}`;

/** The noop driver, each action a little slower, so the pairs complete their phases at different moments. */
function slowed(inner: NodeDriver): NodeDriver {
  return {
    type: inner.type,
    upgrade: async (node, version, ctx) => (await sleep(120), inner.upgrade(node, version, ctx)),
    switchActive: async (pair, to, ctx) => (await sleep(120), inner.switchActive(pair, to, ctx)),
    health: async (node, ctx) => (await sleep(40), inner.health(node, ctx)),
    close: () => inner.close(),
  };
}

describe('console charts in Chromium (SQLite, real worker and orchestrator)', () => {
  let c: InProcessConsole;
  let t: TestApp;
  let base: string;
  let page: Page;

  before(async () => {
    c = await startConsole({ worker: { concurrency: 4 } });
    ({ t, base } = c);
    await registerAnsibleMovement(t, 'quick', commandPlaybook('echo quick'));
    await registerAnsibleMovement(t, 'failing', commandPlaybook('false'));
    await registerAnsibleMovement(t, 'sleeper', commandPlaybook('sleep 20'));
    await declareFleet(t, [{ name: 'PROD', driver: { type: 'noop' }, concurrency: 2 }], PAIRS, V1);
    c.orchestrator((config, deps) => slowed(createDriver(config, deps))).start();
    page = await c.newPage('en', { width: 1440, height: 900 });
  });

  after(() => c?.stop());

  /** The text of every script the page fetched so far, by file name. */
  const scripts = new Map<string, string>();
  const followScripts = (p: Page) =>
    p.on('response', async (r) => {
      const name = /\/assets\/([^/?]+\.js)$/.exec(r.url())?.[1];
      if (name) scripts.set(name, await r.text().catch(() => ''));
    });
  // A string literal of d3-path (bundled with d3-shape) and one of the charts' own modules.
  const CHART_CODE = ['negative radius', 'backyard-execute-check/history'];
  const chartCodeLoaded = () => CHART_CODE.filter((marker) => [...scripts.values()].some((text) => text.includes(marker)));

  /** A chart's accessible table: its header row and its body rows, as text. */
  async function chartTable(name: string): Promise<{ head: string[]; rows: string[][] }> {
    return page.getByTestId(`${name}-table`).evaluate((table) => ({
      head: [...table.querySelectorAll('thead th')].map((c) => c.textContent ?? ''),
      rows: [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent ?? '')),
    }));
  }

  /** Each bucket of an answer as the page labels it (the browser's time zone, 24-hour clock). */
  async function labels(history: JobHistory, language: Language): Promise<string[]> {
    return page.evaluate(
      ({ buckets, language }) =>
        buckets.map((b) =>
          new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.parse(b)),
        ),
      { buckets: history.buckets, language },
    );
  }

  async function history(): Promise<JobHistory> {
    const r = await t.admin({ url: HISTORY });
    assert.equal(r.status, 200, r.text);
    return r.body.data as JobHistory;
  }

  /**
   * The backyard page's two tables hold what the API answers, minute by minute: the rows are matched
   * by their time (the page read the history a moment before the test did, so the window may have
   * moved on by a minute), and every column of every matched row is equal. Returns the answer.
   */
  async function assertTablesMatchApi(language: Language): Promise<JobHistory> {
    const h = await history();
    const times = await labels(h, language);
    const active = h.backyards.filter((b) => b.in_flight_now > 0 || b.in_flight.some((v) => v > 0));
    const inFlight = await chartTable('backyard-in-flight');
    const throughput = await chartTable('backyard-throughput');
    assert.equal(inFlight.head.length, active.length + 2, `time, ${active.map((b) => b.backyard).join(', ')}, total: ${inFlight.head.join(' | ')}`);
    assert.equal(inFlight.head[0], msg(language, 'charts.time'));
    assert.equal(inFlight.head.at(-1), msg(language, 'charts.total'));
    assert.deepEqual(throughput.head, [msg(language, 'charts.time'), msg(language, 'charts.succeeded'), msg(language, 'charts.failed')]);
    const expectedInFlight = new Map(times.map((time, i) => [time, [time, ...active.map((b) => String(b.in_flight[i])), String(h.in_flight[i])]]));
    const expectedThroughput = new Map(times.map((time, i) => [time, [time, String(h.succeeded[i]), String(h.failed[i])]]));
    const matched = inFlight.rows.filter((row) => expectedInFlight.has(row[0]!));
    assert.ok(matched.length >= 59, `${matched.length} of the page's minutes are in the answer`);
    for (const row of matched) assert.deepEqual(row, expectedInFlight.get(row[0]!), `in flight at ${row[0]}`);
    for (const row of throughput.rows.filter((r) => expectedThroughput.has(r[0]!))) {
      assert.deepEqual(row, expectedThroughput.get(row[0]!), `finished at ${row[0]}`);
    }
    // What the lines draw is the same data (the SVG's series carry their values).
    const drawn = await page.locator('[data-chart="backyard-throughput"] svg [data-series="failed"]').getAttribute('data-values');
    assert.equal(drawn, (await chartTable('backyard-throughput')).rows.map((r) => r[2]).join(','));
    return h;
  }

  /** The panels the charts are in. */
  const CHART_PANELS = '[data-testid="backyard-charts"], [data-testid="drain-progress"], [data-testid="fleet-phase-chart"]';

  /**
   * On a phone: nothing in a chart's panel reaches past the screen's edge (unless it is in a region
   * of its own that clips or scrolls it: the plot, a shown table, the hidden table), no text is one
   * character per line, and — unless `wholePage` is false — the page does not scroll sideways.
   */
  async function assertFitsThePhone(what: string, { wholePage = true }: { wholePage?: boolean } = {}): Promise<void> {
    const beyond = await page.evaluate(
      (panels) =>
        [...document.querySelectorAll(panels)].flatMap((panel) =>
          [...panel.querySelectorAll('*')]
            .filter((e) => {
              if (e.getBoundingClientRect().right <= document.documentElement.clientWidth + 0.5) return false;
              for (let a = e.parentElement; a && a !== panel; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return false;
              return true;
            })
            .map((e) => `${panel.getAttribute('data-testid')}: ${e.tagName.toLowerCase()}.${e.getAttribute('class') ?? ''}`),
        ),
      CHART_PANELS,
    );
    assert.deepEqual(beyond, [], `${what}: parts of a chart past the screen's edge`);
    if (wholePage) assert.equal(await sidewaysScroll(page), 0, `${what}: the page scrolls sideways`);
    assert.deepEqual(await squeezedTexts(page), [], `${what}: text one character per line`);
  }

  it('keeps the charts’ code off the sign-in page', async () => {
    followScripts(page);
    await page.goto(`${base}/system/backyard`);
    await page.getByRole('heading', { name: msg('en', 'auth.title') }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.ok(scripts.size > 0, 'the sign-in page loads a script');
    assert.deepEqual(chartCodeLoaded(), [], `the sign-in page fetched ${[...scripts.keys()].join(', ')}`);
    await signIn(page, 'en', USERS.admin);
    await page.getByRole('heading', { name: msg('en', 'backyard.title'), level: 1 }).waitFor();
    await page.getByTestId('backyard-charts').waitFor();
    await waitFor('the charts’ code is loaded with the backyard page', async () => chartCodeLoaded().length === CHART_CODE.length, onPage(5000));
  });

  it('charts the jobs it ran, as the history API answers them, and the drain as the stream brings it', async () => {
    // The sleeper first, so the others run while it does; all four are claimed at once.
    const sleeper = await startAnsible(t, { movement: 'sleeper', operation: 'sleeper-op' });
    await waitForStatus(t, sleeper, ['3'], 30_000);
    const others = [
      await startAnsible(t, { movement: 'quick', operation: 'quick-op' }),
      await startAnsible(t, { movement: 'quick', operation: 'quick-op' }),
      await startAnsible(t, { movement: 'failing', operation: 'failing-op' }),
    ];
    const ends = await Promise.all(others.map((id) => waitForStatus(t, id, ENDED, 60_000)));
    assert.deepEqual(
      ends.map((e) => String(e.status_id)),
      ['5', '5', '6'],
    );
    const running = await history();
    assert.equal(running.in_flight_now, 1, 'the sleeper is still running');

    // Server-side jobs stop while the sleeper runs: the drain chart shows, and follows it to 0.
    const stop = await t.admin({ method: 'PATCH', url: '/api/platform/maintenance-mode-setting', body: { backyard_execute_stop: '1' } });
    assert.equal(stop.status, 200, stop.text);
    const drain = page.getByTestId('drain-progress');
    await drain.waitFor({ timeout: 10_000 });
    await waitFor(
      'the drain chart says one job is in flight',
      async () =>
        (await page.getByTestId('drain-progress-summary').innerText()).startsWith(fill('en', 'charts.drain.steady', { now: 1, since: '' }).replace(/ \.$/, '')),
      onPage(10_000),
    );
    const inFlightSummary = page.getByTestId('backyard-in-flight-summary');
    // The page's history, read again when the check changed: one in flight now.
    await waitFor(
      'the in-flight chart counts the sleeper',
      async () => (await inFlightSummary.innerText()).startsWith(upTo('en', 'charts.inFlight.summary', 'now', 1)),
      onPage(15_000),
    );
    await shoot(page, 'charts/backyard-en-1440-running');

    await waitForStatus(t, sleeper, ENDED, 60_000);
    await waitFor(
      'the drain chart reaches 0',
      async () => (await page.getByTestId('drain-progress-summary').innerText()).startsWith(msg('en', 'charts.drain.done').split('(')[0]!.trim()),
      onPage(10_000),
    );
    const drainTable = await chartTable('drain-progress');
    assert.deepEqual(drainTable.head, [msg('en', 'charts.time'), msg('en', 'charts.drain.inFlight')]);
    assert.deepEqual(
      drainTable.rows.map((r) => r[1]),
      ['1', '0'],
      'the count as the stream brought it, from 1 to 0',
    );
    await waitFor(
      'the in-flight chart shows nothing in flight now',
      async () => (await inFlightSummary.innerText()).startsWith(upTo('en', 'charts.inFlight.summary', 'now', 0)),
      onPage(15_000),
    );

    const h = await assertTablesMatchApi('en');
    // What the test ran: 3 succeeded (two quick, the sleeper), 1 failed, at least 2 in flight at once.
    const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
    assert.equal(sum(h.succeeded), 3);
    assert.equal(sum(h.failed), 1);
    const peak = Math.max(...h.in_flight);
    assert.ok(peak >= 2 && peak <= 4, `peak ${peak}`);
    assert.deepEqual(
      h.backyards.filter((b) => b.in_flight.some((v) => v > 0)).map((b) => b.backyard),
      ['ita-by-ansible-execute'],
    );
    const times = await labels(h, 'en');
    const peakAt = h.in_flight.indexOf(peak);
    assert.equal(await inFlightSummary.innerText(), fill('en', 'charts.inFlight.summary', { now: 0, peak, time: times[peakAt]! }));
    assert.ok(
      (await page.getByTestId('backyard-throughput-summary').innerText()).startsWith(
        fill('en', 'charts.throughput.summary', { total: 4, succeeded: 3, failed: 1, minutes: 60 }),
      ),
    );

    // Accessible: a figure with its title and sentence, the plot an image named by them, the table
    // hidden until the button shows it.
    const figure = page.locator('figure[data-chart="backyard-in-flight"]');
    assert.equal(await figure.getByRole('heading', { name: msg('en', 'charts.inFlight.title') }).count(), 1);
    assert.match(
      (await figure.getByRole('img').getAttribute('aria-label')) ?? '',
      new RegExp(`^${msg('en', 'charts.inFlight.title')}\\. ${upTo('en', 'charts.inFlight.summary', 'now', 0)}`),
    );
    const hiddenTable = figure.locator('.visually-hidden [data-testid="backyard-in-flight-table"]');
    assert.equal(await hiddenTable.count(), 1, 'the table is there for screen readers, visually hidden');
    const toggle = figure.getByRole('button', { name: msg('en', 'charts.showTable') });
    await toggle.click();
    assert.equal(await hiddenTable.count(), 0);
    assert.equal(await page.getByTestId('backyard-in-flight-table').isVisible(), true);
    assert.equal(await figure.getByRole('button', { name: msg('en', 'charts.hideTable') }).getAttribute('aria-expanded'), 'true');
    await figure.getByRole('button', { name: msg('en', 'charts.hideTable') }).click();

    for (const language of ['en', 'ja'] as const) {
      if (language === 'ja') {
        await switchLanguage(page, 'en', 'ja');
        await page.getByRole('heading', { name: msg('ja', 'charts.inFlight.title') }).waitFor();
        await assertTablesMatchApi('ja');
        assert.equal(await inFlightSummary.innerText(), fill('ja', 'charts.inFlight.summary', { now: 0, peak, time: (await labels(h, 'ja'))[peakAt]! }));
      }
      for (const size of SIZES) {
        await page.setViewportSize({ width: size.width, height: size.height });
        await page.waitForTimeout(300);
        if (size.width < 768) await assertFitsThePhone(`backyard page, ${language}`);
        await shoot(page, `charts/backyard-${language}-${size.name}`);
      }
      await page.setViewportSize({ width: 1440, height: 900 });
    }
    // On a phone with the table shown: it scrolls in its own region, never the page.
    await page.setViewportSize({ width: 390, height: 844 });
    await page
      .locator('figure[data-chart="backyard-in-flight"]')
      .getByRole('button', { name: msg('ja', 'charts.showTable') })
      .click();
    await assertFitsThePhone('backyard page, ja, table shown');
    await shoot(page, 'charts/backyard-ja-390-table');
    await page.setViewportSize({ width: 1440, height: 900 });
    await switchLanguage(page, 'ja', 'en');

    const resume = await t.admin({ method: 'PATCH', url: '/api/platform/maintenance-mode-setting', body: { backyard_execute_stop: '0' } });
    assert.equal(resume.status, 200, resume.text);
    await drain.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('charts a fleet run’s pairs done per phase, as the run view and its step log say', async () => {
    const started = await t.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: 'PROD', version: V2 } });
    assert.equal(started.status, 200, started.text);
    const runId = started.body.data.id as string;
    await page.goto(`${base}/system/fleet/runs/${runId}`);
    await page.getByTestId('fleet-phase-chart').waitFor();
    await shoot(page, 'charts/fleet-run-en-1440-running');
    let view: FleetRunView | undefined;
    await waitFor(
      'the run completes',
      async () => {
        view = (await t.admin({ url: `/api/platform/fleet/runs/${runId}` })).body.data as FleetRunView;
        return view.run.state === 'completed';
      },
      { timeoutMs: 60_000, everyMs: 200 },
    );
    const steps = (await t.admin({ url: `/api/platform/fleet/runs/${runId}/steps` })).body.data as FleetStep[];
    for (const language of ['en', 'ja'] as const) {
      if (language === 'ja') await switchLanguage(page, 'en', 'ja');
      const summary = fill(language, 'charts.fleet.summary', {
        phases: ['1', '2', '3', '4']
          .map((phase) => fill(language, 'charts.fleet.phaseDone', { phase, done: PAIRS.length, total: PAIRS.length }))
          .join(msg(language, 'charts.fleet.join')),
      });
      await waitFor('the chart shows every pair done', async () => (await page.getByTestId('fleet-phases-summary').innerText()) === summary, onPage(10_000));
      const table = await chartTable('fleet-phases');
      assert.deepEqual(table.head.slice(0, 5), [
        msg(language, 'fleet.phase'),
        msg(language, 'fleet.cell.done'),
        msg(language, 'fleet.cell.running'),
        msg(language, 'fleet.cell.failed'),
        msg(language, 'fleet.cell.pending'),
      ]);
      assert.deepEqual(
        table.rows.map((r) => r.slice(0, 5)),
        (['1', '2', '3', '4'] as const).map((phase) => {
          const cells = view!.pairs.map((p) => p.phases[phase]);
          const n = (cell: string) => String(cells.filter((c) => c === cell).length);
          return [fill(language, 'fleet.phaseNo', { phase }), n('done'), n('running'), n('failed'), n('pending')];
        }),
      );
      // Each phase's line climbs by one at each pair's completion, in the order the step log has them.
      for (const phase of [1, 2, 3, 4]) {
        const drawn = await page.locator(`[data-chart="fleet-phases"] svg [data-series="phase-${phase}"]`).getAttribute('data-values');
        assert.equal(drawn, ['0', ...PAIRS.map((_, i) => String(i + 1))].join(','), `phase ${phase}`);
        const completions = new Set(steps.filter((s) => s.phase === phase && s.state === 'succeeded').map((s) => s.pairId));
        assert.equal(completions.size, PAIRS.length, `every pair has succeeded steps in phase ${phase}`);
      }
      for (const size of SIZES) {
        await page.setViewportSize({ width: size.width, height: size.height });
        await page.waitForTimeout(300);
        // The page itself is not held to it here: its pairs × phases matrix is the fleet pages' test's.
        if (size.width < 768) await assertFitsThePhone(`fleet run page, ${language}`, { wholePage: false });
        await shoot(page, `charts/fleet-run-${language}-${size.name}`);
      }
      await page.setViewportSize({ width: 1440, height: 900 });
    }
    assert.deepEqual(c.pageErrors, []);
  });
});
