/**
 * The rules behind the console's live pages (web/src/components/liveness.ts), as pure functions:
 * when a source is live, connecting or stale, and the reconnection schedule (1 s, 2 s, 4 s … at most
 * 15 s, each shortened by up to a fifth at random). The browser test is test/console-liveness.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOST_GRACE_MS, RECONNECT_MAX_MS, SILENCE_LIMIT_MS, liveStateAt, reconnectDelayMs, type LiveInputs } from '../web/src/components/liveness.js';
import { HEARTBEAT_MS } from '../src/http/event-streams.js';

const T0 = 1_000_000;
const inputs = (o: Partial<LiveInputs>): LiveInputs => ({ startedAt: T0, heardAt: undefined, lostSince: undefined, serverUnreachable: false, ...o });

describe('liveness: when a page may call its data current', () => {
  it('a source is connecting until first heard, live while heard, stale once silent longer than the limit', () => {
    assert.equal(liveStateAt(T0 + 1000, inputs({})), 'connecting');
    assert.equal(liveStateAt(T0 + 1000, inputs({ heardAt: T0 + 500 })), 'live');
    assert.equal(liveStateAt(T0 + 500 + SILENCE_LIMIT_MS, inputs({ heardAt: T0 + 500 })), 'live');
    assert.equal(liveStateAt(T0 + 501 + SILENCE_LIMIT_MS, inputs({ heardAt: T0 + 500 })), 'stale');
    // Never heard at all: stale too, once the limit has passed since the page started following.
    assert.equal(liveStateAt(T0 + SILENCE_LIMIT_MS + 1, inputs({})), 'stale');
  });

  it('the silence limit allows one heartbeat to be missed, and stale comes within 10 s of the last one', () => {
    assert.ok(SILENCE_LIMIT_MS > HEARTBEAT_MS, 'a heartbeat arriving late is no reason to say stale');
    assert.ok(SILENCE_LIMIT_MS + 1000 <= 10_000, 'stale within 10 s, counting the once-a-second render');
  });

  it('a known loss is shown after a short grace (a hand-over reconnects within it), the banner at once', () => {
    const heard = inputs({ heardAt: T0 });
    assert.equal(liveStateAt(T0 + 100, { ...heard, lostSince: T0 + 50 }), 'live');
    assert.equal(liveStateAt(T0 + 50 + LOST_GRACE_MS, { ...heard, lostSince: T0 + 50 }), 'stale');
    assert.equal(liveStateAt(T0 + 100, { ...heard, serverUnreachable: true }), 'stale', 'no "Live" while the banner says the server cannot be reached');
    assert.equal(liveStateAt(T0 + 100, inputs({ serverUnreachable: true })), 'stale');
  });
});

describe('liveness: the reconnection schedule', () => {
  it('doubles from 1 s and stops at 15 s, without jitter the longest it can be', () => {
    assert.deepEqual(
      Array.from({ length: 8 }, (_, attempt) => reconnectDelayMs(attempt, () => 0)),
      [1000, 2000, 4000, 8000, 15_000, 15_000, 15_000, 15_000],
    );
    assert.equal(
      reconnectDelayMs(10_000, () => 0),
      RECONNECT_MAX_MS,
      'a long outage does not overflow',
    );
  });

  it('jitter only shortens a wait, by at most a fifth', () => {
    const just = (attempt: number) => reconnectDelayMs(attempt, () => 0);
    for (let attempt = 0; attempt < 8; attempt++) {
      for (const r of [0, 0.25, 0.5, 0.999999]) {
        const ms = reconnectDelayMs(attempt, () => r);
        assert.ok(ms <= just(attempt) && ms >= just(attempt) * 0.8, `attempt ${attempt}, random ${r}: ${ms} ms`);
      }
    }
    const spread = new Set(Array.from({ length: 50 }, () => reconnectDelayMs(3)));
    assert.ok(spread.size > 10, 'consoles that lost the same server do not all come back at the same instant');
  });
});
