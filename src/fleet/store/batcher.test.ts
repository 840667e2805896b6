import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeaseLostError } from '../../errors.js';
import { Batcher } from './batcher.js';

interface Request {
  readonly pair: string;
  readonly value: number;
}

/** A batcher that doubles values, recording the batches it served; `refuse` makes a batch (or a request alone) fail. */
function doubling(refuse: (batch: readonly Request[]) => Error | undefined = () => undefined) {
  const served: Request[][] = [];
  const batcher = new Batcher<Request, number>(
    async (batch) => {
      served.push([...batch]);
      const err = refuse(batch);
      if (err) throw err;
      return batch.map((r) => r.value * 2);
    },
    (r) => r.pair,
    (err) => !(err instanceof LeaseLostError),
  );
  return { batcher, served };
}

describe('Batcher', () => {
  it('serves the requests made in one turn of the event loop as one batch, each caller getting its own result', async () => {
    const { batcher, served } = doubling();
    const results = await Promise.all([1, 2, 3].map((value) => batcher.add({ pair: `p${value}`, value })));
    assert.deepEqual(results, [2, 4, 6]);
    assert.equal(served.length, 1);
  });

  it('serves requests made while a batch is under way with the next batch, and a pair’s second request after its first', async () => {
    const { batcher, served } = doubling();
    const first = batcher.add({ pair: 'a', value: 1 });
    const again = batcher.add({ pair: 'a', value: 2 });
    const other = batcher.add({ pair: 'b', value: 3 });
    assert.deepEqual(await Promise.all([first, again, other]), [2, 4, 6]);
    assert.deepEqual(
      served.map((b) => b.map((r) => `${r.pair}${r.value}`)),
      [['a1', 'b3'], ['a2']],
    );
    // A caller that goes on after its result: its next request is served by a later batch.
    const chained = batcher.add({ pair: 'c', value: 1 }).then((v) => batcher.add({ pair: 'c', value: v }));
    assert.equal(await chained, 4);
  });

  it('serves the requests of a failed batch one at a time, so that only the failing one fails', async () => {
    const { batcher, served } = doubling((batch) => (batch.some((r) => r.value === 2) ? new Error('refused') : undefined));
    const results = await Promise.allSettled([1, 2, 3].map((value) => batcher.add({ pair: `p${value}`, value })));
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      [2, 'refused', 6],
    );
    assert.deepEqual(
      served.map((b) => b.length),
      [3, 1, 1, 1],
    );
  });

  it('fails the whole batch on an error it must not serve alone (a lost lease), without trying the requests again', async () => {
    const { batcher, served } = doubling(() => new LeaseLostError('run-1', 'me'));
    const results = await Promise.allSettled([1, 2].map((value) => batcher.add({ pair: `p${value}`, value })));
    assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof LeaseLostError));
    assert.equal(served.length, 1);
  });
});
