import { useI18n } from '../i18n/i18n';
import { ErrorAlert } from './alerts';
import { WriteButton } from './write-button';

/**
 * The end of a create or edit form: why the last submit failed (if it did), the submit button —
 * a write, so read-only mode disables it (`WriteButton`) — and Cancel.
 */
export function FormActions({
  error,
  busy,
  submitLabel,
  onCancel,
}: {
  readonly error: unknown;
  readonly busy: boolean;
  readonly submitLabel: string;
  readonly onCancel: () => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <ErrorAlert error={error} />
      <div className="actions">
        <WriteButton type="submit" className="button button--primary" disabled={busy}>
          {submitLabel}
        </WriteButton>
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </>
  );
}
