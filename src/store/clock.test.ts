import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMicros, normalizeTimestamp, nowTimestamp, toExastroDateTime } from './clock.js';

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

describe('normalizeTimestamp', () => {
  it('reads what PostgreSQL prints for timestamptz', () => {
    assert.equal(normalizeTimestamp('2023-10-10 16:58:18.748121+00'), '2023-10-10T16:58:18.748121Z');
    assert.equal(normalizeTimestamp('2023-10-10 16:58:18.7481+00'), '2023-10-10T16:58:18.748100Z', 'trailing zeros dropped by PostgreSQL');
    assert.equal(normalizeTimestamp('2023-10-10 16:58:18+00'), '2023-10-10T16:58:18.000000Z', 'no fraction at all');
    assert.equal(normalizeTimestamp('2023-10-11 01:58:18.748121+09'), '2023-10-10T16:58:18.748121Z', 'a session time zone of +09');
    assert.equal(normalizeTimestamp('2023-10-10 11:28:18.5-05:30'), '2023-10-10T16:58:18.500000Z', 'a negative offset with minutes');
  });

  it('reads ISO-8601', () => {
    assert.equal(normalizeTimestamp('2023-10-10T16:58:18.748121Z'), '2023-10-10T16:58:18.748121Z');
    assert.equal(normalizeTimestamp('2023-10-10T16:58:18.748Z'), '2023-10-10T16:58:18.748000Z');
    assert.equal(normalizeTimestamp('2023-10-10T16:58:18z'), '2023-10-10T16:58:18.000000Z');
    assert.equal(normalizeTimestamp('2023-10-11T01:58:18+0900'), '2023-10-10T16:58:18.000000Z');
    assert.equal(normalizeTimestamp('2023-10-11T01:58:18+09:00'), '2023-10-10T16:58:18.000000Z');
    assert.equal(normalizeTimestamp('2023-12-31T23:30:00-01:00'), '2024-01-01T00:30:00.000000Z', 'an offset crossing a year');
    assert.equal(normalizeTimestamp('  2023-10-10T16:58:18Z  '), '2023-10-10T16:58:18.000000Z', 'surrounding spaces');
  });

  it("reads Exastro's display form, taking a time without a zone as UTC", () => {
    assert.equal(normalizeTimestamp('2023/10/10 16:58:18.748121'), '2023-10-10T16:58:18.748121Z');
    assert.equal(normalizeTimestamp('2023/10/10 16:58:18'), '2023-10-10T16:58:18.000000Z');
  });

  it('is the identity on its own output', () => {
    for (const t of ['2023-10-10T16:58:18.748121Z', '2000-02-29T00:00:00.000001Z', '1999-12-31T23:59:59.999999Z']) {
      assert.equal(normalizeTimestamp(t), t);
      assert.equal(normalizeTimestamp(toExastroDateTime(t)), t, 'and round-trips through the display form');
    }
  });

  it('refuses what is not a date and time', () => {
    for (const bad of [
      '',
      'yesterday',
      '2023-10-10',
      '16:58:18',
      '2023-10-10 16:58',
      '2023-10-10T16:58:18.1234567Z',
      '2023-10-10T16:58:18+0',
      '23-10-10 16:58:18',
      '2023-10-10T16:58:18Zjunk',
    ]) {
      assert.equal(normalizeTimestamp(bad), undefined, JSON.stringify(bad));
    }
  });

  it('refuses impossible dates and times instead of rolling them over', () => {
    for (const bad of [
      '2023-02-29 00:00:00',
      '2023-02-30T00:00:00Z',
      '2023-04-31 12:00:00',
      '2023-13-01 00:00:00',
      '2023-00-10 00:00:00',
      '2023-10-00 00:00:00',
      '2023-10-10 24:00:00',
      '2023-10-10 23:60:00',
      '2023-10-10 23:59:60',
      '2023-10-10 12:00:00+24',
      '2023-10-10 12:00:00+05:60',
    ]) {
      assert.equal(normalizeTimestamp(bad), undefined, bad);
    }
    assert.equal(normalizeTimestamp('2024-02-29 00:00:00'), '2024-02-29T00:00:00.000000Z', 'a leap day is a date');
  });
});

describe('nowTimestamp', () => {
  it('is the canonical form and close to the wall clock', () => {
    const t = nowTimestamp();
    assert.match(t, CANONICAL);
    assert.ok(Math.abs(Date.parse(t) - Date.now()) < 5_000, `${t} is now`);
  });

  it('strictly increases, even when called many times in one tick', () => {
    const stamps = Array.from({ length: 10_000 }, () => nowTimestamp());
    for (let i = 1; i < stamps.length; i++) {
      assert.ok(stamps[i]! > stamps[i - 1]!, `${stamps[i]} after ${stamps[i - 1]}`);
    }
    assert.equal(new Set(stamps).size, stamps.length, 'all distinct, so an optimistic lock always sees a change');
  });
});

describe('formatMicros and toExastroDateTime', () => {
  it('formats epoch microseconds with six fraction digits', () => {
    assert.equal(formatMicros(0n), '1970-01-01T00:00:00.000000Z');
    assert.equal(formatMicros(1_696_957_098_748_121n), '2023-10-10T16:58:18.748121Z');
    assert.equal(formatMicros(1_696_957_098_000_001n), '2023-10-10T16:58:18.000001Z');
  });

  it("gives Exastro's display form", () => {
    assert.equal(toExastroDateTime('2023-10-10T16:58:18.748121Z'), '2023/10/10 16:58:18.748121');
  });

  it('sorts lexically in time order', () => {
    const a = formatMicros(1_696_957_098_748_121n);
    const b = formatMicros(1_696_957_098_748_122n);
    const c = formatMicros(1_696_957_099_000_000n);
    assert.deepEqual([c, a, b].sort(), [a, b, c]);
  });
});
