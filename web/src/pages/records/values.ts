import type { Column, Menu, MenuRecord, Value } from '../../../../src/http/wire-types';

/** A record's id: under the menu's key (`uuid`, or Exastro's name in a system menu such as `operation_id`). */
export function recordId(menu: Pick<Menu, 'key'>, record: MenuRecord): string {
  return String(record.parameter[menu.key]);
}

/** A stored value as the form's input shows it (date inputs want dashes, not Exastro's slashes). */
export function toInput(column: Column, value: Value | undefined): string {
  if (value === null || value === undefined) return '';
  switch (column.type) {
    case 'date':
      return String(value).replaceAll('/', '-');
    case 'datetime':
      return String(value).replace(/^(\d{4})\/(\d{2})\/(\d{2}) /, '$1-$2-$3T');
    case 'boolean':
      return value === true || value === 'true' ? 'true' : 'false';
    default:
      return String(value);
  }
}

/** What the API gets: strings as Exastro clients send them; '' clears an optional column. The server checks types. */
export function fromInput(column: Column, text: string): string {
  if (column.type === 'datetime' && text !== '') return text.replace('T', ' ');
  return text;
}

/** The input element that suits a column. */
export function inputType(column: Column): string {
  switch (column.type) {
    case 'integer':
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime-local';
    case 'file':
      return 'file';
    case 'boolean':
    case 'string':
      return 'text';
    default: {
      const never: never = column.type;
      throw new Error(`unknown column type ${String(never)}`);
    }
  }
}
