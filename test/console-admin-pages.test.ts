/**
 * The console's pages for what the API already had — users, API tokens, log levels, fleet plans
 * and a pair's step log — and the type-the-name deletion of an organization, in a real browser
 * (Debian's Chromium driven by playwright-core) against a real listening drydock on SQLite:
 * - an organization manager (Japanese) creates a user from the console, disables and enables them,
 *   promotes them and resets their password, and each change holds at the API (the user's own
 *   Basic-auth calls succeed or are refused as they should);
 * - the same manager creates an API token: its secret is shown once, with the warning and a copy
 *   button that copies it, and the token works with the API (`Authorization: Bearer`, 200) until it
 *   is revoked from the console (then 401);
 * - a workspace member (English) has no Users link and is refused the users page (and the API);
 * - the system administrator (English) reaches another organization's users, changes a log level
 *   (the API shows it), deletes an organization only once its ID is typed exactly (the dialog says
 *   what goes with it), sees the fleet's topology and version statuses, adds a status, reads a
 *   plan (a closed gate keeps the run from starting; an open one shows every pair's phases and the
 *   server's steps), starts the run from it — created as planned, and waiting, since no
 *   orchestrator runs — and opens a pair's step log from a finished run's matrix.
 * Screenshots of every new page, in both languages, go to test-output/screenshots/admin-pages/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { FleetRunView, FleetStep, OrganizationUser, UpgradePlan } from '../src/http/wire-types.js';
import { ADMIN, ITA1, SEED, basic, organizationBody, type TestApp } from './support/app.js';
import {
  declareFleet,
  literal,
  msg,
  text,
  onPage,
  rememberLanguage,
  shoot,
  sidewaysScroll,
  startConsole,
  USERS,
  type InProcessConsole,
  type Language,
} from './support/console-browser.js';
import type { MessageKey } from '../web/src/i18n/messages.en.js';
import { waitFor } from './support/wait-for.js';

const DESK = { width: 1440, height: 900 } as const;
const V1 = '1.0.0';
const V2 = '2.0.0';
const V3 = '3.0.0';

/** A field by its label (a required field's label ends in an asterisk). */
const field = (scope: Pick<Page, 'getByLabel'>, language: Language, key: MessageKey) => scope.getByLabel(new RegExp(`^${literal(msg(language, key))}( \\*)?$`));

