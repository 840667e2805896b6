/**
 * The fleet's `command` driver, run as a fleet file configures it: real shell commands that write
 * what they received to files, read back here. Covered: substituted values arrive as single literal
 * arguments however hostile, the switch sees the target node's variables, failures and their
 * output, health and its `version=` line, timeouts and aborts killing the whole process group (no
 * process survives, including one that ignores SIGTERM), unknown template variables, cwd/env/shell
 * settings, the output bound, and the config schema's messages.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { commandDriverConfigSchema, createCommandDriver, shellQuote, type CommandDriverConfig } from '../src/fleet/drivers/command-driver.js';
import { createDriver, driverConfigSchema } from '../src/fleet/drivers/driver-config.js';
import type { ActionContext, NodeDriver, NodeTarget, PairTarget } from '../src/fleet/drivers/node-driver.js';
import { waitFor } from './support/wait-for.js';

const logger = pino({ level: process.env.DRYDOCK_TEST_LOG ?? 'silent' });

function node(name: string, role: 'P' | 'S', properties: Record<string, string> = {}): NodeTarget {
  return { name, role, environment: 'PROD', envId: '001', pairId: 'PROD_001', properties };
}

const HOSTILE = `a b; touch pwned`;
const QUOTES = `it's "quoted" $HOME \`id\` *`;
const primary = node('PROD_P_001', 'P', { port: '8081', evil: HOSTILE, quotes: QUOTES });
const secondary = node('PROD_S_001', 'S', { port: '8082', evil: HOSTILE, quotes: QUOTES });
const pair: PairTarget = { id: 'PROD_001', environment: 'PROD', envId: '001', primary, secondary, properties: { lb: 'lb-1' } };

function ctx(overrides: Partial<ActionContext> = {}): ActionContext {
  return { signal: new AbortController().signal, timeoutMs: 60_000, logger, ...overrides };
}

/** Whether `pid` is a live process (a zombie waiting for its parent to reap it counts as dead). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name, is the state.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  return text === '' ? undefined : Number(text);
}

describe('fleet command driver (real shell commands)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-command-driver-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A fresh work directory per test, and a driver whose commands run there. */
  function setup(name: string, config: Partial<Omit<CommandDriverConfig, 'type'>> = {}): { work: string; driver: NodeDriver } {
    const work = path.join(dir, name);
    mkdirSync(work);
    const parsed = commandDriverConfigSchema.parse({ type: 'command', upgrade: 'true', switch: 'true', health: 'true', ...config });
    return { work, driver: createCommandDriver(parsed, { baseDir: work }) };
  }

  it('upgrade receives node and version as single literal arguments, even hostile ones', async () => {
    const { work, driver } = setup('upgrade-args', { upgrade: `printf '%s\\n' {node} {version} {role} {pair} {port} {evil} {quotes} > args.txt` });
    const outcome = await driver.upgrade(primary, '2.0 && touch pwned2', ctx());
    assert.equal(outcome.ok, true, outcome.output);
    const lines = readFileSync(path.join(work, 'args.txt'), 'utf8').split('\n');
    assert.deepEqual(lines, ['PROD_P_001', '2.0 && touch pwned2', 'P', 'PROD_001', '8081', HOSTILE, QUOTES, '']);
    assert.equal(existsSync(path.join(work, 'pwned')), false, 'a value was run as a command');
    assert.equal(existsSync(path.join(work, 'pwned2')), false, 'the version was run as a command');
  });

  it('switch sees {to} and the variables of the node that becomes active, plus the pair', async () => {
    const { work, driver } = setup('switch-args', { switch: `printf '%s\\n' {to} {node} {role} {port} {pair} {primary} {secondary} {lb} > switch.txt` });
    const outcome = await driver.switchActive(pair, secondary, ctx());
    assert.equal(outcome.ok, true, outcome.output);
    assert.deepEqual(readFileSync(path.join(work, 'switch.txt'), 'utf8').split('\n'), [
      'PROD_S_001',
      'PROD_S_001',
      'S',
      '8082',
      'PROD_001',
      'PROD_P_001',
      'PROD_S_001',
      'lb-1',
      '',
    ]);
  });

  it('a successful command reports its stdout and stderr', async () => {
    const { driver } = setup('success', { upgrade: 'echo installing {version}; echo careful >&2' });
    const outcome = await driver.upgrade(primary, '3.1.4', ctx());
    assert.equal(outcome.ok, true);
    assert.match(outcome.output, /installing 3\.1\.4/);
    assert.match(outcome.output, /careful/);
  });

  it('a failing command gives ok:false with its output and exit code', async () => {
    const { driver } = setup('failure', { upgrade: 'echo "disk full on {node}" >&2; exit 3' });
    const outcome = await driver.upgrade(primary, '1.0.0', ctx());
    assert.equal(outcome.ok, false);
    assert.match(outcome.output, /disk full on PROD_P_001/);
    assert.match(outcome.output, /exit code 3/);
  });

  it('health: exit 0 is healthy and a version=X line on stdout reports the version', async () => {
    const { driver } = setup('health', { health: 'echo "checking {node}"; echo version=2.4.1-rc.1; echo done' });
    const outcome = await driver.health(primary, ctx());
    assert.equal(outcome.ok, true, outcome.output);
    assert.equal(outcome.version, '2.4.1-rc.1');
  });

  it('health without a version line reports no version; a failing health check is unhealthy', async () => {
    const healthy = setup('health-noversion', { health: 'echo fine' }).driver;
    const h = await healthy.health(primary, ctx());
    assert.equal(h.ok, true);
    assert.equal(h.version, undefined);
    const failing = setup('health-failing', { health: 'echo "version=1.0.0"; echo "connection refused" >&2; exit 1' }).driver;
    const f = await failing.health(primary, ctx());
    assert.equal(f.ok, false);
    assert.match(f.output, /connection refused/);
    // A version=X on stderr is not a report: only stdout counts.
    const stderrOnly = setup('health-stderr', { health: 'echo version=9.9.9 >&2' }).driver;
    assert.equal((await stderrOnly.health(primary, ctx())).version, undefined);
  });

  it('a timeout kills the whole process group: neither the shell nor its background child survives', async () => {
    const { work, driver } = setup('timeout', { timeoutSeconds: 1, upgrade: 'echo $$ > shell.pid; sleep 300 & echo $! > child.pid; wait' });
    const outcome = await driver.upgrade(primary, '1.0.0', ctx());
    assert.equal(outcome.ok, false);
    assert.match(outcome.output, /timed out after 1 s/);
    const shellPid = readPid(path.join(work, 'shell.pid'));
    const childPid = readPid(path.join(work, 'child.pid'));
    assert.ok(shellPid && childPid, 'the command did not start');
    await waitFor('the process group is gone', () => !isAlive(shellPid) && !isAlive(childPid), { timeoutMs: 10_000 });
  });

  it("the orchestrator's ctx.timeoutMs limits a command when it is shorter than timeoutSeconds", async () => {
    const { driver } = setup('ctx-timeout', { timeoutSeconds: 600, upgrade: 'sleep 300' });
    const outcome = await driver.upgrade(primary, '1.0.0', ctx({ timeoutMs: 500 }));
    assert.equal(outcome.ok, false);
    assert.match(outcome.output, /timed out after 0\.5 s/);
  });

  it('a command that ignores SIGTERM is killed with SIGKILL a few seconds later', async () => {
    const { work, driver } = setup('ignore-term', { timeoutSeconds: 1, upgrade: `trap '' TERM; sleep 300 & echo $! > child.pid; wait` });
    const outcome = await driver.upgrade(primary, '1.0.0', ctx());
    assert.equal(outcome.ok, false);
    assert.match(outcome.output, /timed out after 1 s/);
    const childPid = readPid(path.join(work, 'child.pid'));
    assert.ok(childPid, 'the command did not start');
    await waitFor('the SIGTERM-ignoring child is gone', () => !isAlive(childPid), { timeoutMs: 10_000 });
  });

  it('aborting ctx.signal kills the running command and reports aborted', async () => {
    const { work, driver } = setup('abort', { upgrade: 'sleep 300 & echo $! > child.pid; wait' });
    const controller = new AbortController();
    const running = driver.upgrade(primary, '1.0.0', ctx({ signal: controller.signal }));
    const childPid = await waitFor('the command has started', () => readPid(path.join(work, 'child.pid')), { timeoutMs: 10_000 });
    controller.abort('emergency-stop');
    const outcome = await running;
    assert.equal(outcome.ok, false);
    assert.match(outcome.output, /aborted \(emergency-stop\)/);
    await waitFor('the child is gone', () => !isAlive(childPid), { timeoutMs: 10_000 });
  });

  it('an already aborted signal runs nothing', async () => {
    const { work, driver } = setup('pre-aborted', { upgrade: 'touch ran' });
    const outcome = await driver.upgrade(primary, '1.0.0', ctx({ signal: AbortSignal.abort('shutdown') }));
    assert.equal(outcome.ok, false);
    assert.match(outcome.output, /aborted/);
    assert.equal(existsSync(path.join(work, 'ran')), false);
  });

  it('an unknown template variable is a clear error and nothing runs', async () => {
    const { work, driver } = setup('unknown-variable', { upgrade: 'touch ran; deploy {nodee} {version}' });
    const outcome = await driver.upgrade(primary, '1.0.0', ctx());
    assert.equal(outcome.ok, false);
    assert.match(outcome.output, /upgrade command template: unknown template variable \{nodee\}/);
    assert.match(outcome.output, /known: .*node/);
    assert.equal(existsSync(path.join(work, 'ran')), false);
  });

  it('runs in cwd (relative to the base directory) with the configured env and shell; {{ }} are literal braces', async () => {
    const { work, driver } = setup('cwd-env', {
      cwd: 'sub',
      env: { GREETING: 'hello from env' },
      shell: '/bin/bash',
      upgrade: 'pwd > where.txt; printf %s "$GREETING" > env.txt; printf %s "$BASH_VERSION" > shell.txt; f() {{ echo braces; }}; f > braces.txt',
    });
    mkdirSync(path.join(work, 'sub'));
    const outcome = await driver.upgrade(primary, '1.0.0', ctx());
    assert.equal(outcome.ok, true, outcome.output);
    const sub = path.join(work, 'sub');
    assert.equal(readFileSync(path.join(sub, 'where.txt'), 'utf8').trim(), sub);
    assert.equal(readFileSync(path.join(sub, 'env.txt'), 'utf8'), 'hello from env');
    assert.notEqual(readFileSync(path.join(sub, 'shell.txt'), 'utf8'), '', 'not run by bash');
    assert.equal(readFileSync(path.join(sub, 'braces.txt'), 'utf8'), 'braces\n');
  });

  it('a missing cwd or shell is ok:false naming the setting to check', async () => {
    const noCwd = setup('missing-cwd', { cwd: 'does-not-exist', upgrade: 'true' }).driver;
    const a = await noCwd.upgrade(primary, '1.0.0', ctx());
    assert.equal(a.ok, false);
    assert.match(a.output, /does-not-exist.*driver\.cwd/);
    const noShell = setup('missing-shell', { shell: '/nonexistent/sh', upgrade: 'true' }).driver;
    const b = await noShell.upgrade(primary, '1.0.0', ctx());
    assert.equal(b.ok, false);
    assert.match(b.output, /could not start the shell \/nonexistent\/sh.*driver\.shell/);
  });

  it('keeps only the tail of a large output', async () => {
    const { driver } = setup('big-output', {
      upgrade: `i=0; while [ $i -lt 4000 ]; do echo "line $i padding padding padding padding"; i=$((i+1)); done; echo LAST-LINE`,
    });
    const outcome = await driver.upgrade(primary, '1.0.0', ctx());
    assert.equal(outcome.ok, true);
    assert.ok(outcome.output.length < 70 * 1024, `output is ${outcome.output.length} characters`);
    assert.match(outcome.output, /earlier output dropped/);
    assert.match(outcome.output, /LAST-LINE\n$/);
    assert.doesNotMatch(outcome.output, /line 0 padding/);
  });

  it('shellQuote leaves plain words bare and quotes everything else', () => {
    assert.equal(shellQuote('PROD_P_001'), 'PROD_P_001');
    assert.equal(shellQuote('1.2.3-rc.1+build'), '1.2.3-rc.1+build');
    assert.equal(shellQuote(''), `''`);
    assert.equal(shellQuote('a b'), `'a b'`);
    assert.equal(shellQuote(`it's`), `'it'\\''s'`);
    assert.equal(shellQuote('A=b'), `'A=b'`, 'a bare A=b would be an assignment');
  });

  it('config: registered in the driver union with defaults, and clear messages for mistakes', async () => {
    const config = driverConfigSchema.parse({ type: 'command', upgrade: 'u', switch: 's', health: 'h' });
    assert.equal(config.type, 'command');
    assert.ok(config.type === 'command');
    assert.equal(config.shell, '/bin/sh');
    assert.equal(config.timeoutSeconds, 600);
    const driver = createDriver(config, { logger, baseDir: dir });
    assert.equal(driver.type, 'command');
    await driver.close();

    const missing = driverConfigSchema.safeParse({ type: 'command', upgrade: 'u', switch: 's' });
    assert.equal(missing.success, false);
    assert.match(JSON.stringify(missing.error?.issues), /driver\.health must be a shell command template/);
    const extra = driverConfigSchema.safeParse({ type: 'command', upgrade: 'u', switch: 's', health: 'h', timeout: 5 });
    assert.equal(extra.success, false);
    assert.match(JSON.stringify(extra.error?.issues), /timeout/);
    const badTimeout = commandDriverConfigSchema.safeParse({ type: 'command', upgrade: 'u', switch: 's', health: 'h', timeoutSeconds: 0 });
    assert.equal(badTimeout.success, false);
    assert.match(JSON.stringify(badTimeout.error?.issues), /timeoutSeconds must be more than 0/);
  });
});
