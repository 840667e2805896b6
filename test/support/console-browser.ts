/**
 * What every browser test of the console shares: the fixture that starts one (`startConsole`: a
 * drydock on a fresh store, in this process or as a `drydock serve` process, the tenants seeded,
 * Debian's Chromium driven by playwright-core, the console built if it is not (console-build.ts),
 * and how to stop it all), the message catalogs (tests find controls by their labels, in either
 * language), sign-in, the language switch, screenshots under test-output/screenshots/, and a way to
 * tell a page was not reloaded.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type ViewportSize } from 'playwright-core';
import { en, type MessageKey } from '../../web/src/i18n/messages.en.js';
import { ja } from '../../web/src/i18n/messages.ja.js';
import { createWorker } from '../../src/backyard/start-worker.js';
import { compileOptions } from '../../src/config/compile.js';
import { Orchestrator, type OrchestratorOptions } from '../../src/fleet/orchestrator.js';
import { SWITCHES, type SwitchDefinition, type SwitchId } from '../../src/maintenance/switches.js';
import { ADMIN, SEED, seedTenants, startTestApp, type TestApp } from './app.js';
import { createTestDatabase, type BackendName } from './backends.js';
import { ensureConsoleBuilt } from './console-build.js';
import { requireAnsible } from './binaries.js';
import { onTestProcessExit } from './cli.js';
import { START_DEADLINE_MS } from './runbook.js';
import { freePort, startServe, stopDetached, type ServeProcess } from './serve-process.js';
import { waitFor, type WaitOptions } from './wait-for.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
const SCREENSHOTS = path.join(ROOT, 'test-output', 'screenshots');

export type Language = 'en' | 'ja';
const CATALOGS: Record<Language, Record<MessageKey, string>> = { en, ja };
/** A text of the console, as a user of that language sees it. */
export const msg = (language: Language, key: MessageKey): string => CATALOGS[language][key];
/** A console text with its `{name}` placeholders filled in (a placeholder without a value stays as it is). */
export const text = (language: Language, key: MessageKey, values: Record<string, string | number> = {}): string =>
  msg(language, key).replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
/** A switch's text in the console (its words live with the switch: src/maintenance/switches.ts). */
export const switchMsg = (language: Language, id: SwitchId, key: keyof SwitchDefinition['console']): string => SWITCHES[id].console[key][language];

