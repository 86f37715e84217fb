import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, ReplicaSet } from '../../api/objects.ts';
import { calculateReplicaSetStatus, nextAvailabilityMs, replicaSetStatusChanged } from './status.ts';

const now = Date.parse('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString().replace('.000Z', 'Z');

const rs = (minReadySeconds = 0, status?: ReplicaSet['status']): ReplicaSet => ({
  metadata: { name: 'web-abc', namespace: 'default', generation: 2 },
  spec: { replicas: 3, minReadySeconds, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'front' } } } },
  status,
});

const pod = (labels: Record<string, string>, readySince?: number): Pod => ({
  metadata: { name: 'p', labels },
  status: { phase: 'Running', conditions: readySince === undefined ? [] : [{ type: 'Ready', status: 'True', lastTransitionTime: ago(readySince) }] },
});

test('counts replicas, fully labeled, ready, and available after minReadySeconds', () => {
  const pods = [pod({ app: 'web', tier: 'front' }, 30), pod({ app: 'web', tier: 'front' }, 5), pod({ app: 'web' })];
  assert.deepEqual(calculateReplicaSetStatus(rs(10), pods, undefined, now), { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1 });
  assert.deepEqual(calculateReplicaSetStatus(rs(0), pods, undefined, now), { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
});

test('a ready pod waiting for minReadySeconds asks for a look when it becomes available', () => {
  const pods = [pod({ app: 'web' }, 30), pod({ app: 'web' }, 5), pod({ app: 'web' })];
  assert.equal(nextAvailabilityMs(rs(10), pods, now), 5000);
  assert.equal(nextAvailabilityMs(rs(0), pods, now), undefined);
});

test('a create error sets ReplicaFailure (FailedCreate); success clears it', () => {
  const failed = calculateReplicaSetStatus(rs(), [], new Error('pods "web-abc-" is forbidden: exceeded quota'), now);
  assert.equal(failed.conditions?.[0]?.type, 'ReplicaFailure');
  assert.equal(failed.conditions?.[0]?.reason, 'FailedCreate');
  assert.match(failed.conditions?.[0]?.message ?? '', /exceeded quota/);
  const cleared = calculateReplicaSetStatus(rs(0, failed), [], undefined, now);
  assert.equal(cleared.conditions, undefined);
});

test('status is written when counts change or the generation is unobserved', () => {
  const current = rs(0, { replicas: 3, readyReplicas: 3, availableReplicas: 3, fullyLabeledReplicas: 3, observedGeneration: 2 });
  assert.ok(!replicaSetStatusChanged(current, { replicas: 3, readyReplicas: 3, availableReplicas: 3, fullyLabeledReplicas: 3 }));
  assert.ok(replicaSetStatusChanged(current, { replicas: 3, readyReplicas: 2, availableReplicas: 2, fullyLabeledReplicas: 3 }));
  assert.ok(replicaSetStatusChanged({ ...current, metadata: { ...current.metadata, generation: 3 } }, { replicas: 3, readyReplicas: 3, availableReplicas: 3, fullyLabeledReplicas: 3 }));
});
