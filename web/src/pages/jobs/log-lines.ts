/**
 * A job's log as lines, each marked when it reports an error, and what the job page's failure
 * summary and log search need from them. Plain functions (test/console-log-lines.test.ts).
 *
 * A line is an error line when it is
 * - Ansible's report of a failed task: `fatal: [host]: FAILED! => …`, `fatal: [host]: UNREACHABLE!`,
 *   or a failed loop item, `failed: [host] (item=…) => …` — unless Ansible's next line says
 *   `...ignoring` (the playbook allowed that failure);
 * - a line with the word `ERROR` in capitals: Ansible's `ERROR! …` (a playbook it cannot read) and
 *   `[ERROR]: …`, most tools' log level;
 * - a host's line of the PLAY RECAP with `failed=` or `unreachable=` above 0;
 * - Terraform's `Error: …` (also inside its `│` box).
 */

/** One line of a log: its number (from 1), its text, and whether it reports an error. */
export interface LogLine {
  readonly no: number;
  readonly text: string;
  readonly error: boolean;
}

const FAILED_TASK = /^\s*(fatal|failed): \[[^\]]*\]/;
const ERROR_WORD = /\bERROR\b/;
const RECAP_HOST = /^\S.*?\s:\s.*\bok=\d+/;
const RECAP_FAILED = /\b(failed|unreachable)=([1-9]\d*)\b/;
const TERRAFORM_ERROR = /^[\s│╷]*Error: /;
const IGNORED = /^\s*\.\.\.ignoring\s*$/;

/** The lines of a log (a final newline ends the last line, it does not start another). */
export function splitLog(log: string): string[] {
  if (log === '') return [];
  const lines = log.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Whether a line reports an error; `next` is the line after it (an ignored Ansible failure is none). */
export function isErrorLine(text: string, next?: string): boolean {
  if (FAILED_TASK.test(text)) return !(next !== undefined && IGNORED.test(next));
  if (ERROR_WORD.test(text)) return true;
  if (RECAP_HOST.test(text) && RECAP_FAILED.test(text)) return true;
  return TERRAFORM_ERROR.test(text);
}

/** Whether an error line is a count in the PLAY RECAP rather than the error itself. */
export function isRecapLine(text: string): boolean {
  return RECAP_HOST.test(text) && RECAP_FAILED.test(text);
}

/** A log as numbered lines, each marked. */
export function classifyLog(log: string): LogLine[] {
  const lines = splitLog(log);
  return lines.map((text, i) => ({ no: i + 1, text, error: isErrorLine(text, lines[i + 1]) }));
}

/**
 * The line a failure summary points at: the first error line that says what went wrong (`fatal:`,
 * `ERROR`, `Error:`), else the first PLAY RECAP line that counts a failure; undefined when no line
 * is marked.
 */
export function firstErrorLine(lines: readonly LogLine[]): LogLine | undefined {
  return lines.find((l) => l.error && !isRecapLine(l.text)) ?? lines.find((l) => l.error);
}

/** The Ansible task a line belongs to: the name in the last `TASK [name]` header above it. */
export function taskOf(lines: readonly LogLine[], line: LogLine): string | undefined {
  for (let i = line.no - 2; i >= 0; i--) {
    const task = /^TASK \[(.*)\]/.exec(lines[i]!.text);
    if (task) return task[1];
    if (/^PLAY \[/.test(lines[i]!.text)) return undefined;
  }
  return undefined;
}

/** The host an Ansible failure line names (`fatal: [web-1]: …`). */
export function hostOf(line: LogLine): string | undefined {
  return /^\s*(?:fatal|failed): \[([^\]]*)\]/.exec(line.text)?.[1];
}

/** The numbers of the lines containing `query` (ignoring case); none for an empty query. */
export function matchingLines(lines: readonly LogLine[], query: string): number[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  return lines.filter((l) => l.text.toLowerCase().includes(q)).map((l) => l.no);
}

/** A line cut where `query` occurs (ignoring case): the parts, each saying whether it is a match. */
export function highlightParts(text: string, query: string): { readonly text: string; readonly match: boolean }[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [{ text, match: false }];
  const lower = text.toLowerCase();
  // A letter whose lower case is longer (İ) would shift every position after it: no highlight then.
  if (lower.length !== text.length) return [{ text, match: false }];
  const parts: { text: string; match: boolean }[] = [];
  let from = 0;
  for (let at = lower.indexOf(q); at !== -1; at = lower.indexOf(q, at + q.length)) {
    if (at > from) parts.push({ text: text.slice(from, at), match: false });
    parts.push({ text: text.slice(at, at + q.length), match: true });
    from = at + q.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts;
}

/** The file name a downloaded log is saved under: `<movement>-<first 8 of the id>.log`, safe on every system. */
export function logFileName(name: string | undefined, executionNo: string): string {
  const base = (name ?? 'job')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80);
  return `${base || 'job'}-${executionNo.slice(0, 8)}.log`;
}
