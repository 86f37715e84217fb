import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllocationBitmap, staticBandSize } from './bitmap.ts';

test('dynamic allocation takes the upper band first, then the static band, then reports full', () => {
  const bitmap = new AllocationBitmap(20, 4);
  const taken = Array.from({ length: 16 }, () => bitmap.takeNext('a')!);
  assert.ok(taken.every((slot) => slot >= 4 && slot < 20), 'the upper band first');
  assert.equal(new Set(taken).size, 16);
  const rest = Array.from({ length: 4 }, () => bitmap.takeNext('a')!).sort((a, b) => a - b);
  assert.deepEqual(rest, [0, 1, 2, 3]);
  assert.equal(bitmap.takeNext('a'), undefined);
  assert.equal(bitmap.used, 20);
});

test('a slot is taken once; its holder releasing it frees it for the next taker', () => {
  const bitmap = new AllocationBitmap(3, 0);
  assert.equal(bitmap.take(1, 'a'), true);
  assert.equal(bitmap.take(1, 'a'), false);
  assert.equal(bitmap.has(1), true);
  bitmap.release(1, 'b');
  assert.equal(bitmap.has(1), true, 'only its holder frees a slot');
  bitmap.release(1, 'a');
  bitmap.release(1, 'a');
  assert.equal(bitmap.used, 0);
  assert.equal(bitmap.take(1, 'a'), true);
});

test('the static band: min(max(floor, size/step), ceiling), none for tiny ranges', () => {
  const ips = { floor: 16, step: 16, ceiling: 256 };
  assert.equal(staticBandSize(65536, ips), 256);
  assert.equal(staticBandSize(256, ips), 16);
  assert.equal(staticBandSize(16, ips), 0);
  assert.equal(staticBandSize(2768, { floor: 16, step: 32, ceiling: 128 }), 86);
});
