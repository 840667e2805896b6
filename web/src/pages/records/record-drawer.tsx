import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiFailure, api } from '../../api/client';
import type { Column, Menu, MenuRecord } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import { fromInput, inputType, recordId, toInput } from './values';

interface RecordDrawerProps {
  readonly menu: Menu;
  /** `…/menu/{menu}` of the API. */
  readonly menuPath: string;
  /** The record to edit, as it was read; absent to register one. */
  readonly record?: MenuRecord;
  /** The record's label (its first column), for the title. */
  readonly label?: string;
  readonly onSaved: () => void;
  readonly onClose: () => void;
}

type Values = Record<string, string>;

const valuesOf = (menu: Menu, record: MenuRecord | undefined): Values =>
  Object.fromEntries(menu.columns.map((c) => [c.name, toInput(c, record?.parameter[c.name])]));

/**
 * Registers a record, or edits one, in a drawer beside the grid — always in view, whatever row it
 * was opened from — titled with the record, focus on its first field, Escape closes it.
 *
 * An update carries the `last_update_date_time` it was read with, so a change someone else saved
 * meanwhile is refused (499-00201) instead of overwritten. The drawer then reads the record again
 * and shows who saved it and when, their values beside mine, and offers "reload, keep my edits":
 * the new version becomes the one my save is based on, the fields I changed keep my values, the
 * others take theirs (so saving does not undo their change), and saving succeeds.
 * A problem about a field is shown on that field.
 */
