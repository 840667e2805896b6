import { useEffect, useMemo, useState } from 'react';
import { api, itaPath, seg } from '../../api/client';
import type { Menu, MenuRecord } from '../../../../src/http/wire-types';
import { ErrorAlert, SuccessNotice, type Notice } from '../../components/alerts';
import { Breadcrumb, workspaceTrail } from '../../components/breadcrumb';
import { PageTitle } from '../../components/page-title';
import { useLoad } from '../../components/use-load';
import { ReadOnlyNotice, WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import { ColumnPicker, Pager, useHiddenColumns } from './grid-controls';
import { filterBody, fromSearch, lastPage, pageQuery, toSearch, type GridQuery } from './grid-query';
import { RecordDrawer } from './record-drawer';
import { RecordFilters } from './record-filters';
import { RecordTransfer } from './record-transfer';
import { RecordsGrid } from './records-grid';
import { recordId } from './values';
import './records.css';

interface RecordsPageProps {
  readonly organization: string;
  readonly workspace: string;
  readonly menu: string;
}

/** The drawer: registering (no record) or editing one, and the button that opened it (focus goes back there). */
interface DrawerState {
  readonly record?: MenuRecord;
  readonly label?: string;
  readonly opener: HTMLElement | null;
}

/**
 * A menu's records as Exastro users work with them: filters per column, a grid paged and sorted on
 * the server with the total count, a column picker, bulk discard and restore, download and bulk
 * register from a file, and a drawer to register or edit a record.
 */
export function RecordsPage({ organization, workspace, menu: menuName }: RecordsPageProps) {
  const { t } = useI18n();
  const menuPath = `${itaPath(organization, workspace)}/menu/${seg(menuName)}`;
  const menu = useLoad(() => api<Menu>('GET', `${menuPath}/`), [menuPath]);
  // The query lives in the address too: a reload, a bookmark or a shared link shows the same records.
  const [query, setQuery] = useState<GridQuery>(() => fromSearch(window.location.search));
  useEffect(() => {
    const search = toSearch(query);
    if (search !== window.location.search) window.history.replaceState(null, '', `${window.location.pathname}${search}`);
  }, [query]);
  const [hidden, toggleColumn] = useHiddenColumns(`drydock.columns.${organization}/${workspace}/${menuName}`);
  const columns = useMemo(() => menu.data?.columns ?? [], [menu.data]);
  const filter = useMemo(() => filterBody(columns, query), [columns, query]);
  // The page and the total of the same filter, together: the grid never shows one without the other.
  const result = useLoad(
    async () =>
      menu.data
        ? Promise.all([api<MenuRecord[]>('POST', `${menuPath}/filter/${pageQuery(query)}`, filter), api<number>('POST', `${menuPath}/filter/count/`, filter)])
        : undefined,
    [menuPath, menu.data, filter, query.page, query.pageSize, query.sort],
  );
  const [drawer, setDrawer] = useState<DrawerState | undefined>(undefined);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [actionError, setActionError] = useState<unknown>(undefined);

  const [records, total] = result.data ?? [undefined, 0];
  // An address (or a discard) can leave the page past the last one: go to the last page instead.
  useEffect(() => {
    if (records && records.length === 0 && total > 0 && query.page > lastPage(total, query.pageSize)) {
      setQuery((q) => ({ ...q, page: lastPage(total, q.pageSize) }));
    }
  }, [records, total, query.page, query.pageSize]);
  const shownColumns = columns.filter((c) => !hidden.has(c.name));
  const selectedRecords = (records ?? []).filter((r) => menu.data && selected.has(recordId(menu.data, r)));

  const update = (next: Partial<GridQuery>) => {
    setSelected(new Set());
    setQuery((q) => ({ ...q, ...next }));
  };
  const changed = (message: Notice) => {
    setNotice(message);
    setActionError(undefined);
    setSelected(new Set());
    void result.reload();
  };
  const closeDrawer = () => {
    const opener = drawer?.opener;
    setDrawer(undefined);
    // Back to where the user was: the button that opened the drawer.
    if (opener?.isConnected) opener.focus();
  };

  /** Discards or restores records in one all-or-nothing request. */
  const applyType = async (targets: readonly MenuRecord[], type: 'Discard' | 'Restore') => {
    if (!menu.data) return;
    const key = menu.data.key;
    setNotice(undefined);
    setActionError(undefined);
    try {
      await api(
        'POST',
        `${menuPath}/maintenance/all/`,
        targets.map((r) => ({ type, parameter: { [key]: recordId(menu.data!, r), last_update_date_time: r.parameter.last_update_date_time } })),
      );
      if (targets.length === 1) changed({ key: type === 'Discard' ? 'records.discarded' : 'records.restored' });
      else changed({ key: type === 'Discard' ? 'records.bulkDiscarded' : 'records.bulkRestored', params: { count: targets.length } });
    } catch (err) {
      setActionError(err);
    }
  };

  const trail = workspaceTrail(organization, workspace, t('nav.workspaces'));
  const toDiscard = selectedRecords.filter((r) => r.parameter.discard !== '1');
  const toRestore = selectedRecords.filter((r) => r.parameter.discard === '1');
  return (
    <div className={drawer ? 'records records--with-drawer' : 'records'}>
      <Breadcrumb items={[...trail, { label: menuName }]} />
      <PageTitle>{menu.data ? `${menu.data.title} (${menuName})` : menuName}</PageTitle>
      <ErrorAlert error={menu.error} />
      {menu.data && (
        <>
          <RecordFilters columns={columns} query={query} onApply={(filters, showDiscarded) => update({ filters, showDiscarded, page: 0 })} />
          <ReadOnlyNotice />
          <SuccessNotice notice={notice} />
          <ErrorAlert error={actionError} />
          <div className="records__toolbar">
            <WriteButton className="button button--primary" onClick={(e) => setDrawer({ opener: e.currentTarget })}>
              {t('records.register')}
            </WriteButton>
            {selectedRecords.length > 0 && (
              <div className="records__bulk" role="group" aria-label={t('records.selected', { count: selectedRecords.length })}>
                <span className="meta">{t('records.selected', { count: selectedRecords.length })}</span>
                {toDiscard.length > 0 && (
                  <WriteButton className="button" onClick={() => void applyType(toDiscard, 'Discard')}>
                    {t('records.discardSelected', { count: toDiscard.length })}
                  </WriteButton>
                )}
                {toRestore.length > 0 && (
                  <WriteButton className="button" onClick={() => void applyType(toRestore, 'Restore')}>
                    {t('records.restoreSelected', { count: toRestore.length })}
                  </WriteButton>
                )}
              </div>
            )}
            <RecordTransfer menu={menu.data} menuPath={menuPath} filter={filter} onDone={changed} onError={setActionError} />
            <ColumnPicker columns={columns} hidden={hidden} onToggle={toggleColumn} />
          </div>
          <ErrorAlert error={result.error} />
          {records && (
            <>
              <Pager
                page={query.page}
                pageSize={query.pageSize}
                total={total}
                onPage={(page) => update({ page: Math.min(Math.max(0, page), lastPage(total, query.pageSize)) })}
                onPageSize={(pageSize) => update({ pageSize, page: 0 })}
              />
              <RecordsGrid
                menu={menu.data}
                menuPath={menuPath}
                columns={shownColumns}
                records={records}
                total={total}
                sort={query.sort}
                onSort={(column) =>
                  update({
                    sort: { column, descending: query.sort?.column === column ? !query.sort.descending : false },
                    page: 0,
                  })
                }
                selected={selected}
                onSelect={(ids, on) =>
                  setSelected((current) => {
                    const next = new Set(current);
                    for (const id of ids) {
                      if (on) next.add(id);
                      else next.delete(id);
                    }
                    return next;
                  })
                }
                onEdit={(record, label, opener) => setDrawer({ record, label, opener })}
                onDiscard={(record, type) => void applyType([record], type)}
              />
              {records.length === 0 && <p>{t('records.none')}</p>}
            </>
          )}
          {drawer && (
            <RecordDrawer
              key={drawer.record ? recordId(menu.data, drawer.record) : 'new'}
              menu={menu.data}
              menuPath={menuPath}
              {...(drawer.record && { record: drawer.record })}
              {...(drawer.label !== undefined && { label: drawer.label })}
              onSaved={() => {
                changed({ key: drawer.record ? 'records.updated' : 'records.registered' });
                closeDrawer();
              }}
              onClose={closeDrawer}
            />
          )}
        </>
      )}
    </div>
  );
}
