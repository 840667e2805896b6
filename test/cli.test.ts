/**
 * The `drydock` CLI as an operator uses it (issue 4), against a real `drydock serve --workers` on
 * both backends:
 * - every command has `--help` with an example (the command tree is read from the CLI's own help);
 * - `--json` output parses, for every command that talks to the API;
 * - an Exastro-style auth file (CONF_BASE_URL / CONF_USER / CONF_PASSWORD, or CONF_TOKEN) works
 *   from --auth-file, DRYDOCK_AUTH_FILE and ~/.drydock/api-auth.conf;
 * - `execute-check --watch --json` prints one line per change while a job runs;
 * - every command the README shows (its ```sh blocks and its CLI section) is run by some test:
 *   COVERAGE below maps each to where; those run here are checked against the argv this file
 *   actually ran, the others against the argv written in that test file.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registerAnsibleMovement, startAnsible, waitForStatus } from './support/ansible-jobs.js';
import { ADMIN, SEED, seedTenants } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { cliCalls, describeRun, runCli, spawnCli, type CliResult } from './support/cli.js';
import { gatedPlaybook, readSetting, startStack, startWorker, type Stack } from './support/runbook.js';
import { waitFor } from './support/wait-for.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/**
 * Where each command the README shows is run. `test/cli.test.ts` entries are checked against the
 * argv this file ran (`ran`); entries of other files against that file's source (the command's
 * words as an argv list literal, e.g. `'upgrade', 'local'`).
 */
const COVERAGE: Record<string, { file: string; test: string }> = {
  '--help': { file: 'test/cli.test.ts', test: 'every command has --help with an example' },
  serve: { file: 'test/cli.test.ts', test: 'serve --workers runs the API and the jobs (describe before)' },
  worker: { file: 'test/cli.test.ts', test: 'worker starts, claims, and exits 0 on SIGTERM' },
  migrate: { file: 'test/support/upgrade.ts', test: 'installPrevious: migrate --to N --json' },
  restart: { file: 'test/upgrade-handover.test.ts', test: 'drydock restart under load … / restart with --workers …' },
  'maintenance status': { file: 'test/cli.test.ts', test: 'maintenance status / set / audit, human and --json' },
  'maintenance set': { file: 'test/cli.test.ts', test: 'maintenance status / set / audit, human and --json' },
  audit: { file: 'test/cli.test.ts', test: 'maintenance status / set / audit, human and --json' },
  'execute-check': { file: 'test/cli.test.ts', test: 'execute-check --watch --json prints a line per change' },
  drain: { file: 'test/cli.test.ts', test: 'drain and resume, human and --json' },
  resume: { file: 'test/cli.test.ts', test: 'drain and resume, human and --json' },
  backup: { file: 'test/runbook-backup.test.ts', test: 'after drain --read-only, backup then restore … table by table' },
  restore: { file: 'test/runbook-backup.test.ts', test: 'after drain --read-only, backup then restore … table by table' },
  'kube upgrade': { file: 'test/kube-upgrade.test.ts', test: 'an upgrade under load … / SIGKILLed at random steps … / --rollback' },
  'kube status': { file: 'test/kube-upgrade.test.ts', test: 'a new image that never becomes ready … (kube status)' },
  'upgrade local': {
    file: 'test/upgrade-handover.test.ts',
    test: 'drydock upgrade local from schema N … (and test/runbook-upgrade.test.ts: --mode stop-start)',
  },
  'org list': { file: 'test/cli.test.ts', test: 'org and workspace list / create / delete' },
  'org create': { file: 'test/cli.test.ts', test: 'org and workspace list / create / delete' },
  'org delete': { file: 'test/cli.test.ts', test: 'org and workspace list / create / delete' },
  'workspace list': { file: 'test/cli.test.ts', test: 'org and workspace list / create / delete' },
  'workspace create': { file: 'test/cli.test.ts', test: 'org and workspace list / create / delete' },
  'workspace delete': { file: 'test/cli.test.ts', test: 'org and workspace list / create / delete' },
  'fleet validate': { file: 'test/fleet-cli.test.ts', test: 'validate, apply, versions and plan' },
  'fleet apply': { file: 'test/fleet-cli.test.ts', test: 'validate, apply, versions and plan' },
  'fleet versions': { file: 'test/fleet-cli.test.ts', test: 'validate, apply, versions and plan' },
  'fleet statuses': { file: 'test/fleet-cli.test.ts', test: 'validate, apply, versions and plan' },
  'fleet plan': { file: 'test/fleet-cli.test.ts', test: 'validate, apply, versions and plan' },
  'fleet run': { file: 'test/fleet-cli.test.ts', test: 'run follows the matrix to the end …' },
  'fleet status': { file: 'test/fleet-cli.test.ts', test: 'run follows the matrix to the end … / pause and resume' },
  'fleet retry': { file: 'test/fleet-cli.test.ts', test: 'run follows the matrix to the end …' },
  'fleet pause': { file: 'test/fleet-cli.test.ts', test: 'pause and resume a detached run' },
  'fleet resume': { file: 'test/fleet-cli.test.ts', test: 'pause and resume a detached run' },
  'fleet orchestrator': { file: 'test/fleet-cli.test.ts', test: 'run follows the matrix to the end …' },
  'fleet agent': { file: 'test/fleet-agents.test.ts', test: '16 agents register 8 pairs … / refusals that announcing again cannot fix …' },
};

