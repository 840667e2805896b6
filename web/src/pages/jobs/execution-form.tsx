import { useId, useState, type FormEvent } from 'react';
import { api, itaPath } from '../../api/client';
import type { MenuRecord } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { Field } from '../../components/field';
import { useLoad } from '../../components/use-load';
import { toScheduleDate } from '../../components/time';
import { WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';
import { useMaintenance } from '../../maintenance/maintenance';
import { driverMenuOf } from './job-kinds';

interface ExecutionFormProps {
  readonly organization: string;
  readonly workspace: string;
  readonly onRegistered: (executionNo: string) => void;
}

/** Registers a driver execution: a movement (what runs) with an operation (where, with what), now or at a time. */
export function ExecutionForm({ organization, workspace, onRegistered }: ExecutionFormProps) {
  const { t } = useI18n();
  const { jobsStopped } = useMaintenance();
  const ita = itaPath(organization, workspace);
  const id = useId();
  const movements = useLoad(() => api<MenuRecord[]>('GET', `${ita}/menu/movement_list/filter/?discard=0`), [ita]);
  const operations = useLoad(() => api<MenuRecord[]>('GET', `${ita}/menu/operation_list/filter/?discard=0`), [ita]);
  const [movement, setMovement] = useState('');
  const [operation, setOperation] = useState('');
  const [schedule, setSchedule] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const chosen = movements.data?.find((m) => m.parameter.movement_name === movement);
  const menu = driverMenuOf(String(chosen?.parameter.orchestrator ?? ''));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!menu) return;
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<{ execution_no: string }>('POST', `${ita}/menu/${menu}/driver/execute/`, {
        movement_name: movement,
        operation_name: operation,
        ...(schedule !== '' && { schedule_date: toScheduleDate(schedule) }),
      });
      onRegistered(answer.execution_no);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form className="form panel" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('jobs.register')}</h2>
      {jobsStopped && <p className="notice notice--warning">{t('jobs.stoppedNote')}</p>}
      <ErrorAlert error={movements.error ?? operations.error} />
      <div className="grid">
        <div className="field">
          <label htmlFor={`${id}-movement`}>{t('jobs.movement')}</label>
          <select id={`${id}-movement`} required value={movement} onChange={(e) => setMovement(e.target.value)}>
            <option value="">{t('jobs.choose')}</option>
            {movements.data?.map((m) => (
              <option key={String(m.parameter.movement_id)} value={String(m.parameter.movement_name)}>
                {String(m.parameter.movement_name)} ({String(m.parameter.orchestrator)})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-operation`}>{t('jobs.operation')}</label>
          <select id={`${id}-operation`} required value={operation} onChange={(e) => setOperation(e.target.value)}>
            <option value="">{t('jobs.choose')}</option>
            {operations.data?.map((o) => (
              <option key={String(o.parameter.operation_id)} value={String(o.parameter.operation_name)}>
                {String(o.parameter.operation_name)}
              </option>
            ))}
          </select>
        </div>
        <Field label={t('jobs.schedule')} hint={t('jobs.scheduleHint')} type="datetime-local" value={schedule} onChange={(e) => setSchedule(e.target.value)} />
      </div>
      {movements.data?.length === 0 && <p className="hint">{t('jobs.noMovements')}</p>}
      <ErrorAlert error={error} />
      <div className="actions">
        <WriteButton type="submit" className="button button--primary" disabled={busy || !menu || operation === ''}>
          {t('jobs.run')}
        </WriteButton>
      </div>
    </form>
  );
}