/** Fails (never skips) when Chromium is missing, naming the command that installs it. */
function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The console tests need Chromium at ${CHROMIUM}, and it is missing. Install it: apt-get install -y chromium`);
  }
}

/** Checks for Chromium, builds the console if needed, and starts the browser. */
async function launchConsoleBrowser(): Promise<Browser> {
  requireChromium();
  ensureConsoleBuilt();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * How the console tests wait on a page: a probe that throws (an element not rendered yet) means "not
 * yet", and the browser is asked every 100 ms.
 */
export function onPage(timeoutMs: number): WaitOptions {
  return { timeoutMs, everyMs: 100, retryErrors: true };
}

/**
 * Saves a screenshot as test-output/screenshots/`name`.png (its folder made if need be): the full
 * page, or only the viewport (for a modal dialog, whose backdrop covers only the viewport).
 */
export async function shoot(page: Page, name: string, { fullPage = true }: { fullPage?: boolean } = {}): Promise<void> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage });
}

/** Marks the page so a later check can tell it was not reloaded. */
export async function markNoReload(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { drydockMark: number }).drydockMark = 42));
}

export async function assertNotReloaded(page: Page): Promise<void> {
  assert.equal(await page.evaluate(() => (window as unknown as { drydockMark?: number }).drydockMark), 42, 'the page was reloaded');
}

/** Who signs in: an organization user names their organization, the system administrator none. */
export interface Credentials {
  readonly org?: string;
  readonly user: string;
  readonly password: string;
}

/** The system administrator, and org1's manager and workspace member (`seedTenants`, which `startConsole` runs). */
export const USERS = {
  admin: { user: ADMIN.user, password: ADMIN.password },
  manager: { org: SEED.org1, user: 'manager1', password: 'manager1-password' },
  member: { org: SEED.org1, user: 'member1', password: 'member1-password' },
} as const satisfies Record<string, Credentials>;

/** Signs in through the console's sign-in page (shown at any path while signed out). */
export async function signIn(page: Page, language: Language, who: Credentials): Promise<void> {
  await page.getByRole('heading', { name: msg(language, 'auth.title') }).waitFor();
  if (who.org) await page.getByLabel(msg(language, 'auth.organization')).fill(who.org);
  await page.getByLabel(msg(language, 'auth.username')).fill(who.user);
  await page.getByLabel(msg(language, 'auth.password')).fill(who.password);
  await page.getByRole('button', { name: msg(language, 'auth.signIn') }).click();
}

/** Changes the console's language with its switch. */
export async function switchLanguage(page: Page, from: Language, to: Language): Promise<void> {
  await page.getByLabel(msg(from, 'language.label')).selectOption(to);
  await waitFor(`the page is in ${to}`, async () => (await page.locator('html').getAttribute('lang')) === to, onPage(5000));
}

/** A literal string as a RegExp source. */
export function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * How far the page scrolls sideways, in CSS pixels (0 when it does not). Measured against the
 * document's client width, which leaves out a vertical scroll bar: stricter than `window.innerWidth`.
 */
export async function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = document.documentElement;
    return Math.max(root.scrollWidth - root.clientWidth, root.scrollWidth - window.innerWidth, 0);
  });
}

/**
 * Texts on screen laid out about one character per line (three or more lines each narrower than
 * 1.6 em): a column, button or label squeezed narrower than a word — how Japanese used to break.
 * Each as its first characters and the tag it is in.
 */
export async function squeezedTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = (node.textContent ?? '').trim();
      const element = node.parentElement;
      if ([...text].length < 3 || !element) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
      if (lines.length < 3) continue;
      const em = parseFloat(getComputedStyle(element).fontSize) || 16;
      const narrow = lines.filter((r) => r.width < em * 1.6).length;
      if (narrow >= 3 && narrow >= lines.length - 1) found.push(`<${element.tagName.toLowerCase()}> ${text.slice(0, 30)}`);
    }
    return found;
  });
}

/** Sets the console's language for the next load of `page` (as the switch remembers it: localStorage). */
export async function rememberLanguage(page: Page, language: Language): Promise<void> {
  await page.evaluate((l) => window.localStorage.setItem('drydock.language', l), language);
}

/** What every console test has, however its server runs. */
interface ConsoleBase {
  readonly browser: Browser;
  /** Where the console is: `http://127.0.0.1:PORT`. */
  readonly base: string;
  /** Uncaught errors of the pages of every context `newContext` made, as "URL: message". */
  readonly pageErrors: string[];
  /**
   * A browser context as a user of `language` has it: its locale (en-US, ja-JP), a 1280×900 window,
   * unless `options` say otherwise; its pages' uncaught errors go to `pageErrors`.
   */
  newContext(language: Language, options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a context of its own (`newContext`); `page.context().close()` closes both. */
  newPage(language: Language, viewport?: ViewportSize): Promise<Page>;
  /** Opens `path` on `page` and signs in there (the sign-in page shows at any path) as `who`, the administrator unless told. */
  signInAt(page: Page, path: string, language: Language, who?: Credentials): Promise<void>;
  /** Closes the browser, then stops and removes everything the fixture started (idempotent). */
  stop(): Promise<void>;
}

/** A console whose drydock runs in this process, listening on a free port. */
export interface InProcessConsole extends ConsoleBase {
  readonly t: TestApp;
  /** The app's data directory, a temporary one (the worker's jobs run under it). */
  readonly workRoot: string;
  /** An orchestrator on the app's store (lease 5 s, poll 50 ms), not started; stopped with the console. */
  orchestrator(createDriver?: OrchestratorOptions['createDriver']): Orchestrator;
}

