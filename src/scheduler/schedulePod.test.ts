import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cycleOn, testNode, testPod } from './fakeCluster.ts';
import { defaultProfile } from './profile.ts';
import { Algorithm, numFeasibleNodesToFind } from './schedulePod.ts';

test('the number of feasible nodes to find adapts to the cluster size, as upstream', () => {
  assert.equal(numFeasibleNodesToFind(50), 50);
  assert.equal(numFeasibleNodesToFind(100), 100);
  assert.equal(numFeasibleNodesToFind(1000), 420); // 50 - 8 = 42%
  assert.equal(numFeasibleNodesToFind(5000), 500); // 50 - 40 = 10%
  assert.equal(numFeasibleNodesToFind(6000), 300); // floor of 5%
  assert.equal(numFeasibleNodesToFind(1500, 5), 100); // at least 100
  assert.equal(numFeasibleNodesToFind(5000, 100), 5000);
});

test('at 5,000 nodes a pod is placed after finding 500 feasible nodes, and the next search starts where it stopped', () => {
  const nodes = Array.from({ length: 5000 }, (_, i) => testNode(`n${i}`));
  const ctx = cycleOn(nodes, [], testPod('p', { cpu: '100m' }));
  const algorithm = new Algorithm(defaultProfile);
  const first = algorithm.schedule(ctx);
  assert.ok('nodeName' in first);
  assert.deepEqual([first.feasibleNodes, first.evaluatedNodes], [500, 500]);
  assert.ok(Number(first.nodeName.slice(1)) < 500);
  const second = algorithm.schedule(ctx);
  assert.ok('nodeName' in second && Number(second.nodeName.slice(1)) >= 500 && Number(second.nodeName.slice(1)) < 1000);
});

test('equal best scores are broken at random among the tied nodes', () => {
  const nodes = ['a', 'b', 'c'].map((n) => testNode(n));
  const chosen = (r: number) => {
    const result = new Algorithm(defaultProfile, { random: () => r }).schedule(cycleOn(nodes, [], testPod('p')));
    return 'nodeName' in result ? result.nodeName : undefined;
  };
  // Reservoir sampling: the k-th tie replaces the choice when random() * k < 1.
  assert.equal(chosen(0.99), 'a');
  assert.equal(chosen(0), 'c');
  assert.equal(chosen(0.4), 'b'); // b: 0.8 < 1; c: 1.2
  assert.equal(chosen(0.3), 'c'); // b: 0.6; c: 0.9 < 1
});

test('nodes spread over zones are searched zone by zone in turn', () => {
  const zoned = (name: string, zone: string) => testNode(name, { labels: { 'topology.kubernetes.io/zone': zone } });
  const ctx = cycleOn([zoned('a1', 'a'), zoned('a2', 'a'), zoned('b1', 'b'), zoned('b2', 'b')], [], testPod('p'));
  assert.deepEqual(ctx.cache.nodeList().map((n) => n.name), ['a1', 'b1', 'a2', 'b2']);
});
