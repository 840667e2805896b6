import { useI18n } from '../../i18n/i18n';
import type { StateLabel } from './fleet-labels';

/**
 * A state as a symbol and a text label. The symbol is decoration (hidden from screen readers, which
 * read the label); the tone's colour only repeats what both say. `value` is the state as the
 * server sent it (shown when this console does not know it; tests find cells by it).
 */
export function StateText({ label, value }: { readonly label: StateLabel; readonly value: string }) {
  const { t } = useI18n();
  return (
    <span className={`state state--${label.tone}`} data-state={value}>
      <span className="state__symbol" aria-hidden="true">
        {label.symbol}
      </span>{' '}
      {t(label.key, { state: value })}
    </span>
  );
}
