import { Component, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

/**
 * What shows when a page's code cannot be fetched: each page is its own chunk, fetched when first
 * shown, so a dropped connection or a console updated on the server meanwhile (its old chunks gone)
 * fails there. A reload fetches the console as it is now.
 */
function PageLoadFailed() {
  const { t } = useI18n();
  return (
    <div className="notice notice--error" role="alert" data-testid="page-load-failed">
      <p>{t('errors.pageLoadFailed')}</p>
      <p>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          {t('errors.reload')}
        </button>
      </p>
    </div>
  );
}

/** Catches what a page throws while rendering (its chunk failing to load first of all); keyed by path, so another page starts afresh. */
export class PageLoadBoundary extends Component<{ readonly children: ReactNode }, { readonly failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    return this.state.failed ? <PageLoadFailed /> : this.props.children;
  }
}
