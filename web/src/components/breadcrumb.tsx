import { Fragment } from 'react';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router/router';

/** Where this page sits: links up the tree, the current page last (not a link). */
export function Breadcrumb({ items }: { readonly items: readonly { readonly to?: string; readonly label: string }[] }) {
  const { t } = useI18n();
  return (
    <nav aria-label={t('nav.breadcrumb')} className="breadcrumb">
      <ol>
        {items.map((item, i) => (
          <Fragment key={i}>
            <li>{item.to ? <Link to={item.to}>{item.label}</Link> : <span aria-current="page">{item.label}</span>}</li>
          </Fragment>
        ))}
      </ol>
    </nav>
  );
}

/** The trail to a workspace: its organization's workspace list, then the workspace. */
export function workspaceTrail(org: string, ws: string, workspacesLabel: string) {
  const o = encodeURIComponent(org);
  return [
    { to: `/o/${o}/workspaces`, label: `${org} · ${workspacesLabel}` },
    { to: `/o/${o}/w/${encodeURIComponent(ws)}`, label: ws },
  ];
}
