import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { testPod } from './fakeCluster.ts';
import type { ClusterEvent } from './framework.ts';
import { SchedulingQueue, type QueueOptions } from './queue.ts';

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_000_000 }));
afterEach(() => mock.timers.reset());

function queue(options: Partial<QueueOptions> = {}): SchedulingQueue {
  return new SchedulingQueue({ worthRequeuing: () => true, ...options });
}

const nodeAdded: ClusterEvent = { type: 'NodeAdd', node: { name: 'n', labels: {}, taints: [], unschedulable: false, allocatable: { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: undefined, allowedPods: 0 } } };

test('pods pop by priority, then in the order they were queued', async () => {
  const q = queue();
  q.add(testPod('first'));
  q.add(testPod('second'));
  q.add(testPod('urgent', {}, { priority: 100 }));
  const order = [];
  for (let i = 0; i < 3; i++) order.push((await q.pop())!.info.pod.metadata?.name);
  assert.deepEqual(order, ['urgent', 'first', 'second']);
  q.close();
});

test('a rejected pod waits for an event its rejectors care about, then for its backoff', async () => {
  let worth = false;
  const q = queue({ worthRequeuing: () => worth });
  q.add(testPod('p'));
  const qp = (await q.pop())!;
  q.requeue(qp, new Set(['NodeResourcesFit']));
  assert.equal(q.counts.unschedulable, 1);
  q.onEvent(nodeAdded);
  assert.equal(q.counts.unschedulable, 1, 'an event no rejector cares about changes nothing');
  worth = true;
  q.onEvent(nodeAdded);
  assert.equal(q.counts.backoff, 1, 'one attempt: 1 s of backoff left');
  mock.timers.tick(999);
  assert.equal(q.counts.backoff, 1);
  mock.timers.tick(1);
  assert.equal(q.counts.active, 1);
  q.close();
});

test('backoff doubles per attempt from 1 s up to 10 s', async () => {
  const q = queue();
  q.add(testPod('p'));
  const waited = [];
  for (let attempt = 1; attempt <= 6; attempt++) {
    const qp = (await q.pop())!;
    q.requeue(qp, new Set()); // an error: straight to backoff
    let ms = 0;
    while (q.counts.active === 0) {
      mock.timers.tick(100);
      ms += 100;
    }
    waited.push(ms);
  }
  assert.deepEqual(waited, [1000, 2000, 4000, 8000, 10000, 10000]);
  q.close();
});

test('pods with scheduling gates wait until the gates are removed', async () => {
  const q = queue();
  const gated = testPod('p', {}, { schedulingGates: [{ name: 'example.com/wait' }] });
  q.add(gated);
  assert.equal(q.counts.gated, 1);
  q.onEvent(nodeAdded);
  assert.equal(q.counts.gated, 1);
  q.update(gated, testPod('p'));
  assert.equal(q.counts.active, 1);
  q.close();
});

test('unschedulable pods are retried after 5 minutes without any event', async () => {
  const q = queue({ worthRequeuing: () => false });
  q.add(testPod('p'));
  q.requeue((await q.pop())!, new Set(['NodeAffinity']));
  mock.timers.tick(4 * 60_000);
  assert.equal(q.counts.unschedulable, 1);
  mock.timers.tick(90_000);
  assert.equal(q.counts.active, 1);
  q.close();
});

test('a waiting pod whose labels or tolerations change is retried; a status change is not enough', async () => {
  const q = queue({ worthRequeuing: () => false });
  const pod = testPod('p');
  q.add(pod);
  q.requeue((await q.pop())!, new Set(['TaintToleration']));
  q.update(pod, { ...pod, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } });
  assert.equal(q.counts.unschedulable, 1);
  q.update(pod, { ...pod, spec: { ...pod.spec!, tolerations: [{ operator: 'Exists' }] } });
  assert.equal(q.counts.backoff, 1);
  q.close();
});

test('deleted pods leave the queue, and a deleted in-flight pod is not requeued', async () => {
  const q = queue();
  const pod = testPod('p');
  q.add(pod);
  const qp = (await q.pop())!;
  q.delete(pod);
  q.requeue(qp, new Set(['NodeResourcesFit']));
  assert.deepEqual(q.counts, { active: 0, backoff: 0, unschedulable: 0, gated: 0, inFlight: 0 });
  q.close();
});
