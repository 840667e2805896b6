import { ApiFailure } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages.en';

/** A success to show: a message key and its values, translated when shown (so it follows the language switch). */
export interface Notice {
  readonly key: MessageKey;
  readonly params?: Record<string, string | number>;
}

/** A failure, in the server's own words (its result code beside it), announced to screen readers. */
export function ErrorAlert({ error }: { readonly error: unknown }) {
  const { t } = useI18n();
  if (error === undefined || error === null) return null;
  let text: string;
  let code: string | undefined;
  if (error instanceof ApiFailure) {
    text = error.status === 0 ? t('error.unreachable') : error.message;
    code = error.status === 0 ? undefined : error.result;
  } else {
    text = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  }
  return (
    <div className="notice notice--error" role="alert">
      <p>
        <strong>{error instanceof ApiFailure && error.isMaintenanceRefusal ? t('error.refusedTitle') : t('error.title')}</strong>{' '}
        <span className="server-message">{text}</span>
        {code && <span className="result-code"> ({code})</span>}
      </p>
    </div>
  );
}

/** A success, announced politely. */
export function SuccessNotice({ notice }: { readonly notice: Notice | undefined }) {
  const { t } = useI18n();
  if (!notice) return null;
  return (
    <p className="notice notice--success" role="status">
      {t(notice.key, notice.params)}
    </p>
  );
}