export function RecordDrawer({ menu, menuPath, record, label, onSaved, onClose }: RecordDrawerProps) {
  const { t, formatTime } = useI18n();
  const formId = useId();
  const drawer = useRef<HTMLDivElement>(null);
  /** The version my save is based on (its lock); replaced by "reload, keep my edits". */
  const [base, setBase] = useState(record);
  const [values, setValues] = useState<Values>(() => valuesOf(menu, record));
  /** The values of `base`: what I changed is what differs from them. */
  const [original, setOriginal] = useState<Values>(() => valuesOf(menu, record));
  /** Files chosen in the form, base64 by column: sent under the item's `file`; a file column without one keeps its file. */
  const [files, setFiles] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(undefined);
  const [problems, setProblems] = useState<ReadonlyMap<string, readonly string[]>>(new Map());
  /** Someone else's version, when my save was refused because of it (or `gone` when it was deleted). */
  const [conflict, setConflict] = useState<MenuRecord | 'gone' | undefined>(undefined);
  const [reloaded, setReloaded] = useState<MenuRecord | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    drawer.current?.querySelector<HTMLElement>('input:not([type="hidden"]), textarea, select')?.focus();
  }, []);

  /** The record as stored now (discarded or not), or undefined when it no longer exists. */
  const readCurrent = async (id: string): Promise<MenuRecord | undefined> =>
    (await api<MenuRecord[]>('POST', `${menuPath}/filter/?file=no`, { [menu.key]: { LIST: [id] } }))[0];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setProblems(new Map());
    setReloaded(undefined);
    const parameter: Record<string, string> = Object.fromEntries(menu.columns.map((c) => [c.name, fromInput(c, values[c.name] ?? '')]));
    try {
      await api('POST', `${menuPath}/maintenance/all/`, [
        base
          ? {
              type: 'Update',
              parameter: { ...parameter, [menu.key]: recordId(menu, base), last_update_date_time: base.parameter.last_update_date_time },
              file: files,
            }
          : { type: 'Register', parameter, file: files },
      ]);
      onSaved();
    } catch (err) {
      const found = err instanceof ApiFailure ? err.recordProblems : new Map<string, readonly string[]>();
      if (base && found.size > 0) {
        // Was it someone else's save? Then the record's version is not the one I read.
        const current = await readCurrent(recordId(menu, base)).catch(() => base);
        if (current === undefined) {
          setConflict('gone');
          setBusy(false);
          return;
        }
        if (current.parameter.last_update_date_time !== base.parameter.last_update_date_time) {
          setConflict(current);
          setBusy(false);
          return;
        }
      }
      const onFields = new Map([...found].filter(([column]) => menu.columns.some((c) => c.name === column)));
      setProblems(onFields);
      // What is not about a field (the row, the lock, a refusal) shows at the top; field problems are named there too.
      setError(onFields.size === found.size && onFields.size > 0 ? t('records.fieldProblems') : err);
      setBusy(false);
      if (onFields.size > 0) drawer.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    }
  };

  /** Their version with my edits on top: a field I did not touch takes their value, so their change is not undone. */
  const keepMine = (theirs: MenuRecord) => {
    const their = valuesOf(menu, theirs);
    const mine = Object.fromEntries(Object.entries(values).filter(([name, value]) => value !== original[name]));
    setBase(theirs);
    setOriginal(their);
    setValues({ ...their, ...mine });
    setConflict(undefined);
    setReloaded(theirs);
  };
  const takeTheirs = (theirs: MenuRecord) => {
    setBase(theirs);
    setOriginal(valuesOf(menu, theirs));
    setValues(valuesOf(menu, theirs));
    setConflict(undefined);
    setReloaded(undefined);
  };

  const title = record ? t('records.editTitleNamed', { name: label ?? recordId(menu, record) }) : t('records.registerTitle');
  return (
    <div
      ref={drawer}
      className="drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby={`${formId}-title`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <form className="drawer__form" onSubmit={(e) => void submit(e)} aria-labelledby={`${formId}-title`} noValidate={false}>
        <div className="drawer__header">
          <h2 id={`${formId}-title`}>{title}</h2>
          <button type="button" className="button button--quiet" onClick={onClose} aria-label={t('records.close')}>
            <span aria-hidden="true">✕</span>
          </button>
        </div>
        <div className="drawer__body">
          {conflict && <ConflictPanel menu={menu} theirs={conflict} mine={values} onKeepMine={keepMine} onTakeTheirs={takeTheirs} />}
          {reloaded && (
            <p className="notice notice--success" role="status">
              {t('records.conflictReloaded', { user: reloaded.parameter.last_updated_user ?? '', time: formatTime(reloaded.parameter.last_update_date_time) })}
            </p>
          )}
          <ErrorAlert error={error} />
          {menu.columns.map((c) =>
            c.type === 'file' ? (
              <FileInput
                key={c.name}
                column={c}
                name={values[c.name] ?? ''}
                chosen={files[c.name] !== undefined}
                problems={problems.get(c.name)}
                onChosen={(name, base64) => {
                  setValues((p) => ({ ...p, [c.name]: name }));
                  setFiles((p) => ({ ...p, [c.name]: base64 }));
                }}
              />
            ) : (
              <ColumnInput
                key={c.name}
                column={c}
                value={values[c.name] ?? ''}
                problems={problems.get(c.name)}
                onChange={(v) => setValues((p) => ({ ...p, [c.name]: v }))}
              />
            ),
          )}
        </div>
        <div className="drawer__footer actions">
          <WriteButton type="submit" className="button button--primary" disabled={busy || conflict !== undefined}>
            {t('common.save')}
          </WriteButton>
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}

