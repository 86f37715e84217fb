import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slowStartBatch } from './slowStartBatch.ts';

test('calls come in batches of 1, 2, 4, ... up to the count', async () => {
  const batches: number[] = [];
  let inFlight = 0;
  let calls = 0;
  const result = await slowStartBatch(10, 1, async () => {
    if (inFlight === 0) batches.push(0);
    inFlight++;
    batches[batches.length - 1]!++;
    calls++;
    await new Promise((r) => setImmediate(r));
    inFlight--;
  });
  assert.deepEqual(result, { successes: 10 });
  assert.equal(calls, 10);
  assert.deepEqual(batches, [1, 2, 4, 3]);
});

test('a failing batch stops the rest and reports the first error', async () => {
  let calls = 0;
  const result = await slowStartBatch(100, 1, async () => {
    calls++;
    if (calls >= 3) throw new Error('exceeded quota');
  });
  assert.equal(calls, 3); // batch of 1, then a batch of 2 with one failure
  assert.equal(result.successes, 2);
  assert.match(String((result.error as Error).message), /exceeded quota/);
});
