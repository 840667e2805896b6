import { useId, useState, type FormEvent } from 'react';
import type { Column } from '../../../../src/http/wire-types';
import { useI18n } from '../../i18n/i18n';
import { filterKind, isEmptyFilter, type ColumnFilter, type GridQuery } from './grid-query';
import { inputType } from './values';

interface RecordFiltersProps {
  readonly columns: readonly Column[];
  readonly query: GridQuery;
  readonly onApply: (filters: ReadonlyMap<string, ColumnFilter>, showDiscarded: boolean) => void;
}

const emptyFilter = (column: Column): ColumnFilter | undefined => {
  switch (filterKind(column)) {
    case 'text':
      return { kind: 'text', mode: 'contains', text: '' };
    case 'range':
      return { kind: 'range', from: '', to: '' };
    case 'list':
      return { kind: 'list', values: [] };
    default:
      return undefined;
  }
};

/**
 * The filter area above the grid, one filter per column as Exastro's menus have it: contains or
 * exact for text, a range for numbers and dates, a choice for booleans; and whether discarded
 * records show. Folded away until opened; it says how many filters are on. A read: it works in
 * read-only mode too.
 */
export function RecordFilters({ columns, query, onApply }: RecordFiltersProps) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(() => new Map(query.filters));
  const [showDiscarded, setShowDiscarded] = useState(query.showDiscarded);
  const active = [...query.filters.values()].filter((f) => !isEmptyFilter(f)).length + (query.showDiscarded ? 1 : 0);
  const set = (name: string, filter: ColumnFilter) => setDraft((d) => new Map(d).set(name, filter));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(new Map([...draft].filter(([, f]) => !isEmptyFilter(f))), showDiscarded);
  };
  const clear = () => {
    setDraft(new Map());
    setShowDiscarded(false);
    onApply(new Map(), false);
  };

  return (
    <details className="filters" open={active > 0 ? true : undefined}>
      <summary>{active > 0 ? t('records.filtersOn', { count: active }) : t('records.filters')}</summary>
      <form role="search" className="filters__form" onSubmit={submit} aria-label={t('records.search')}>
        <div className="filters__grid">
          {columns.map((column) => {
            const filter = draft.get(column.name) ?? emptyFilter(column);
            return filter ? <ColumnFilterField key={column.name} column={column} filter={filter} onChange={(f) => set(column.name, f)} /> : null;
          })}
        </div>
        <div className="field field--check">
          <input id="filter-discarded" type="checkbox" checked={showDiscarded} onChange={(e) => setShowDiscarded(e.target.checked)} />
          <label htmlFor="filter-discarded">{t('records.showDiscarded')}</label>
        </div>
        <div className="actions">
          <button type="submit" className="button button--primary">
            {t('records.searchButton')}
          </button>
          <button type="button" className="button" onClick={clear}>
            {t('records.clear')}
          </button>
        </div>
      </form>
    </details>
  );
}

function ColumnFilterField({
  column,
  filter,
  onChange,
}: {
  readonly column: Column;
  readonly filter: ColumnFilter;
  readonly onChange: (f: ColumnFilter) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const name = column.title ?? column.name;
  switch (filter.kind) {
    case 'text':
      return (
        <fieldset className="filter">
          <legend>{name}</legend>
          <select
            aria-label={t('records.filterMode', { column: name })}
            value={filter.mode}
            onChange={(e) => onChange({ ...filter, mode: e.target.value === 'exact' ? 'exact' : 'contains' })}
          >
            <option value="contains">{t('records.filterContains')}</option>
            <option value="exact">{t('records.filterExact')}</option>
          </select>
          <input
            type="search"
            aria-label={t('records.filterValue', { column: name })}
            value={filter.text}
            onChange={(e) => onChange({ ...filter, text: e.target.value })}
          />
        </fieldset>
      );
    case 'range': {
      const type = inputType(column);
      return (
        <fieldset className="filter">
          <legend>{name}</legend>
          <input
            id={`${id}-from`}
            type={type}
            step={column.type === 'number' ? 'any' : undefined}
            aria-label={t('records.filterFrom', { column: name })}
            value={filter.from}
            onChange={(e) => onChange({ ...filter, from: e.target.value })}
          />
          <span aria-hidden="true">–</span>
          <input
            type={type}
            step={column.type === 'number' ? 'any' : undefined}
            aria-label={t('records.filterTo', { column: name })}
            value={filter.to}
            onChange={(e) => onChange({ ...filter, to: e.target.value })}
          />
        </fieldset>
      );
    }
    case 'list':
      return (
        <fieldset className="filter">
          <legend>{name}</legend>
          <select
            aria-label={t('records.filterValue', { column: name })}
            value={filter.values[0] ?? ''}
            onChange={(e) => onChange({ kind: 'list', values: e.target.value === '' ? [] : [e.target.value] })}
          >
            <option value="">{t('records.filterAny')}</option>
            <option value="true">{t('records.yes')}</option>
            <option value="false">{t('records.no')}</option>
          </select>
        </fieldset>
      );
  }
}
