import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { cycleOn, testNode, testPod } from '../fakeCluster.ts';
import type { Node, Pod } from '../objects.ts';
import { defaultProfile } from '../profile.ts';
import { Algorithm } from '../schedulePod.ts';
import { interPodAffinity } from './interPodAffinity.ts';

const zones = [testNode('a1', { labels: { zone: 'z1' } }), testNode('a2', { labels: { zone: 'z1' } }), testNode('b1', { labels: { zone: 'z2' } })];
const term = (app: string, topologyKey = 'zone'): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey });
const labelled = (name: string, app: string, nodeName?: string, affinity?: NonNullable<Pod['spec']>['affinity']) => testPod(name, {}, { nodeName, affinity }, { app });

function outcome(nodes: Node[], pod: Pod, bound: Pod[], namespaceLabels?: Record<string, Record<string, string>>): string {
  const r = new Algorithm(defaultProfile).schedule(cycleOn(nodes, bound, pod, namespaceLabels));
  return 'failure' in r ? r.failure : r.nodeName;
}

test('required affinity: only domains holding a matching pod', () => {
  const pod = labelled('p', 'web', undefined, { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } });
  const bound = [labelled('db', 'db', 'b1')];
  for (let i = 0; i < 5; i++) assert.equal(outcome(zones, pod, bound), 'b1');
  assert.equal(
    outcome(zones, pod, [labelled('other', 'cache', 'b1')]),
    "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..",
  );
});

test('required affinity to itself lets the first pod of a group schedule anywhere', () => {
  const pod = labelled('p', 'web', undefined, { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } });
  assert.notEqual(outcome(zones, pod, []).startsWith('0/'), true);
});

test('required anti-affinity keeps the pod out of domains with matching pods', () => {
  const pod = labelled('p', 'web', undefined, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } });
  for (let i = 0; i < 5; i++) assert.equal(outcome(zones, pod, [labelled('w', 'web', 'a1')]), 'b1');
  assert.equal(
    outcome(zones, pod, [labelled('w1', 'web', 'a1'), labelled('w2', 'web', 'b1')]),
    "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..",
  );
});

test("existing pods' anti-affinity keeps matching pods out of their domain", () => {
  const guard = labelled('guard', 'guard', 'a1', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'kubernetes.io/hostname')] } });
  for (let i = 0; i < 5; i++) assert.notEqual(outcome([zones[0], zones[1]], labelled('p', 'web'), [guard]), 'a1');
  assert.equal(
    outcome([zones[0]], labelled('p', 'web'), [guard]),
    "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..",
  );
});

test('terms select namespaces: their own by default, listed ones, or by namespace labels', () => {
  const inOther = { ...labelled('db', 'db', 'b1'), metadata: { name: 'db', namespace: 'other', labels: { app: 'db' } } };
  const affine = (t: PodAffinityTerm) => labelled('p', 'web', undefined, { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [t] } });
  assert.match(outcome(zones, affine(term('db')), [inOther]), /didn't match pod affinity rules/);
  assert.equal(outcome(zones, affine({ ...term('db'), namespaces: ['other'] }), [inOther]), 'b1');
  assert.equal(outcome(zones, affine({ ...term('db'), namespaceSelector: { matchLabels: { team: 'data' } } }), [inOther], { other: { team: 'data' } }), 'b1');
});

test('preferred affinity and anti-affinity weigh domains; scores normalize from the lowest to 100', () => {
  const pod = labelled('p', 'web', undefined, {
    podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('db') }] },
    podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term('web') }] },
  });
  const ctx = cycleOn(zones, [labelled('db', 'db', 'a1'), labelled('w', 'web', 'b1')], pod);
  const nodes = ctx.cache.nodeList();
  const state = interPodAffinity.preScore!(ctx, nodes)!;
  const scores = Float64Array.from(nodes, (n) => interPodAffinity.score(state, ctx.pod, n));
  assert.deepEqual([...scores], [10, 10, -5]);
  interPodAffinity.normalize!(state, scores, nodes);
  assert.deepEqual([...scores], [100, 100, 0]);
});
