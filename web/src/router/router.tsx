import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/**
 * A very small router: the path of `location` as state, `navigate` with the History API, and links
 * that navigate without a reload. The server answers index.html for every console path, so a
 * reload or a bookmark lands on the same page.
 */

const CHANGE = 'drydock:navigate';

function subscribe(callback: () => void): () => void {
  window.addEventListener('popstate', callback);
  window.addEventListener(CHANGE, callback);
  return () => {
    window.removeEventListener('popstate', callback);
    window.removeEventListener(CHANGE, callback);
  };
}

/** The current path (without query or hash). */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** Goes to `to` in the console; `replace` keeps the current page out of the history. */
export function navigate(to: string, replace = false): void {
  if (to === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
  window.scrollTo(0, 0);
}

/**
 * Matches `/a/:b/c` against a path; returns the parameters, or undefined. Parameters are decoded.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = have[i] ?? '';
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (part !== actual) {
      return undefined;
    }
  }
  return params;
}

/** Starts fetching what a path will need; set once by the routes (`routes.tsx`). */
let preloadPath: ((path: string) => void) | undefined;

/**
 * Registers what a link does when the user shows intent (pointer over it, focus, touch): the page's
 * code is fetched then, so it is usually here by the click and the page renders at once.
 */
export function onLinkIntent(preload: (path: string) => void): void {
  preloadPath = preload;
}

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  readonly to: string;
  readonly children: ReactNode;
}

/** An ordinary link (open in a new tab works) that navigates in place on a plain click. */
export function Link({ to, children, onClick, onMouseEnter, onFocus, onTouchStart, ...rest }: LinkProps) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  const intent = () => preloadPath?.(to);
  return (
    <a
      href={to}
      onClick={click}
      onMouseEnter={(e) => {
        onMouseEnter?.(e);
        intent();
      }}
      onFocus={(e) => {
        onFocus?.(e);
        intent();
      }}
      onTouchStart={(e) => {
        onTouchStart?.(e);
        intent();
      }}
      {...rest}
    >
      {children}
    </a>
  );
}
