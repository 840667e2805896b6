import type { ReactNode } from 'react';
import { isPausedStatus, jobOutcome, OUTCOME_SYMBOL, PAUSE_SYMBOL, type Outcome } from './outcome';

interface StatusBadgeProps {
  /** Its family (outcome.ts); undefined for a status this console does not know, shown as sent with a `?`. */
  readonly outcome: Outcome | undefined;
  /** The status's own words, in the language on screen. */
  readonly children: ReactNode;
  /** Instead of the family's symbol (a pause shows ‖). */
  readonly symbol?: string;
  /** `data-*` attributes for tests and styles (`data-state`, `data-status-id`). */
  readonly data?: Readonly<Record<`data-${string}`, string>>;
  readonly className?: string;
}

/**
 * A status as a badge: a symbol and the status's words, coloured by its outcome family (running,
 * waiting, succeeded, partial, failed, stopped; styles.css, "Outcomes"). The symbol is decoration,
 * hidden from screen readers, which read the words; the colour repeats what both say, so nothing
 * depends on colour alone. Every text colour is at least 4.5:1 on its background.
 */
export function StatusBadge({ outcome, children, symbol, data, className }: StatusBadgeProps) {
  const family = outcome ?? 'unknown';
  return (
    <span className={`status status--${family}${className ? ` ${className}` : ''}`} data-outcome={family} {...data}>
      <span className="status__symbol" aria-hidden="true">
        {symbol ?? (outcome ? OUTCOME_SYMBOL[outcome] : '?')}
      </span>{' '}
      {children}
    </span>
  );
}

/**
 * A job's status (any backyard kind): its name as the API gave it, in its family's badge. `testId`
 * goes on the name alone (with the status id), so a test reads the status's words.
 */
export function JobStatusBadge({
  backyard,
  statusId,
  name,
  testId,
}: {
  readonly backyard: string;
  readonly statusId: string;
  readonly name: string;
  readonly testId?: string;
}) {
  return (
    <StatusBadge
      outcome={jobOutcome(backyard, statusId)}
      symbol={isPausedStatus(backyard, statusId) ? PAUSE_SYMBOL : undefined}
      data={{ 'data-status-id': statusId }}
    >
      {testId ? (
        <span data-testid={testId} data-status-id={statusId}>
          {name}
        </span>
      ) : (
        name
      )}
    </StatusBadge>
  );
}
