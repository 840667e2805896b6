import { useState, type ReactNode } from 'react';
import { api, itaPath, seg } from '../../api/client';
import type { Column, Menu, MenuRecord, Value } from '../../../../src/http/wire-types';
import { ErrorAlert, SuccessNotice, type Notice } from '../../components/alerts';
import { Breadcrumb, workspaceTrail } from '../../components/breadcrumb';
import { PageTitle } from '../../components/page-title';
import { useLoad } from '../../components/use-load';
import { ReadOnlyNotice, WriteButton } from '../../components/write-button';
import { useI18n, type Translate } from '../../i18n/i18n';
import { RecordForm } from './record-form';
import { recordId } from './values';
import { NO_SEARCH, RecordSearch, filterBody, type Search } from './record-search';

interface RecordsPageProps {
  readonly organization: string;
  readonly workspace: string;
  readonly menu: string;
}

function cell(column: Column, value: Value | undefined, t: Translate, download: string): ReactNode {
  if (value === null || value === undefined) return '';
  if (column.type === 'boolean') return value === true ? t('records.yes') : t('records.no');
  // A file column's value is the file's name: the file downloads under it.
  if (column.type === 'file') {
    return (
      <a href={download} download={String(value)} aria-label={t('records.downloadNamed', { name: String(value) })}>
        {String(value)}
      </a>
    );
  }
  return String(value);
}

/** A value's whole text for its cell's tooltip (a cell shows one line). */
const titleOf = (value: Value | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/** A menu's records: search, register, edit, discard and restore. */
export function RecordsPage({ organization, workspace, menu: menuName }: RecordsPageProps) {
  const { t, formatTime } = useI18n();
  const menuPath = `${itaPath(organization, workspace)}/menu/${seg(menuName)}`;
  const [search, setSearch] = useState<Search>(NO_SEARCH);
  const menu = useLoad(() => api<Menu>('GET', `${menuPath}/`), [menuPath]);
  /** The name the menu's records carry their id under (`operation_id` in operation_list, …). */
  const key = menu.data?.key ?? 'uuid';
  const menuKey = { key };
  // ?file=no: the list shows file names; a file's content comes from its download link.
  const records = useLoad(() => api<MenuRecord[]>('POST', `${menuPath}/filter/?file=no`, filterBody(search)), [menuPath, search]);
  const [form, setForm] = useState<{ record?: MenuRecord } | undefined>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [rowError, setRowError] = useState<unknown>(undefined);

  const changed = (message: Notice) => {
    setNotice(message);
    setRowError(undefined);
    void records.reload();
  };

  const discard = async (r: MenuRecord, type: 'Discard' | 'Restore') => {
    setNotice(undefined);
    setRowError(undefined);
    try {
      await api('POST', `${menuPath}/maintenance/all/`, [
        { type, parameter: { [key]: recordId(menuKey, r), last_update_date_time: r.parameter.last_update_date_time } },
      ]);
      changed({ key: type === 'Discard' ? 'records.discarded' : 'records.restored' });
    } catch (err) {
      setRowError(err);
    }
  };

  const trail = workspaceTrail(organization, workspace, t('nav.workspaces'));
  const columns = menu.data?.columns ?? [];
  return (
    <>
      <Breadcrumb items={[...trail, { label: menuName }]} />
      <PageTitle>{menu.data ? `${menu.data.title} (${menuName})` : menuName}</PageTitle>
      <ErrorAlert error={menu.error} />
      {menu.data && (
        <>
          <RecordSearch columns={columns} onSearch={setSearch} />
          <ReadOnlyNotice />
          <SuccessNotice notice={notice} />
          <ErrorAlert error={rowError} />
          {form ? (
            <RecordForm
              key={form.record ? recordId(menuKey, form.record) : 'new'}
              menu={menu.data}
              menuPath={menuPath}
              {...(form.record && { record: form.record })}
              onSaved={() => {
                setForm(undefined);
                changed({ key: form.record ? 'records.updated' : 'records.registered' });
              }}
              onCancel={() => setForm(undefined)}
            />
          ) : (
            <div className="actions">
              <WriteButton className="button button--primary" onClick={() => setForm({})}>
                {t('records.register')}
              </WriteButton>
            </div>
          )}
          <ErrorAlert error={records.error} />
          {records.data && (
            <div className="table-scroll" role="region" aria-label={t('records.caption', { count: records.data.length })} tabIndex={0}>
              <table className="table" data-testid="records">
                <caption className="visually-hidden">{t('records.caption', { count: records.data.length })}</caption>
                <thead>
                  <tr>
                    {columns.map((c) => (
                      <th scope="col" key={c.name}>
                        {c.title ?? c.name}
                      </th>
                    ))}
                    <th scope="col">{t('records.lastUpdate')}</th>
                    <th scope="col">{t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {records.data.map((r) => {
                    const discarded = r.parameter.discard === '1';
                    const id = recordId(menuKey, r);
                    const label = String(r.parameter[columns[0]?.name ?? key] ?? id);
                    return (
                      <tr key={id} className={discarded ? 'row--discarded' : undefined}>
                        {columns.map((c) => (
                          <td key={c.name}>
                            <div className="cell-value" title={titleOf(r.parameter[c.name])}>
                              {cell(c, r.parameter[c.name], t, `${menuPath}/${seg(id)}/${seg(c.name)}/file/`)}
                            </div>
                          </td>
                        ))}
                        <td className="nowrap">
                          <span title={r.parameter.last_update_date_time}>{formatTime(r.parameter.last_update_date_time)}</span>{' '}
                          <span className="meta">{r.parameter.last_updated_user}</span>
                          {discarded && <span className="pill pill--off"> {t('records.discardedTag')}</span>}
                        </td>
                        <td className="row-actions">
                          {!discarded && (
                            <WriteButton onClick={() => setForm({ record: r })} aria-label={t('records.editNamed', { name: label })}>
                              {t('common.edit')}
                            </WriteButton>
                          )}
                          <WriteButton
                            onClick={() => void discard(r, discarded ? 'Restore' : 'Discard')}
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
          )}
          {records.data?.length === 0 && <p>{t('records.none')}</p>}
        </>
      )}
    </>
  );
}
