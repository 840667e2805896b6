import { useEffect, useId, useRef, useState } from 'react';
import type { User } from '../../../src/http/wire-types';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages.en';
import { Link, navigate, usePath } from '../router/router';
import { useSession } from '../session/session';
import { LanguageSwitch } from './language-switch';
import { HeaderState } from '../maintenance/header-state';

interface NavItem {
  readonly to: string;
  readonly label: MessageKey;
  /** The paths under which this item is the current one (default: `to`). */
  readonly within?: string;
}

/**
 * What each role may open: system pages for administrators, their organization for the others (its
 * users for its managers). Everyone's own API tokens are under their name (`whoami`).
 */
function navItems(user: User): NavItem[] {
  if (user.role === 'system_admin') {
    return [
      { to: '/system/settings', label: 'nav.settings' },
      { to: '/system/backyard', label: 'nav.backyard' },
      { to: '/system/fleet', label: 'nav.fleet', within: '/system/fleet/' },
      { to: '/organizations', label: 'nav.organizations' },
      { to: '/users', label: 'users.nav' },
      { to: '/system/log-levels', label: 'logLevels.nav' },
    ];
  }
  if (!user.organization_id) return [];
  const org = `/o/${encodeURIComponent(user.organization_id)}`;
  return [
    { to: `${org}/workspaces`, label: 'nav.workspaces', within: `${org}/w/` },
    ...(user.role === 'organization_manager' ? [{ to: `${org}/users`, label: 'users.nav' } as const] : []),
  ];
}

/**
 * The top bar: product name, navigation, language switch, who is signed in, sign-out. On a narrow
 * screen (below 48em, styles.css) it is one row — the name and a Menu button — and the rest opens
 * under it with the button (a disclosure: `aria-expanded`, `aria-controls`). The menu closes when a
 * page is chosen (the page's heading then takes the focus), on Escape (the focus goes back to the
 * button) and on a click outside the header. On a wide screen the button is hidden and the menu
 * always shown, in the bar.
 */
export function Header({ user }: { readonly user: User }) {
  const { t } = useI18n();
  const { signOut } = useSession();
  const path = usePath();
  const roleKey: MessageKey = `role.${user.role}`;
  const menuId = useId();
  const headerRef = useRef<HTMLElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  // Open on the path it was opened on: going to another page closes it.
  const [openOn, setOpenOn] = useState<string | undefined>(undefined);
  const open = openOn === path;

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const inHeader = headerRef.current?.contains(document.activeElement) ?? false;
      setOpenOn(undefined);
      if (inHeader) buttonRef.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      if (!headerRef.current?.contains(e.target as Node)) setOpenOn(undefined);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  return (
    <header className="header" ref={headerRef}>
      <Link to="/" className="brand">
        drydock
      </Link>
      <HeaderState user={user} />
      <button
        ref={buttonRef}
        type="button"
        className="button header__menu-button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpenOn(open ? undefined : path)}
      >
        <svg className="header__menu-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
          <path d="M1 3h14M1 8h14M1 13h14" stroke="currentColor" strokeWidth="2" fill="none" />
        </svg>
        {t('nav.menu')}
      </button>
      <div id={menuId} className={open ? 'header__menu header__menu--open' : 'header__menu'}>
        {/* A click on the current page's link changes no path: it closes the menu too. */}
        <nav aria-label={t('nav.label')} onClick={(e) => (e.target as Element).closest('a') && setOpenOn(undefined)}>
          <ul className="nav">
            {navItems(user).map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={path === item.to ? 'page' : path.startsWith(item.within ?? item.to) ? 'true' : undefined}>
                  {t(item.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header__end">
          <LanguageSwitch />
          <div className="whoami">
            <span>
              <span className="whoami__name">{user.organization_id ? `${user.organization_id} / ${user.username}` : user.username}</span>
              {/* One's own API tokens belong beside one's name, and there they cost the bar no width. */}
              <span aria-hidden="true"> · </span>
              <Link to="/tokens" className="header__tokens" aria-current={path === '/tokens' ? 'page' : undefined}>
                {t('tokens.nav')}
              </Link>
            </span>{' '}
            <span className="whoami__role">{t(roleKey)}</span>
          </div>
          <button type="button" className="button" onClick={() => void signOut().finally(() => navigate('/', true))}>
            {t('auth.signOut')}
          </button>
        </div>
      </div>
    </header>
  );
}
