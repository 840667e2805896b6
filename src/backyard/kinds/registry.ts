import { BUILT_IN_KINDS, type Backyard, type BackyardKind } from './built-in-kinds.js';
import { textIn, type Language } from '../../i18n/language.js';
import { familyStatusName, statusFamily, type FamilyName, type StatusFamily } from './status-families.js';

export type { Backyard, BackyardKind, BackyardLogService } from './built-in-kinds.js';

/**
 * The backyard kinds of this process: the built-in ones (kinds/built-in-kinds.ts), and any a test
 * registered before the registry was first read.
 *
 * Why "before the first read": the lists derived from the registry are computed when the modules
 * that use them load (the executions route's `backyard` query schema, the log services, the
 * execute-check's shared empty value …) and are plain constants after that, as cheap and as
 * trustworthy as the hand-written lists they replaced. Registering a kind later would leave them
 * stale, so the first read seals the registry and a later registration throws instead. Production
 * code never registers: adding a kind is an entry in built-in-kinds.ts. A test that adds one
 * registers it in a module it imports before any other (test/support/fake-backyard-kind.ts); each
 * test file runs in its own process, so no other test sees it.
 */
const kinds: BackyardKind[] = [...BUILT_IN_KINDS];
const byName = new Map<string, BackyardKind>(kinds.map((k) => [k.name, k]));
let sealed = false;

/** Adds a backyard kind, before anything has read the registry (see above); tests only. */
export function registerBackyardKind(kind: BackyardKind): void {
  // Errors here are plain: this module is imported by the console too, and errors.ts is the server's.
  if (sealed) {
    throw new Error(`backyard kind ${kind.name} registered after the registry was read: register it before importing anything that uses backyard kinds`);
  }
  if (byName.has(kind.name)) throw new Error(`backyard kind ${kind.name} is already registered`);
  kinds.push(kind);
  byName.set(kind.name, kind);
}

/** Every backyard kind, in the execute-check's key order. */
export function backyardKinds(): readonly BackyardKind[] {
  sealed = true;
  return kinds;
}

/**
 * Every backyard's name, in the execute-check's key order. Typed as the built-in names: a kind a
 * test registered is in the list too, at run time.
 */
export function backyardNames(): Backyard[] {
  return backyardKinds().map((k) => k.name as Backyard);
}

/** The kind of that name, or undefined (a name from outside: a query, a stored row). */
export function kindOf(name: string): BackyardKind | undefined {
  sealed = true;
  return byName.get(name);
}

/** The status family a backyard's jobs follow. Throws for a name that is no backyard (a bug). */
export function familyOf(backyard: Backyard): StatusFamily & { readonly name: FamilyName } {
  const kind = kindOf(backyard);
  if (!kind) throw new Error(`${backyard} is no backyard kind`);
  return statusFamily(kind.family);
}

/** Whether a backyard's in-flight jobs count in `execute_count`; false for a name that is no backyard. */
export function isCounted(backyard: string): boolean {
  return kindOf(backyard)?.counted ?? false;
}

/** Whether a job of `backyard` in `statusId` is in flight. */
export function isInFlight(backyard: Backyard, statusId: string): boolean {
  return familyOf(backyard).inFlight.includes(statusId);
}

/** A status's name in a language; the id itself for a backyard or status the registry does not know. */
export function statusName(backyard: string, statusId: string, language: Language): string {
  const kind = kindOf(backyard);
  return (kind && familyStatusName(kind.family, statusId, language)) ?? statusId;
}

/** What the console shows beside a backyard's name; undefined for a name that is no backyard. */
export function kindLabel(backyard: string, language: Language): string | undefined {
  const kind = kindOf(backyard);
  return kind && textIn(kind.label, language);
}
