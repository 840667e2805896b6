import { useI18n } from '../i18n/i18n';

/** "Loading…" while the session is asked for, or while a page's code arrives (each page is its own chunk). */
export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}
