import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { proportionalScale } from './proportionalScale.ts';

// The cases of upstream's TestScale: each ReplicaSet was last sized for the old replica count
// (desired and max replicas annotations), maxSurge and maxUnavailable 0.
const deployment = (replicas: number): Deployment => ({
  metadata: { name: 'foo', namespace: 'default', uid: 'd' },
  spec: { replicas, selector: { matchLabels: { app: 'foo' } }, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } },
});

const rs = (name: string, replicas: number, age: number, sizedFor: number): ReplicaSet => ({
  metadata: {
    name,
    uid: name,
    creationTimestamp: new Date(Date.parse('2026-01-01T00:00:00Z') - age * 60_000).toISOString(),
    annotations: { 'deployment.kubernetes.io/desired-replicas': String(sizedFor), 'deployment.kubernetes.io/max-replicas': String(sizedFor) },
  },
  spec: { replicas, selector: {}, template: {} },
});

function scaled(to: number, from: number, newRS: [string, number], oldRSs: [string, number][]): Record<string, number> {
  const news = rs(newRS[0], newRS[1], 0, from);
  const olds = oldRSs.map(([name, replicas], i) => rs(name, replicas, i + 1, from));
  const sizes: Record<string, number> = Object.fromEntries([news, ...olds].map((r) => [r.metadata!.name, r.spec!.replicas]));
  for (const step of proportionalScale(deployment(to), news, olds)) sizes[step.rs.metadata!.name!] = step.replicas;
  return sizes;
}

test('a single active replica set takes the whole count', () => {
  assert.deepEqual(scaled(12, 10, ['foo-v1', 10], []), { 'foo-v1': 12 });
  assert.deepEqual(scaled(12, 10, ['foo-v2', 0], [['foo-v1', 10]]), { 'foo-v2': 0, 'foo-v1': 12 });
});

test('scaling mid-rollout keeps the proportions', () => {
  assert.deepEqual(scaled(10, 5, ['foo-v2', 2], [['foo-v1', 3]]), { 'foo-v2': 4, 'foo-v1': 6 });
  assert.deepEqual(scaled(3, 5, ['foo-v2', 2], [['foo-v1', 3]]), { 'foo-v2': 1, 'foo-v1': 2 });
  assert.deepEqual(scaled(4, 9, ['foo-v2', 8], [['foo-v1', 1]]), { 'foo-v2': 4, 'foo-v1': 0 });
  assert.deepEqual(scaled(10, 7, ['foo-v3', 2], [['foo-v2', 3], ['foo-v1', 2]]), { 'foo-v3': 3, 'foo-v2': 4, 'foo-v1': 3 });
  assert.deepEqual(scaled(8, 13, ['foo-v3', 2], [['foo-v2', 8], ['foo-v1', 3]]), { 'foo-v3': 1, 'foo-v2': 5, 'foo-v1': 2 });
});

test('leftovers go to the newest when scaling up and come from the oldest when scaling down', () => {
  assert.deepEqual(scaled(4, 3, ['foo-v3', 1], [['foo-v2', 1], ['foo-v1', 1]]), { 'foo-v3': 2, 'foo-v2': 1, 'foo-v1': 1 });
  assert.deepEqual(scaled(2, 3, ['foo-v3', 1], [['foo-v2', 1], ['foo-v1', 1]]), { 'foo-v3': 1, 'foo-v2': 1, 'foo-v1': 0 });
});

test('scaling to zero empties every replica set', () => {
  assert.deepEqual(scaled(0, 5, ['foo-v2', 2], [['foo-v1', 3]]), { 'foo-v2': 0, 'foo-v1': 0 });
});

test('a saturated new replica set scales the old ones down', () => {
  const news = rs('foo-v2', 5, 0, 5);
  (news as any).status = { replicas: 5, availableReplicas: 5 };
  const steps = proportionalScale(deployment(5), news, [rs('foo-v1', 2, 1, 5)]);
  assert.deepEqual(steps.map((s) => [s.rs.metadata!.name, s.replicas]), [['foo-v1', 0]]);
});
