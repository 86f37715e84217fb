import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { findActiveOrLatest, findNewReplicaSet, findOldReplicaSets, lowerRevisionFirst } from './replicaSets.ts';

const template = (image: string, hash?: string) => ({
  metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } },
  spec: { containers: [{ name: 'web', image }] },
});
const deployment = (image: string): Deployment => ({ metadata: { name: 'web' }, spec: { selector: {}, template: template(image) } });
const rs = (name: string, image: string, minutesAgo: number, replicas = 1, revision?: string): ReplicaSet => ({
  metadata: { name, uid: name, creationTimestamp: new Date(Date.parse('2026-01-01T00:00:00Z') - minutesAgo * 60_000).toISOString(), annotations: revision ? { 'deployment.kubernetes.io/revision': revision } : {} },
  spec: { replicas, selector: {}, template: template(image, name) },
});

test('the new replica set is the oldest one with the deployment\'s template', () => {
  const list = [rs('b', 'nginx:2', 1), rs('a', 'nginx:1', 5), rs('c', 'nginx:2', 3)];
  assert.equal(findNewReplicaSet(deployment('nginx:2'), list)?.metadata?.name, 'c');
  assert.deepEqual(findOldReplicaSets(deployment('nginx:2'), list).map((r) => r.metadata!.name), ['b', 'a']);
  assert.equal(findNewReplicaSet(deployment('nginx:3'), list), undefined);
});

test('with one active replica set it is the one to scale; with none, the new or the newest old', () => {
  const fresh = rs('new', 'x', 0, 0);
  assert.equal(findActiveOrLatest(fresh, [rs('old', 'y', 5, 3)])?.metadata?.name, 'old');
  assert.equal(findActiveOrLatest(fresh, [rs('old', 'y', 5, 0)])?.metadata?.name, 'new');
  assert.equal(findActiveOrLatest(undefined, [rs('older', 'y', 9, 0), rs('old', 'y', 5, 0)])?.metadata?.name, 'old');
  assert.equal(findActiveOrLatest(rs('new', 'x', 0, 1), [rs('old', 'y', 5, 3)]), undefined);
});

test('history is pruned lowest revision first', () => {
  const list = [rs('r3', 'x', 1, 0, '3'), rs('r1', 'x', 2, 0, '1'), rs('r2', 'x', 3, 0, '2')];
  assert.deepEqual(list.sort(lowerRevisionFirst).map((r) => r.metadata!.name), ['r1', 'r2', 'r3']);
});