/** A console whose drydock is a `drydock serve` process (the real binary's code), on a port of its own. */
export interface ServedConsole extends ConsoleBase {
  /** The server running now: `restart` starts another. */
  readonly serve: ServeProcess;
  /** Its data directory, a temporary one. */
  readonly dir: string;
  /** Where its pid file is (written only with the option `serve.pidFile`); `drydock restart --pid-file` finds the server there. */
  readonly pidFile: string;
  /** Starts `drydock serve` again on the same port, store, data directory and arguments (once the test stopped it). */
  restart(): Promise<ServeProcess>;
}

interface ConsoleOptions {
  /** The store's backend: SQLite unless told. */
  readonly backend?: BackendName;
}

export interface InProcessOptions extends ConsoleOptions {
  /**
   * A backyard worker for Ansible jobs in this process (ansible-playbook is required: missing, it
   * fails naming the install command), polling every 100 ms, leases of 10 s; `concurrency` as given,
   * else the default.
   */
  readonly worker?: boolean | { readonly concurrency: number };
}

export interface ServedOptions extends ConsoleOptions {
  readonly serve: {
    readonly args?: readonly string[];
    readonly env?: Readonly<Record<string, string>>;
    /** Serve with `--pid-file` (a server a `drydock restart` replaced is killed through it at the end). */
    readonly pidFile?: boolean;
  };
}

const LOCALES: Record<Language, string> = { en: 'en-US', ja: 'ja-JP' };
const DEFAULT_VIEWPORT: ViewportSize = { width: 1280, height: 900 };
const logger = pino({ level: process.env.DRYDOCK_TEST_LOG ?? 'silent' });

/**
 * Starts what a console test runs against: Chromium (missing, an error naming its install command;
 * the console built if it is not), a drydock on a fresh store — in this process (`t`), or with
 * `serve` as a `drydock serve` process — with the tenants of `seedTenants`, listening on
 * 127.0.0.1. Whatever fails to start, what started is stopped before the error is thrown.
 */
