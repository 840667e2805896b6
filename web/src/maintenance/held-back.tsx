import type { ExecuteCheck } from '../../../src/http/wire-types';
import { kindLabel } from '../../../src/backyard/kinds/registry';
import { useI18n } from '../i18n/i18n';
import { useMaintenance } from './maintenance';

/**
 * The jobs held back, apart from the jobs in flight (the execute-check's `held_back`, drydock's):
 * registered and due, not started — while server-side jobs are stopped they wait for the switch;
 * otherwise a worker takes them shortly. Their count and, when there are some, where they are. On the
 * system state page's card and the backyard page. Nothing from a server that does not count them.
 */
export function HeldBackCounts({ check, list = true }: { readonly check: ExecuteCheck | undefined; readonly list?: boolean }) {
  const { t, language } = useI18n();
  const { jobsStopped, readOnly } = useMaintenance();
  if (!check || typeof check.held_back_count !== 'number') return null;
  const count = check.held_back_count;
  return (
    <div className="held-back" data-testid="held-back">
      <p className="held-back__count">
        <strong data-testid="held-back-count">{t('maint.heldBack', { count })}</strong>
        {count > 0 && <span className="meta"> — {jobsStopped || readOnly ? t('maint.heldBackStopped') : t('maint.heldBackSoon')}</span>}
      </p>
      {list && count > 0 && (
        <ul className="where-list" aria-label={t('maint.heldBackTitle')}>
          {check.held_back.map((h) => (
            <li key={`${h.organization_id}/${h.workspace_id}/${h.backyard}`}>
              <strong>
                {h.organization_id} / {h.workspace_id}
              </strong>
              : <code>{h.backyard}</code>
              {kindLabel(h.backyard, language) && <span className="meta"> {kindLabel(h.backyard, language)}</span>} — {t('maint.jobsIn', { count: h.count })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
