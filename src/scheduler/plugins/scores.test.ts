import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cycleOn, testNode, testPod } from '../fakeCluster.ts';
import type { ScorePlugin } from '../framework.ts';
import type { Node, Pod } from '../objects.ts';
import { balancedAllocation } from './balancedAllocation.ts';
import { nodeAffinity } from './nodeAffinity.ts';
import { nodeResourcesFit } from './nodeResourcesFit.ts';
import { taintToleration } from './taintToleration.ts';

/** One plugin's normalized scores by node name. */
function scores(plugin: ScorePlugin, nodes: Node[], pod: Pod, bound: Pod[] = []): Record<string, number> {
  const ctx = cycleOn(nodes, bound, pod);
  const list = ctx.cache.nodeList();
  const state = plugin.preScore ? plugin.preScore(ctx, list) : undefined;
  if (plugin.preScore && state === undefined) return {};
  const s = Float64Array.from(list, (n) => plugin.score(state, ctx.pod, n));
  plugin.normalize?.(state, s, list);
  return Object.fromEntries(list.map((n, i) => [n.name, s[i]]));
}

test('LeastAllocated: the share of cpu and memory left after the pod, averaged', () => {
  const nodes = [testNode('a', { cpu: '4', memory: '8Gi' })];
  const bound = [testPod('x', { cpu: '1', memory: '2Gi' }, { nodeName: 'a' })];
  // cpu (4000 - 2000) * 100 / 4000 = 50; memory (8 - 4) * 100 / 8 = 50
  assert.deepEqual(scores(nodeResourcesFit, nodes, testPod('p', { cpu: '1', memory: '2Gi' }), bound), { a: 50 });
  // Without requests a pod counts as 100m and 200Mi: cpu 97, memory 97 (rounded down)
  assert.deepEqual(scores(nodeResourcesFit, nodes, testPod('p')), { a: 97 });
});

test('BalancedAllocation: 100 * (1 - |cpu fraction - memory fraction| / 2)', () => {
  const nodes = [testNode('a', { cpu: '4', memory: '8Gi' })];
  // cpu 2/4 = 0.5, memory 1/8 = 0.125: 100 * (1 - 0.1875) = 81
  assert.deepEqual(scores(balancedAllocation, nodes, testPod('p', { cpu: '2', memory: '1Gi' })), { a: 81 });
});

test('NodeAffinity preferred: matched weights, scaled so the best node scores 100', () => {
  const nodes = [testNode('a', { labels: { disk: 'ssd', gpu: 'yes' } }), testNode('b', { labels: { disk: 'ssd' } }), testNode('c')];
  const pod = testPod('p', {}, {
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 20, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
          { weight: 60, preference: { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] } },
        ],
      },
    },
  });
  assert.deepEqual(scores(nodeAffinity, nodes, pod), { a: 100, b: 25, c: 0 });
  assert.deepEqual(scores(nodeAffinity, nodes, testPod('q')), {}, 'skipped without preferences');
});

test('TaintToleration: fewer untolerated PreferNoSchedule taints score higher', () => {
  const soft = (key: string) => ({ key, effect: 'PreferNoSchedule' });
  const nodes = [testNode('a', { taints: [soft('x'), soft('y')] }), testNode('b', { taints: [soft('x')] }), testNode('c')];
  assert.deepEqual(scores(taintToleration, nodes, testPod('p')), { a: 0, b: 50, c: 100 });
  assert.deepEqual(scores(taintToleration, nodes, testPod('p', {}, { tolerations: [{ operator: 'Exists' }] })), { a: 100, b: 100, c: 100 });
});
