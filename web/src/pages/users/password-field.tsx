import { useId, useState } from 'react';
import { useI18n } from '../../i18n/i18n';

/** Letters and digits that cannot be mistaken for one another when read out or copied by hand. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random password of `length` characters from the browser's cryptographic generator. */
export function generatePassword(length = 16): string {
  const limit = 256 - (256 % ALPHABET.length); // no modulo bias
  const out: string[] = [];
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && out.length < length) out.push(ALPHABET[byte % ALPHABET.length]!);
    }
  }
  return out.join('');
}

interface PasswordFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
}

/**
 * A new password for someone else: typed, or generated here (then shown, so it can be handed
 * over). At least 8 characters, as the API requires.
 */
export function PasswordField({ label, value, onChange }: PasswordFieldProps) {
  const { t } = useI18n();
  const id = useId();
  const [shown, setShown] = useState(false);
  return (
    <div className="field password-field">
      <label htmlFor={id}>
        {label}
        <span className="required" aria-hidden="true">
          {' '}
          *
        </span>
      </label>
      <input
        id={id}
        type={shown ? 'text' : 'password'}
        className="password-field__input"
        required
        minLength={8}
        maxLength={1024}
        autoComplete="new-password"
        spellCheck={false}
        aria-describedby={`${id}-hint`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <p className="hint" id={`${id}-hint`}>
        {t('users.passwordHint')}
      </p>
      <div className="password-field__tools">
        <label className="password-field__show">
          <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} /> {t('users.showPassword')}
        </label>
        <button
          type="button"
          className="button"
          onClick={() => {
            onChange(generatePassword());
            setShown(true);
          }}
        >
          {t('users.generate')}
        </button>
      </div>
    </div>
  );
}
