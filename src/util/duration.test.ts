import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from './duration.js';

describe('durations', () => {
  it('reads what operators type', () => {
    assert.deepEqual(['90s', '15m', '2h', '1d', '500ms', '30', ' 1.5h '].map(parseDuration), [90_000, 900_000, 7_200_000, 86_400_000, 500, 30_000, 5_400_000]);
  });
  it('says what a duration looks like when it is not one', () => {
    for (const bad of ['', '2 hours', '-1h', 'h', '1w']) assert.throws(() => parseDuration(bad), /is not a duration: use e\.g\. 90s, 15m, 2h, 1d/, bad);
  });
  it('writes a length in its largest whole unit, which reads back', () => {
    assert.deepEqual([90, 1800, 7200, 86_400, 172_800, 5400].map(formatDuration), ['90s', '30m', '2h', '1d', '2d', '90m']);
    for (const s of [90, 1800, 7200, 86_400, 5400]) assert.equal(parseDuration(formatDuration(s)), s * 1000);
  });
});
