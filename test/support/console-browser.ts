/**
 * What every browser test of the console shares: Debian's Chromium driven by playwright-core, the
 * console built once, the message catalogs (tests find controls by their labels, in either
 * language), sign-in, the language switch, screenshots under test-output/screenshots/, and a way to
 * tell a page was not reloaded.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { en, type MessageKey } from '../../web/src/i18n/messages.en.js';
import { ja } from '../../web/src/i18n/messages.ja.js';
import { SWITCHES, type SwitchDefinition, type SwitchId } from '../../src/maintenance/switches.js';
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
export const SCREENSHOTS = path.join(ROOT, 'test-output', 'screenshots');

export type Language = 'en' | 'ja';
const CATALOGS: Record<Language, Record<MessageKey, string>> = { en, ja };
/** A text of the console, as a user of that language sees it. */
export const msg = (language: Language, key: MessageKey): string => CATALOGS[language][key];
/** A switch's text in the console (its words live with the switch: src/maintenance/switches.ts). */
export const switchMsg = (language: Language, id: SwitchId, key: keyof SwitchDefinition['console']): string => SWITCHES[id].console[key][language];

/**
 * What the console is built from: web/, and the modules of src/ it imports (the answers' types,
 * `src/http/wire-types.ts` and the schemas of `src/http/wire/` they come from, are type-only).
 */
const CONSOLE_SOURCES = [
  'web',
  'src/backyard/kinds',
  'src/maintenance/switches.ts',
  'src/maintenance/drain-plan.ts',
  'src/http/wire-types.ts',
  'src/http/wire',
  'src/i18n',
];

/** Newest modification time of `file`, or of anything under it if it is a directory. */
function newestMtime(file: string): number {
  const info = statSync(file);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(file).reduce((newest, name) => Math.max(newest, newestMtime(path.join(file, name))), info.mtimeMs);
}

/**
 * Builds the console (vite) unless dist/web is newer than every source of it (CONSOLE_SOURCES). Test files run in parallel and vite empties dist/web
 * first, so one build at a time (a lock directory: mkdir is atomic).
 */
export function ensureConsoleBuilt(): void {
  const index = path.join(ROOT, 'dist', 'web', 'index.html');
  const sources = () => Math.max(...CONSOLE_SOURCES.map((source) => newestMtime(path.join(ROOT, source))));
  const fresh = () => existsSync(index) && statSync(index).mtimeMs >= sources();
  if (fresh()) return;
  const lock = path.join(ROOT, 'dist', '.web-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building: wait for it (a lock older than the deadline is stale).
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`building the console failed (npm run build:web):\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Fails (never skips) when Chromium is missing, naming the command that installs it. */
function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The console tests need Chromium at ${CHROMIUM}, and it is missing. Install it: apt-get install -y chromium`);
  }
}

/** Checks for Chromium, builds the console if needed, makes the screenshot folder, and starts the browser. */
export async function launchConsoleBrowser(): Promise<Browser> {
  requireChromium();
  ensureConsoleBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
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
 * Saves a screenshot as test-output/screenshots/`name`.png: the full page, or only the viewport
 * (for a modal dialog, whose backdrop covers only the viewport).
 */
export async function shoot(page: Page, name: string, { fullPage = true }: { fullPage?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** Marks the page so a later check can tell it was not reloaded. */
export async function markNoReload(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { drydockMark: number }).drydockMark = 42));
}

export async function assertNotReloaded(page: Page): Promise<void> {
  assert.equal(await page.evaluate(() => (window as unknown as { drydockMark?: number }).drydockMark), 42, 'the page was reloaded');
}

/** Signs in through the console's sign-in page (shown at any path while signed out). */
export async function signIn(page: Page, language: Language, who: { org?: string; user: string; password: string }): Promise<void> {
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
