import { useState } from 'react';
import type { Column } from '../../../../src/http/wire-types';
import { useI18n } from '../../i18n/i18n';
import { PAGE_SIZES, lastPage } from './grid-query';

/** Which columns the grid shows, chosen per menu and remembered in this browser. */
export function useHiddenColumns(storageKey: string): [ReadonlySet<string>, (name: string, hidden: boolean) => void] {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => {
    try {
      const saved: unknown = JSON.parse(window.localStorage.getItem(storageKey) ?? '[]');
      return new Set(Array.isArray(saved) ? saved.filter((x): x is string => typeof x === 'string') : []);
    } catch {
      return new Set();
    }
  });
  const toggle = (name: string, hide: boolean) => {
    setHidden((current) => {
      const next = new Set(current);
      if (hide) next.add(name);
      else next.delete(name);
      window.localStorage.setItem(storageKey, JSON.stringify([...next]));
      return next;
    });
  };
  return [hidden, toggle];
}

/** The column picker: a checkbox per column; the last shown column cannot be hidden. */
export function ColumnPicker({
  columns,
  hidden,
  onToggle,
}: {
  readonly columns: readonly Column[];
  readonly hidden: ReadonlySet<string>;
  readonly onToggle: (name: string, hide: boolean) => void;
}) {
  const { t } = useI18n();
  const shown = columns.filter((c) => !hidden.has(c.name)).length;
  return (
    <details className="picker">
      <summary>{t('records.columnsShown', { shown, total: columns.length })}</summary>
      <fieldset className="picker__list">
        <legend className="visually-hidden">{t('records.columns')}</legend>
        {columns.map((c) => {
          const visible = !hidden.has(c.name);
          return (
            <label key={c.name} className="picker__item">
              <input type="checkbox" checked={visible} disabled={visible && shown === 1} onChange={(e) => onToggle(c.name, !e.target.checked)} />{' '}
              {c.title ?? c.name}
            </label>
          );
        })}
      </fieldset>
    </details>
  );
}

/** Where the page is in the whole result ("1–50 of 1,000"), the page size, and the way between pages. */
export function Pager({
  page,
  pageSize,
  total,
  onPage,
  onPageSize,
}: {
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
  readonly onPage: (page: number) => void;
  readonly onPageSize: (size: number) => void;
}) {
  const { t, language } = useI18n();
  const number = (n: number) => n.toLocaleString(language === 'ja' ? 'ja-JP' : 'en-US');
  const last = lastPage(total, pageSize);
  const first = total === 0 ? 0 : page * pageSize + 1;
  const to = Math.min(total, (page + 1) * pageSize);
  return (
    <nav className="pager" aria-label={t('records.paging')}>
      <p className="pager__range" data-testid="records-range" aria-live="polite">
        {t('records.range', { first: number(first), last: number(to), total: number(total) })}
      </p>
      <label className="pager__size">
        {t('records.pageSize')}{' '}
        <select value={pageSize} onChange={(e) => onPageSize(Number(e.target.value))}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
      <div className="pager__buttons">
        <button
          type="button"
          className="button button--quiet"
          onClick={() => onPage(0)}
          disabled={page === 0}
          aria-label={t('records.firstPage')}
          title={t('records.firstPage')}
        >
          «
        </button>
        <button
          type="button"
          className="button button--quiet"
          onClick={() => onPage(page - 1)}
          disabled={page === 0}
          aria-label={t('records.prevPage')}
          title={t('records.prevPage')}
        >
          ‹
        </button>
        <span className="pager__page">{t('records.pageOf', { page: number(page + 1), pages: number(last + 1) })}</span>
        <button
          type="button"
          className="button button--quiet"
          onClick={() => onPage(page + 1)}
          disabled={page >= last}
          aria-label={t('records.nextPage')}
          title={t('records.nextPage')}
        >
          ›
        </button>
        <button
          type="button"
          className="button button--quiet"
          onClick={() => onPage(last)}
          disabled={page >= last}
          aria-label={t('records.lastPage')}
          title={t('records.lastPage')}
        >
          »
        </button>
      </div>
    </nav>
  );
}
