/**
 * Liveness you can trust (real Chromium, a real `drydock serve` process on SQLite in a temporary
 * directory, on a fixed port): the server's event stream sends a heartbeat every 5 s; then, in
 * English and in Japanese, with the backyard page (event stream), a fleet run's page (read every
 * second; the run is created through the API with no orchestrator, so it waits) and the
 * organizations page open, the server is killed (SIGKILL, no goodbye):
 * - both live pages say they are stale ("Last heard … ago", counting) within 10 s of the kill, the
 *   backyard page no longer shows "Nothing is in flight" as current (but "Nothing was in flight at
 *   …", greyed), and going stale is announced once (the status region);
 * - at no moment does a page say "Live" while the maintenance banner says the server cannot be
 *   reached (watched in the page at each change of it);
 * - the organizations page, opened while the server is down, shows the failure with Retry;
 * then the server is started again on the same port and data directory: both live pages say "Live
 * again" within 10 s of it answering (announced once), and Retry brings the organizations back.
 * Finally a frozen server (SIGSTOP: the connection stays open, nothing arrives) — the case the
 * heartbeat is for — makes the backyard page stale within 10 s too, and SIGCONT live again.
 * The measured times are printed. Screenshots: test-output/screenshots/liveness/
 * <backyard|fleet-run|organizations>-<stale|live>-<en|ja>.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, seedTenants } from './support/app.js';
import { launchConsoleBrowser, literal, msg, onPage, SCREENSHOTS, shoot, signIn, type Language } from './support/console-browser.js';
import { freePort, startServe, type ServeProcess } from './support/serve-process.js';
import { waitFor } from './support/wait-for.js';

const LIMIT_MS = 10_000;
const DESK = { width: 1280, height: 900 };

/** Resolves with how long it took, from `since`, for `state` to show on `page`'s live line. */
async function liveStateWithin(page: Page, state: 'live' | 'stale', since: number, what: string, timeoutMs = LIMIT_MS + 5000): Promise<number> {
  const line = page.getByTestId('live-status');
  await waitFor(`${what} says ${state}`, async () => (await line.getAttribute('data-state')) === state, onPage(timeoutMs));
  return Date.now() - since;
}

/** A message with its `{time}` filled by anything. */
const withTime = (language: Language, key: Parameters<typeof msg>[1]) => new RegExp(`^${msg(language, key).split('{time}').map(literal).join('.+')}$`);

/** The seconds in "Last heard 3 s ago" / "最終受信 3秒前". */
async function lastHeardSeconds(page: Page): Promise<number> {
  const text = await page.getByTestId('live-status').innerText();
  const s = /(\d+)\s*(?:s|秒)/.exec(text);
  assert.ok(s, `"last heard" with an age: ${text}`);
  return Number(s[1]);
}

/**
 * Watches the page at every change of its DOM (a MutationObserver: no timer, which a background tab
 * would throttle): a live line saying "live" while the maintenance banner says the server cannot be
 * reached is a disagreement; every text the live line showed is kept, in order, with when.
 */
async function watchLiveLine(page: Page, bannerStale: string): Promise<() => Promise<{ disagreements: string[]; texts: string[] }>> {
  // A script as text: the test's compiler would wrap a named function in a helper the page lacks.
  await page.evaluate(`(() => {
    const text = ${JSON.stringify(bannerStale)};
    const w = (window.drydockWatch = { disagreements: [], texts: [] });
    const look = () => {
      const banner = [...document.querySelectorAll('.banner--stale')].some((el) => el.textContent.includes(text));
      const line = document.querySelector('[data-testid="live-status"]');
      const shown = (line ? line.textContent : '') + (banner ? ' [banner: unreachable]' : '');
      if (banner && line && line.getAttribute('data-state') === 'live') w.disagreements.push(new Date().toISOString() + ' ' + shown);
      const last = w.texts[w.texts.length - 1];
      if (last === undefined || last.slice(last.indexOf(' ') + 1) !== shown) w.texts.push(new Date().toISOString().slice(11, 23) + ' ' + shown);
    };
    look();
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  })()`);
  return () => page.evaluate(() => (window as unknown as { drydockWatch: { disagreements: string[]; texts: string[] } }).drydockWatch);
}

