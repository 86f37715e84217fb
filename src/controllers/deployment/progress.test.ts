import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { rfc3339 } from '../replicaSet/time.ts';
import { calculateStatus, compactStatus, progressCheckDelayMs, rolloutStatus } from './progress.ts';

const now = Date.parse('2026-01-01T12:00:00Z');

const deployment = (status: DeploymentStatus, progressDeadlineSeconds = 600): Deployment => ({
  metadata: { name: 'web', namespace: 'default', generation: 2 },
  spec: { replicas: 3, progressDeadlineSeconds, selector: {}, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } },
  status,
});
const rs = (name: string, spec: number, replicas: number, available: number): ReplicaSet => ({
  metadata: { name },
  spec: { replicas: spec, selector: {}, template: {} },
  status: { replicas, readyReplicas: available, availableReplicas: available },
});
const progressing = (reason: string, secondsAgo: number) => ({
  type: 'Progressing', status: 'True', reason, message: '', lastUpdateTime: rfc3339(now - secondsAgo * 1000), lastTransitionTime: rfc3339(now - secondsAgo * 1000),
});
const condition = (status: DeploymentStatus, type: string) => status.conditions?.find((c) => c.type === type);

test('status sums the replica sets; updatedReplicas are the new one\'s', () => {
  const status = calculateStatus([rs('old', 1, 2, 2), rs('new', 3, 2, 1)], rs('new', 3, 2, 1), deployment({}), now);
  assert.deepEqual({ ...status, conditions: undefined }, {
    observedGeneration: 2, replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1, conditions: undefined,
  });
  assert.equal(condition(status, 'Available')?.reason, 'MinimumReplicasAvailable');
  const short = calculateStatus([rs('new', 3, 3, 1)], rs('new', 3, 3, 1), deployment({}), now);
  assert.equal(condition(short, 'Available')?.status, 'False');
  assert.equal(condition(short, 'Available')?.reason, 'MinimumReplicasUnavailable');
});

test('progress refreshes the Progressing condition; completion says NewReplicaSetAvailable', () => {
  const before = deployment({ replicas: 3, updatedReplicas: 1, availableReplicas: 2, conditions: [progressing('NewReplicaSetCreated', 100)] });
  const moving = rolloutStatus([rs('old', 1, 1, 1), rs('new', 3, 2, 2)], rs('new', 3, 2, 2), before, now);
  assert.equal(condition(moving, 'Progressing')?.reason, 'ReplicaSetUpdated');
  assert.equal(condition(moving, 'Progressing')?.message, 'ReplicaSet "new" is progressing.');
  assert.equal(condition(moving, 'Progressing')?.lastUpdateTime, rfc3339(now));
  assert.equal(condition(moving, 'Progressing')?.lastTransitionTime, rfc3339(now - 100_000));
  const done = rolloutStatus([rs('new', 3, 3, 3)], rs('new', 3, 3, 3), before, now);
  assert.equal(condition(done, 'Progressing')?.reason, 'NewReplicaSetAvailable');
  assert.equal(condition(done, 'Progressing')?.message, 'ReplicaSet "new" has successfully progressed.');
});

test('no progress past progressDeadlineSeconds is ProgressDeadlineExceeded', () => {
  const stuck = { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, conditions: [progressing('ReplicaSetUpdated', 30)] };
  const rss = [rs('old', 3, 3, 3), rs('new', 1, 1, 0)];
  const early = rolloutStatus(rss, rss[1], deployment(stuck, 60), now);
  assert.equal(condition(early, 'Progressing')?.reason, 'ReplicaSetUpdated');
  // Nothing changed: look again when the deadline can have passed (a second late).
  assert.equal(progressCheckDelayMs(deployment(stuck, 60), early, now), 31_000);
  const late = rolloutStatus(rss, rss[1], deployment(stuck, 20), now);
  assert.deepEqual({ ...condition(late, 'Progressing'), lastUpdateTime: undefined, lastTransitionTime: undefined }, {
    type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "new" has timed out progressing.', lastUpdateTime: undefined, lastTransitionTime: undefined,
  });
});

test('a replica set\'s ReplicaFailure shows on the deployment', () => {
  const failing = rs('new', 3, 0, 0);
  (failing as any).status.conditions = [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'exceeded quota', lastTransitionTime: rfc3339(now) }];
  const status = rolloutStatus([failing], failing, deployment({}), now);
  assert.equal(condition(status, 'ReplicaFailure')?.reason, 'FailedCreate');
});

test('status as written omits zero counts, as Go does', () => {
  assert.deepEqual(compactStatus({ observedGeneration: 1, replicas: 0, updatedReplicas: 0, availableReplicas: 2, collisionCount: 0 }), { observedGeneration: 1, availableReplicas: 2, collisionCount: 0 });
});
