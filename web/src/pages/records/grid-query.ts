import type { Column } from '../../../../src/http/wire-types.js';

/**
 * What the records grid asks the API for, as plain data: the filters per column, whether discarded
 * records show, the order and the page. `filterBody` and `pageQuery` turn it into exactly what an
 * Exastro client sends (POST filter/ and filter/count/ with the same body), so the grid shows what
 * the API answers for the same query.
 */

/** A column's filter: text contains or equals; a range for numbers and dates; one of a list for booleans. */
export type ColumnFilter =
  | { readonly kind: 'text'; readonly mode: 'contains' | 'exact'; readonly text: string }
  | { readonly kind: 'range'; readonly from: string; readonly to: string }
  | { readonly kind: 'list'; readonly values: readonly string[] };

export interface GridQuery {
  /** By column name; a column without an entry is not filtered. */
  readonly filters: ReadonlyMap<string, ColumnFilter>;
  readonly showDiscarded: boolean;
  readonly sort?: { readonly column: string; readonly descending: boolean };
  /** 0-based. */
  readonly page: number;
  readonly pageSize: number;
}

export const PAGE_SIZES = [25, 50, 100, 200] as const;

export const FIRST_QUERY: GridQuery = { filters: new Map(), showDiscarded: false, page: 0, pageSize: 50 };

/** The kind of filter a column takes. */
export function filterKind(column: Column): ColumnFilter['kind'] | undefined {
  switch (column.type) {
    case 'string':
      return 'text';
    case 'integer':
    case 'number':
    case 'date':
    case 'datetime':
      return 'range';
    case 'boolean':
      return 'list';
    case 'file':
      // A file column is searched by its file's name.
      return 'text';
    default:
      return undefined;
  }
}

/** A filter that filters nothing (an empty text, an open range, no value chosen) is no filter. */
export function isEmptyFilter(filter: ColumnFilter): boolean {
  switch (filter.kind) {
    case 'text':
      return filter.text.trim() === '';
    case 'range':
      return filter.from.trim() === '' && filter.to.trim() === '';
    case 'list':
      return filter.values.length === 0;
  }
}

/** A date or date-time input's value as the store writes it (`2026-12-04T10:30` → `2026/12/04 10:30`). */
function storedForm(column: Column, text: string): string | number {
  if (column.type === 'integer' || column.type === 'number') return Number(text);
  return text.trim().replaceAll('-', '/').replace('T', ' ');
}

/** The body of POST filter/ and filter/count/ for `query` over `columns`. */
export function filterBody(columns: readonly Column[], query: Pick<GridQuery, 'filters' | 'showDiscarded'>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const column of columns) {
    const filter = query.filters.get(column.name);
    if (!filter || isEmptyFilter(filter)) continue;
    switch (filter.kind) {
      case 'text':
        body[column.name] = filter.mode === 'exact' ? { LIST: [filter.text.trim()] } : { NORMAL: filter.text.trim() };
        break;
      case 'range': {
        // A date-time range's end without seconds takes the whole minute it names.
        const to = storedForm(column, filter.to);
        const end = typeof to === 'string' && column.type === 'datetime' && /\d{2}:\d{2}$/.test(to) && !/:\d{2}:\d{2}$/.test(to) ? `${to}:59` : to;
        body[column.name] = {
          RANGE: { ...(filter.from.trim() !== '' && { START: storedForm(column, filter.from) }), ...(filter.to.trim() !== '' && { END: end }) },
        };
        break;
      }
      case 'list':
        body[column.name] = { LIST: [...filter.values] };
        break;
    }
  }
  if (!query.showDiscarded) body.discard = { LIST: ['0'] };
  return body;
}

/** The query string of POST filter/ for one page, in `query`'s order, without the files' contents. */
export function pageQuery(query: Pick<GridQuery, 'sort' | 'page' | 'pageSize'>): string {
  const params = new URLSearchParams({ file: 'no', limit: String(query.pageSize), offset: String(query.page * query.pageSize) });
  if (query.sort) params.set('sort', `${query.sort.descending ? '-' : ''}${query.sort.column}`);
  return `?${params.toString()}`;
}

