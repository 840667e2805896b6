/**
 * The value `table` holds under `key` as its *own* property — never one every object inherits
 * (`constructor`, `toString`, `__proto__` …). Every read of a string-keyed record by a key that
 * comes from outside (a path parameter, a body field, a column name, another service's answer, an
 * environment variable's name) goes through here or through a Map; test/no-prototype-lookups.test.ts
 * finds the ones that do not.
 */
export function ownValue<V>(table: Readonly<Record<string, V>> | Readonly<Partial<Record<string, V>>>, key: string): V | undefined {
  return Object.getOwnPropertyDescriptor(table, key)?.value as V | undefined;
}
