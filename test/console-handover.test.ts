/**
 * A browser across `drydock restart` (real Chromium, a real `serve --workers --pid-file` on SQLite):
 * the administrator's live backyard page keeps working — its event stream, ended by the old process
 * with a retry hint, reconnects to the new process by itself, with no reload — and it shows a job the
 * new process runs. Every request the page itself makes during the restart succeeds (none fails in
 * the browser's network log). Screenshot: test-output/screenshots/backyard-after-restart-en.png.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registerAnsibleMovement, startAnsible, waitForStatus } from './support/ansible-jobs.js';
import { describeRun, runCli } from './support/cli.js';
import { assertNotReloaded, markNoReload, msg, onPage, shoot, startConsole, type ServedConsole } from './support/console-browser.js';
import { FAST_BACKYARD_ENV, gatedPlaybook } from './support/runbook.js';
import { waitFor } from './support/wait-for.js';

describe('the console across drydock restart (Chromium, SQLite)', () => {
  let c: ServedConsole;
  before(async () => {
    c = await startConsole({ serve: { args: ['--workers'], env: FAST_BACKYARD_ENV, pidFile: true } });
  });
  after(() => c?.stop());

  it('the live backyard page reconnects to the new process by itself and shows the jobs it runs', async () => {
    const serve = c.serve;
    const page = await c.newPage('en', { width: 1280, height: 800 });
    const failedRequests: string[] = [];
    page.on('requestfailed', (r) => failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 500) failedRequests.push(`${r.request().method()} ${r.url()}: ${r.status()}`);
    });
    await c.signInAt(page, '/system/backyard', 'en');
    await page.getByRole('heading', { name: msg('en', 'backyard.title') }).waitFor();
    await page.getByText(msg('en', 'live.live'), { exact: true }).waitFor();
    await markNoReload(page);

    const r = await runCli(['restart', '--pid-file', c.pidFile]);
    assert.equal(r.code, 0, describeRun(r));
    assert.match(r.stdout, new RegExp(`restarted: pid ${serve.child.pid} → \\d+`));

    // A job the new process runs appears on the page, live: the stream comes from the new process.
    const releaseFile = path.join(c.dir, 'release');
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
    await page.context().close();
  });
});
