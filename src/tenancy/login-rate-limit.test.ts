import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginRateLimiter } from './login-rate-limit.js';

const WINDOW = 60_000;

/** A limiter on a clock the test moves by hand. */
function limiter(limits: { user?: number; address?: number } = {}) {
  let now = 1_700_000_000_000;
  const l = new LoginRateLimiter(
    { maxFailuresPerUser: limits.user ?? 3, maxFailuresPerAddress: limits.address ?? 5, windowMs: WINDOW },
    () => now,
  );
  return {
    l,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('LoginRateLimiter', () => {
  it('lets a caller try until the per-user limit, then makes it wait for the window', () => {
    const { l, advance } = limiter();
    assert.equal(l.retryAfterSeconds('alice', '10.0.0.1'), 0);
    l.recordFailure('alice', '10.0.0.1');
    l.recordFailure('alice', '10.0.0.1');
    assert.equal(l.retryAfterSeconds('alice', '10.0.0.1'), 0, 'two failures of three allowed');
    l.recordFailure('alice', '10.0.0.1');
    assert.equal(l.retryAfterSeconds('alice', '10.0.0.1'), 60, 'locked for the whole window');
    assert.equal(l.retryAfterSeconds('alice', '10.0.0.2'), 60, 'from any address');
    assert.equal(l.retryAfterSeconds('bob', '10.0.0.2'), 0, 'other users are not affected');

    advance(20_000);
    assert.equal(l.retryAfterSeconds('alice', '10.0.0.1'), 40, 'the wait counts down');
    advance(39_500);
    assert.equal(l.retryAfterSeconds('alice', '10.0.0.1'), 1, 'never less than 1 s while locked');
    advance(501);
    assert.equal(l.retryAfterSeconds('alice', '10.0.0.1'), 0, 'free once the first failure left the window');
  });

  it('slides the window: the wait ends when enough failures have aged out', () => {
    const { l, advance } = limiter();
    l.recordFailure('alice', 'a'); // t = 0
    advance(10_000);
    l.recordFailure('alice', 'a'); // t = 10 s
    advance(10_000);
    l.recordFailure('alice', 'a'); // t = 20 s
    assert.equal(l.retryAfterSeconds('alice', 'a'), 40, 'until the failure at t = 0 is 60 s old');
    advance(40_001);
    assert.equal(l.retryAfterSeconds('alice', 'a'), 0, 'two failures left in the window');
    l.recordFailure('alice', 'a'); // t = 60 s: failures at 10, 20, 60
    assert.equal(l.retryAfterSeconds('alice', 'a'), 10, 'until the failure at t = 10 s ages out');
  });

  it('limits an address across user names', () => {
    const { l } = limiter();
    for (let i = 0; i < 4; i++) l.recordFailure(`user-${i}`, '192.0.2.1');
    assert.equal(l.retryAfterSeconds('someone', '192.0.2.1'), 0, 'four of five allowed');
    l.recordFailure('user-4', '192.0.2.1');
    assert.equal(l.retryAfterSeconds('someone', '192.0.2.1'), 60, 'every user from that address waits');
    assert.equal(l.retryAfterSeconds('someone', '192.0.2.2'), 0, 'other addresses are served');
    assert.equal(l.retryAfterSeconds('user-0', '192.0.2.2'), 0, 'one failure per user is below the user limit');
  });

  it('a success clears the user’s failures, not the address’s', () => {
    const { l } = limiter();
    l.recordFailure('alice', 'a');
    l.recordFailure('alice', 'a');
    l.recordSuccess('alice');
    l.recordFailure('alice', 'a');
    l.recordFailure('alice', 'a');
    assert.equal(l.retryAfterSeconds('alice', 'b'), 0, 'two failures since the success');
    l.recordFailure('alice', 'a');
    assert.equal(l.retryAfterSeconds('someone', 'a'), 60, 'the address still has its five failures');
  });

  it('reserve counts an attempt before it is checked, so concurrent attempts see each other', () => {
    const { l } = limiter({ user: 3, address: 10 });
    // Three guesses start together: each sees the ones already in flight.
    const inFlight = [0, 1, 2].map(() => {
      assert.equal(l.retryAfterSeconds('alice', 'a'), 0);
      return l.reserve('alice', 'a');
    });
    assert.equal(l.retryAfterSeconds('alice', 'a'), 60, 'a fourth concurrent guess must wait');
    assert.equal(inFlight.length, 3);
  });

  it('reserve is taken back when the attempt succeeds', () => {
    const { l } = limiter({ user: 2, address: 2 });
    const first = l.reserve('alice', 'a');
    const second = l.reserve('bob', 'a');
    assert.equal(l.retryAfterSeconds('carol', 'a'), 60, 'two attempts in flight from a');
    first();
    assert.equal(l.retryAfterSeconds('carol', 'a'), 0, 'a successful attempt no longer counts against the address');
    second();
    first();
    assert.equal(l.retryAfterSeconds('carol', 'a'), 0, 'taking back twice changes nothing');
    l.recordFailure('carol', 'a');
    l.recordFailure('dave', 'a');
    assert.equal(l.retryAfterSeconds('erin', 'a'), 60, 'real failures still count');
  });

  it('a reservation without an address counts only against the user (a fallback account of the same attempt)', () => {
    const { l } = limiter({ user: 2, address: 2 });
    l.reserve('org1/admin', 'a');
    l.reserve('/admin', undefined);
    l.reserve('org2/admin', 'b');
    l.reserve('/admin', undefined);
    assert.equal(l.retryAfterSeconds('/admin', 'c'), 60, 'the administrator was checked by both attempts');
    assert.equal(l.retryAfterSeconds('org1/admin', 'c'), 0);
    assert.equal(l.retryAfterSeconds('someone', 'a'), 0, 'one attempt from a, not two');
  });

  it('forgets failures once they are out of the window', () => {
    const { l, advance } = limiter({ user: 1, address: 1 });
    l.recordFailure('alice', 'a');
    assert.ok(l.retryAfterSeconds('alice', 'a') > 0);
    advance(WINDOW + 1);
    assert.equal(l.retryAfterSeconds('alice', 'a'), 0);
    l.recordFailure('alice', 'a');
    assert.equal(l.retryAfterSeconds('alice', 'b'), 60, 'a new failure starts a new window');
  });
});
