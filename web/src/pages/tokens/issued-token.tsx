import { useEffect, useId, useRef, useState } from 'react';
import type { IssuedToken } from '../../../../src/http/wire-types';
import { useI18n } from '../../i18n/i18n';

/**
 * Copies `text`: the Clipboard API where the page may use it (HTTPS or localhost), else the
 * selection and the older copy command (a console served over plain HTTP on a LAN address).
 */
async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (no permission): try the selection below.
  }
  if (!field) return false;
  field.focus();
  field.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}

/**
 * A token just created: its secret, shown this once, with a copy button, a plain warning that it
 * will not be shown again, and how to use it. The heading takes the focus, so a screen reader
 * reads it at once.
 */
export function IssuedTokenPanel({ token, onDone }: { readonly token: IssuedToken; readonly onDone: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const fieldRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  const origin = window.location.origin;
  return (
    <section className="panel issued-token" aria-labelledby={`${id}-title`} data-testid="issued-token">
      <h2 id={`${id}-title`} ref={headingRef} tabIndex={-1}>
        {t('tokens.issuedTitle', { name: token.name })}
      </h2>
      <p className="notice notice--warning issued-token__once">
        <strong>{t('tokens.once')}</strong>
      </p>
      <div className="field">
        <label htmlFor={`${id}-secret`}>{t('tokens.secret')}</label>
        <div className="issued-token__row">
          <input
            id={`${id}-secret`}
            ref={fieldRef}
            className="issued-token__secret"
            readOnly
            value={token.token}
            spellCheck={false}
            autoComplete="off"
            onFocus={(e) => e.target.select()}
          />
          <button type="button" className="button button--primary" onClick={() => void copyText(token.token, fieldRef.current).then(setCopied)}>
            {t('tokens.copy')}
          </button>
        </div>
        <p className={copied === false ? 'hint warning-text' : 'hint'} role="status">
          {copied === true ? t('tokens.copied') : copied === false ? t('tokens.copyFailed') : ''}
        </p>
      </div>
      <p className="issued-token__usage">{token.node ? t('tokens.agentUsage') : t('tokens.usage')}</p>
      <pre className="issued-token__example">
        <code>
          {token.node
            ? `drydock fleet agent --server ${origin} --token ${token.token} --name ${token.node} \\
  --address http://… --version-command "cat /opt/app/VERSION"`
            : `curl -H "Authorization: Bearer ${token.token}" ${origin}/api/auth/whoami`}
        </code>
      </pre>
      <div className="actions">
        <button type="button" className="button" onClick={onDone}>
          {t('tokens.done')}
        </button>
      </div>
    </section>
  );
}
