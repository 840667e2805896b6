import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { Column, Menu, MenuRecord } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import { fromInput, inputType, recordId, toInput } from './values';

interface RecordFormProps {
  readonly menu: Menu;
  /** `…/menu/{menu}` of the API. */
  readonly menuPath: string;
  /** The record to edit; absent to register one. */
  readonly record?: MenuRecord;
  readonly onSaved: () => void;
  readonly onCancel: () => void;
}

/**
 * Registers a record, or updates one with the `last_update_date_time` it was read with, so a change
 * made meanwhile by someone else is refused (499-00201, the problem shown under its row) instead of overwritten.
 */
export function RecordForm({ menu, menuPath, record, onSaved, onCancel }: RecordFormProps) {
  const { t } = useI18n();
  const formId = useId();
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(menu.columns.map((c) => [c.name, toInput(c, record?.parameter[c.name])])),
  );
  /** Files chosen in the form, base64 by column: sent under the item's `file`; a file column without one keeps its file. */
  const [files, setFiles] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const parameter: Record<string, string> = Object.fromEntries(menu.columns.map((c) => [c.name, fromInput(c, values[c.name] ?? '')]));
    try {
      await api('POST', `${menuPath}/maintenance/all/`, [
        record
          ? {
              type: 'Update',
              parameter: { ...parameter, [menu.key]: recordId(menu, record), last_update_date_time: record.parameter.last_update_date_time },
              file: files,
            }
          : { type: 'Register', parameter, file: files },
      ]);
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const title = record ? t('records.editTitle') : t('records.registerTitle');
  return (
    <form className="form panel" onSubmit={(e) => void submit(e)} aria-labelledby={`${formId}-title`}>
      <h2 id={`${formId}-title`}>{title}</h2>
      <div className="grid">
        {menu.columns.map((c) =>
          c.type === 'file' ? (
            <FileInput
              key={c.name}
              column={c}
              name={values[c.name] ?? ''}
              chosen={files[c.name] !== undefined}
              onChosen={(name, base64) => {
                setValues((p) => ({ ...p, [c.name]: name }));
                setFiles((p) => ({ ...p, [c.name]: base64 }));
              }}
            />
          ) : (
            <ColumnInput key={c.name} column={c} value={values[c.name] ?? ''} onChange={(v) => setValues((p) => ({ ...p, [c.name]: v }))} />
          ),
        )}
      </div>
      <ErrorAlert error={error} />
      <div className="actions">
        <WriteButton type="submit" className="button button--primary" disabled={busy}>
          {t('common.save')}
        </WriteButton>
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** A column's label: its title (or name), marked when it is required. */
function ColumnLabel({ column, htmlFor }: { readonly column: Column; readonly htmlFor: string }) {
  return (
    <label htmlFor={htmlFor}>
      {column.title ?? column.name}
      {column.required && (
        <span className="required" aria-hidden="true">
          {' '}
          *
        </span>
      )}
    </label>
  );
}

/** A file column: the file it has (kept unless another is chosen) and a chooser that reads the new one as base64. */
function FileInput({
  column,
  name,
  chosen,
  onChosen,
}: {
  readonly column: Column;
  readonly name: string;
  readonly chosen: boolean;
  readonly onChosen: (name: string, base64: string) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const choose = async (file: File | undefined) => {
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    onChosen(file.name, btoa(binary));
  };
  return (
    <div className="field">
      <ColumnLabel column={column} htmlFor={id} />
      <input id={id} type="file" required={column.required && name === ''} onChange={(e) => void choose(e.target.files?.[0])} />
      {name !== '' && !chosen && <p className="meta">{t('records.fileKept', { name })}</p>}
    </div>
  );
}

function ColumnInput({ column, value, onChange }: { readonly column: Column; readonly value: string; readonly onChange: (v: string) => void }) {
  const { t } = useI18n();
  const id = useId();
  const label = <ColumnLabel column={column} htmlFor={id} />;
  if (column.type === 'boolean') {
    return (
      <div className="field">
        {label}
        <select id={id} value={value} required={column.required} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('records.empty')}</option>
          <option value="true">{t('records.yes')}</option>
          <option value="false">{t('records.no')}</option>
        </select>
      </div>
    );
  }
  if (column.type === 'string') {
    // Strings may hold several lines (a playbook, an inventory, JSON): a text area keeps them.
    const lines = value.split('\n').length;
    return (
      <div className="field">
        {label}
        <textarea id={id} value={value} required={column.required} rows={Math.min(12, Math.max(1, lines))} onChange={(e) => onChange(e.target.value)} />
      </div>
    );
  }
  const type = inputType(column);
  return (
    <div className="field">
      {label}
      <input
        id={id}
        type={type}
        value={value}
        required={column.required}
        step={column.type === 'number' ? 'any' : column.type === 'datetime' ? 1 : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