describe('live pages you can trust (Chromium, drydock serve on SQLite, killed and started again)', () => {
  let browser: Browser;
  let dir: string;
  let port: number;
  let serve: ServeProcess;
  let runId: string;
  const env = () => ({ DRYDOCK_DATABASE_URL: path.join(dir, 'drydock.sqlite'), DRYDOCK_DATA_DIR: dir });
  const start = () => startServe(env(), [], { port });
  const measured: string[] = [];

  before(async () => {
    browser = await launchConsoleBrowser();
    mkdirSync(path.join(SCREENSHOTS, 'liveness'), { recursive: true });
    dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-liveness-'));
    port = await freePort();
    serve = await start();
    await seedTenants(serve);
    // A fleet run: no orchestrator runs, so it waits at phase 1 (as in test/console-pages.test.ts).
    const fleet = await serve.admin({
      method: 'PUT',
      url: '/api/platform/fleet',
      body: {
        environments: [{ name: 'PROD', driver: { type: 'noop' } }],
        nodes: ['001', '002'].flatMap((id) => [
          { name: `PROD_P_${id}`, version: '1.0.0' },
          { name: `PROD_S_${id}`, version: '1.0.0' },
        ]),
      },
    });
    assert.equal(fleet.status, 200, fleet.text);
    const run = await serve.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: 'PROD', version: '2.0.0' } });
    assert.equal(run.status, 200, run.text);
    runId = run.body.data.id;
  });
  after(async () => {
    if (measured.length > 0) process.stdout.write(`# liveness, measured:\n${measured.map((m) => `#   ${m}`).join('\n')}\n`);
    await browser?.close();
    if (serve) {
      serve.child.kill('SIGCONT');
      await serve.stop('SIGKILL');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("every event stream sends a heartbeat event every 5 s (no id, its interval as data), the stream's events as before", async () => {
    const controller = new AbortController();
    const opened = Date.now();
    const res = await fetch(`${serve.url}/api/ita/backyard-execute-check/stream/`, {
      headers: { accept: 'text/event-stream', authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}` },
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    let text = '';
    const beats: number[] = [];
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        if (decoder.decode(chunk).includes('event: heartbeat')) beats.push(Date.now() - opened);
        if (beats.length === 2) break;
      }
    } finally {
      controller.abort();
    }
    const blocks = text.split('\n\n').filter((b) => b.trim() !== '');
    assert.match(blocks[0]!, /^: /, 'a comment first, as before');
    assert.match(blocks[1]!, /^id: 1\nevent: execute-check\ndata: \{/, 'then the execute-check, as before');
    const heartbeat = blocks.find((b) => b.startsWith('event: heartbeat'));
    assert.equal(heartbeat, 'event: heartbeat\ndata: {"interval_ms":5000}');
    assert.ok(beats[0]! >= 4000 && beats[0]! <= 7000, `the first heartbeat ${beats[0]} ms after opening`);
    assert.ok(beats[1]! - beats[0]! >= 4000 && beats[1]! - beats[0]! <= 6500, `heartbeats ${beats[1]! - beats[0]!} ms apart`);
    measured.push(`heartbeats at ${beats.join(', ')} ms after opening the stream`);
  });

  for (const language of ['en', 'ja'] as const satisfies readonly Language[]) {
    it(`${language}: killed, the live pages say stale within 10 s and not "Nothing is in flight"; started again, "Live again" within 10 s; Retry brings a failed page back`, async () => {
      const context = await browser.newContext({ locale: language === 'ja' ? 'ja-JP' : 'en-US', viewport: DESK });
      const errors: string[] = [];
      context.on('weberror', (e) => errors.push(`${e.page()?.url()}: ${e.error().message}`));
      const backyard = await context.newPage();
      await backyard.goto(`${serve.url}/system/backyard`);
      await signIn(backyard, language, { user: ADMIN.user, password: ADMIN.password });
      await backyard.getByRole('heading', { name: msg(language, 'backyard.title') }).waitFor();
      await liveStateWithin(backyard, 'live', Date.now(), 'the backyard page');
      await backyard.getByText(msg(language, 'live.live'), { exact: true }).waitFor();
      await backyard.getByTestId('all-clear').waitFor();
      assert.equal(await backyard.getByTestId('all-clear').innerText(), msg(language, 'backyard.nothing'));

      const fleetRun = await context.newPage();
      await fleetRun.goto(`${serve.url}/system/fleet/runs/${runId}`);
      await liveStateWithin(fleetRun, 'live', Date.now(), 'the fleet run page');

      // The organizations page's code is fetched now, while the server is up; it is left for another page.
      const organizations = await context.newPage();
      await organizations.goto(`${serve.url}/organizations`);
      const orgTable = organizations.getByRole('table', { name: msg(language, 'orgs.title') });
      await orgTable.waitFor();
      await organizations
        .getByRole('navigation', { name: msg(language, 'nav.label') })
        .getByRole('link', { name: msg(language, 'nav.backyard') })
        .click();
      await organizations.getByRole('heading', { name: msg(language, 'backyard.title') }).waitFor();

      const bannerStale = msg(language, 'banner.stale');
      const watched = await Promise.all([backyard, fleetRun].map((p) => watchLiveLine(p, bannerStale)));

      // Killed: no goodbye on the stream.
      const killed = Date.now();
      await serve.stop('SIGKILL');
      const [backyardStale, fleetStale] = await Promise.all([
        liveStateWithin(backyard, 'stale', killed, 'the backyard page'),
        liveStateWithin(fleetRun, 'stale', killed, 'the fleet run page'),
      ]);
      measured.push(`${language}: stale after the kill — backyard ${backyardStale} ms, fleet run ${fleetStale} ms`);
      assert.ok(backyardStale <= LIMIT_MS, `the backyard page said stale ${backyardStale} ms after the kill`);
      assert.ok(fleetStale <= LIMIT_MS, `the fleet run page said stale ${fleetStale} ms after the kill`);

      // Not claimed as current: the all-clear is gone, "nothing was in flight at …" instead, greyed.
      assert.equal(await backyard.getByTestId('all-clear').count(), 0, 'no "Nothing is in flight" while stale');
      const was = backyard.getByTestId('all-clear-stale');
      await was.waitFor();
      assert.match(await was.innerText(), withTime(language, 'live.nothingAt'));
      assert.match(String(await backyard.getByTestId('execute-count').getAttribute('class')), /live-data--stale/);
      // "Last heard … ago" counts.
      const first = await lastHeardSeconds(backyard);
      await waitFor('"last heard" counts', async () => (await lastHeardSeconds(backyard)) >= first + 2, onPage(5000));
      // Announced once, with the time last heard; the counting line is no live region.
      for (const p of [backyard, fleetRun]) {
        assert.match(await p.getByTestId('live-announcement').innerText(), withTime(language, 'live.announceStale'));
        assert.equal(await p.getByTestId('live-status').getAttribute('role'), null);
        assert.equal(await p.getByTestId('live-status').getAttribute('aria-live'), null);
      }
      // The banner says so too.
      await backyard.getByText(bannerStale).waitFor();
      await shoot(backyard, `liveness/backyard-stale-${language}`);
      await shoot(fleetRun, `liveness/fleet-run-stale-${language}`);

      // A page opened while the server is down: the failure, with Retry.
      await organizations
        .getByRole('navigation', { name: msg(language, 'nav.label') })
        .getByRole('link', { name: msg(language, 'nav.organizations') })
        .click();
      const retry = organizations.getByRole('button', { name: msg(language, 'live.retry'), exact: true });
      await retry.waitFor();
      await organizations.getByText(msg(language, 'error.unreachable')).waitFor();
      await shoot(organizations, `liveness/organizations-stale-${language}`);

      // Started again where it was: live again within 10 s of answering.
      const spawned = Date.now();
      serve = await start();
      const answering = Date.now();
      const [backyardLive, fleetLive] = await Promise.all([
        liveStateWithin(backyard, 'live', answering, 'the backyard page'),
        liveStateWithin(fleetRun, 'live', answering, 'the fleet run page'),
      ]);
      measured.push(
        `${language}: live again after the server answered (it took ${answering - spawned} ms to start) — backyard ${backyardLive} ms, fleet run ${fleetLive} ms`,
      );
      assert.ok(backyardLive <= LIMIT_MS, `the backyard page said live ${backyardLive} ms after the server answered`);
      assert.ok(fleetLive <= LIMIT_MS, `the fleet run page said live ${fleetLive} ms after the server answered`);
      for (const [i, p] of [backyard, fleetRun].entries()) {
        const { texts } = await watched[i]!();
        assert.ok(
          texts.some((x) => x.includes(msg(language, 'live.liveAgain'))),
          `${p.url()} said "Live again": ${JSON.stringify(texts, null, 1)}`,
        );
        assert.equal(await p.getByTestId('live-announcement').innerText(), msg(language, 'live.announceLive'));
      }
      await backyard.getByTestId('all-clear').waitFor();
      assert.equal(await backyard.getByTestId('all-clear-stale').count(), 0);
      await shoot(backyard, `liveness/backyard-live-${language}`);
      await shoot(fleetRun, `liveness/fleet-run-live-${language}`);

      // Retry works now.
      await retry.click();
      await orgTable.waitFor();
      assert.equal(await retry.count(), 0, 'the failure and its Retry are gone');
      await shoot(organizations, `liveness/organizations-live-${language}`);

      for (const [i, p] of [backyard, fleetRun].entries()) {
        assert.deepEqual((await watched[i]!()).disagreements, [], `${p.url()}: "Live" while the banner said unreachable`);
      }
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  it('a frozen server (SIGSTOP: the stream open, silent) makes the backyard page stale within 10 s by the missing heartbeat; SIGCONT, live again', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: DESK });
    const page = await context.newPage();
    await page.goto(`${serve.url}/system/backyard`);
    await signIn(page, 'en', { user: ADMIN.user, password: ADMIN.password });
    await liveStateWithin(page, 'live', Date.now(), 'the backyard page');
    // Just after a heartbeat or an event, the worst case is the silence limit from the last one.
    const frozen = Date.now();
    assert.ok(serve.child.kill('SIGSTOP'));
    try {
      const stale = await liveStateWithin(page, 'stale', frozen, 'the backyard page');
      measured.push(`frozen (SIGSTOP): stale after ${stale} ms`);
      assert.ok(stale <= LIMIT_MS, `stale ${stale} ms after the server froze`);
      assert.equal(await page.getByTestId('all-clear').count(), 0);
    } finally {
      serve.child.kill('SIGCONT');
    }
    const resumed = Date.now();
    const live = await liveStateWithin(page, 'live', resumed, 'the backyard page', 25_000);
    measured.push(`thawed (SIGCONT): live again after ${live} ms`);
    // The attempt under way when it froze may have just given up: at most a silence limit and a 15 s wait.
    assert.ok(live <= 25_000, `live ${live} ms after the server thawed`);
    await context.close();
  });
});