/** Every argv this file ran against the real binary: the CLI runs, plus the serve/worker processes. */
const ran = (): string[][] => [...cliCalls, ...processCalls];
const processCalls: string[][] = [];

/** Runs `fn` over `items` with at most `n` at a time (CLI starts are slow on a loaded machine). */
async function pool<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** The command names a help text lists under "Commands:" (not `help`). */
function subcommands(help: string): string[] {
  const section = /\nCommands:\n([\s\S]*?)(?:\n\n|$)/.exec(help)?.[1] ?? '';
  return section
    .split('\n')
    .filter((l) => /^ {2}\S/.test(l))
    .map((l) => l.trim().split(/\s+/)[0]!)
    .filter((name) => name !== 'help');
}

/** The CLI's command tree, read from its own --help: command name ('' for drydock itself) → help text. */
async function commandTree(): Promise<Map<string, string>> {
  const tree = new Map<string, string>();
  const top = await runCli(['--help']);
  assert.equal(top.code, 0, describeRun(top));
  tree.set('', top.stdout);
  const topNames = subcommands(top.stdout);
  const helps = await pool(topNames, 4, (name) => runCli([name, '--help']));
  const nested: string[] = [];
  topNames.forEach((name, i) => {
    assert.equal(helps[i]!.code, 0, describeRun(helps[i]!));
    tree.set(name, helps[i]!.stdout);
    for (const sub of subcommands(helps[i]!.stdout)) nested.push(`${name} ${sub}`);
  });
  const nestedHelps = await pool(nested, 4, (name) => runCli([...name.split(' '), '--help']));
  nested.forEach((name, i) => {
    assert.equal(nestedHelps[i]!.code, 0, describeRun(nestedHelps[i]!));
    tree.set(name, nestedHelps[i]!.stdout);
  });
  return tree;
}

/**
 * Every drydock command line the README shows: the lines of its ```sh blocks (environment
 * assignments and `npx` stripped, `\` continuations joined) and the `drydock …` spans of its CLI
 * section, as word lists after "drydock".
 */
