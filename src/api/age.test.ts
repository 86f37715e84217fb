import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageOf, humanDuration, since } from './age.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('seconds up to two minutes, then minutes with seconds below ten minutes', () => {
  assert.equal(humanDuration(0), '0s');
  assert.equal(humanDuration(5 * s), '5s');
  assert.equal(humanDuration(119 * s), '119s');
  assert.equal(humanDuration(2 * m), '2m');
  assert.equal(humanDuration(3 * m + 2 * s), '3m2s');
  assert.equal(humanDuration(9 * m + 59 * s), '9m59s');
  assert.equal(humanDuration(10 * m + 30 * s), '10m');
});

test('minutes below three hours, then hours with minutes below eight hours', () => {
  assert.equal(humanDuration(179 * m), '179m');
  assert.equal(humanDuration(3 * h), '3h');
  assert.equal(humanDuration(5 * h + 3 * m), '5h3m');
  assert.equal(humanDuration(30 * h), '30h');
});

test('days with hours below eight days, days below two years, then years', () => {
  assert.equal(humanDuration(2 * d + 3 * h), '2d3h');
  assert.equal(humanDuration(7 * d), '7d');
  assert.equal(humanDuration(300 * d), '300d');
  assert.equal(humanDuration(3 * 365 * d + 10 * d), '3y10d');
  assert.equal(humanDuration(9 * 365 * d), '9y');
});

test('clock skew: a moment in the future is 0s, further is <invalid>', () => {
  assert.equal(humanDuration(-500), '0s');
  assert.equal(humanDuration(-5 * s), '<invalid>');
});

test('ageOf measures from creationTimestamp; missing ones are <unknown>', () => {
  const now = Date.parse('2024-01-01T01:00:00Z');
  assert.equal(ageOf({ metadata: { creationTimestamp: '2024-01-01T00:57:00Z' } }, now), '3m');
  assert.equal(ageOf({ metadata: {} }, now), '<unknown>');
  assert.equal(since(undefined, now), '<unknown>');
});
