import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deadlineSignal } from './deadline.js';

describe('deadlineSignal', () => {
  it('is aborted with the reason of its parent', () => {
    const parent = new AbortController();
    const d = deadlineSignal(parent.signal, 60_000);
    assert.equal(d.signal.aborted, false);
    parent.abort(new Error('lost'));
    assert.equal((d.signal.reason as Error).message, 'lost');
    d.clear();
  });

  it('is aborted at once when its parent already is', () => {
    const d = deadlineSignal(AbortSignal.abort('gone'), 60_000);
    assert.equal(d.signal.reason, 'gone');
    d.clear();
  });

  it('is aborted with a TimeoutError when the time is up', async () => {
    const d = deadlineSignal(new AbortController().signal, 1);
    await new Promise((resolve) => d.signal.addEventListener('abort', resolve, { once: true }));
    assert.equal((d.signal.reason as DOMException).name, 'TimeoutError');
    d.clear();
  });

  it('once cleared, is aborted by neither', async () => {
    const parent = new AbortController();
    const d = deadlineSignal(parent.signal, 1);
    d.clear();
    parent.abort();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(d.signal.aborted, false);
  });
});