/** The last page (0-based) of `total` records. */
export const lastPage = (total: number, pageSize: number): number => Math.max(0, Math.ceil(total / pageSize) - 1);

/**
 * Whether a value reads as code or an address — shown in a monospace font so `l`, `1` and `I`
 * differ and columns of addresses line up: several lines (YAML, a playbook), JSON, an IP address
 * or network, a URL or a path.
 */
export function looksLikeCode(value: string): boolean {
  return (
    value.includes('\n') ||
    /^\s*[[{]/.test(value) ||
    /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?(:\d+)?$/.test(value) ||
    /^[0-9a-f]*:[0-9a-f:]+(\/\d{1,3})?$/i.test(value) ||
    /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ||
    /^~?\/[^\s]*$/.test(value)
  );
}

/** Values longer than this (or of more than one line) open in an expander instead of showing whole. */
export const LONG_VALUE = 40;

export const isLongValue = (value: string): boolean => value.length > LONG_VALUE || value.includes('\n');

/**
 * The query in the page's address, so a reload, a bookmark or a link shows the same records:
 * `?page=3&size=100&sort=-port&discarded=1&f.host=~web&f.port=80..443&f.enabled=in:true`
 * (`~` contains, `=` exactly, `from..to` a range, `in:` one of). Only what differs from the first
 * query is written.
 */
export function toSearch(query: GridQuery): string {
  const params = new URLSearchParams();
  if (query.page > 0) params.set('page', String(query.page + 1));
  if (query.pageSize !== FIRST_QUERY.pageSize) params.set('size', String(query.pageSize));
  if (query.sort) params.set('sort', `${query.sort.descending ? '-' : ''}${query.sort.column}`);
  if (query.showDiscarded) params.set('discarded', '1');
  for (const [name, filter] of query.filters) {
    if (isEmptyFilter(filter)) continue;
    switch (filter.kind) {
      case 'text':
        params.set(`f.${name}`, `${filter.mode === 'exact' ? '=' : '~'}${filter.text}`);
        break;
      case 'range':
        params.set(`f.${name}`, `${filter.from}..${filter.to}`);
        break;
      case 'list':
        params.set(`f.${name}`, `in:${filter.values.join(',')}`);
        break;
    }
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The query an address asks for (`toSearch`'s form); what it cannot read is left at the first query's. */
export function fromSearch(search: string): GridQuery {
  const params = new URLSearchParams(search);
  const number = (name: string, min: number): number | undefined => {
    const n = Number(params.get(name));
    return params.has(name) && Number.isInteger(n) && n >= min ? n : undefined;
  };
  const size = number('size', 1);
  const sort = params.get('sort');
  const filters = new Map<string, ColumnFilter>();
  for (const [key, value] of params) {
    if (!key.startsWith('f.') || key.length < 3) continue;
    const name = key.slice(2);
    if (value.startsWith('=')) filters.set(name, { kind: 'text', mode: 'exact', text: value.slice(1) });
    else if (value.startsWith('~')) filters.set(name, { kind: 'text', mode: 'contains', text: value.slice(1) });
    else if (value.startsWith('in:')) filters.set(name, { kind: 'list', values: value.slice(3).split(',').filter(Boolean) });
    else if (value.includes('..')) {
      const [from = '', to = ''] = value.split('..', 2);
      filters.set(name, { kind: 'range', from, to });
    }
  }
  return {
    filters,
    showDiscarded: params.get('discarded') === '1',
    page: (number('page', 1) ?? 1) - 1,
    pageSize: size !== undefined && (PAGE_SIZES as readonly number[]).includes(size) ? size : FIRST_QUERY.pageSize,
    ...(sort && /^-?[A-Za-z0-9_]{1,64}$/.test(sort) && { sort: { column: sort.replace(/^-/, ''), descending: sort.startsWith('-') } }),
  };
}
