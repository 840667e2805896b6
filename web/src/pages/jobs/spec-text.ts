/** The first of `keys` that a job's spec holds as text or a number, for display; else a dash. */
export function specText(spec: Readonly<Record<string, unknown>> | null, ...keys: readonly string[]): string {
  for (const key of keys) {
    const value = spec?.[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return '—';
}
