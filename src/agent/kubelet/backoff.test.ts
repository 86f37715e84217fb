import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CrashLoopBackoff } from './backoff.ts';

test('the first restart is immediate, then 10 s doubling up to 5 min', () => {
  let now = 0;
  const backoff = new CrashLoopBackoff(() => now);
  assert.deepEqual(backoff.check('c', 0, 0), { restart: true });
  const waits: number[] = [];
  let finished = 0;
  for (let i = 0; i < 8; i++) {
    now = finished + 1; // exits almost at once
    const r = backoff.check('c', finished, now);
    assert.equal(r.restart, false);
    if (!r.restart) {
      waits.push(r.backoffMs);
      now += r.remainingMs;
    }
    assert.equal(backoff.check('c', finished, now - (r.restart ? 0 : r.remainingMs)).restart, true);
    finished = now;
  }
  assert.deepEqual(waits, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
});

test('a container that ran 10 minutes starts over at 10 s', () => {
  let now = 0;
  const backoff = new CrashLoopBackoff(() => now);
  backoff.check('c', 0, 0);
  now = 10_000;
  backoff.check('c', 0, 0); // restarts, next wait 20 s
  now = 700_000;
  assert.equal(backoff.check('c', 15_000, 699_000).restart, true);
  now = 701_000;
  const r = backoff.check('c', 700_000, 700_500);
  assert.equal(r.restart, false);
  if (!r.restart) assert.equal(r.backoffMs, 10_000);
});

test('containers back off independently', () => {
  let now = 0;
  const backoff = new CrashLoopBackoff(() => now);
  backoff.check('a', 0, 0);
  now = 1;
  assert.equal(backoff.check('a', 0, 1).restart, false);
  assert.equal(backoff.check('b', 0, 1).restart, true);
});
