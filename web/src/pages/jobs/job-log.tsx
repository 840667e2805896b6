import { useEffect, useId, useImperativeHandle, useMemo, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import { useI18n } from '../../i18n/i18n';
import { highlightParts, logFileName, matchingLines, type LogLine } from './log-lines';

interface JobLogProps {
  /** The whole log, as the API gives it. */
  readonly log: string;
  /** Its lines, each marked when it reports an error (log-lines.ts). */
  readonly lines: readonly LogLine[];
  /** What the downloaded file is named after (the movement), and the job's id. */
  readonly name: string | undefined;
  readonly executionNo: string;
  readonly ref?: Ref<JobLogHandle>;
}

/** What the failure summary's link does: show a line of the log, whatever the search hides. */
export interface JobLogHandle {
  readonly showLine: (no: number) => void;
}

/** The id of a log line's element: the failure summary links to it. */
export const logLineId = (no: number): string => `log-line-${no}`;

/**
 * A job's log: numbered lines, error lines marked (a class, a ✗ in the gutter, and a visually
 * hidden "Error:" read before the line); a search that highlights the lines containing a text,
 * counts them and steps through them (Enter, Shift+Enter, or the buttons), optionally showing only
 * those; and a download of the whole log as a .log file.
 */
export function JobLog({ log, lines, name, executionNo, ref }: JobLogProps) {
  const { t } = useI18n();
  const id = useId();
  const [query, setQuery] = useState('');
  const [only, setOnly] = useState(false);
  const [current, setCurrent] = useState(0);
  const [focusLine, setFocusLine] = useState<number | undefined>(undefined);
  const logRef = useRef<HTMLPreElement>(null);

  const matches = useMemo(() => matchingLines(lines, query), [lines, query]);
  const matchSet = useMemo(() => new Set(matches), [matches]);
  const errors = useMemo(() => lines.filter((l) => l.error).length, [lines]);
  const at = matches.length === 0 ? -1 : Math.min(current, matches.length - 1);
  const currentLine = at >= 0 ? matches[at] : undefined;

  const lineElement = (no: number) => logRef.current?.querySelector<HTMLElement>(`#${CSS.escape(logLineId(no))}`);

  // The current match in view (inside the log's own scroll area, and the page).
  useEffect(() => {
    if (currentLine !== undefined) lineElement(currentLine)?.scrollIntoView({ block: 'nearest' });
  }, [currentLine]);

  // A line asked for by the failure summary, once the search no longer hides it.
  useEffect(() => {
    if (focusLine === undefined) return;
    const element = lineElement(focusLine);
    element?.scrollIntoView({ block: 'center' });
    element?.focus({ preventScroll: true });
    setFocusLine(undefined);
  }, [focusLine]);

  useImperativeHandle(ref, () => ({
    showLine: (no: number) => {
      setOnly(false);
      setFocusLine(no);
    },
  }));

  const step = (by: 1 | -1) => {
    if (matches.length === 0) return;
    setCurrent((at + by + matches.length) % matches.length);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    step(e.shiftKey ? -1 : 1);
  };

  const download = () => {
    const url = URL.createObjectURL(new Blob([log], { type: 'text/plain;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = logFileName(name, executionNo);
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const searching = query.trim() !== '';
  const shown = only && searching ? lines.filter((l) => matchSet.has(l.no)) : lines;
  const count = !searching
    ? ''
    : matches.length === 0
      ? t('outcome.logNoMatch', { text: query.trim() })
      : t('outcome.logMatchOf', { i: at + 1, n: matches.length });

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <div className="log-head">
        <h2 id={`${id}-title`}>{t('job.log')}</h2>
        {lines.length > 0 && (
          <p className="meta" data-testid="log-summary">
            {t('outcome.logLines', { n: lines.length })}
            {errors > 0 && (
              <>
                {' · '}
                <span className="log-head__errors">{t('outcome.logErrors', { n: errors })}</span>
              </>
            )}
          </p>
        )}
        <button type="button" className="button" onClick={download} disabled={log === ''}>
          {t('outcome.logDownload')}
        </button>
      </div>
      {lines.length > 0 && (
        <div className="log-search" role="search" aria-label={t('outcome.logSearch')}>
          <div className="log-search__field">
            <label htmlFor={`${id}-search`}>{t('outcome.logSearch')}</label>
            <input
              id={`${id}-search`}
              type="search"
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setCurrent(0);
              }}
              onKeyDown={onKey}
              aria-describedby={`${id}-count`}
            />
          </div>
          <button type="button" className="button" onClick={() => step(-1)} disabled={matches.length === 0}>
            {t('outcome.logPrevious')}
          </button>
          <button type="button" className="button" onClick={() => step(1)} disabled={matches.length === 0}>
            {t('outcome.logNext')}
          </button>
          <label className="log-search__only">
            <input type="checkbox" checked={only} onChange={(e) => setOnly(e.target.checked)} /> {t('outcome.logOnlyMatches')}
          </label>
          <p id={`${id}-count`} className="log-search__count" role="status" data-testid="log-search-count">
            {count}
          </p>
        </div>
      )}
      <pre ref={logRef} className="log" tabIndex={0} aria-labelledby={`${id}-title`} data-testid="job-log">
        {lines.length === 0
          ? t('job.noLog')
          : shown.map((l) => (
              <span
                key={l.no}
                id={logLineId(l.no)}
                tabIndex={-1}
                data-line={l.no}
                className={[
                  'log__line',
                  l.error && 'log__line--error',
                  searching && matchSet.has(l.no) && 'log__line--match',
                  l.no === currentLine && 'log__line--current',
                ]
                  .filter(Boolean)
                  .join(' ')}
              >
                <span className="log__no" aria-hidden="true">
                  {l.no}
                </span>
                <span className="log__text">
                  {l.error && <span className="log__flag">{t('outcome.errorPrefix')}</span>}
                  {searching && matchSet.has(l.no)
                    ? highlightParts(l.text, query).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))
                    : l.text}
                </span>
              </span>
            ))}
      </pre>
    </section>
  );
}
