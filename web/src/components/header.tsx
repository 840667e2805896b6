import type { User } from '../../../src/http/wire-types';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages.en';
import { Link, navigate, usePath } from '../router/router';
import { useSession } from '../session/session';
import { LanguageSwitch } from './language-switch';

interface NavItem {
  readonly to: string;
  readonly label: MessageKey;
  /** The paths under which this item is the current one (default: `to`). */
  readonly within?: string;
}

/** What each role may open: system pages for administrators, their organization for the others. */
function navItems(user: User): NavItem[] {
  if (user.role === 'system_admin') {
    return [
      { to: '/system/settings', label: 'nav.settings' },
      { to: '/system/backyard', label: 'nav.backyard' },
      { to: '/system/fleet', label: 'nav.fleet', within: '/system/fleet/' },
      { to: '/organizations', label: 'nav.organizations' },
    ];
  }
  if (!user.organization_id) return [];
  const org = `/o/${encodeURIComponent(user.organization_id)}`;
  return [{ to: `${org}/workspaces`, label: 'nav.workspaces', within: `${org}/` }];
}

/** The top bar: product name, navigation, language switch, who is signed in, sign-out. */
export function Header({ user }: { readonly user: User }) {
  const { t } = useI18n();
  const { signOut } = useSession();
  const path = usePath();
  const roleKey: MessageKey = `role.${user.role}`;
  return (
    <header className="header">
      <Link to="/" className="brand">
        drydock
      </Link>
      <nav aria-label={t('nav.label')}>
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
        <p className="whoami">
          <span className="whoami__name">{user.organization_id ? `${user.organization_id} / ${user.username}` : user.username}</span>{' '}
          <span className="whoami__role">{t(roleKey)}</span>
        </p>
        <button type="button" className="button" onClick={() => void signOut().finally(() => navigate('/', true))}>
          {t('auth.signOut')}
        </button>
      </div>
    </header>
  );
}