function readmeCommandLines(): string[][] {
  const lines: string[] = [];
  for (const block of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block[1]!.replace(/\\\n\s*/g, ' ').split('\n')) lines.push(raw.trim());
  }
  const start = README.indexOf('\n## CLI');
  assert.ok(start >= 0, 'the README has a CLI section');
  const end = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, end < 0 ? undefined : end);
  for (const span of section.matchAll(/`((?:npx )?drydock(?: [^`]*)?)`/g)) lines.push(span[1]!.replaceAll('\\|', '|'));
  return lines
    .map((l) => l.replace(/^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+/, '').replace(/^npx\s+/, ''))
    .filter((l) => l === 'drydock' || l.startsWith('drydock '))
    .map((l) => l.split(/\s+/).slice(1));
}

/** The command a README line runs (e.g. `maintenance set`), alternatives (`list|create|delete`) expanded. */
function commandNames(words: string[], tree: Map<string, string>): string[] {
  const [first = '', second = ''] = words;
  if (first === '' || first.startsWith('-')) return [''];
  const nested = second.split('|').map((alt) => `${first} ${alt}`);
  if (nested.every((n) => tree.has(n))) return nested;
  return [first];
}

/** Parses a CLI run's stdout as JSON, failing with everything it printed otherwise. */
function json<T = unknown>(r: CliResult): T {
  assert.equal(r.code, 0, describeRun(r));
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    assert.fail(`--json output is not JSON: ${describeRun(r)}`);
  }
}

// The backends run side by side: most of each one's time is waiting for processes.
describe('the CLI: help, README and every backend', { concurrency: true }, () => {
  describe('drydock CLI: help and README', () => {
    let tree: Map<string, string>;
    before(async () => {
      tree = await commandTree();
    });

    it('every command has --help with an example', () => {
      assert.ok(tree.size > 15, `the whole tree was read: ${[...tree.keys()].join(', ')}`);
      for (const [name, help] of tree) {
        assert.match(help, /Example/, `drydock ${name} --help shows an example`);
        assert.match(help, new RegExp(`^Usage: drydock${name ? ` ${name}` : ''}`), `drydock ${name} --help`);
      }
    });

    it('every command the README shows exists and is mapped to a test that runs it', () => {
      const shown = new Set(readmeCommandLines().flatMap((words) => commandNames(words, tree)));
      for (const must of ['drain', 'backup', 'restore', 'upgrade local', 'resume']) assert.ok(shown.has(must), `the README shows ${must}`);
      for (const name of shown) {
        assert.ok(tree.has(name), `the README shows "drydock ${name}", which the CLI does not have`);
        assert.ok(COVERAGE[name || '--help'], `README command "drydock ${name || '--help'}" is mapped to the test that runs it`);
      }
      // The mapping is true for the other files (this file's entries are checked once it ran them).
      for (const [name, where] of Object.entries(COVERAGE)) {
        if (where.file === 'test/cli.test.ts') continue;
        const source = readFileSync(path.join(ROOT, where.file), 'utf8');
        const argv = name
          .split(' ')
          .map((w) => `'${w}'`)
          .join(', ');
        assert.ok(source.includes(`[${argv}`), `${where.file} runs drydock ${name} (argv [${argv}, …])`);
      }
    });
  });

  for (const backend of BACKENDS) {
    describe(`drydock CLI against serve --workers (${backend})`, { concurrency: 1 }, () => {
      let s: Stack;
      let env: Record<string, string>;
      let dir: string;
      before(async () => {
        s = await startStack(backend, { serveArgs: ['--workers'] });
        processCalls.push(['serve', '--workers']);
        env = s.cliEnv();
        dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-cli-test-'));
        await seedTenants(s.serve);
      });
      after(async () => {
        if (dir) writeFileSync(path.join(dir, 'release-watched'), '');
        await s?.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
      });

      it('maintenance status / set / audit, human and --json', async () => {
        const human = await runCli(['maintenance', 'status'], env);
        assert.equal(human.code, 0, describeRun(human));
        assert.match(human.stdout, /server-side jobs\s+running \(backyard_execute_stop=0\)/);
        assert.match(human.stdout, /data\s+writable \(data_update_stop=0\)/);

        const set = json<{ backyard_execute_stop: string; message: string; announced_end: string }>(
          await runCli(['maintenance', 'set', '--jobs', 'on', '--message', 'Backup at 02:00 UTC', '--until', '2030-01-01T02:30:00Z', '--json'], env),
        );
        assert.equal(set.backyard_execute_stop, '1');
        assert.equal(set.message, 'Backup at 02:00 UTC');
        assert.match(set.announced_end, /^2030-01-01T02:30:00/);
        const status = json<{ backyard_execute_stop: string; message: string }>(await runCli(['maintenance', 'status', '--json'], env));
        assert.deepEqual([status.backyard_execute_stop, status.message], ['1', 'Backup at 02:00 UTC']);

        const cleared = await runCli(['maintenance', 'set', '--jobs', 'off', '--clear-message', '--until', 'none'], env);
        assert.equal(cleared.code, 0, describeRun(cleared));
        assert.match(cleared.stdout, /message\s+-/);
        const setting = await readSetting(s.serve);
        assert.deepEqual([setting.backyard_execute_stop, setting.message], ['0', null]);

        const nothing = await runCli(['maintenance', 'set'], env);
        assert.equal(nothing.code, 2, describeRun(nothing));

        const audit = json<Array<{ changed_by: string; before: Record<string, unknown>; after: Record<string, unknown> }>>(
          await runCli(['audit', '--limit', '2', '--json'], env),
        );
        assert.equal(audit.length, 2);
        assert.deepEqual(
          audit.map((e) => [e.changed_by, e.before.backyard_execute_stop, e.after.backyard_execute_stop]),
          [
            [ADMIN.user, true, false],
            [ADMIN.user, false, true],
          ],
          'newest first',
        );
        const auditHuman = await runCli(['audit', '--limit', '2'], env);
        assert.equal(auditHuman.code, 0, describeRun(auditHuman));
        assert.match(auditHuman.stdout, /when\s+who\s+jobs stopped\s+read-only\s+message/);
        assert.match(auditHuman.stdout, /on → off/);

        // A banner per language; Exastro's single message follows the Japanese one.
        const languages = json<{ message: string; message_ja: string; message_en: string }>(
          await runCli(['maintenance', 'set', '--message-ja', 'バックアップ中です', '--message-en', 'Backup in progress', '--json'], env),
        );
        assert.deepEqual([languages.message_ja, languages.message_en, languages.message], ['バックアップ中です', 'Backup in progress', 'バックアップ中です']);
        const perLanguage = await runCli(['maintenance', 'status'], env);
        assert.match(perLanguage.stdout, /message \(en\)\s+Backup in progress/);
        const both = await runCli(['maintenance', 'set', '--message', 'one', '--message-en', 'other'], env);
        assert.equal(both.code, 2, describeRun(both));
        assert.match(both.stderr, /Give one of --message, --message-ja\/--message-en: they set the same banner/);
      });

      it('org and workspace list / create / delete, human and --json', async () => {
        const created = json<{ id: string }>(
          await runCli(['org', 'create', 'org7', '--name', 'Org 7', '--manager', 'manager7', '--manager-password', 'manager7-password', '--json'], env),
        );
        assert.equal(created.id, 'org7');
        const orgs = json<Array<{ id: string }>>(await runCli(['org', 'list', '--json'], env));
        assert.deepEqual(orgs.map((o) => o.id).sort(), [SEED.org1, SEED.org2, 'org7']);
        const orgsHuman = await runCli(['org', 'list'], env);
        assert.match(orgsHuman.stdout, /^id\s+name\s+last update$/m);
        assert.match(orgsHuman.stdout, /^org7\s+Org 7/m);

        // The organization's manager, as `org/user`, creates a workspace.
        const managerEnv = { ...env, DRYDOCK_USER: 'org7/manager7', DRYDOCK_PASSWORD: 'manager7-password' };
        const ws = json<{ id: string }>(await runCli(['workspace', 'create', 'org7', 'ws71', '--name', 'WS 71', '--json'], managerEnv));
        assert.equal(ws.id, 'ws71');
        assert.deepEqual(
          json<Array<{ id: string }>>(await runCli(['workspace', 'list', 'org7', '--json'], env)).map((w) => w.id),
          ['ws71'],
        );
        const deletedWs = json<{ deleted: string }>(await runCli(['workspace', 'delete', 'org7', 'ws71', '--json'], env));
        assert.equal(deletedWs.deleted, 'org7/ws71');
        const emptyList = await runCli(['workspace', 'list', 'org7'], env);
        assert.equal(emptyList.code, 0, describeRun(emptyList));
        assert.doesNotMatch(emptyList.stdout, /ws71/);
        const deleted = await runCli(['org', 'delete', 'org7'], env);
        assert.equal(deleted.code, 0, describeRun(deleted));
        assert.match(deleted.stdout, /deleted organization org7/);
        const missing = await runCli(['org', 'delete', 'org7'], env);
        assert.equal(missing.code, 1, `the API refused: ${describeRun(missing)}`);
        assert.match(missing.stderr, /HTTP 404/);
      });

      it('an Exastro-style auth file works: --auth-file, DRYDOCK_AUTH_FILE and ~/.drydock/api-auth.conf; CONF_TOKEN too', async () => {
        const file = path.join(dir, 'api-auth.conf');
        writeFileSync(file, [`# drydock`, `CONF_BASE_URL=${s.serve.url}`, `CONF_USER=${ADMIN.user}`, `CONF_PASSWORD="${ADMIN.password}"`, ''].join('\n'));
        const viaFlag = json<{ data_update_stop: string }>(await runCli(['maintenance', 'status', '--json', '--auth-file', file]));
        assert.equal(viaFlag.data_update_stop, '0');
        assert.equal(json<{ execute_count: number }>(await runCli(['execute-check', '--json'], { DRYDOCK_AUTH_FILE: file })).execute_count, 0);
        const home = path.join(dir, 'home');
        mkdirSync(path.join(home, '.drydock'), { recursive: true });
        writeFileSync(path.join(home, '.drydock', 'api-auth.conf'), readFileSync(file));
        assert.ok(Array.isArray(json(await runCli(['org', 'list', '--json'], { HOME: home }))));

        // The file's password is wrong: the environment wins over the file, flags over the environment.
        const wrong = path.join(dir, 'wrong.conf');
        writeFileSync(wrong, `CONF_BASE_URL=${s.serve.url}\nCONF_USER=${ADMIN.user}\nCONF_PASSWORD=wrong-password\n`);
        const refused = await runCli(['maintenance', 'status', '--auth-file', wrong]);
        assert.equal(refused.code, 1, describeRun(refused));
        assert.match(refused.stderr, /HTTP 401/);
        assert.equal((await runCli(['maintenance', 'status', '--auth-file', wrong], { DRYDOCK_PASSWORD: ADMIN.password })).code, 0);
        assert.equal((await runCli(['maintenance', 'status', '--auth-file', wrong, '--password', ADMIN.password])).code, 0);

        const issued = await s.serve.admin({ method: 'POST', url: '/api/auth/tokens', body: { name: 'cli-test' } });
        assert.equal(issued.status, 200, issued.text);
        const tokenFile = path.join(dir, 'token.conf');
        writeFileSync(tokenFile, `CONF_BASE_URL=${s.serve.url}\nCONF_TOKEN=${issued.body.data.token}\n`);
        assert.equal(
          json<{ backyard_execute_stop: string }>(await runCli(['maintenance', 'status', '--json', '--auth-file', tokenFile])).backyard_execute_stop,
          '0',
        );

        const missing = await runCli(['maintenance', 'status', '--auth-file', path.join(dir, 'no-such.conf')]);
        assert.equal(missing.code, 2, describeRun(missing));
        assert.match(missing.stderr, /Cannot read the auth file/);
      });

      it('execute-check --watch --json prints a line per change; execute-check shows the table', async () => {
        const releaseFile = path.join(dir, 'release-watched');
        const movement = await registerAnsibleMovement(s.serve, 'watched', gatedPlaybook(releaseFile, 1));
        const watch = spawnCli(['execute-check', '--watch', '--json'], env);
        const lines = () =>
          watch
            .stdout()
            .split('\n')
            .filter((l) => l.trim() !== '');
        await waitFor('the first check is printed', () => lines().length >= 1, { timeoutMs: 60_000, retryErrors: true });
        const id = await startAnsible(s.serve, movement);
        await waitFor(
          'the watch shows the job running',
          () => lines().some((l) => (JSON.parse(l) as { execute_count: number }).execute_count === 1 && l.includes(id)),
          { timeoutMs: 90_000, retryErrors: true },
        );
        await waitForStatus(s.serve, id, ['3'], 90_000);
        const table = await runCli(['execute-check'], env);
        assert.equal(table.code, 0, describeRun(table));
        assert.match(table.stdout, /^in flight: 1$/m);
        assert.match(table.stdout, new RegExp(`${SEED.org1}\\s+${SEED.ws1}\\s+ita-by-ansible-execute\\s+${id}\\s+3 Executing`));
        writeFileSync(releaseFile, '');
        await waitForStatus(s.serve, id, ['5'], 90_000);
        await waitFor('the watch shows nothing in flight again', () => (JSON.parse(lines().at(-1)!) as { execute_count: number }).execute_count === 0, {
          timeoutMs: 30_000,
          retryErrors: true,
        });
        watch.child.kill('SIGINT');
        const result = await watch.result;
        assert.equal(result.code, 0, describeRun(result));

        const checks = lines().map((l) => JSON.parse(l) as { execute_count: number; organizations: unknown[] });
        const counts = checks.map((c) => c.execute_count);
        assert.equal(counts[0], 0, 'first the state when it started');
        assert.ok(counts.includes(1), `then the job: ${counts.join(' ')}`);
        assert.equal(counts.at(-1), 0, 'then nothing in flight');
        for (let i = 1; i < checks.length; i++) assert.notDeepEqual(checks[i], checks[i - 1], 'each line is a change');
        for (const c of checks) assert.equal(c.organizations.length, 2, 'every organization is listed');
      });

      it('drain and resume, human and --json', async () => {
        const drained = await runCli(['drain', '--read-only', '--timeout', '1m'], env);
        assert.equal(drained.code, 0, describeRun(drained));
        assert.match(drained.stdout, /Success\s+stop server-side jobs/);
        assert.match(drained.stdout, /Success\s+read-only mode \(data_update_stop on\)/);
        const again = json<{ ok: boolean; steps: Array<{ status: string }> }>(await runCli(['drain', '--read-only', '--json'], env));
        assert.equal(again.ok, true);
        assert.deepEqual(
          again.steps.map((st) => st.status),
          ['AlreadyDone', 'Success', 'AlreadyDone'],
        );
        const resumed = await runCli(['resume'], env);
        assert.equal(resumed.code, 0, describeRun(resumed));
        assert.match(resumed.stdout, /Success\s+read-only mode off/);
        assert.match(resumed.stdout, /Success\s+server-side jobs on/);
        const nothing = json<{ steps: Array<{ status: string }>; kept: string[] }>(await runCli(['resume', '--json'], env));
        assert.deepEqual(
          nothing.steps.map((st) => st.status),
          ['AlreadyDone', 'AlreadyDone'],
        );
        assert.deepEqual(nothing.kept, []);
      });

      it('worker starts, claims, and exits 0 on SIGTERM', async () => {
        const args = ['--backyard', 'ita-by-menu-create', '--concurrency', '1'];
        const w = await startWorker({ ...s.processEnv }, args);
        processCalls.push(['worker', ...args]);
        w.signal('SIGTERM');
        const exited = await w.exited;
        assert.equal(exited.code, 0, w.output());
      });
    });
  }
});

describe('drydock CLI: README coverage', () => {
  it('every README command mapped to this file was run by it', () => {
    for (const [name, where] of Object.entries(COVERAGE)) {
      if (where.file !== 'test/cli.test.ts') continue;
      const words = name === '--help' ? ['--help'] : name.split(' ');
      assert.ok(
        ran().some((argv) => words.every((w, i) => argv[i] === w)),
        `drydock ${name} was run (${where.test})`,
      );
    }
  });
});
