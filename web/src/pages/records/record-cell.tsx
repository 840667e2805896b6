import { useRef } from 'react';
import type { Column, Value } from '../../../../src/http/wire-types';
import { useI18n } from '../../i18n/i18n';
import { isLongValue, looksLikeCode } from './grid-query';

interface RecordCellProps {
  readonly column: Column;
  readonly value: Value | undefined;
  /** The record's label (its first column), for the expander's title. */
  readonly recordLabel: string;
  /** Where a file column's file downloads. */
  readonly download: string;
}

/**
 * One value in the grid, on one line: never broken inside a word, ending in an ellipsis when it is
 * wider than its column. A long value (or one of several lines) has a button that opens it whole in
 * a dialog; code, YAML and addresses are set in a monospace font.
 */
export function RecordCell({ column, value, recordLabel, download }: RecordCellProps) {
  const { t } = useI18n();
  if (value === null || value === undefined || value === '') return null;
  if (column.type === 'boolean') return <div className="cell-value">{value === true ? t('records.yes') : t('records.no')}</div>;
  const text = String(value);
  if (column.type === 'file') {
    return (
      <div className="cell-value">
        <a href={download} download={text} aria-label={t('records.downloadNamed', { name: text })}>
          {text}
        </a>
      </div>
    );
  }
  const mono = looksLikeCode(text);
  const firstLine = text.split('\n', 1)[0] ?? '';
  return (
    <div className="cell-with-expander">
      <div className={mono ? 'cell-value cell-value--code' : 'cell-value'} title={text}>
        {firstLine}
      </div>
      {isLongValue(text) && (
        <ValueExpander
          text={text}
          code={mono}
          title={t('records.valueTitle', { column: column.title ?? column.name, name: recordLabel })}
          label={t('records.showValue', { column: column.title ?? column.name })}
        />
      )}
    </div>
  );
}

/** A button that opens the whole value in a modal dialog (the native <dialog>: Escape closes it, focus returns). */
function ValueExpander({ text, code, title, label }: { readonly text: string; readonly code: boolean; readonly title: string; readonly label: string }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button type="button" className="cell-expand" aria-label={label} title={label} onClick={() => dialog.current?.showModal()}>
        <span aria-hidden="true">⤢</span>
      </button>
      <dialog ref={dialog} className="dialog value-dialog" aria-label={title}>
        <h2>{title}</h2>
        <pre className={code ? 'value-dialog__text value-dialog__text--code' : 'value-dialog__text'}>{text}</pre>
        <div className="actions">
          <button type="button" className="button" onClick={() => dialog.current?.close()} autoFocus>
            {t('records.close')}
          </button>
        </div>
      </dialog>
    </>
  );
}
