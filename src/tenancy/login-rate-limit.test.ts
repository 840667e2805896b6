import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginRateLimiter } from './login-rate-limit.js';

const WINDOW = 60_000;

/** A throttle on a clock the test moves by hand. */
function throttle(limits: { before?: number; address?: number } = {}) {
  let now = 1_700_000_000_000;
  const l = new LoginRateLimiter({ failuresBeforeDelay: limits.before ?? 3, maxFailuresPerAddress: limits.address ?? 10, windowMs: WINDOW }, () => now);
  return {
    l,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('LoginRateLimiter: per (account, address), growing delays, no lockout of the owner', () => {
  it('lets a pair fail a few times, then makes each further attempt wait twice as long', () => {
    const { l, advance } = throttle();
    for (let i = 0; i < 3; i++) {
      assert.equal(l.retryAfterSeconds('/admin', '10.0.0.1'), 0, `attempt ${i + 1} is free`);
      l.recordFailure('/admin', '10.0.0.1');
    }
    assert.equal(l.retryAfterSeconds('/admin', '10.0.0.1'), 1, 'after 3 failures: 1 s');
    advance(1000);
    assert.equal(l.retryAfterSeconds('/admin', '10.0.0.1'), 0);
    l.recordFailure('/admin', '10.0.0.1');
    assert.equal(l.retryAfterSeconds('/admin', '10.0.0.1'), 2, 'then 2 s');
    advance(2000);
    l.recordFailure('/admin', '10.0.0.1');
    assert.equal(l.retryAfterSeconds('/admin', '10.0.0.1'), 4, 'then 4 s');
  });

  it('never waits longer than the window, and forgets failures older than it', () => {
    const { l, advance } = throttle({ before: 1, address: 1000 });
    for (let i = 0; i < 20; i++) l.recordFailure('/admin', '10.0.0.1');
    assert.equal(l.retryAfterSeconds('/admin', '10.0.0.1'), WINDOW / 1000);
    advance(WINDOW + 1);
    assert.equal(l.retryAfterSeconds('/admin', '10.0.0.1'), 0);
  });

  it("an attacker's failures never make the owner wait from another address", () => {
    const { l } = throttle();
    for (let a = 0; a < 50; a++) for (let i = 0; i < 20; i++) l.recordFailure('/admin', `10.1.0.${a}`);
    assert.ok(l.retryAfterSeconds('/admin', '10.1.0.7') > 0, 'the attacking address waits');
    assert.equal(l.retryAfterSeconds('/admin', '192.168.5.5'), 0, 'the owner from a fresh address does not');
  });

  it('an address over its ceiling is refused for accounts that failed from it, not for one that has not', () => {
    const { l } = throttle({ before: 5, address: 4 });
    for (const user of ['/a', '/b', '/c', '/d']) l.recordFailure(user, '10.0.0.9');
    assert.ok(l.retryAfterSeconds('/a', '10.0.0.9') > 0, 'a sprayed account from that address waits the window');
    assert.equal(l.retryAfterSeconds('/e', '10.0.0.9'), 0, 'a person behind the same NAT who has not failed goes through');
  });

  it('a success clears the pair, not the address; a reservation taken back leaves nothing', () => {
    const { l } = throttle({ before: 2, address: 3 });
    l.recordFailure('/admin', '10.0.0.1');
    l.recordFailure('/admin', '10.0.0.1');
    assert.equal(l.retryAfterSeconds('/admin', '10.0.0.1'), 1);
    l.recordSuccess('/admin', '10.0.0.1');
    assert.equal(l.retryAfterSeconds('/admin', '10.0.0.1'), 0);
    const takeBack = l.reserve('/bob', '10.0.0.1');
    takeBack();
    l.recordFailure('/carol', '10.0.0.1');
    assert.equal(l.retryAfterSeconds('/carol', '10.0.0.1'), 60, 'the address has 3 failures (admin 2, carol 1): carol, who failed from it, waits');
    assert.equal(l.retryAfterSeconds('/bob', '10.0.0.1'), 0, "bob's taken-back attempt left no failure");
  });
});
