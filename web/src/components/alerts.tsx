import { useState } from 'react';
import { ApiFailure } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages.en';
import { retryOf } from './use-load';

/** A success to show: a message key and its values, translated when shown (so it follows the language switch). */
export interface Notice {
  readonly key: MessageKey;
  readonly params?: Record<string, string | number>;
}

/** A failure worth trying again as it is: the server could not be reached, or failed itself (5xx, not a maintenance refusal). */
export function isRetryable(error: unknown): boolean {
  return error instanceof ApiFailure && (error.status === 0 || error.status >= 500) && !error.isMaintenanceRefusal;
}

/**
 * A failure, in the server's own words (its result code beside it), announced to screen readers.
 * When it is retryable (`isRetryable`) and there is a way to retry — `onRetry`, or by default the
 * reload of the `useLoad` that failed with it (`retryOf`) — a Retry button beside it, so a page that
 * failed to load comes back without a reload of the console.
 */
export function ErrorAlert({ error, onRetry }: { readonly error: unknown; readonly onRetry?: () => Promise<void> | void }) {
  const { t } = useI18n();
  const [retrying, setRetrying] = useState(false);
  if (error === undefined || error === null) return null;
  const retry = isRetryable(error) ? (onRetry ?? retryOf(error)) : undefined;
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
        <strong>
          {error instanceof ApiFailure && error.isMaintenanceRefusal ? t('error.refusedTitle') : retryOf(error) ? t('live.loadFailed') : t('error.title')}
        </strong>{' '}
        <span className="server-message">{text}</span>
        {code && <span className="result-code"> ({code})</span>}
      </p>
      {retry && (
        <p>
          <button
            type="button"
            className="button"
            disabled={retrying}
            data-testid="retry"
            onClick={() => {
              setRetrying(true);
              void Promise.resolve(retry()).finally(() => setRetrying(false));
            }}
          >
            {retrying ? t('live.retrying') : t('live.retry')}
          </button>
        </p>
      )}
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