export async function startConsole(options: ServedOptions): Promise<ServedConsole>;
export async function startConsole(options?: InProcessOptions): Promise<InProcessConsole>;
export async function startConsole(options: InProcessOptions | ServedOptions = {}): Promise<InProcessConsole | ServedConsole> {
  if ('worker' in options && options.worker) requireAnsible();
  const browser = await launchConsoleBrowser();
  /** What stop() undoes after closing the browser, last started first. */
  const undo: Array<() => unknown> = [];
  const stop = async () => {
    await browser.close();
    for (const step of undo.splice(0).reverse()) await step();
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-console-'));
  undo.push(() => rmSync(dir, { recursive: true, force: true }));
  try {
    return 'serve' in options ? await served(browser, dir, options, undo, stop) : await inProcess(browser, dir, options, undo, stop);
  } catch (err) {
    await stop();
    throw err;
  }
}

async function inProcess(
  browser: Browser,
  workRoot: string,
  options: InProcessOptions,
  undo: Array<() => unknown>,
  stop: () => Promise<void>,
): Promise<InProcessConsole> {
  const t = await startTestApp(options.backend ?? 'sqlite', { dataDir: workRoot });
  undo.push(() => t.close());
  await seedTenants(t);
  const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  if (options.worker) {
    const worker = createWorker(t.deps.store, logger, compileOptions({ dataDir: workRoot, workerPollMs: 100, leaseSeconds: 10, workerGraceSeconds: 2 }), {
      backyards: ['ita-by-ansible-execute'],
      ...(typeof options.worker === 'object' && { concurrency: options.worker.concurrency }),
    });
    worker.start();
    undo.push(() => worker.stop());
  }
  return {
    ...consoleBase(browser, base, stop),
    t,
    workRoot,
    orchestrator: (createDriver) => {
      const orchestrator = new Orchestrator({ store: t.deps.store, logger, baseDir: workRoot, leaseMs: 5_000, pollMs: 50, createDriver });
      undo.push(() => orchestrator.stop());
      return orchestrator;
    },
  };
}

async function served(browser: Browser, dir: string, options: ServedOptions, undo: Array<() => unknown>, stop: () => Promise<void>): Promise<ServedConsole> {
  const db = await createTestDatabase(options.backend ?? 'sqlite');
  undo.push(() => db.drop());
  const pidFile = path.join(dir, 'drydock.pid');
  if (options.serve.pidFile) {
    const forget = onTestProcessExit(() => stopDetached(pidFile));
    undo.push(() => (stopDetached(pidFile), forget()));
  }
  const port = await freePort();
  const env = { DRYDOCK_DATABASE_URL: db.url, DRYDOCK_DATA_DIR: dir, ...options.serve.env };
  const args = [...(options.serve.args ?? []), ...(options.serve.pidFile ? ['--pid-file', pidFile] : [])];
  const start = () => startServe(env, args, { port, startTimeoutMs: START_DEADLINE_MS });
  let serve = await start();
  // The server running at the end, frozen (SIGSTOP) or not.
  undo.push(() => (serve.child.kill('SIGCONT'), serve.stop('SIGKILL')));
  await seedTenants(serve);
  return {
    ...consoleBase(browser, serve.url, stop),
    get serve() {
      return serve;
    },
    dir,
    pidFile,
    restart: async () => (serve = await start()),
  };
}

function consoleBase(browser: Browser, base: string, stop: () => Promise<void>): ConsoleBase {
  const pageErrors: string[] = [];
  const newContext = async (language: Language, options: BrowserContextOptions = {}) => {
    const context = await browser.newContext({ locale: LOCALES[language], viewport: DEFAULT_VIEWPORT, ...options });
    context.on('weberror', (e) => pageErrors.push(`${e.page()?.url()}: ${e.error().message}`));
    return context;
  };
  return {
    browser,
    base,
    pageErrors,
    newContext,
    newPage: async (language, viewport) => (await newContext(language, viewport && { viewport })).newPage(),
    signInAt: async (page, at, language, who = USERS.admin) => {
      await page.goto(`${base}${at}`);
      await signIn(page, language, who);
    },
    stop,
  };
}

/**
 * Declares the fleet (`PUT /api/platform/fleet`): `environments` as given, and for each pair named
 * ENV_ID its two nodes, ENV_P_ID and ENV_S_ID, at `version`. Returns the answer's data.
 */
export async function declareFleet(
  api: Pick<TestApp, 'admin'>,
  environments: readonly Record<string, unknown>[],
  pairs: readonly string[],
  version: string,
  /** The fleet file's other keys (e.g. its `statuses:` list). */
  more: Record<string, unknown> = {},
): Promise<{ pairs: number }> {
  const nodes = pairs.flatMap((pair) => {
    const [env, id] = pair.split('_') as [string, string];
    return [
      { name: `${env}_P_${id}`, version },
      { name: `${env}_S_${id}`, version },
    ];
  });
  const declared = await api.admin({ method: 'PUT', url: '/api/platform/fleet', body: { ...more, environments, nodes } });
  assert.equal(declared.status, 200, declared.text);
  return declared.body.data;
}

/** A fleet of two noop pairs (PROD, version 1.0.0) and a run of it to 2.0.0, which waits at phase 1 while no orchestrator runs: its id. */
export async function waitingFleetRun(api: Pick<TestApp, 'admin'>): Promise<string> {
  await declareFleet(api, [{ name: 'PROD', driver: { type: 'noop' } }], ['PROD_001', 'PROD_002'], '1.0.0');
  const run = await api.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: 'PROD', version: '2.0.0' } });
  assert.equal(run.status, 200, run.text);
  return String(run.body.data.id);
}
