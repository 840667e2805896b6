import { useId, useState, type FormEvent } from 'react';
import type { Column } from '../../../../src/http/wire-types';
import { useI18n } from '../../i18n/i18n';

/** A search as the filter API takes it: one column containing a text, and whether to show discarded records. */
export interface Search {
  readonly column: string;
  readonly text: string;
  readonly discarded: boolean;
}

export const NO_SEARCH: Search = { column: '', text: '', discarded: false };

/** The filter body for a search (Exastro's NORMAL = contains, LIST = one of). */
export function filterBody(search: Search): Record<string, unknown> {
  return {
    ...(search.column && search.text.trim() !== '' && { [search.column]: { NORMAL: search.text.trim() } }),
    ...(!search.discarded && { discard: { LIST: ['0'] } }),
  };
}

/** The search form above the records (a read: it works in read-only mode too). */
export function RecordSearch({ columns, onSearch }: { readonly columns: readonly Column[]; readonly onSearch: (s: Search) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [column, setColumn] = useState(columns[0]?.name ?? '');
  const [text, setText] = useState('');
  const [discarded, setDiscarded] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch({ column, text, discarded });
  };
  const clear = () => {
    setText('');
    setDiscarded(false);
    onSearch({ column, text: '', discarded: false });
  };

  return (
    <form role="search" className="search" onSubmit={submit} aria-label={t('records.search')}>
      <div className="field">
        <label htmlFor={`${id}-column`}>{t('records.searchColumn')}</label>
        <select id={`${id}-column`} value={column} onChange={(e) => setColumn(e.target.value)}>
          {columns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.title ?? c.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-text`}>{t('records.searchText')}</label>
        <input id={`${id}-text`} type="search" value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <div className="field field--check">
        <input id={`${id}-discarded`} type="checkbox" checked={discarded} onChange={(e) => setDiscarded(e.target.checked)} />
        <label htmlFor={`${id}-discarded`}>{t('records.showDiscarded')}</label>
      </div>
      <div className="actions">
        <button type="submit" className="button">
          {t('records.searchButton')}
        </button>
        <button type="button" className="button" onClick={clear}>
          {t('records.clear')}
        </button>
      </div>
    </form>
  );
}
