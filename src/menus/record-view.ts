import { toExastroDateTime } from '../store/clock.js';
import type { MenuRecordsTable } from '../store/schema.js';
import { parseJson } from '../store/store.js';
import { ownValue } from '../util/own-value.js';
import type { Value } from './columns.js';

/** A record as Exastro returns it: the parameter sheet row, and its files' contents (menus/record-files.ts). */
export interface RecordView {
  readonly parameter: KeyedParameter & { uuid: string };
  /** Each file column's content in base64 (null: no file), filled in by `withRecordFiles`; empty otherwise. */
  readonly file: Record<string, string | null>;
}

/** A record's values and system columns; its id is added under the menu's key (see `keyedView`). */
export type KeyedParameter = Record<string, Value> & {
  discard: '0' | '1';
  remarks: string | null;
  last_update_date_time: string;
  last_updated_user: string;
};

/** A stored record as Exastro returns it. */
export function toView(r: MenuRecordsTable): RecordView {
  const stored = parseJson<Record<string, Value>>(r.parameter);
  return {
    parameter: {
      uuid: r.id,
      ...stored,
      remarks: remarksIn(stored),
      discard: r.discard === 1 ? '1' : '0',
      last_update_date_time: toExastroDateTime(r.last_update_timestamp),
      last_updated_user: r.last_update_user,
    },
    file: {},
  };
}

/** The remarks stored with a record's values (null when it has none). */
export function remarksIn(stored: Record<string, Value>): string | null {
  const remarks = ownValue(stored, 'remarks');
  return typeof remarks === 'string' ? remarks : null;
}

/** A record as a menu's clients read it: its id under the menu's key (`operation_id` in operation_list; `uuid` elsewhere). */
export function keyedView<T extends RecordView>(menu: { readonly key: string }, record: T): Omit<T, 'parameter'> & { parameter: WithoutUuid<T['parameter']> } {
  // `uuid` stays where the menu's key is `uuid`: the parameter as it is.
  if (menu.key === 'uuid') return { ...record, parameter: record.parameter as WithoutUuid<T['parameter']> };
  const { uuid, ...rest } = record.parameter;
  return { ...record, parameter: { ...rest, [menu.key]: uuid } as WithoutUuid<T['parameter']> };
}

/** A record's parameter without `uuid` (remapping keeps the other known keys, which `Omit` loses beside an index signature). */
type WithoutUuid<P> = { [K in keyof P as K extends 'uuid' ? never : K]: P[K] };
