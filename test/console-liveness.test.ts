/**
 * Liveness you can trust (real Chromium, a real `drydock serve` process on SQLite in a temporary
 * directory, on a fixed port): the server's event stream sends heartbeat events; then, in
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
 * The 10 s are the bound the console promises (README, "Live and stale"), checked as a deadline;
 * how long it actually takes, and the heartbeat's spacing, are measured by `npm run bench --
 * liveness` (bench/liveness.ts). Screenshots: test-output/screenshots/liveness/
 * <backyard|fleet-run|organizations>-<stale|live>-<en|ja>.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ADMIN } from './support/app.js';
import { literal, msg, onPage, shoot, startConsole, waitingFleetRun, type Language, type ServedConsole } from './support/console-browser.js';
import { waitFor } from './support/wait-for.js';

/** What the console promises: stale within 10 s of losing the server, live again within 10 s of it answering. */
const LIMIT_MS = 10_000;

/** Waits until `page`'s live line says `state`, failing once `timeoutMs` have passed since `since`. */
async function untilLiveState(page: Page, state: 'live' | 'stale', since: number, what: string, timeoutMs = LIMIT_MS): Promise<void> {
  const line = page.getByTestId('live-status');
  const left = Math.max(0, since + timeoutMs - Date.now());
  await waitFor(`${what} says ${state} (the bound: ${timeoutMs / 1000} s)`, async () => (await line.getAttribute('data-state')) === state, onPage(left));
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
  let c: ServedConsole;
  let runId: string;

  before(async () => {
    c = await startConsole({ serve: {} });
    // A fleet run: no orchestrator runs, so it waits at phase 1 (as in test/console-pages.test.ts).
    runId = await waitingFleetRun(c.serve);
  });
  after(() => c?.stop());

  it("every event stream sends heartbeat events (no id, its interval as data) between the stream's events, as before", async () => {
    const controller = new AbortController();
    // Only a stream that sends nothing at all would be stopped by this (then the test fails).
    const guard = setTimeout(() => controller.abort(), 60_000);
    const res = await fetch(`${c.base}/api/ita/backyard-execute-check/stream/`, {
      headers: { accept: 'text/event-stream', authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}` },
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    let text = '';
    const blocks = () => text.split('\n\n').filter((b) => b.trim() !== '');
    const heartbeats = () => blocks().filter((b) => b.includes('event: heartbeat'));
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        if (heartbeats().length >= 2 && text.endsWith('\n\n')) break;
      }
    } catch (err) {
      assert.fail(`the stream ended before two heartbeats (${(err as Error).message}): ${JSON.stringify(text)}`);
    } finally {
      clearTimeout(guard);
      controller.abort();
    }
    const [comment, first, ...rest] = blocks();
    assert.match(comment!, /^: /, 'a comment first, as before');
    assert.match(first!, /^id: 1\nevent: execute-check\ndata: \{/, 'then the execute-check, as before');
    assert.ok(heartbeats().length >= 2, `two heartbeats: ${JSON.stringify(text)}`);
    for (const block of rest) {
      if (block.startsWith('id: ')) assert.match(block, /^id: \d+\nevent: execute-check\ndata: \{/, 'any other event is an execute-check, as before');
      else assert.equal(block, 'event: heartbeat\ndata: {"interval_ms":5000}', 'a heartbeat: named, its interval as data, no id');
    }
  });

  for (const language of ['en', 'ja'] as const satisfies readonly Language[]) {
    it(`${language}: killed, the live pages say stale within 10 s and not "Nothing is in flight"; started again, "Live again" within 10 s; Retry brings a failed page back`, async () => {
      const context = await c.newContext(language);
      const backyard = await context.newPage();
      await c.signInAt(backyard, '/system/backyard', language);
      await backyard.getByRole('heading', { name: msg(language, 'backyard.title') }).waitFor();
      await untilLiveState(backyard, 'live', Date.now(), 'the backyard page');
      await backyard.getByText(msg(language, 'live.live'), { exact: true }).waitFor();
      await backyard.getByTestId('all-clear').waitFor();
      assert.equal(await backyard.getByTestId('all-clear').innerText(), msg(language, 'backyard.nothing'));

      const fleetRun = await context.newPage();
      await fleetRun.goto(`${c.base}/system/fleet/runs/${runId}`);
      await untilLiveState(fleetRun, 'live', Date.now(), 'the fleet run page');

      // The organizations page's code is fetched now, while the server is up; it is left for another page.
      const organizations = await context.newPage();
      await organizations.goto(`${c.base}/organizations`);
      const orgTable = organizations.getByRole('table', { name: msg(language, 'orgs.title') });
      await orgTable.waitFor();
      await organizations
        .getByRole('navigation', { name: msg(language, 'nav.label') })
        .getByRole('link', { name: msg(language, 'nav.backyard') })
        .click();
      await organizations.getByRole('heading', { name: msg(language, 'backyard.title') }).waitFor();

      const bannerStale = msg(language, 'banner.stale');
      const watched = await Promise.all([backyard, fleetRun].map((p) => watchLiveLine(p, bannerStale)));

      // Killed: no goodbye on the stream. Stale within 10 s of the kill.
      const killed = Date.now();
      await c.serve.stop('SIGKILL');
      await Promise.all([untilLiveState(backyard, 'stale', killed, 'the backyard page'), untilLiveState(fleetRun, 'stale', killed, 'the fleet run page')]);

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
      await c.restart();
      const answering = Date.now();
      await Promise.all([untilLiveState(backyard, 'live', answering, 'the backyard page'), untilLiveState(fleetRun, 'live', answering, 'the fleet run page')]);
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
      assert.deepEqual(c.pageErrors, []);
      await context.close();
    });
  }

  it('a frozen server (SIGSTOP: the stream open, silent) makes the backyard page stale within 10 s by the missing heartbeat and the banner say it cannot be reached; SIGCONT, live again', async () => {
    const page = await c.newPage('en');
    await c.signInAt(page, '/system/backyard', 'en');
    await untilLiveState(page, 'live', Date.now(), 'the backyard page');
    // Just after a heartbeat or an event, the worst case is the silence limit from the last one.
    const frozen = Date.now();
    assert.ok(c.serve.child.kill('SIGSTOP'));
    try {
      await untilLiveState(page, 'stale', frozen, 'the backyard page');
      assert.equal(await page.getByTestId('all-clear').count(), 0);
      // The banner's poll gives up on a server that never answers, and says it cannot be reached.
      await page.getByText(msg('en', 'banner.stale')).waitFor({ timeout: 15_000 });
    } finally {
      c.serve.child.kill('SIGCONT');
    }
    // The attempt under way when it froze may have just given up: at most a silence limit and a 15 s wait.
    await untilLiveState(page, 'live', Date.now(), 'the backyard page', 25_000);
    await page.context().close();
  });
});
