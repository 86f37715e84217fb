import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from '../../api/objects.ts';
import { maxSurge, maxUnavailable, resolveFenceposts, scaledValue } from './fenceposts.ts';

const deployment = (replicas: number, rollingUpdate: object | undefined, type = 'RollingUpdate'): Deployment => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: {}, strategy: { type, rollingUpdate } },
});

test('surge percentages round up, unavailable percentages round down', () => {
  assert.deepEqual(resolveFenceposts('25%', '25%', 3), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
  assert.deepEqual(resolveFenceposts('10%', '10%', 30), { surge: 3, unavailable: 3 });
  assert.equal(scaledValue('33%', 10, true), 4);
  assert.equal(scaledValue('33%', 10, false), 3);
});

test('absolute values are taken as they are', () => {
  assert.deepEqual(resolveFenceposts(2, 1, 10), { surge: 2, unavailable: 1 });
  assert.deepEqual(resolveFenceposts(5, 0, 1), { surge: 5, unavailable: 0 });
});

test('when both resolve to zero, one pod may be unavailable so the rollout can move', () => {
  assert.deepEqual(resolveFenceposts('1%', '1%', 2), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts(0, '1%', 2), { surge: 0, unavailable: 1 });
  assert.deepEqual(resolveFenceposts(undefined, undefined, 5), { surge: 0, unavailable: 1 });
});

test('maxUnavailable never exceeds replicas and is 0 at zero replicas or for Recreate', () => {
  assert.equal(maxUnavailable(deployment(2, { maxSurge: 0, maxUnavailable: 5 })), 2);
  assert.equal(maxUnavailable(deployment(0, { maxSurge: 0, maxUnavailable: 5 })), 0);
  assert.equal(maxUnavailable(deployment(4, undefined, 'Recreate')), 0);
  assert.equal(maxSurge(deployment(4, undefined, 'Recreate')), 0);
  assert.equal(maxSurge(deployment(4, { maxSurge: '50%', maxUnavailable: 0 })), 2);
});

test('a string that is not a percentage is an error', () => {
  assert.throws(() => scaledValue('5', 10, true), /not a percentage/);
});
