import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { ErrorAlert } from './alerts';
import { TableScroll } from './table-scroll';

/** A column's header: its label, and a class for its header cell (e.g. `numeric`). */
export type Column = string | { readonly label: string; readonly className?: string };

/**
 * A loaded list as a table: its load error (with Retry), "Loading…" until it is here, a sentence
 * when it is empty, else the table in a region that scrolls sideways on a phone (`TableScroll`),
 * with its header row from `columns` and a row per item from `children`. The region is named by
 * the heading `labelledBy` names, or by `caption` (then a caption only assistive technology reads).
 * Every list page of the console is one of these.
 */
export function DataList<T>({
  result,
  empty,
  columns,
  labelledBy,
  caption,
  className = 'table table--cards',
  testId,
  children,
}: {
  readonly result: { readonly data: readonly T[] | undefined; readonly error: unknown };
  /** What an empty list says. */
  readonly empty: ReactNode;
  readonly columns: readonly Column[];
  readonly labelledBy?: string;
  readonly caption?: string;
  readonly className?: string;
  readonly testId?: string;
  readonly children: (items: readonly T[]) => ReactNode;
}) {
  const { t } = useI18n();
  const { data, error } = result;
  const region = labelledBy === undefined ? { label: caption ?? '' } : { labelledBy };
  return (
    <>
      <ErrorAlert error={error} />
      {data === undefined && !error && <p>{t('common.loading')}</p>}
      {data?.length === 0 && <p>{empty}</p>}
      {data && data.length > 0 && (
        <TableScroll {...region}>
          <table className={className} data-testid={testId}>
            {caption && labelledBy === undefined && <caption className="visually-hidden">{caption}</caption>}
            <thead>
              <tr>
                {columns.map((c) => {
                  const { label, className: cellClass } = typeof c === 'string' ? { label: c, className: undefined } : c;
                  return (
                    <th key={label} scope="col" className={cellClass}>
                      {label}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>{children(data)}</tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}