/** Who saved the record meanwhile and when, their values beside mine (differences marked), and the two ways on. */
function ConflictPanel({
  menu,
  theirs,
  mine,
  onKeepMine,
  onTakeTheirs,
}: {
  readonly menu: Menu;
  readonly theirs: MenuRecord | 'gone';
  readonly mine: Values;
  readonly onKeepMine: (theirs: MenuRecord) => void;
  readonly onTakeTheirs: (theirs: MenuRecord) => void;
}) {
  const { t, formatTime } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  if (theirs === 'gone') {
    return (
      <div className="notice notice--error" role="alert">
        <p>{t('records.conflictGone')}</p>
      </div>
    );
  }
  const their = valuesOf(menu, theirs);
  return (
    <section className="conflict notice notice--warning" role="alert" aria-labelledby="conflict-title">
      <h3 id="conflict-title" ref={heading} tabIndex={-1}>
        {t('records.conflictTitle')}
      </h3>
      <p>{t('records.conflictBy', { user: theirs.parameter.last_updated_user ?? '', time: formatTime(theirs.parameter.last_update_date_time) })}</p>
      <div className="table-scroll" role="region" aria-label={t('records.conflictTitle')} tabIndex={0}>
        <table className="table conflict__table">
          <thead>
            <tr>
              <th scope="col">{t('records.conflictColumn')}</th>
              <th scope="col">{t('records.conflictTheirs')}</th>
              <th scope="col">{t('records.conflictMine')}</th>
            </tr>
          </thead>
          <tbody>
            {menu.columns.map((c) => {
              const differs = (their[c.name] ?? '') !== (mine[c.name] ?? '');
              return (
                <tr key={c.name} className={differs ? 'conflict__differs' : undefined} data-differs={differs ? 'true' : undefined}>
                  <th scope="row">{c.title ?? c.name}</th>
                  <td>{their[c.name]}</td>
                  <td>{mine[c.name]}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="actions">
        <button type="button" className="button button--primary" onClick={() => onKeepMine(theirs)}>
          {t('records.conflictKeepMine')}
        </button>
        <button type="button" className="button" onClick={() => onTakeTheirs(theirs)}>
          {t('records.conflictTakeTheirs')}
        </button>
      </div>
    </section>
  );
}

/** A field's problems from the server, under it (the field points to them with aria-describedby). */
function FieldProblems({ id, problems }: { readonly id: string; readonly problems: readonly string[] | undefined }) {
  if (!problems || problems.length === 0) return null;
  return (
    <p id={id} className="field__error">
      {problems.join(' ')}
    </p>
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
  problems,
  onChosen,
}: {
  readonly column: Column;
  readonly name: string;
  readonly chosen: boolean;
  readonly problems: readonly string[] | undefined;
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
      <input id={id} type="file" required={column.required && name === ''} {...invalid(id, problems)} onChange={(e) => void choose(e.target.files?.[0])} />
      {name !== '' && !chosen && <p className="meta">{t('records.fileKept', { name })}</p>}
      <FieldProblems id={`${id}-problems`} problems={problems} />
    </div>
  );
}

function ColumnInput({
  column,
  value,
  problems,
  onChange,
}: {
  readonly column: Column;
  readonly value: string;
  readonly problems: readonly string[] | undefined;
  readonly onChange: (v: string) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const label = <ColumnLabel column={column} htmlFor={id} />;
  const error = <FieldProblems id={`${id}-problems`} problems={problems} />;
  if (column.type === 'boolean') {
    return (
      <div className="field">
        {label}
        <select id={id} value={value} required={column.required} {...invalid(id, problems)} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('records.empty')}</option>
          <option value="true">{t('records.yes')}</option>
          <option value="false">{t('records.no')}</option>
        </select>
        {error}
      </div>
    );
  }
  if (column.type === 'string') {
    // Strings may hold several lines (a playbook, an inventory, JSON): a text area keeps them.
    const lines = value.split('\n').length;
    return (
      <div className="field">
        {label}
        <textarea
          id={id}
          value={value}
          required={column.required}
          rows={Math.min(12, Math.max(1, lines))}
          {...invalid(id, problems)}
          onChange={(e) => onChange(e.target.value)}
        />
        {error}
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
        {...invalid(id, problems)}
        onChange={(e) => onChange(e.target.value)}
      />
      {error}
    </div>
  );
}

/** A field with problems says so to assistive technology and points to them. */
function invalid(id: string, problems: readonly string[] | undefined) {
  return problems && problems.length > 0 ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-problems` } : {};
}
