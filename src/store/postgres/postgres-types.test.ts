import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeTimestamp } from '../clock.js';
import { parsePostgresTimestamp } from './postgres-types.js';

/**
 * A timestamptz printed the way PostgreSQL prints it under TimeZone=UTC: whole seconds since the
 * epoch and microseconds apart (microseconds since the epoch pass 2^53 long before year 9999), the
 * fraction's trailing zeros dropped.
 */
function printed(epochSeconds: number, micros: number): string {
  const iso = new Date(epochSeconds * 1000).toISOString();
  const fraction = String(micros).padStart(6, '0').replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`;
}

describe('parsePostgresTimestamp', () => {
  it('gives what normalizeTimestamp gives for what PostgreSQL prints', () => {
    // A deterministic spread over 1970–9999 with every fraction length, and the edges.
    const maxSeconds = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000;
    const samples: Array<[number, number]> = [
      [0, 0],
      [0, 1],
      [0, 999_999],
      [maxSeconds, 999_999],
      [Date.UTC(2000, 1, 29) / 1000, 500_000],
    ];
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let i = 0; i < 20_000; i++) {
      const micros = Math.floor(next() * 1_000_000);
      samples.push([Math.floor(next() * maxSeconds), micros - (micros % 10 ** (i % 7))]); // 6 fraction digits down to none
    }
    for (const [seconds, micros] of samples) {
      const text = printed(seconds, micros);
      assert.equal(parsePostgresTimestamp(text), normalizeTimestamp(text), text);
    }
  });

  it('leaves everything else to normalizeTimestamp', () => {
    for (const text of [
      '1969-12-31 23:59:59.999999+00',
      '0099-01-01 00:00:00+00',
      '2023-10-11 01:58:18.748121+09',
      '2023-10-10 16:58:18.748121',
      '2023-10-10T16:58:18.748121Z',
      'infinity',
      '-infinity',
      '2023-10-10 16:58:18.748121+00 BC',
    ]) {
      assert.equal(parsePostgresTimestamp(text), normalizeTimestamp(text) ?? text, text);
    }
  });
});
