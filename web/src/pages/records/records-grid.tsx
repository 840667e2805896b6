import type { Column, Menu, MenuRecord } from '../../../../src/http/wire-types';
import { seg } from '../../api/client';
import { WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import type { GridQuery } from './grid-query';
import { RecordCell } from './record-cell';
import { recordId } from './values';

interface RecordsGridProps {
  readonly menu: Menu;
  readonly menuPath: string;
  /** The columns shown (the column picker's choice), in the menu's order. */
  readonly columns: readonly Column[];
  readonly records: readonly MenuRecord[];
  readonly total: number;
  readonly sort: GridQuery['sort'];
  readonly onSort: (column: string) => void;
  readonly selected: ReadonlySet<string>;
  readonly onSelect: (ids: readonly string[], on: boolean) => void;
  readonly onEdit: (record: MenuRecord, label: string, opener: HTMLElement) => void;
  readonly onDiscard: (record: MenuRecord, type: 'Discard' | 'Restore') => void;
}

/** A record's label: its first column's value, else its id. */
export function recordLabel(menu: Menu, record: MenuRecord): string {
  const first = menu.columns[0];
  const value = first ? record.parameter[first.name] : undefined;
  return value === null || value === undefined || value === '' ? recordId(menu, record) : String(value);
}

/**
 * One page of a menu's records as a grid: it scrolls both ways inside its own region (never the
 * page), its header row stays on top and its first column (with the row's checkbox) on the left,
 * the row's actions on the right. Every column header sorts (on the server, the whole result).
 */
export function RecordsGrid({ menu, menuPath, columns, records, total, sort, onSort, selected, onSelect, onEdit, onDiscard }: RecordsGridProps) {
  const { t, formatTime } = useI18n();
  const ids = records.map((r) => recordId(menu, r));
  const allSelected = ids.length > 0 && ids.every((id) => selected.has(id));
  const [first, ...rest] = columns;
  const caption = t('records.caption', { count: total });

  const header = (column: { name: string; title?: string | undefined }, className?: string) => {
    const direction = sort?.column === column.name ? (sort.descending ? 'descending' : 'ascending') : undefined;
    const title = column.title ?? column.name;
    return (
      <th scope="col" key={column.name} className={className} aria-sort={direction ?? 'none'}>
        <button type="button" className="sort-button" onClick={() => onSort(column.name)} title={t('records.sortBy', { column: title })}>
          <span>{title}</span>
          <span className="sort-button__mark" aria-hidden="true">
            {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕'}
          </span>
        </button>
      </th>
    );
  };

  return (
    <div className="grid-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table className="table records-grid" data-testid="records">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="grid__sticky-first grid__select">
              <input
                type="checkbox"
                aria-label={t('records.selectPage')}
                checked={allSelected}
                disabled={ids.length === 0}
                onChange={(e) => onSelect(ids, e.target.checked)}
              />
            </th>
            {first && header(first, 'grid__sticky-second')}
            {rest.map((c) => header(c))}
            {header({ name: 'last_update_date_time', title: t('records.lastUpdate') })}
            <th scope="col" className="grid__sticky-last">
              {t('common.actions')}
            </th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => {
            const discarded = r.parameter.discard === '1';
            const id = recordId(menu, r);
            const label = recordLabel(menu, r);
            const cell = (c: Column, className?: string) => (
              <td key={c.name} className={className} data-type={c.type}>
                <RecordCell column={c} value={r.parameter[c.name]} recordLabel={label} download={`${menuPath}/${seg(id)}/${seg(c.name)}/file/`} />
              </td>
            );
            return (
              <tr key={id} className={discarded ? 'row--discarded' : undefined} aria-selected={selected.has(id)}>
                <td className="grid__sticky-first grid__select">
                  <input
                    type="checkbox"
                    aria-label={t('records.select', { name: label })}
                    checked={selected.has(id)}
                    onChange={(e) => onSelect([id], e.target.checked)}
                  />
                </td>
                {first && cell(first, 'grid__sticky-second')}
                {rest.map((c) => cell(c))}
                <td className="nowrap">
                  <span title={r.parameter.last_update_date_time}>{formatTime(r.parameter.last_update_date_time)}</span>{' '}
                  <span className="meta">{r.parameter.last_updated_user}</span>
                  {discarded && <span className="pill pill--off"> {t('records.discardedTag')}</span>}
                </td>
                <td className="grid__sticky-last row-actions">
                  {!discarded && (
                    <WriteButton onClick={(e) => onEdit(r, label, e.currentTarget)} aria-label={t('records.editNamed', { name: label })}>
                      {t('common.edit')}
                    </WriteButton>
                  )}
                  <WriteButton
                    onClick={() => onDiscard(r, discarded ? 'Restore' : 'Discard')}
                    aria-label={t(discarded ? 'records.restoreNamed' : 'records.discardNamed', { name: label })}
                  >
                    {discarded ? t('records.restore') : t('records.discard')}
                  </WriteButton>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
