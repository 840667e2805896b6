import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { WriteButton } from './write-button';

interface ConfirmDialogProps {
  readonly open: boolean;
  readonly title: string;
  readonly children: ReactNode;
  readonly confirmLabel: string;
  /** The confirmation itself writes data (disabled in read-only mode). */
  readonly writes?: boolean;
  readonly danger?: boolean;
  readonly busy?: boolean;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

/**
 * A modal confirmation on the native <dialog>: the browser traps focus inside, Escape cancels, and
 * focus returns to the button that opened it. Cancel has the focus first, so Enter never confirms
 * by accident.
 */
export function ConfirmDialog({ open, title, children, confirmLabel, writes, danger, busy, onConfirm, onCancel }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  // Its own id: a page may hold several dialogs, and each must be named by its own title.
  const titleId = useId();
  const { t } = useI18n();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  const confirmClass = danger ? 'button button--danger' : 'button button--primary';
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div className="dialog__body">{children}</div>
      <div className="actions">
        <button type="button" className="button" onClick={onCancel} autoFocus>
          {t('common.cancel')}
        </button>
        {writes ? (
          <WriteButton className={confirmClass} onClick={onConfirm} disabled={busy}>
            {confirmLabel}
          </WriteButton>
        ) : (
          <button type="button" className={confirmClass} onClick={onConfirm} disabled={busy}>
            {confirmLabel}
          </button>
        )}
      </div>
    </dialog>
  );
}
