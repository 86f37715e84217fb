import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocatableOf, podRequests } from './resources.ts';
import { testPod } from './fakeCluster.ts';

const container = (name: string, requests: Record<string, string>, restartPolicy?: string) => ({ name, image: 'x', resources: { requests }, restartPolicy });

test('requests are the containers summed, in millicores and bytes rounded up', () => {
  const pod = testPod('p', {}, { containers: [container('a', { cpu: '0.7', memory: '1.5Gi' }), container('b', { cpu: '100m', memory: '1m' })] });
  const { requests } = podRequests(pod);
  assert.equal(requests.milliCPU, 800);
  assert.equal(requests.memory, 1.5 * 2 ** 30 + 1);
});

test('the largest init container wins when larger than the containers together', () => {
  const pod = testPod('p', {}, { containers: [container('a', { cpu: '1' })], initContainers: [container('i1', { cpu: '2' }), container('i2', { cpu: '500m' })] });
  assert.equal(podRequests(pod).requests.milliCPU, 2000);
});

test('sidecars count with the containers and beside every later init container', () => {
  const pod = testPod('p', {}, {
    containers: [container('a', { cpu: '1' })],
    initContainers: [container('sidecar', { cpu: '500m' }, 'Always'), container('init', { cpu: '2' })],
  });
  // max(1 + 0.5 for the running pod, 2 + 0.5 while init runs beside the sidecar)
  assert.equal(podRequests(pod).requests.milliCPU, 2500);
});

test('overhead is added; extended resources and ephemeral storage are counted', () => {
  const pod = testPod('p', { cpu: '1', 'example.com/gpu': '2', 'ephemeral-storage': '1Gi' }, { overhead: { cpu: '250m' } });
  const { requests } = podRequests(pod);
  assert.equal(requests.milliCPU, 1250);
  assert.equal(requests.scalar?.get('example.com/gpu'), 2);
  assert.equal(requests.ephemeralStorage, 2 ** 30);
});

test('containers without cpu or memory requests count upstream defaults for scoring only', () => {
  const pod = testPod('p', {}, { containers: [container('a', {}), container('b', { cpu: '300m' })] });
  const r = podRequests(pod);
  assert.equal(r.requests.milliCPU, 300);
  assert.equal(r.nonZeroMilliCPU, 400);
  assert.equal(r.nonZeroMemory, 2 * 200 * 1024 * 1024);
});

test('allocatable reads cpu, memory, pods and scalar resources', () => {
  const a = allocatableOf({ cpu: '3500m', memory: '8Gi', pods: '110', 'hugepages-2Mi': '0', 'example.com/gpu': '4' });
  assert.deepEqual([a.milliCPU, a.memory, a.allowedPods, a.scalar?.get('example.com/gpu')], [3500, 8 * 2 ** 30, 110, 4]);
});
