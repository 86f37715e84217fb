import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cycleOn, testNode, testPod } from '../fakeCluster.ts';
import type { Node, Pod } from '../objects.ts';
import { defaultProfile } from '../profile.ts';
import { Algorithm, type ScheduleResult } from '../schedulePod.ts';

function schedule(nodes: Node[], pod: Pod, bound: Pod[] = []): ScheduleResult {
  return new Algorithm(defaultProfile).schedule(cycleOn(nodes, bound, pod));
}

/** The node chosen, or the failure message. */
function outcome(nodes: Node[], pod: Pod, bound: Pod[] = []): string {
  const r = schedule(nodes, pod, bound);
  return 'failure' in r ? r.failure : r.nodeName;
}

const notHelpful = (n: number, total = n) => `preemption: 0/${total} nodes are available: ${n} Preemption is not helpful for scheduling.`;
const noVictims = (n: number, total = n) => `preemption: 0/${total} nodes are available: ${n} No preemption victims found for incoming pod.`;

test('NodeUnschedulable: cordoned nodes take only pods tolerating the unschedulable taint', () => {
  const nodes = [testNode('a', { unschedulable: true })];
  assert.equal(outcome(nodes, testPod('p')), `0/1 nodes are available: 1 node(s) were unschedulable. ${notHelpful(1)}.`);
  const tolerant = testPod('p', {}, { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
  assert.equal(outcome(nodes, tolerant), 'a');
});

test('NodeResourcesFit: every insufficient resource is a reason, and Too many pods', () => {
  const nodes = [testNode('a', { cpu: '1', memory: '1Gi', pods: '1' }), testNode('b', { cpu: '1', memory: '1Gi' })];
  const bound = [testPod('x', {}, { nodeName: 'a' })];
  assert.equal(
    outcome(nodes, testPod('p', { cpu: '2', memory: '2Gi', 'example.com/gpu': '1' }), bound),
    `0/2 nodes are available: 1 Too many pods, 2 Insufficient cpu, 2 Insufficient example.com/gpu, 2 Insufficient memory. ${noVictims(2)}.`,
  );
  assert.equal(outcome(nodes, testPod('p', { cpu: '1' }), bound), 'b');
});

test('NodeResourcesFit: requests of pods already on the node are subtracted', () => {
  const nodes = [testNode('a', { cpu: '2' })];
  assert.equal(outcome(nodes, testPod('p', { cpu: '1500m' }), [testPod('x', { cpu: '1' }, { nodeName: 'a' })]).startsWith('0/1 nodes are available: 1 Insufficient cpu.'), true);
  assert.equal(outcome(nodes, testPod('p', { cpu: '1' }), [testPod('x', { cpu: '1' }, { nodeName: 'a' })]), 'a');
});

test('nodeSelector and required node affinity', () => {
  const nodes = [testNode('a', { labels: { disk: 'ssd', zone: 'z1' } }), testNode('b', { labels: { disk: 'hdd', zone: 'z2' } })];
  assert.equal(outcome(nodes, testPod('p', {}, { nodeSelector: { disk: 'hdd' } })), 'b');
  const affinity = (operator: string, values?: string[]) => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator, values }] }] } },
  });
  assert.equal(outcome(nodes, testPod('p', {}, { affinity: affinity('NotIn', ['z1']) })), 'b');
  assert.equal(outcome(nodes, testPod('p', {}, { affinity: affinity('In', ['z9']) })), `0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. ${notHelpful(2)}.`);
});

test('node affinity naming nodes by metadata.name narrows the candidates (as for DaemonSet pods)', () => {
  const nodes = [testNode('a'), testNode('b', { cpu: '1' }), testNode('c')];
  const pinned = (name: string, requests = {}) =>
    testPod('p', requests, {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [name] }] }] } } },
    });
  assert.equal(outcome(nodes, pinned('c')), 'c');
  assert.equal(
    outcome(nodes, pinned('b', { cpu: '2' })),
    `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling..`,
  );
});

test('TaintToleration: NoSchedule and NoExecute taints must be tolerated; PreferNoSchedule only scores', () => {
  const nodes = [testNode('a', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), testNode('b', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] })];
  assert.equal(
    outcome(nodes, testPod('p')),
    `0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. ${notHelpful(2)}.`,
  );
  assert.equal(outcome(nodes, testPod('p', {}, { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] })), 'a');
  const preferring = [testNode('a', { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] }), testNode('b')];
  for (let i = 0; i < 10; i++) assert.equal(outcome(preferring, testPod('p')), 'b');
});

test('NodePorts: a host port in use on the node conflicts (0.0.0.0 with any address)', () => {
  const withPort = (name: string, hostPort: number, hostIP?: string, nodeName?: string) =>
    testPod(name, {}, { nodeName, containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort, hostIP }] }] });
  const nodes = [testNode('a'), testNode('b')];
  const bound = [withPort('x', 8080, '10.0.0.1', 'a')];
  assert.equal(outcome(nodes, withPort('p', 8080), bound), 'b');
  assert.equal(
    outcome([testNode('a')], withPort('p', 8080), bound),
    `0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. ${noVictims(1)}.`,
  );
  assert.equal(outcome([testNode('a')], withPort('p', 8080, '10.0.0.2'), bound), 'a');
});

test('a pod with preemptionPolicy Never says it may not preempt', () => {
  assert.equal(
    outcome([testNode('a', { cpu: '1' })], testPod('p', { cpu: '2' }, { preemptionPolicy: 'Never' })),
    '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..',
  );
});
