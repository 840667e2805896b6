import { StatusBadge } from '../../components/status-badge';
import { useI18n } from '../../i18n/i18n';
import type { StateLabel } from './fleet-labels';

/**
 * A state as a badge: a symbol and a text label, coloured by its outcome family. The symbol is
 * decoration (hidden from screen readers, which read the label); the colour only repeats what both
 * say. `value` is the state as the server sent it (shown when this console does not know it; tests
 * find cells by it).
 */
export function StateText({ label, value }: { readonly label: StateLabel; readonly value: string }) {
  const { t } = useI18n();
  return (
    <StatusBadge outcome={label.outcome} symbol={label.symbol} data={{ 'data-state': value }}>
      {t(label.key, { ...label.params, state: value })}
    </StatusBadge>
  );
}
