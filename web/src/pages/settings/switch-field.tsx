import { useId } from 'react';
import type { AuditEntry } from '../../../../src/http/wire-types';
import { useI18n } from '../../i18n/i18n';

interface SwitchFieldProps {
  readonly label: string;
  readonly description: string;
  /** The value on the server now. */
  readonly current: boolean;
  /** The value in the form. */
  readonly checked: boolean;
  /** Who last changed this switch, and when (from the audit); null: no entry ever changed it; undefined: not known yet. */
  readonly changed: AuditEntry | null | undefined;
  readonly onChange: (checked: boolean) => void;
}

/** One maintenance switch: a labelled on/off control, what it does, its value now and its last change. */
export function SwitchField({ label, description, current, checked, changed, onChange }: SwitchFieldProps) {
  const { t, formatTime } = useI18n();
  const id = useId();
  return (
    <div className={`switch-field ${current ? 'switch-field--on' : ''}`}>
      <div className="switch-field__control">
        <input
          id={id}
          type="checkbox"
          role="switch"
          className="switch"
          checked={checked}
          aria-describedby={`${id}-description ${id}-current`}
          onChange={(e) => onChange(e.target.checked)}
        />
        <label htmlFor={id} className="switch-field__label">
          {label}
        </label>
      </div>
      <p id={`${id}-description`} className="hint">
        {description}
      </p>
      <p id={`${id}-current`} className="switch-field__current">
        <span className={`pill ${current ? 'pill--on' : 'pill--off'}`}>{current ? t('settings.on') : t('settings.off')}</span>{' '}
        <span data-testid="switch-last-change">
          {changed
            ? t('settings.changedBy', { user: changed.changed_by, time: formatTime(changed.changed_at) })
            : changed === null
              ? // No entry changed it: "never changed" is true only while it is off as it started.
                t(current ? 'maint.noChangeRecorded' : 'settings.neverChanged')
              : ''}
        </span>
        {checked !== current && <strong className="switch-field__pending"> {t('settings.pending')}</strong>}
      </p>
    </div>
  );
}
