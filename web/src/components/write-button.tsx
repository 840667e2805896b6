import { useId, type ButtonHTMLAttributes } from 'react';
import { useI18n } from '../i18n/i18n';
import { useMaintenance } from '../maintenance/maintenance';

/**
 * A button that registers or updates data. In read-only mode it is disabled, and says why: in its
 * tooltip and, for assistive technology, through aria-describedby. The server still decides: a
 * write sent anyway is refused there, and the caller shows that refusal.
 */
export function WriteButton({ disabled, title, className, ...rest }: ButtonHTMLAttributes<HTMLButtonElement>) {
  const { readOnly } = useMaintenance();
  const { t } = useI18n();
  const reasonId = useId();
  const reason = t('readOnly.reason');
  return (
    <>
      <button
        type="button"
        {...rest}
        className={className ?? 'button'}
        disabled={disabled || readOnly}
        title={readOnly ? reason : title}
        aria-describedby={readOnly ? reasonId : rest['aria-describedby']}
      />
      {readOnly && (
        <span id={reasonId} hidden>
          {reason}
        </span>
      )}
    </>
  );
}

/** The visible explanation above a page's write controls while read-only mode is on. */
export function ReadOnlyNotice() {
  const { readOnly } = useMaintenance();
  const { t } = useI18n();
  if (!readOnly) return null;
  return <p className="notice notice--warning">{t('readOnly.notice')}</p>;
}
