import { Fragment, useState } from 'react';
import { api } from '../../api/client';
import type { LogLevels } from '../../../../src/http/wire-types';
import { backyardKinds } from '../../../../src/backyard/kinds/registry.js';
import { ErrorAlert, SuccessNotice, type Notice } from '../../components/alerts';
import { PageTitle } from '../../components/page-title';
import { TableScroll } from '../../components/table-scroll';
import { useLoad } from '../../components/use-load';
import { ReadOnlyNotice, WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages.en';

type Level = LogLevels[string];

/** Exastro's level names, most output first. */
const LEVELS: readonly Level[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];

/** The API's own services, which no backyard kind names. */
const API_SERVICES: Readonly<Record<string, MessageKey>> = {
  'ita-api-admin': 'logLevels.apiAdmin',
  'ita-api-organization': 'logLevels.apiOrganization',
};

/**
 * Log levels (system administrators): every service the API lists, by Exastro's name and what it
 * is (a backyard kind's label, from the registry the server uses), with its level; the changed
 * ones are saved together in one PATCH. The setting is system-wide: the API scopes it to no
 * organization.
 */
export function LogLevelsPage() {
  const { t, language } = useI18n();
  const levels = useLoad(() => api<LogLevels>('GET', '/api/ita/loglevel-settings/'), []);
  const [edits, setEdits] = useState<Readonly<Record<string, Level>>>({});
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const current = levels.data ?? {};
  const changed = Object.entries(edits).filter(([service, level]) => current[service] !== level);

  const describe = (service: string): string | undefined => {
    const own = API_SERVICES[service];
    if (own) return t(own);
    return backyardKinds().find((k) => k.logService === service)?.label[language];
  };

  const save = async () => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await api('PATCH', '/api/ita/loglevel-settings/', Object.fromEntries(changed));
      await levels.reload();
      setEdits({});
      setNotice({ key: 'logLevels.saved', params: { count: changed.length } });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>{t('logLevels.title')}</PageTitle>
      <p className="lead">{t('logLevels.lead')}</p>
      <ReadOnlyNotice />
      <SuccessNotice notice={notice} />
      <ErrorAlert error={levels.error} />
      {!levels.data && !levels.error && <p>{t('common.loading')}</p>}
      {levels.data && (
        <form
          className="panel"
          aria-label={t('logLevels.title')}
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <TableScroll label={t('logLevels.title')}>
            <table className="table log-levels" data-testid="log-levels">
              <thead>
                <tr>
                  <th scope="col">{t('logLevels.service')}</th>
                  <th scope="col">{t('logLevels.level')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.keys(levels.data).map((service) => {
                  const shown = edits[service] ?? current[service];
                  const pending = edits[service] !== undefined && edits[service] !== current[service];
                  const what = describe(service);
                  return (
                    <tr key={service} data-service={service}>
                      <th scope="row">
                        <code>{service}</code>
                        {what && <div className="meta">{what}</div>}
                      </th>
                      <td>
                        <select
                          aria-label={t('logLevels.levelOf', { service })}
                          value={shown}
                          onChange={(e) => setEdits({ ...edits, [service]: e.target.value as Level })}
                        >
                          {LEVELS.map((level) => (
                            <option key={level} value={level}>
                              {level}
                            </option>
                          ))}
                        </select>
                        {pending && <span className="log-levels__pending"> {t('logLevels.changed')}</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
          <ErrorAlert error={error} />
          <div className="actions">
            <WriteButton type="submit" className="button button--primary" disabled={busy || changed.length === 0}>
              {t('logLevels.save', { count: changed.length })}
            </WriteButton>
            <button type="button" className="button" disabled={changed.length === 0} onClick={() => setEdits({})}>
              {t('logLevels.undo')}
            </button>
          </div>
        </form>
      )}
      <section className="panel" aria-labelledby="log-levels-legend">
        <h2 id="log-levels-legend">{t('logLevels.legend')}</h2>
        <dl className="facts log-levels__legend">
          {LEVELS.map((level) => (
            <Fragment key={level}>
              <dt>
                <code>{level}</code>
              </dt>
              <dd>{t(`logLevels.${level}`)}</dd>
            </Fragment>
          ))}
        </dl>
      </section>
    </>
  );
}
