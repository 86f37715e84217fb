import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { cycleOn, testNode, testPod } from '../fakeCluster.ts';
import type { Node, Pod } from '../objects.ts';
import { defaultProfile } from '../profile.ts';
import { Algorithm } from '../schedulePod.ts';
import { setSelector } from '../selectors.ts';
import { podTopologySpread } from './podTopologySpread.ts';

const zone = 'topology.kubernetes.io/zone';
const nodes = [testNode('a1', { labels: { [zone]: 'a' } }), testNode('a2', { labels: { [zone]: 'a' } }), testNode('b1', { labels: { [zone]: 'b' } })];
const web = (name: string, nodeName?: string, constraints?: TopologySpreadConstraint[]) => testPod(name, {}, { nodeName, topologySpreadConstraints: constraints }, { app: 'web' });
const spread = (over: string, maxSkew = 1, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew,
  topologyKey: over,
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: { app: 'web' } },
  ...extra,
});

function outcome(all: Node[], pod: Pod, bound: Pod[]): string {
  const r = new Algorithm(defaultProfile).schedule(cycleOn(all, bound, pod));
  return 'failure' in r ? r.failure : r.nodeName;
}

test('DoNotSchedule keeps the skew between zones within maxSkew', () => {
  const bound = [web('w1', 'a1'), web('w2', 'a2')];
  for (let i = 0; i < 5; i++) assert.equal(outcome(nodes, web('p', undefined, [spread(zone)]), bound), 'b1');
});

test('nodes without the topology key do not fit', () => {
  assert.equal(
    outcome([testNode('bare')], web('p', undefined, [spread(zone)]), []),
    "0/1 nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required label). preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..",
  );
});

test('nodeAffinityPolicy: domains of nodes the pod cannot use are not counted unless Ignore', () => {
  const bound = [web('w1', 'a1'), web('w2', 'a2')];
  const pinned = testPod('p', {}, { topologySpreadConstraints: [spread(zone)], nodeSelector: { [zone]: 'a' } }, { app: 'web' });
  // Honoring the node selector, zone b is not eligible: the only domain is a, so the skew stays 0.
  assert.equal(['a1', 'a2'].includes(outcome(nodes, pinned, bound)), true);
  const ignoring = testPod('p', {}, { topologySpreadConstraints: [spread(zone, 1, { nodeAffinityPolicy: 'Ignore' })], nodeSelector: { [zone]: 'a' } }, { app: 'web' });
  assert.equal(
    outcome(nodes, ignoring, bound),
    "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) didn't match pod topology spread constraints. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..",
  );
});

test('minDomains above the number of domains makes the global minimum 0', () => {
  const bound = [web('w1', 'a1'), web('w2', 'b1')];
  assert.match(outcome(nodes, web('p', undefined, [spread(zone, 1, { minDomains: 3 })]), bound), /3 node\(s\) didn't match pod topology spread constraints/);
  assert.notEqual(outcome(nodes, web('p', undefined, [spread(zone, 1)]), bound).startsWith('0/'), true);
});

test('matchLabelKeys narrow the selector to pods sharing the key with the incoming pod', () => {
  const rev = (name: string, r: string, nodeName?: string) => testPod(name, {}, { nodeName, topologySpreadConstraints: [spread(zone, 1, { matchLabelKeys: ['rev'] })] }, { app: 'web', rev: r });
  // Two pods of an older revision in zone a do not count against the new revision.
  const bound = [rev('o1', 'old', 'a1'), rev('o2', 'old', 'a2'), rev('n1', 'new', 'b1')];
  for (let i = 0; i < 5; i++) assert.equal(['a1', 'a2'].includes(outcome(nodes, rev('p', 'new'), bound)), true);
});

test('ScheduleAnyway scores emptier domains higher', () => {
  const pod = web('p', undefined, [{ ...spread(zone), whenUnsatisfiable: 'ScheduleAnyway' }]);
  const ctx = cycleOn(nodes, [web('w1', 'a1')], pod);
  const list = ctx.cache.nodeList();
  const state = podTopologySpread.preScore!(ctx, list)!;
  const scores = Float64Array.from(list, (n) => podTopologySpread.score(state, ctx.pod, n));
  podTopologySpread.normalize!(state, scores, list);
  const byName = Object.fromEntries(list.map((n, i) => [n.name, scores[i]]));
  assert.equal(byName.b1, 100);
  assert.ok(byName.a1 < 100 && byName.a1 === byName.a2);
});

test("without constraints of its own, a pod spreads by what its controller selects (system defaults)", () => {
  const pod = web('p');
  const ctx = { ...cycleOn(nodes, [web('w1', 'a1'), web('w2', 'a1')], pod), defaultSpreadSelector: () => setSelector({ app: 'web' }) };
  const list = ctx.cache.nodeList();
  const state = podTopologySpread.preScore!(ctx, list)!;
  assert.equal(state.constraints.length, 2);
  const scores = Float64Array.from(list, (n) => podTopologySpread.score(state, ctx.pod, n));
  podTopologySpread.normalize!(state, scores, list);
  const byName = Object.fromEntries(list.map((n, i) => [n.name, scores[i]]));
  assert.ok(byName.b1 > byName.a2 && byName.a2 > byName.a1);
  assert.equal(podTopologySpread.preScore!({ ...ctx, defaultSpreadSelector: () => undefined }, list), undefined);
});
