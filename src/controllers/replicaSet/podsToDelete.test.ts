import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/objects.ts';
import { podsToDelete, podDeletionCostAnnotation } from './podsToDelete.ts';

const now = Date.parse('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString().replace('.000Z', 'Z');

interface PodShape {
  node?: string;
  phase?: string;
  readySince?: number;
  restarts?: number;
  created?: number;
  cost?: number;
  uid?: string;
}

function pod(name: string, shape: PodShape = {}): Pod {
  const { node = 'n1', phase = 'Running', readySince, restarts = 0, created = 3600, cost, uid = name } = shape;
  return {
    metadata: { name, namespace: 'default', uid, creationTimestamp: ago(created), annotations: cost === undefined ? {} : { [podDeletionCostAnnotation]: String(cost) } },
    spec: { nodeName: node, containers: [] },
    status: {
      phase,
      conditions: readySince === undefined ? [] : [{ type: 'Ready', status: 'True', lastTransitionTime: ago(readySince) }],
      containerStatuses: [{ name: 'c', restartCount: restarts, image: 'x', imageID: '', ready: readySince !== undefined }],
    },
  };
}

const names = (pods: Pod[]) => pods.map((p) => p.metadata!.name);
const first = (pods: Pod[]) => names(podsToDelete(pods, pods, 1, now));

test('unassigned pods go before assigned ones', () => {
  assert.deepEqual(first([pod('assigned', { readySince: 60 }), pod('unassigned', { node: '', phase: 'Pending' })]), ['unassigned']);
});

test('Pending before Unknown before Running', () => {
  assert.deepEqual(first([pod('running'), pod('unknown', { phase: 'Unknown' }), pod('pending', { phase: 'Pending' })]), ['pending']);
  assert.deepEqual(first([pod('running'), pod('unknown', { phase: 'Unknown' })]), ['unknown']);
});

test('not ready before ready', () => {
  assert.deepEqual(first([pod('ready', { readySince: 60 }), pod('notReady')]), ['notReady']);
});

test('a lower pod-deletion-cost goes first, even before a pod on a crowded node', () => {
  const pods = [pod('cheap', { readySince: 60, cost: -10, node: 'a' }), pod('crowded', { readySince: 60, node: 'b' }), pod('crowded2', { readySince: 60, node: 'b' })];
  assert.deepEqual(first(pods), ['cheap']);
});

test('pods on nodes with more pods of the owner go first', () => {
  const pods = [pod('alone', { readySince: 60, node: 'a' }), pod('shared1', { readySince: 60, node: 'b' }), pod('shared2', { readySince: 60, node: 'b' })];
  assert.deepEqual(names(podsToDelete(pods, pods, 2, now)).sort(), ['shared1', 'shared2']);
  // Related pods (of sibling ReplicaSets) count too.
  const sibling = pod('sibling', { node: 'a', readySince: 60 });
  assert.deepEqual(names(podsToDelete(pods.slice(0, 2), [...pods.slice(0, 2), sibling, pod('sibling2', { node: 'a' })], 1, now)), ['alone']);
});

test('among ready pods, the one ready for less time goes first (log2 buckets)', () => {
  assert.deepEqual(first([pod('old', { readySince: 3600 }), pod('new', { readySince: 10 })]), ['new']);
  // 100 s and 101 s are in the same bucket: the uid decides.
  assert.deepEqual(first([pod('b', { readySince: 100, uid: 'b' }), pod('a', { readySince: 101, uid: 'a' })]), ['a']);
});

test('more restarts go first, then newer pods', () => {
  assert.deepEqual(first([pod('calm', { restarts: 0 }), pod('crashy', { restarts: 5 })]), ['crashy']);
  assert.deepEqual(first([pod('older', { created: 7200 }), pod('newer', { created: 10 })]), ['newer']);
});

test('deleting as many as there are takes them all, in the given order', () => {
  const pods = [pod('a'), pod('b')];
  assert.deepEqual(names(podsToDelete(pods, pods, 2, now)), ['a', 'b']);
});
