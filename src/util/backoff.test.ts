import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs } from './backoff.js';

describe('backoffMs', () => {
  it('doubles from the first wait and stops at the most', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, 1_000, 30_000)),
      [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000],
    );
  });
  it('stays finite after very many failures', () => {
    assert.equal(backoffMs(10_000, 1_000, 30_000), 30_000);
  });
});
