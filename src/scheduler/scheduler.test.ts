import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../test/e2e/harness.ts';
import { types } from '../client/resourceTypes.ts';
import { FakeCluster, testNode, testPod } from './fakeCluster.ts';
import { startScheduler, type SchedulerOptions } from './scheduler.ts';

async function withScheduler(run: (cluster: FakeCluster) => Promise<void>, options: SchedulerOptions = {}, cluster = new FakeCluster()): Promise<void> {
  const stop = new AbortController();
  await startScheduler({ client: cluster.client, informers: cluster.informers, recorder: cluster.recorder, signal: stop.signal }, options);
  try {
    await run(cluster);
  } finally {
    stop.abort();
  }
}

const nodeOf = (cluster: FakeCluster, name: string) => cluster.pod('default', name)?.spec?.nodeName;

test('pods are bound to nodes and a Scheduled event says where', () =>
  withScheduler(async (cluster) => {
    for (const n of ['a', 'b', 'c']) cluster.addNode(testNode(n));
    for (let i = 0; i < 6; i++) cluster.addPod(testPod(`p${i}`, { cpu: '1', memory: '1Gi' }));
    await waitFor(() => [0, 1, 2, 3, 4, 5].every((i) => nodeOf(cluster, `p${i}`)), 5000, 'all pods bound');
    const perNode = new Map<string, number>();
    for (let i = 0; i < 6; i++) perNode.set(nodeOf(cluster, `p${i}`)!, (perNode.get(nodeOf(cluster, `p${i}`)!) ?? 0) + 1);
    assert.deepEqual([...perNode.values()], [2, 2, 2], 'LeastAllocated spreads equal pods evenly');
    const scheduled = cluster.events.find((e) => e.reason === 'Scheduled' && e.regarding.metadata?.name === 'p0');
    assert.equal(scheduled?.message, `Successfully assigned default/p0 to ${nodeOf(cluster, 'p0')}`);
  }));

test('back-to-back pods see each other before their bindings land (no overcommit)', () =>
  withScheduler(async (cluster) => {
    cluster.addNode(testNode('small', { cpu: '1' }));
    for (let i = 0; i < 3; i++) cluster.addPod(testPod(`p${i}`, { cpu: '500m' }));
    await waitFor(() => cluster.events.some((e) => e.reason === 'FailedScheduling'), 5000, 'the third pod to fail');
    assert.equal([0, 1, 2].filter((i) => nodeOf(cluster, `p${i}`)).length, 2);
  }));

test('an unschedulable pod gets an event and PodScheduled=False worded as upstream, and schedules once a node fits', () =>
  withScheduler(async (cluster) => {
    for (const n of ['a', 'b', 'c']) cluster.addNode(testNode(n, { cpu: '1' }));
    cluster.addPod(testPod('big', { cpu: '2' }));
    const message = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..';
    const condition = await waitFor(() => cluster.pod('default', 'big')?.status?.conditions?.find((c) => c.type === 'PodScheduled'), 5000, 'the condition');
    assert.deepEqual([condition!.status, condition!.reason, condition!.message], ['False', 'Unschedulable', message]);
    assert.ok(cluster.events.some((e) => e.type === 'Warning' && e.reason === 'FailedScheduling' && e.message === message));
    cluster.addNode(testNode('d', { cpu: '4' }));
    await waitFor(() => nodeOf(cluster, 'big') === 'd', 5000, 'the pod to land on the new node');
  }, { initialBackoffMs: 20 }));

test('with no nodes the message says so', () =>
  withScheduler(async (cluster) => {
    cluster.addPod(testPod('p'));
    await waitFor(() => cluster.events.find((e) => e.reason === 'FailedScheduling')?.message === 'no nodes available to schedule pods', 5000, 'the event');
  }));

test('a failed binding is forgotten and retried after the backoff', () =>
  withScheduler(
    async (cluster) => {
      cluster.addNode(testNode('a', { cpu: '1' }));
      cluster.failBindings = 1;
      cluster.addPod(testPod('p', { cpu: '1' }));
      await waitFor(() => nodeOf(cluster, 'p') === 'a', 5000, 'the pod to bind on the second try');
      const failed = cluster.events.find((e) => e.reason === 'FailedScheduling');
      assert.equal(failed?.message, 'binding failed (injected)');
    },
    { initialBackoffMs: 20 },
  ));

test('pods for other schedulers, bound pods and finished pods are left alone; bound pods count', () =>
  withScheduler(async (cluster) => {
    cluster.addNode(testNode('a', { cpu: '2' }));
    cluster.addPod(testPod('other', { cpu: '1' }, { schedulerName: 'my-scheduler' }));
    cluster.addPod(testPod('running', { cpu: '1500m' }, { nodeName: 'a' }));
    cluster.addPod({ ...testPod('done', { cpu: '2' }, { nodeName: 'a' }), status: { phase: 'Succeeded' } });
    cluster.addPod(testPod('fits', { cpu: '500m' }));
    cluster.addPod(testPod('too-big', { cpu: '600m' }));
    await waitFor(() => nodeOf(cluster, 'fits') === 'a', 5000, 'the fitting pod to bind');
    await waitFor(() => cluster.events.some((e) => e.reason === 'FailedScheduling' && e.regarding.metadata?.name === 'too-big'), 5000, 'too-big to fail');
    assert.equal(nodeOf(cluster, 'other'), undefined);
  }));

test('deleting a bound pod frees its resources for a waiting pod', () =>
  withScheduler(async (cluster) => {
    cluster.addNode(testNode('a', { cpu: '1' }));
    cluster.addPod(testPod('holder', { cpu: '1' }, { nodeName: 'a' }));
    cluster.addPod(testPod('waiting', { cpu: '1' }));
    await waitFor(() => cluster.events.some((e) => e.reason === 'FailedScheduling'), 5000, 'the waiting pod to fail');
    cluster.remove(types.pods, 'default', 'holder');
    await waitFor(() => nodeOf(cluster, 'waiting') === 'a', 5000, 'the waiting pod to bind');
  }, { initialBackoffMs: 20 }));

test('higher priority pods are scheduled first', () => {
  const cluster = new FakeCluster();
  cluster.addNode(testNode('a', { cpu: '1' }));
  cluster.addPod(testPod('low', { cpu: '1' }, { priority: 0 }));
  cluster.addPod(testPod('high', { cpu: '1' }, { priority: 1000 }));
  return withScheduler(
    async () => {
      await waitFor(() => nodeOf(cluster, 'high') === 'a', 5000, 'the high priority pod to take the node');
      assert.equal(nodeOf(cluster, 'low'), undefined);
    },
    {},
    cluster,
  );
});
