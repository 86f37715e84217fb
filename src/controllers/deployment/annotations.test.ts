import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { maxRevision, revisionHistoryAnnotation, revisionAnnotation, setNewReplicaSetAnnotations } from './annotations.ts';

const deployment = (annotations: Record<string, string>): Deployment => ({
  metadata: { name: 'web', namespace: 'default', annotations },
  spec: { replicas: 4, selector: {}, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } },
});
const rs = (annotations?: Record<string, string>): ReplicaSet => ({ metadata: { name: 'web-1', annotations }, spec: { replicas: 0, selector: {}, template: {} } });

test('a new replica set gets the next revision, the deployment annotations (change-cause) and the replicas annotations', () => {
  const d = deployment({ 'kubernetes.io/change-cause': 'set image', 'kubectl.kubernetes.io/last-applied-configuration': '{}', [revisionAnnotation]: '3' });
  const created = rs();
  assert.ok(setNewReplicaSetAnnotations(d, created, '4', false));
  assert.deepEqual(created.metadata!.annotations, {
    'kubernetes.io/change-cause': 'set image',
    [revisionAnnotation]: '4',
    'deployment.kubernetes.io/desired-replicas': '4',
    'deployment.kubernetes.io/max-replicas': '5',
  });
});

test('rolling back to an old replica set raises its revision and remembers the old ones', () => {
  const old = rs({ [revisionAnnotation]: '1' });
  assert.ok(setNewReplicaSetAnnotations(deployment({}), old, '3', true));
  assert.equal(old.metadata!.annotations![revisionAnnotation], '3');
  assert.equal(old.metadata!.annotations![revisionHistoryAnnotation], '1');
  setNewReplicaSetAnnotations(deployment({}), old, '5', true);
  assert.equal(old.metadata!.annotations![revisionHistoryAnnotation], '1,3');
});

test('an existing replica set already at the latest revision is left alone', () => {
  const current = rs({ [revisionAnnotation]: '5' });
  assert.ok(!setNewReplicaSetAnnotations(deployment({}), current, '5', true));
  assert.ok(!setNewReplicaSetAnnotations(deployment({}), current, '4', true));
});

test('the max revision skips unreadable ones', () => {
  assert.equal(maxRevision([rs({ [revisionAnnotation]: '2' }), rs({ [revisionAnnotation]: 'x' }), rs()]), 2);
  assert.equal(maxRevision([]), 0);
});
