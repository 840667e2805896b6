type Spec = Readonly<Record<string, unknown>> | null;

/** The first of `keys` that a job's spec holds as text or a number, for display; else a dash. */
export function specText(spec: Spec, ...keys: readonly string[]): string {
  for (const key of keys) {
    const value = spec?.[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return '—';
}

/**
 * What a job is called on its page and in the lists: what it runs — a driver run's movement, a
 * conductor's class, a menu job's menus — and with which operation (none for menu jobs). Either is
 * undefined when the spec does not say.
 */
export function jobSubject(spec: Spec): { readonly name: string | undefined; readonly operation: string | undefined } {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const definition = spec?.definition;
  const menus = spec?.menus;
  const name =
    text(spec?.movement_name) ??
    text(spec?.conductor_class_name) ??
    (definition !== null && typeof definition === 'object' ? text((definition as Record<string, unknown>).menu) : undefined) ??
    (Array.isArray(menus) && menus.length > 0 ? menus.filter((m) => typeof m === 'string').join(', ') : undefined) ??
    text(spec?.file_name);
  return { name, operation: text(spec?.operation_name) };
}

/** Exastro's other ways of running a movement (src/backyard/driver-specs.ts `DriverMode`); undefined for a normal run. */
export function driverMode(spec: Spec): 'dry_run' | 'parameter_check' | undefined {
  const mode = spec?.mode;
  return mode === 'dry_run' || mode === 'parameter_check' ? mode : undefined;
}
