/**
 * The console's one date-time formatter (web/src/i18n/date-time.ts): the same instant reads the
 * same in every list, whichever form the API answered it in, in local time with the zone named
 * (JST, not GMT+9), to the second.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatInstant, parseInstant } from '../web/src/i18n/date-time.js';

describe("the console's date-time formatter", () => {
  it('reads ISO and Exastro record times (UTC) as the same instant', () => {
    assert.equal(parseInstant('2026-12-04T15:29:11.749599Z')?.toISOString(), '2026-12-04T15:29:11.749Z');
    assert.equal(parseInstant('2026/12/04 15:29:11.749599')?.toISOString(), '2026-12-04T15:29:11.749Z');
    assert.equal(parseInstant('2026/12/04 15:29:11')?.toISOString(), '2026-12-04T15:29:11.000Z');
    assert.equal(parseInstant('not a time'), undefined);
  });

  it('shows local time to the second with the zone named, the same for both forms, in both languages', () => {
    for (const value of ['2026-12-04T15:29:11.749599Z', '2026/12/04 15:29:11.749599']) {
      assert.equal(formatInstant(value, 'ja', 'Asia/Tokyo'), '2026/12/05 00:29:11 JST', 'the next day in Tokyo, not UTC');
      assert.equal(formatInstant(value, 'en', 'Asia/Tokyo'), '5 Dec 2026, 00:29:11 JST', 'JST in English too, not GMT+9');
      assert.equal(formatInstant(value, 'en', 'America/New_York'), '4 Dec 2026, 10:29:11 EST');
      assert.equal(formatInstant(value, 'en', 'UTC'), '4 Dec 2026, 15:29:11 UTC');
    }
    assert.doesNotMatch(formatInstant('2026/12/04 15:29:11.749599', 'ja', 'Asia/Tokyo'), /749/, 'no microseconds');
  });

  it('says — for no time and shows what is no instant as it is', () => {
    assert.equal(formatInstant(null, 'ja'), '—');
    assert.equal(formatInstant('', 'en'), '—');
    assert.equal(formatInstant('soon', 'en'), 'soon');
  });
});