/** A call to the listening server as a script would make it, with the given Authorization header. */
async function callAs(base: string, url: string, authorization: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${url}`, { headers: { authorization } });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

const basicHeader = (org: string, user: string, password: string) => `Basic ${Buffer.from(`${org}/${user}:${password}`).toString('base64')}`;

describe('users, tokens, log levels, organization deletion and fleet plans in Chromium (SQLite)', () => {
  let c: InProcessConsole;
  let t: TestApp;
  let base: string;
  const pages = new Map<'admin' | 'manager' | 'member', Page>();
  /** A STAGING run driven to its end, so its pairs have step logs. */
  let finishedRunId: string;
  /** The run the console starts from a plan. */
  let startedRunId: string;
  let operatorPassword = 'operator1-password';

  const page = (who: 'admin' | 'manager' | 'member') => pages.get(who)!;
  const nav = (p: Page, language: Language) => p.getByRole('navigation', { name: msg(language, 'nav.label') });
  const dialog = (p: Page) => p.getByRole('dialog');

  before(async () => {
    c = await startConsole();
    ({ t, base } = c);
    const environments = [
      { name: 'STAGING', driver: { type: 'noop' } },
      { name: 'PROD', gate: 'QA_OK', concurrency: 2, failureBudget: { count: 1 }, driver: { type: 'noop' } },
    ];
    await declareFleet(t, environments, ['STAGING_001', 'PROD_001', 'PROD_002'], V1, {
      statuses: [
        { name: 'QA_OK', description: 'passed QA' },
        { name: 'Staging_OK', description: 'signed off on staging' },
      ],
    });
    const signedOff = await t.admin({ method: 'PATCH', url: `/api/platform/fleet/versions/${V2}`, body: { add: ['QA_OK'] } });
    assert.equal(signedOff.status, 200, signedOff.text);
    // A STAGING run to V2, driven to its end here (noop actions): its pairs have a step log. No
    // orchestrator runs afterwards, so the run the console starts stays waiting as planned.
    const staged = await t.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: 'STAGING', version: V2 } });
    assert.equal(staged.status, 200, staged.text);
    finishedRunId = staged.body.data.id;
    const orchestrator = c.orchestrator();
    const finished = await orchestrator.driveToEnd(finishedRunId);
    await orchestrator.stop();
    assert.equal(finished.state, 'completed');

    const signIns = [
      ['admin', 'en'],
      ['manager', 'ja'],
      ['member', 'en'],
    ] as const;
    for (const [who, language] of signIns) {
      const p = await c.newPage(language, DESK);
      await c.signInAt(p, '/', language, USERS[who]);
      await p.locator('h1').waitFor();
      pages.set(who, p);
    }
    // The copy button writes the clipboard; the test reads it back.
    await page('manager').context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  });

  after(() => c?.stop());

  it('an organization manager creates a user, disables and enables them, changes their role and resets their password (ja)', async () => {
    const m = page('manager');
    await nav(m, 'ja')
      .getByRole('link', { name: msg('ja', 'users.nav'), exact: true })
      .click();
    await m.getByRole('heading', { level: 1, name: text('ja', 'users.title', { org: SEED.org1 }) }).waitFor();
    assert.equal(
      await nav(m, 'ja')
        .getByRole('link', { name: msg('ja', 'users.nav'), exact: true })
        .getAttribute('aria-current'),
      'page',
    );
    assert.equal(
      await nav(m, 'ja')
        .getByRole('link', { name: msg('ja', 'nav.workspaces') })
        .getAttribute('aria-current'),
      null,
    );
    const users = m.getByTestId('users');
    await users.locator('tr[data-user="member1"]').waitFor();
    // Your own row: no Disable, no Delete.
    const own = users.locator('tr[data-user="manager1"]');
    assert.equal(await own.getByRole('button', { name: text('ja', 'users.disableNamed', { name: 'manager1' }) }).count(), 0);
    assert.equal(await own.getByRole('button', { name: text('ja', 'users.deleteNamed', { name: 'manager1' }) }).count(), 0);

    await m.getByRole('button', { name: msg('ja', 'users.create') }).click();
    const form = m.getByTestId('user-form');
    await field(form, 'ja', 'users.username').fill('operator1');
    await field(form, 'ja', 'users.password').fill(operatorPassword);
    await form.getByLabel(msg('ja', 'users.role')).selectOption('workspace_member');
    await form.getByRole('checkbox', { name: new RegExp(`^${SEED.ws1}\\b`) }).check();
    await field(m, 'ja', 'users.lastName').fill('運用');
    await field(m, 'ja', 'users.firstName').fill('太郎');
    await field(m, 'ja', 'users.email').fill('operator1@example.com');
    await shoot(m, 'admin-pages/user-create-ja');
    await form.getByRole('button', { name: msg('ja', 'common.create'), exact: true }).click();
    await m.getByText(text('ja', 'users.created', { name: 'operator1' })).waitFor();
    const row = users.locator('tr[data-user="operator1"]');
    await row.waitFor();
    assert.match(await row.innerText(), /運用 太郎/);

    const listed = async (): Promise<OrganizationUser> => {
      const r = await t.call({ url: `/api/${SEED.org1}/platform/users`, auth: SEED.manager1 });
      return (r.body.data as OrganizationUser[]).find((u) => u.username === 'operator1')!;
    };
    const operator = await listed();
    assert.equal(operator.role, 'workspace_member');
    assert.deepEqual(operator.workspaces, [SEED.ws1]);
    assert.equal(operator.email, 'operator1@example.com');
    const asOperator = () => callAs(base, `${ITA1}/menu/`, basicHeader(SEED.org1, 'operator1', operatorPassword));
    assert.equal((await asOperator()).status, 200, 'the new user works in ws1');

    // Disable (after a confirmation saying what it does), then enable.
    await row.getByRole('button', { name: text('ja', 'users.disableNamed', { name: 'operator1' }) }).click();
    await dialog(m).getByText(msg('ja', 'users.disableWarning')).waitFor();
    await dialog(m)
      .getByRole('button', { name: msg('ja', 'users.disable'), exact: true })
      .click();
    await m.getByText(text('ja', 'users.disabledNotice', { name: 'operator1' })).waitFor();
    assert.equal((await listed()).enabled, false);
    assert.equal((await asOperator()).status, 401, 'a disabled user is refused');
    await row.getByRole('button', { name: text('ja', 'users.enableNamed', { name: 'operator1' }) }).click();
    await m.getByText(text('ja', 'users.enabledNotice', { name: 'operator1' })).waitFor();
    assert.equal((await asOperator()).status, 200, 'enabled again');

    // Promote: the role select of the edit form (your own is locked).
    await own.getByRole('button', { name: text('ja', 'users.editNamed', { name: 'manager1' }) }).click();
    assert.equal(await form.getByLabel(msg('ja', 'users.role')).isDisabled(), true, 'you cannot change your own role');
    await form.getByRole('button', { name: msg('ja', 'common.cancel') }).click();
    await row.getByRole('button', { name: text('ja', 'users.editNamed', { name: 'operator1' }) }).click();
    await form.getByLabel(msg('ja', 'users.role')).selectOption('organization_manager');
    await form.getByRole('button', { name: msg('ja', 'common.save'), exact: true }).click();
    await m.getByText(text('ja', 'users.updated', { name: 'operator1' })).waitFor();
    const promoted = await listed();
    assert.equal(promoted.role, 'organization_manager');
    assert.deepEqual(promoted.workspaces, [SEED.ws1], 'the edit sent only the role');
    assert.equal((await callAs(base, `/api/${SEED.org1}/platform/users`, basicHeader(SEED.org1, 'operator1', operatorPassword))).status, 200);

    // A new password, generated in the dialog.
    await row.getByRole('button', { name: text('ja', 'users.resetNamed', { name: 'operator1' }) }).click();
    const reset = dialog(m);
    await reset.getByRole('button', { name: msg('ja', 'users.generate') }).click();
    const generated = await field(reset, 'ja', 'users.password').inputValue();
    assert.match(generated, /^[A-Za-z0-9]{16}$/);
    await reset.getByRole('button', { name: msg('ja', 'common.save'), exact: true }).click();
    await m.getByText(text('ja', 'users.passwordReset', { name: 'operator1' })).waitFor();
    assert.equal((await asOperator()).status, 401, 'the old password no longer works');
    operatorPassword = generated;
    assert.equal((await asOperator()).status, 200, 'the new one does');
    assert.equal(await sidewaysScroll(m), 0);
    await shoot(m, 'admin-pages/users-ja');
  });

  it('a token created from the console is shown once, copies, works with the API, and stops working when revoked (ja)', async () => {
    const m = page('manager');
    await m
      .locator('header')
      .getByRole('link', { name: msg('ja', 'tokens.nav') })
      .click();
    await m.getByRole('heading', { level: 1, name: msg('ja', 'tokens.title') }).waitFor();
    await m.getByText(msg('ja', 'tokens.empty')).waitFor();
    await field(m, 'ja', 'tokens.name').fill('ci-deploy');
    await m.getByLabel(msg('ja', 'tokens.expiry')).selectOption('30');
    assert.equal(await m.getByLabel(msg('ja', 'tokens.use')).count(), 0, "a fleet node's token is for system administrators only");
    await m.getByRole('button', { name: msg('ja', 'common.create'), exact: true }).click();

    const issued = m.getByTestId('issued-token');
    await issued.getByRole('heading', { name: text('ja', 'tokens.issuedTitle', { name: 'ci-deploy' }) }).waitFor();
    await issued.getByText(msg('ja', 'tokens.once')).waitFor();
    const secret = await issued.getByLabel(msg('ja', 'tokens.secret')).inputValue();
    assert.match(secret, /^ddt_/);
    await issued.getByRole('button', { name: msg('ja', 'tokens.copy'), exact: true }).click();
    await issued.getByText(msg('ja', 'tokens.copied')).waitFor();
    assert.equal(await m.evaluate(() => navigator.clipboard.readText()), secret, 'the copy button copied the token');
    await shoot(m, 'admin-pages/token-issued-ja');

    // The token works with the API, with the manager's rights.
    const whoami = await callAs(base, '/api/auth/whoami', `Bearer ${secret}`);
    assert.equal(whoami.status, 200);
    assert.equal(whoami.body.data.username, 'manager1');
    assert.equal(whoami.body.data.via, 'token');
    const users = await callAs(base, `/api/${SEED.org1}/platform/users`, `Bearer ${secret}`);
    assert.equal(users.status, 200);
    assert.ok((users.body.data as OrganizationUser[]).some((u) => u.username === 'operator1'));

    await issued.getByRole('button', { name: msg('ja', 'tokens.done') }).click();
    await issued.waitFor({ state: 'detached' });
    assert.equal(await m.getByText(secret).count(), 0, 'the secret is not shown again');
    const row = m.getByTestId('tokens').locator('tr[data-token="ci-deploy"]');
    await row.getByText(msg('ja', 'tokens.active')).waitFor();
    const listed = (await t.call({ url: '/api/auth/tokens', auth: basic(`${SEED.org1}/manager1`, USERS.manager.password) })).body.data as Array<{
      name: string;
      expires_at: string | null;
    }>;
    const expires = Date.parse(listed.find((token) => token.name === 'ci-deploy')!.expires_at!);
    assert.ok(Math.abs(expires - (Date.now() + 30 * 86_400_000)) < 3_600_000, 'it expires in 30 days');

    await row.getByRole('button', { name: text('ja', 'tokens.revokeNamed', { name: 'ci-deploy' }) }).click();
    await dialog(m).getByText(msg('ja', 'tokens.revokeWarning')).waitFor();
    await dialog(m)
      .getByRole('button', { name: msg('ja', 'tokens.revoke'), exact: true })
      .click();
    await m.getByText(text('ja', 'tokens.revoked', { name: 'ci-deploy' })).waitFor();
    await row.locator('.token-state--revoked').waitFor();
    assert.equal(await row.getByRole('button').count(), 0, 'a revoked token has nothing left to do');
    assert.equal((await callAs(base, '/api/auth/whoami', `Bearer ${secret}`)).status, 401, 'a revoked token is refused');
    await shoot(m, 'admin-pages/tokens-ja');
  });

  it("the administrator creates a fleet node's token: bound to the node, shown with the agent's command, refused for anything else (en)", async () => {
    const a = page('admin');
    await a.goto(`${base}/tokens`);
    await a.getByRole('heading', { level: 1, name: msg('en', 'tokens.title') }).waitFor();
    await field(a, 'en', 'tokens.name').fill('agent PROD_P_017');
    await a.getByLabel(msg('en', 'tokens.use')).selectOption('fleet-node');
    const create = a.getByRole('button', { name: msg('en', 'common.create'), exact: true });
    assert.equal(await create.isDisabled(), true, 'a node token needs its node');
    await field(a, 'en', 'tokens.node').fill('PROD_P_017');
    await create.click();

    const issued = a.getByTestId('issued-token');
    await issued.getByText(msg('en', 'tokens.agentUsage')).waitFor();
    const secret = await issued.getByLabel(msg('en', 'tokens.secret')).inputValue();
    assert.match(secret, /^ddn_/);
    assert.match(await issued.locator('code').innerText(), new RegExp(`drydock fleet agent --server ${base} --token ${secret} --name PROD_P_017`));
    await shoot(a, 'admin-pages/token-fleet-node-en');
    await issued.getByRole('button', { name: msg('en', 'tokens.done') }).click();
    const row = a.getByTestId('tokens').locator('tr[data-token="agent PROD_P_017"]');
    await row.getByText(text('en', 'tokens.fleetNodeOf', { node: 'PROD_P_017' })).waitFor();

    assert.equal((await callAs(base, '/api/auth/whoami', `Bearer ${secret}`)).status, 403, 'it acts as nobody');
    const other = await t.call({
      method: 'POST',
      url: '/api/platform/fleet/nodes',
      auth: { bearer: secret },
      body: { name: 'PROD_S_017', address: 'http://10.0.1.17:8080', version: '1.0.0' },
    });
    assert.equal(other.status, 403, other.text);
    assert.match(other.body.message, /may only announce node PROD_P_017, not PROD_S_017/);
    // A node token of the release before tokens named their node: listed as not accepted, saying what to do.
    const legacy = await t.admin({ method: 'POST', url: '/api/auth/tokens', body: { name: 'legacy agent', scope: 'fleet-node', node: 'PROD_P_001' } });
    await t.deps.store.db.updateTable('access_tokens').set({ scope: 'fleet-node' }).where('id', '=', legacy.body.data.id).execute();
    await a.reload();
    const legacyRow = a.getByTestId('tokens').locator('tr[data-token="legacy agent"]');
    await legacyRow.getByText(msg('en', 'tokens.refused')).waitFor();
    await legacyRow.getByText(msg('en', 'tokens.unboundNode')).waitFor();
    await shoot(a, 'admin-pages/tokens-node-en');
    await row.getByRole('button', { name: text('en', 'tokens.revokeNamed', { name: 'agent PROD_P_017' }) }).click();
    await dialog(a)
      .getByRole('button', { name: msg('en', 'tokens.revoke'), exact: true })
      .click();
    await row.locator('.token-state--revoked').waitFor();
  });

  it('a workspace member has no Users link and is refused the users page, as by the API (en)', async () => {
    const p = page('member');
    assert.deepEqual(await nav(p, 'en').getByRole('link').allInnerTexts(), [msg('en', 'nav.workspaces')], 'no Users link');
    assert.equal(
      await p
        .locator('header')
        .getByRole('link', { name: msg('en', 'tokens.nav') })
        .count(),
      1,
      'their API tokens beside their name',
    );
    await p.goto(`${base}/o/${SEED.org1}/users`);
    const refusal = p.getByTestId('managers-only');
    await refusal.waitFor();
    assert.equal(await refusal.innerText(), msg('en', 'users.managersOnly'));
    assert.equal(await p.getByTestId('users').count(), 0);
    assert.equal((await t.call({ url: `/api/${SEED.org1}/platform/users`, auth: SEED.member1 })).status, 403);
    await p.goto(`${base}/users`);
    await p.getByTestId('managers-only').waitFor();
    await shoot(p, 'admin-pages/managers-only-en');
    // Their own tokens page is theirs too.
    await p.goto(`${base}/tokens`);
    await p.getByRole('heading', { level: 1, name: msg('en', 'tokens.title') }).waitFor();
  });

  it('the administrator reaches any organization’s users and changes a log level the API then shows (en)', async () => {
    const a = page('admin');
    await nav(a, 'en')
      .getByRole('link', { name: msg('en', 'users.nav'), exact: true })
      .click();
    await a.getByRole('heading', { level: 1, name: msg('en', 'users.indexTitle') }).waitFor();
    await shoot(a, 'admin-pages/users-index-en');
    await a
      .getByTestId('user-organizations')
      .getByRole('link', { name: text('en', 'users.title', { org: SEED.org2 }) })
      .click();
    await a.getByRole('heading', { level: 1, name: text('en', 'users.title', { org: SEED.org2 }) }).waitFor();
    await a.getByTestId('users').locator('tr[data-user="manager2"]').waitFor();
    // The picker moves to another organization.
    await a.getByLabel(msg('en', 'users.organization')).selectOption(SEED.org1);
    await a.getByTestId('users').locator('tr[data-user="operator1"]').waitFor();
    await shoot(a, 'admin-pages/users-en');

    await nav(a, 'en')
      .getByRole('link', { name: msg('en', 'logLevels.nav') })
      .click();
    await a.getByRole('heading', { level: 1, name: msg('en', 'logLevels.title') }).waitFor();
    const select = a.getByLabel(text('en', 'logLevels.levelOf', { service: 'ita-by-ansible-execute' }));
    assert.equal(await select.inputValue(), 'INFO');
    const save = a.getByRole('button', { name: /^Save/ });
    assert.equal(await save.isDisabled(), true, 'nothing to save yet');
    await select.selectOption('DEBUG');
    await a.getByText(msg('en', 'logLevels.changed')).waitFor();
    await a.getByRole('button', { name: text('en', 'logLevels.save', { count: 1 }) }).click();
    await a.getByText(text('en', 'logLevels.saved', { count: 1 })).waitFor();
    const levels = await t.admin({ url: '/api/ita/loglevel-settings/' });
    assert.equal(levels.body.data['ita-by-ansible-execute'], 'DEBUG');
    assert.equal(levels.body.data['ita-by-menu-create'], 'INFO', 'only the changed service was sent');
    assert.equal(await a.getByText(msg('en', 'logLevels.changed')).count(), 0);
    await shoot(a, 'admin-pages/log-levels-en');
  });

  it('deleting an organization needs its ID typed exactly, and says what goes with it (en)', async () => {
    const created = await t.admin({ method: 'POST', url: '/api/platform/organizations', body: organizationBody('doomed', 'doomed-admin') });
    assert.equal(created.status, 200, created.text);
    const ws = await t.admin({ method: 'POST', url: '/api/doomed/platform/workspaces', body: { id: 'doomed-ws', name: 'Doomed workspace' } });
    assert.equal(ws.status, 200, ws.text);
    const a = page('admin');
    await nav(a, 'en')
      .getByRole('link', { name: msg('en', 'nav.organizations') })
      .click();
    await a.getByRole('button', { name: text('en', 'orgs.deleteNamed', { id: 'doomed' }) }).click();
    const d = a.getByRole('dialog', { name: text('en', 'orgs.deleteTitle', { id: 'doomed' }) });
    await d.waitFor();
    const contents = d.getByTestId('org-delete-contents');
    await contents.getByText(text('en', 'orgs.deleteWorkspaces', { count: 1, names: 'doomed-ws' })).waitFor();
    await contents.getByText(text('en', 'orgs.deleteUsers', { count: 1, names: 'doomed-admin' })).waitFor();
    await contents.getByText(msg('en', 'orgs.deleteData')).waitFor();
    const typed = d.getByLabel(text('en', 'orgs.deleteType', { id: 'doomed' }));
    assert.equal(await typed.evaluate((el) => el === document.activeElement), true, 'the field has the focus');
    const remove = d.getByRole('button', { name: msg('en', 'common.delete'), exact: true });
    assert.equal(await remove.isDisabled(), true, 'nothing typed');
    for (const wrong of ['doome', 'Doomed', 'doomed ', 'org1']) {
      await typed.fill(wrong);
      assert.equal(await remove.isDisabled(), true, `"${wrong}" is not the ID`);
    }
    await typed.press('Enter');
    assert.equal((await t.admin({ url: '/api/platform/organizations/doomed' })).status, 200, 'Enter with a wrong ID deletes nothing');
    await typed.fill('doomed');
    assert.equal(await remove.isDisabled(), false);
    await shoot(a, 'admin-pages/organization-delete-en', { fullPage: false });
    await remove.click();
    await a.getByText(text('en', 'orgs.deleted', { id: 'doomed' })).waitFor();
    assert.equal((await t.admin({ url: '/api/platform/organizations/doomed' })).status, 404);
    // Cancel leaves it be.
    await a.getByRole('button', { name: text('en', 'orgs.deleteNamed', { id: SEED.org2 }) }).click();
    await d
      .page()
      .getByRole('dialog')
      .getByRole('button', { name: msg('en', 'common.cancel') })
      .click();
    assert.equal((await t.admin({ url: `/api/platform/organizations/${SEED.org2}` })).status, 200);
  });

  it('the fleet page shows the topology and version statuses, adds a status, and starts a run from its plan (en)', async () => {
    const a = page('admin');
    await nav(a, 'en')
      .getByRole('link', { name: msg('en', 'nav.fleet') })
      .click();
    await a.getByRole('heading', { level: 1, name: msg('en', 'fleet.title') }).waitFor();

    // Topology: every pair with both nodes' versions and which one serves.
    const topology = a.getByTestId('fleet-topology');
    const fleet = (await t.admin({ url: '/api/platform/fleet' })).body.data as {
      pairs: Array<{ pair: string; active: string; primary: { name: string; version: string }; secondary: { name: string; version: string } }>;
    };
    for (const p of fleet.pairs) {
      const row = topology.locator(`tr[data-pair="${p.pair}"]`);
      await row.waitFor();
      for (const node of [p.primary, p.secondary]) {
        assert.equal(await row.locator(`[data-node="${node.name}"]`).getAttribute('data-version'), node.version, `${node.name}'s version`);
      }
      assert.match(await row.locator(`[data-node="${p.active}"]`).innerText(), new RegExp(msg('en', 'fleetPlan.serving')));
    }
    assert.equal(await topology.locator('[data-node="STAGING_P_001"]').getAttribute('data-version'), V2, 'the finished run upgraded STAGING');

    // Version statuses: QA_OK (a sign-off) and STAGING_OK (the finished run's), then one added here.
    const versions = a.getByTestId('fleet-versions');
    await versions.locator(`tr[data-version="${V2}"] [data-status="QA_OK"]`).waitFor();
    await versions.locator(`tr[data-version="${V2}"] [data-status="STAGING_OK"]`).waitFor();
    // The status catalogue: the declared statuses with their descriptions, and the phase statuses.
    const catalogue = versions.getByTestId('fleet-status-catalogue');
    const staging = catalogue.locator('tr[data-status-name="Staging_OK"]');
    await staging.waitFor();
    assert.equal(await staging.getAttribute('data-source'), 'declared');
    assert.match(await staging.innerText(), /signed off on staging/);
    assert.match(await staging.innerText(), new RegExp(msg('en', 'fleetPlan.catalogueDeclared')));
    assert.equal(await catalogue.locator('tr[data-status-name="PROD_Phase2_OK"]').getAttribute('data-source'), 'phase');
    assert.match(await catalogue.locator('tr[data-status-name="QA_OK"]').innerText(), /passed QA/);
    // An undefined status is refused with the closest defined one.
    await field(versions, 'en', 'fleet.version').fill(V3);
    await field(versions, 'en', 'fleetPlan.status').fill('Staging_0K');
    await versions.getByRole('button', { name: msg('en', 'fleetPlan.add'), exact: true }).click();
    await versions.getByText(/Staging_0K is not a defined status; did you mean Staging_OK\?/).waitFor();
    await field(versions, 'en', 'fleetPlan.status').fill('Staging_OK');
    await versions.getByRole('button', { name: msg('en', 'fleetPlan.add'), exact: true }).click();
    await versions.getByText(text('en', 'fleetPlan.statusesChanged', { version: V3, statuses: 'Staging_OK' })).waitFor();
    await versions.locator(`tr[data-version="${V3}"] [data-status="Staging_OK"]`).waitFor();
    const statuses = (await t.admin({ url: '/api/platform/fleet/versions' })).body.data as Array<{ version: string; statuses: Array<{ status: string }> }>;
    assert.deepEqual(
      statuses.find((v) => v.version === V3)?.statuses.map((s) => s.status),
      ['Staging_OK'],
    );

    // A plan whose gate is closed (V3 is not QA_OK): it says why, and the run cannot start.
    const start = a.getByTestId('fleet-start');
    await start.getByLabel(msg('en', 'fleet.environment')).selectOption('PROD');
    const version = field(start, 'en', 'fleet.version');
    await version.fill(V3);
    await start.getByRole('button', { name: msg('en', 'fleetPlan.showPlan') }).click();
    const plan = start.getByTestId('fleet-plan');
    await plan.locator('[data-gate="closed"]').waitFor();
    await plan.getByText(/QA_OK/).first().waitFor();
    assert.equal(await start.getByRole('button', { name: msg('en', 'fleetPlan.start') }).isDisabled(), true);

    // Editing the form puts the plan away; V2 passes the gate.
    await version.fill(V2);
    await plan.waitFor({ state: 'detached' });
    await start.getByRole('button', { name: msg('en', 'fleetPlan.showPlan') }).click();
    await plan.locator('[data-gate="open"]').waitFor();
    const expected = (await t.admin({ url: `/api/platform/fleet/plan?environment=PROD&version=${V2}` })).body.data as UpgradePlan;
    assert.equal(await plan.getByTestId('fleet-plan-summary').innerText(), text('en', 'fleetPlan.summary', { pairs: 2, complete: 2, blocked: 0, version: V2 }));
    for (const p of expected.pairs) {
      for (const phase of p.phases) {
        const cell = plan.getByTestId('fleet-plan-matrix').locator(`tr[data-pair="${p.pair}"] td[data-phase="${phase.phase}"] [data-outcome-plan]`);
        assert.equal(await cell.getAttribute('data-outcome-plan'), phase.outcome, `${p.pair} phase ${phase.phase}`);
      }
      const steps = plan.locator(`details[data-pair-steps="${p.pair}"]`);
      if (!(await steps.evaluate((el) => (el as HTMLDetailsElement).open))) await steps.locator('summary').click();
      const shown = await steps.locator('.plan__steps code').allInnerTexts();
      assert.deepEqual(
        shown,
        p.phases.flatMap((phase) => phase.steps),
        `every step of ${p.pair}, as the server plans it`,
      );
    }
    assert.ok(expected.pairs[0]!.phases[0]!.steps.some((s) => s.startsWith('upgrade PROD_S_001 → 2.0.0')));
    await shoot(a, 'admin-pages/fleet-plan-en');

    await start.getByRole('button', { name: msg('en', 'fleetPlan.start') }).click();
    await a.waitForURL(/\/system\/fleet\/runs\/run-/);
    startedRunId = decodeURIComponent(new URL(a.url()).pathname.split('/').pop()!);
    await a.getByTestId('fleet-matrix').waitFor();
    // Created as planned: PROD to V2 by the administrator, with the environment's concurrency, every
    // planned pair waiting at phase 1 (no orchestrator runs here).
    const view = (await t.admin({ url: `/api/platform/fleet/runs/${startedRunId}` })).body.data as FleetRunView;
    assert.equal(view.run.environment, 'PROD');
    assert.equal(view.run.version, V2);
    assert.equal(view.run.phase, 1);
    assert.equal(view.run.concurrency, expected.concurrency);
    assert.equal(view.run.createdBy, ADMIN.user);
    assert.deepEqual(
      view.pairs.map((p) => [p.pair, p.state, p.completedPhase]),
      expected.pairs.map((p) => [p.pair, 'waiting', 0]),
    );
  });

  it('a pair’s step log opens from a run’s matrix and shows every recorded step (en)', async () => {
    const a = page('admin');
    await a.goto(`${base}/system/fleet/runs/${finishedRunId}`);
    await a.getByTestId('fleet-matrix').waitFor();
    await a.getByRole('link', { name: text('en', 'fleetPlan.stepsLinkNamed', { pair: 'STAGING_001' }) }).click();
    await a.getByRole('heading', { level: 1, name: text('en', 'fleetPlan.stepsTitle', { pair: 'STAGING_001' }) }).waitFor();
    const recorded = (await t.admin({ url: `/api/platform/fleet/runs/${finishedRunId}/steps?pair=STAGING_001` })).body.data as FleetStep[];
    assert.ok(recorded.length >= 12, `${recorded.length} steps recorded`);
    const rows = a.getByTestId('fleet-steps').locator('tbody tr');
    await waitFor('every step is listed', async () => (await rows.count()) === recorded.length, onPage(5000));
    for (const [i, step] of recorded.entries()) {
      const row = rows.nth(i);
      assert.equal(await row.getAttribute('data-step'), String(step.id));
      assert.equal(await row.getAttribute('data-state'), step.state);
      assert.match(await row.innerText(), new RegExp(literal(step.node)));
    }
    await rows.first().getByText(msg('en', 'fleetPlan.action.health')).waitFor();
    await shoot(a, 'admin-pages/fleet-steps-en');
    // The run the console started has none yet.
    await a.goto(`${base}/system/fleet/runs/${startedRunId}/pairs/PROD_001`);
    await a.getByTestId('fleet-steps-empty').waitFor();
  });

  it('every new page in both languages: screenshots, no sideways scroll', async () => {
    const visits: ReadonlyArray<{ name: string; who: 'admin' | 'manager' | 'member'; path: string; ready: (p: Page, l: Language) => Promise<void> }> = [
      { name: 'users', who: 'manager', path: `/o/${SEED.org1}/users`, ready: (p) => p.getByTestId('users').waitFor() },
      { name: 'users-admin', who: 'admin', path: `/o/${SEED.org1}/users`, ready: (p) => p.getByTestId('users').waitFor() },
      { name: 'users-index', who: 'admin', path: '/users', ready: (p) => p.getByTestId('user-organizations').waitFor() },
      {
        name: 'user-form',
        who: 'manager',
        path: `/o/${SEED.org1}/users`,
        ready: async (p, l) => {
          await p.getByRole('button', { name: msg(l, 'users.create') }).click();
          await p.getByTestId('user-form').waitFor();
        },
      },
      { name: 'tokens', who: 'manager', path: '/tokens', ready: (p) => p.getByTestId('tokens').waitFor() },
      { name: 'managers-only', who: 'member', path: `/o/${SEED.org1}/users`, ready: (p) => p.getByTestId('managers-only').waitFor() },
      { name: 'log-levels', who: 'admin', path: '/system/log-levels', ready: (p) => p.getByTestId('log-levels').waitFor() },
      {
        name: 'fleet',
        who: 'admin',
        path: '/system/fleet',
        ready: async (p, l) => {
          const start = p.getByTestId('fleet-start');
          await start.getByLabel(msg(l, 'fleet.environment')).selectOption('PROD');
          await field(start, l, 'fleet.version').fill(V2);
          await start.getByRole('button', { name: msg(l, 'fleetPlan.showPlan') }).click();
          await p.getByTestId('fleet-plan').waitFor();
          await p.getByTestId('fleet-topology').locator('tr[data-pair]').first().waitFor();
        },
      },
      {
        name: 'fleet-steps',
        who: 'admin',
        path: `/system/fleet/runs/${finishedRunId}/pairs/STAGING_001`,
        ready: (p) => p.getByTestId('fleet-steps').waitFor(),
      },
      {
        name: 'organization-delete',
        who: 'admin',
        path: '/organizations',
        ready: async (p, l) => {
          await p.getByRole('button', { name: text(l, 'orgs.deleteNamed', { id: SEED.org2 }) }).click();
          await p.getByTestId('org-delete-contents').getByText(new RegExp('manager2')).waitFor();
        },
      },
    ];
    const problems: string[] = [];
    for (const language of ['ja', 'en'] as const) {
      for (const visit of visits) {
        const p = page(visit.who);
        await rememberLanguage(p, language);
        await p.goto(`${base}${visit.path}`);
        await p.locator('h1').waitFor();
        assert.equal(await p.locator('html').getAttribute('lang'), language);
        await visit.ready(p, language);
        await p.evaluate(() => document.fonts.ready);
        const sideways = await sidewaysScroll(p);
        if (sideways > 0) problems.push(`${visit.name} (${language}): the page scrolls ${sideways}px sideways`);
        await shoot(p, `admin-pages/${visit.name}-${language}`, { fullPage: visit.name !== 'organization-delete' });
      }
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(c.pageErrors, [], 'no page threw');
  });
});
