/**
 * Measuring the web console in Chromium for bench/console-load.ts: what a first load of a page
 * downloads (bytes on the wire and decoded, per resource type), and when a page is ready, seen from
 * inside the page (a MutationObserver installed before the console's own scripts run, timed on the
 * page's clock, whose origin is the navigation's start) and from playwright (wall clock from
 * `page.goto`). Every sample is a fresh browser context: no HTTP cache, no compiled-code cache.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { BrowserContext, Page, Request } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** Fails, naming the command that installs it, when Debian's Chromium is missing. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`console-load needs Chromium at ${CHROMIUM}, and it is missing. Install it: apt-get install -y chromium`);
  }
}

/** One resource the page downloaded. */
export interface Download {
  readonly url: string;
  readonly type: string;
  readonly status: number;
  /** Content-Encoding of the answer (`identity` when none). */
  readonly encoding: string;
  /** What the browser asked for. */
  readonly acceptEncoding: string;
  /** Body bytes as received (compressed), from the browser's network stack. */
  readonly wireBytes: number;
  /** Body bytes once decoded. */
  readonly decodedBytes: number;
}

/** How the page is watched and what counts as ready. */
export interface Watch {
  /** CSS selector of the element that makes the page ready (its first match visible and enabled). */
  readonly selector: string;
  /** Give up after this long. */
  readonly timeoutMs: number;
}

/** Milestones on the page's clock (ms since the navigation started). */
export interface PageTimes {
  /** The selector matched, visibly and enabled. */
  readonly readyMs: number;
  /** How many elements matched it then (rows of a grid). */
  readonly matched: number;
  /** The HTML document's last byte. */
  readonly htmlMs: number;
  /** DOMContentLoaded handled (module scripts ran). */
  readonly domContentLoadedMs: number;
  /** Each resource fetched by then: its URL, when it was asked for and when its last byte arrived. */
  readonly resources: readonly { readonly url: string; readonly startMs: number; readonly endMs: number }[];
}

/** One timed navigation. */
export interface Sample {
  readonly page: PageTimes;
  /** `page.goto` called → the page's signal that the selector is ready reached node (one CDP message). */
  readonly wallMs: number;
  readonly downloads: readonly Download[];
}

interface Ready {
  readonly at: number;
  readonly count: number;
}
/** What the page's window carries for the benchmark: the watcher's finding, and the function that tells node (exposed by playwright). */
type Watched = Window & { drydockBenchReady?: Ready; drydockBenchSignal?: () => Promise<void> };

/**
 * Runs in the page before any of its scripts: records the page-clock time at which `selector` first
 * matches an element that is visible (laid out, not display:none/visibility:hidden) and not
 * disabled, and tells node at once. Mutation callbacks run right after the DOM changes, before the
 * browser paints them.
 *
 * This function and `pageTimes` are sent to the browser as their source text: no function inside
 * them may be bound to a name, as tsx compiles with keepNames and its `__name(…)` wrapper does not
 * exist in the page (`inPage` checks).
 */
