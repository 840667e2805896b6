import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coerceValue, columnSchema, type Column, type ColumnType } from './columns.js';

const col = (type: ColumnType, extra: Partial<Column> = {}): Column => ({ name: 'c', type, ...extra });

function ok(column: Column, raw: unknown, expected: unknown): void {
  const r = coerceValue(column, raw);
  assert.deepEqual(r, { ok: true, value: expected }, `${column.type} ${JSON.stringify(raw)}`);
}

function refused(column: Column, raw: unknown, error: RegExp): void {
  const r = coerceValue(column, raw);
  assert.equal(r.ok, false, `${column.type} ${JSON.stringify(raw)} should be refused, got ${JSON.stringify(r)}`);
  if (!r.ok) assert.match(r.error.en, error);
}

describe('coerceValue', () => {
  it('empty values: null when optional, "is required" when required', () => {
    for (const type of ['string', 'integer', 'number', 'boolean', 'date', 'datetime'] as const) {
      for (const empty of [null, undefined, '']) {
        ok(col(type), empty, null);
        refused(col(type, { required: true }), empty, /^is required$/);
      }
    }
  });

  it('string: strings and numbers, up to the maximum length', () => {
    ok(col('string'), 'web-01', 'web-01');
    ok(col('string'), 42, '42');
    ok(col('string'), ' spaced ', ' spaced ');
    ok(col('string'), 'サーバー', 'サーバー');
    refused(col('string'), true, /must be a string/);
    refused(col('string'), { a: 1 }, /must be a string/);
    refused(col('string'), ['a'], /must be a string/);
    ok(col('string', { max_length: 3 }), 'abc', 'abc');
    refused(col('string', { max_length: 3 }), 'abcd', /at most 3 characters/);
    ok(col('string'), 'x'.repeat(4000), 'x'.repeat(4000));
    refused(col('string'), 'x'.repeat(4001), /at most 4000 characters/);
  });

  it('integer: numbers and decimal strings, as Exastro clients send them', () => {
    ok(col('integer'), '22', 22);
    ok(col('integer'), 22, 22);
    ok(col('integer'), ' 22 ', 22);
    ok(col('integer'), '-5', -5);
    ok(col('integer'), '+5', 5);
    ok(col('integer'), '007', 7);
    ok(col('integer'), 0, 0);
    ok(col('integer'), String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
    for (const bad of ['22.5', 22.5, 'abc', '1_000', 'Infinity', Infinity, NaN, '9007199254740993', true, [], {}, '1e3', '5.']) {
      refused(col('integer'), bad, /must be an integer/);
    }
  });

  it('integer and number: refuse hexadecimal, binary and octal strings', () => {
    for (const type of ['integer', 'number'] as const) {
      for (const bad of ['0x10', '0X1A', '0b11', '0o7', '--1', '1 2', '1,000']) refused(col(type), bad, /must be a/);
    }
  });

  it('number: decimals and exponents', () => {
    ok(col('number'), '3.14', 3.14);
    ok(col('number'), 3.14, 3.14);
    ok(col('number'), '.5', 0.5);
    ok(col('number'), '-0.25', -0.25);
    ok(col('number'), '1e3', 1000);
    ok(col('number'), '2.5E-1', 0.25);
    ok(col('number'), '10', 10);
    for (const bad of ['abc', 'Infinity', -Infinity, NaN, 'NaN', '1e', true]) refused(col('number'), bad, /must be a number/);
  });

  it('boolean: true/false, "true"/"false", 1/0 and "1"/"0"', () => {
    for (const yes of [true, 'true', '1', 1]) ok(col('boolean'), yes, true);
    for (const no of [false, 'false', '0', 0]) ok(col('boolean'), no, false);
    for (const bad of ['yes', 'no', 'TRUE ', 2, '2', [], {}]) refused(col('boolean'), bad, /must be true or false/);
  });

  it('date: YYYY/MM/DD or YYYY-MM-DD, stored as YYYY/MM/DD, real dates only', () => {
    ok(col('date'), '2023/10/10', '2023/10/10');
    ok(col('date'), '2023-10-10', '2023/10/10');
    ok(col('date'), ' 2024-02-29 ', '2024/02/29');
    for (const bad of ['2023/02/29', '2023/13/01', '2023/00/10', '2023/04/31', '2023/1/5', '10/10/2023', '2023/10/10 12:00', 20231010, 'today']) {
      refused(col('date'), bad, /must be a date YYYY\/MM\/DD/);
    }
  });

  it('datetime: date and time, seconds optional, stored as YYYY/MM/DD hh:mm:ss', () => {
    ok(col('datetime'), '2023/10/10 16:58', '2023/10/10 16:58:00');
    ok(col('datetime'), '2023/10/10 16:58:18', '2023/10/10 16:58:18');
    ok(col('datetime'), '2023-10-10T16:58:18', '2023/10/10 16:58:18');
    ok(col('datetime'), '2023-10-10 00:00', '2023/10/10 00:00:00');
    for (const bad of ['2023/10/10', '2023/10/10 24:00', '2023/10/10 12:60', '2023/10/10 12:00:60', '2023/02/30 12:00', '2023/10/10 1:00', 1696957098]) {
      refused(col('datetime'), bad, /must be a date and time/);
    }
  });
});

describe('columnSchema', () => {
  it('accepts the declared types and refuses reserved or malformed names', () => {
    assert.ok(columnSchema.safeParse({ name: 'host', type: 'string', required: true, unique: true, max_length: 10 }).success);
    for (const name of ['uuid', 'discard', 'last_update_date_time', 'last_updated_user']) {
      const r = columnSchema.safeParse({ name, type: 'string' });
      assert.equal(r.success, false, name);
      assert.match(JSON.stringify(r.error?.issues), /reserved/);
    }
    for (const name of ['Host', '1host', 'host-name', '', 'a'.repeat(65)]) {
      assert.equal(columnSchema.safeParse({ name, type: 'string' }).success, false, name);
    }
    assert.equal(columnSchema.safeParse({ name: 'a', type: 'binary' }).success, false);
    assert.equal(columnSchema.safeParse({ name: 'a', type: 'string', colour: 'red' }).success, false, 'strict');
  });
});
