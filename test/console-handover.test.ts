/**
 * A browser across `drydock restart` (real Chromium, a real `serve --workers --pid-file` on SQLite):
 * the administrator's live backyard page keeps working — its event stream, ended by the old process
 * with a retry hint, reconnects to the new process by itself, with no reload — and it shows a job the
 * new process runs. Every request the page itself makes during the restart succeeds (none fails in
 * the browser's network log). Screenshot: test-output/screenshots/backyard-after-restart-en.png.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { registerAnsibleMovement, startAnsible, waitForStatus } from './support/ansible-jobs.js';
import { ADMIN, seedTenants } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/backends.js';
import { describeRun, onTestProcessExit, runCli } from './support/cli.js';
import { assertNotReloaded, launchConsoleBrowser, markNoReload, msg, onPage, shoot, signIn } from './support/console-browser.js';
import { FAST_BACKYARD_ENV, gatedPlaybook, startServer } from './support/runbook.js';
import type { ServeProcess } from './support/serve-process.js';
import { stopDetached } from './support/upgrade.js';
import { waitFor } from './support/wait-for.js';

describe('the console across drydock restart (Chromium, SQLite)', () => {
  let browser: Browser;
  let db: TestDatabase;
  let dir: string;
  let pidFile: string;
  let serve: ServeProcess;
  let forget: () => void;
  before(async () => {
    browser = await launchConsoleBrowser();
    db = await createTestDatabase('sqlite');
    dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-console-restart-'));
    pidFile = path.join(dir, 'drydock.pid');
    forget = onTestProcessExit(() => stopDetached(pidFile));
    serve = await startServer({ DRYDOCK_DATABASE_URL: db.url, DRYDOCK_DATA_DIR: dir, ...FAST_BACKYARD_ENV }, ['--workers', '--pid-file', pidFile]);
    await seedTenants(serve);
  });
  after(async () => {
    await browser?.close();
    await serve?.stop('SIGKILL');
    stopDetached(pidFile);
    forget?.();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the live backyard page reconnects to the new process by itself and shows the jobs it runs', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const page: Page = await context.newPage();
    const failedRequests: string[] = [];
    page.on('requestfailed', (r) => failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 500) failedRequests.push(`${r.request().method()} ${r.url()}: ${r.status()}`);
    });
    await page.goto(`${serve.url}/system/backyard`);
    await signIn(page, 'en', { user: ADMIN.user, password: ADMIN.password });
    await page.getByRole('heading', { name: msg('en', 'backyard.title') }).waitFor();
    await page.getByText(msg('en', 'live.live'), { exact: true }).waitFor();
    await markNoReload(page);

    const r = await runCli(['restart', '--pid-file', pidFile]);
    assert.equal(r.code, 0, describeRun(r));
    assert.match(r.stdout, new RegExp(`restarted: pid ${serve.child.pid} → \\d+`));

    // A job the new process runs appears on the page, live: the stream comes from the new process.
    const releaseFile = path.join(dir, 'release');
    const gated = await registerAnsibleMovement(serve, 'gated', gatedPlaybook(releaseFile, 0));
    const job = await startAnsible(serve, gated);
    const row = page.locator(`tr[data-job="${job}"]`);
    await waitFor('the job shows on the page, live', async () => /Executing/.test(await row.innerText()), onPage(60_000));
    await page.getByText(msg('en', 'live.live'), { exact: true }).waitFor();
    await shoot(page, 'backyard-after-restart-en');
    await assertNotReloaded(page);

    writeFileSync(releaseFile, '');
    await waitForStatus(serve, job, ['5'], 60_000);
    await row.waitFor({ state: 'detached', timeout: 30_000 });
    // The stream's end is the server closing it with a retry hint, which is not a failed request.
    assert.deepEqual(
      failedRequests.filter((f) => !f.includes('/backyard-execute-check/stream/')),
      [],
      'no request of the page failed',
    );
    await context.close();
  });
});