function watchInPage(selector: string): void {
  const w = window as Watched;
  const observer = new MutationObserver(() => {
    if (w.drydockBenchReady) return observer.disconnect();
    const element = document.querySelector(selector);
    if (!element || !element.checkVisibility() || element.matches(':disabled')) return;
    w.drydockBenchReady = { at: window.performance.now(), count: document.querySelectorAll(selector).length };
    void w.drydockBenchSignal?.();
    observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

function pageTimes(): PageTimes {
  const ready = (window as Watched).drydockBenchReady!;
  const nav = window.performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
  const resources = window.performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  return {
    readyMs: ready.at,
    matched: ready.count,
    htmlMs: nav.responseEnd,
    domContentLoadedMs: nav.domContentLoadedEventEnd,
    resources: resources.map((r) => ({ url: r.name, startMs: r.startTime, endMs: r.responseEnd })),
  };
}

/** `fn`, checked to be free of helpers the page lacks (see watchInPage). */
function inPage<F extends (...args: never[]) => unknown>(fn: F): F {
  if (fn.toString().includes('__name(')) throw new Error(`${fn.name} would call __name in the page: bind no function to a name inside it`);
  return fn;
}

/** Collects every finished request of `page` with its sizes (read once it finished). */
function recordDownloads(page: Page): { settled(): Promise<Download[]> } {
  const pending: Promise<Download | undefined>[] = [];
  const describe = async (request: Request): Promise<Download | undefined> => {
    const response = await request.response();
    if (!response) return undefined;
    const [sizes, body, headers] = await Promise.all([request.sizes(), response.body().catch(() => Buffer.alloc(0)), response.allHeaders()]);
    return {
      url: request.url(),
      type: request.resourceType(),
      status: response.status(),
      encoding: headers['content-encoding'] ?? 'identity',
      acceptEncoding: (await request.allHeaders())['accept-encoding'] ?? '',
      wireBytes: sizes.responseBodySize,
      decodedBytes: body.length,
    };
  };
  page.on('requestfinished', (request) => pending.push(describe(request)));
  // settled() takes the requests finished so far, synchronously, before its first await.
  return { settled: async () => (await Promise.all([...pending])).filter((d): d is Download => d !== undefined) };
}

/** `promise`, or an error naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Opens `url` in a fresh context (made by `newContext`, closed after) and waits until `watch.selector`
 * is ready. `downloads` lists what finished loading by the time node heard the page was ready.
 * Uncaught page errors, a page that never gets ready, or a failed asset are errors naming what the
 * page showed.
 */
export async function timeNavigation(newContext: () => Promise<BrowserContext>, url: string, watch: Watch): Promise<Sample> {
  const context = await newContext();
  try {
    let heard: (at: number) => void = () => {};
    const ready = new Promise<number>((resolve) => (heard = resolve));
    await context.exposeFunction('drydockBenchSignal', () => heard(performance.now()));
    await context.addInitScript(inPage(watchInPage), watch.selector);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const downloads = recordDownloads(page);
    const start = performance.now();
    let readyAt: number;
    try {
      await page.goto(url, { waitUntil: 'commit', timeout: watch.timeoutMs });
      readyAt = await within(ready, watch.timeoutMs, `${watch.selector} shown`);
    } catch (err) {
      const shown = await page.evaluate(() => document.body?.innerText ?? '').catch(() => '?');
      throw new Error(
        `${url}: ${watch.selector} not shown within ${watch.timeoutMs} ms (${(err as Error).message.split('\n')[0]}); ` +
          `page errors: ${errors.join('; ') || 'none'}; the page showed: ${shown.slice(0, 500)}`,
        { cause: err },
      );
    }
    // What had finished loading when the page was ready: later requests are not the first load's.
    const finished = downloads.settled();
    // Playwright's own view must agree that it is shown (untimed: its polling backs off to 500 ms).
    await page.locator(watch.selector).first().waitFor({ state: 'visible', timeout: watch.timeoutMs });
    const times = await page.evaluate(inPage(pageTimes));
    const loaded = await finished;
    const failed = loaded.filter((d) => d.status >= 400 && new URL(d.url).pathname.startsWith('/assets/'));
    if (failed.length) throw new Error(`${url}: assets failed: ${failed.map((d) => `${d.url} ${d.status}`).join(', ')} (was the console rebuilt meanwhile?)`);
    if (errors.length) throw new Error(`${url}: uncaught errors in the page: ${errors.join('; ')}`);
    return { page: times, wallMs: readyAt - start, downloads: loaded };
  } finally {
    await context.close();
  }
}

/** `count` timed navigations, each in a fresh context made by `newContext`, one after the other. */
export async function timeNavigations(newContext: () => Promise<BrowserContext>, url: string, watch: Watch, count: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < count; i++) samples.push(await timeNavigation(newContext, url, watch));
  return samples;
}
