import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testNode, testPod } from '../fakeCluster.ts';
import { nodeView, type ClusterEvent, type NodeView } from '../framework.ts';
import { podInfoOf } from '../podInfo.ts';
import { interPodAffinity } from './interPodAffinity.ts';
import { nodeAffinity } from './nodeAffinity.ts';
import { nodeResourcesFit } from './nodeResourcesFit.ts';
import { podTopologySpread } from './podTopologySpread.ts';
import { taintToleration } from './taintToleration.ts';

const noNamespaceLabels = () => undefined;
const added = (node: NodeView): ClusterEvent => ({ type: 'NodeAdd', node });
const updated = (old: NodeView, node: NodeView, changes: Partial<Record<'allocatable' | 'labels' | 'taints' | 'unschedulable', boolean>>): ClusterEvent => ({
  type: 'NodeUpdate',
  old,
  node,
  changes: { allocatable: false, labels: false, taints: false, unschedulable: false, ...changes },
});

test('NodeResourcesFit: a new node big enough, or a freed pod, may help', () => {
  const pod = podInfoOf(testPod('p', { cpu: '2' }));
  assert.equal(nodeResourcesFit.isSchedulableAfter(pod, added(nodeView(testNode('small', { cpu: '1' }))), noNamespaceLabels), false);
  assert.equal(nodeResourcesFit.isSchedulableAfter(pod, added(nodeView(testNode('big', { cpu: '4' }))), noNamespaceLabels), true);
  assert.equal(nodeResourcesFit.isSchedulableAfter(pod, { type: 'AssignedPodDelete', pod: podInfoOf(testPod('x', { cpu: '1' }, { nodeName: 'a' })) }, noNamespaceLabels), true);
});

test('NodeAffinity: a node that starts matching may help', () => {
  const pod = podInfoOf(testPod('p', {}, { nodeSelector: { disk: 'ssd' } }));
  const before = nodeView(testNode('a'));
  const after = nodeView(testNode('a', { labels: { disk: 'ssd' } }));
  assert.equal(nodeAffinity.isSchedulableAfter(pod, updated(before, after, { labels: true }), noNamespaceLabels), true);
  assert.equal(nodeAffinity.isSchedulableAfter(pod, updated(after, after, { labels: true }), noNamespaceLabels), false);
});

test('TaintToleration: removing the untolerated taint may help', () => {
  const pod = podInfoOf(testPod('p'));
  const tainted = nodeView(testNode('a', { taints: [{ key: 'k', effect: 'NoSchedule' }] }));
  const clean = nodeView(testNode('a'));
  assert.equal(taintToleration.isSchedulableAfter(pod, updated(tainted, clean, { taints: true }), noNamespaceLabels), true);
  assert.equal(taintToleration.isSchedulableAfter(pod, added(tainted), noNamespaceLabels), false);
});

test('InterPodAffinity: a matching pod appearing, or an anti-affine pod leaving, may help', () => {
  const term = { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' };
  const affine = podInfoOf(testPod('p', {}, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } }));
  const db = podInfoOf(testPod('db', {}, { nodeName: 'a' }, { app: 'db' }));
  const web = podInfoOf(testPod('web', {}, { nodeName: 'a' }, { app: 'web' }));
  assert.equal(interPodAffinity.isSchedulableAfter(affine, { type: 'AssignedPodAdd', pod: db }, noNamespaceLabels), true);
  assert.equal(interPodAffinity.isSchedulableAfter(affine, { type: 'AssignedPodAdd', pod: web }, noNamespaceLabels), false);
  const antiAffine = podInfoOf(testPod('p', {}, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } }));
  assert.equal(interPodAffinity.isSchedulableAfter(antiAffine, { type: 'AssignedPodDelete', pod: db }, noNamespaceLabels), true);
  assert.equal(interPodAffinity.isSchedulableAfter(antiAffine, { type: 'AssignedPodDelete', pod: web }, noNamespaceLabels), false);
});

test('PodTopologySpread: pods the constraints select coming or going may help', () => {
  const pod = podInfoOf(
    testPod('p', {}, { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] }, { app: 'web' }),
  );
  assert.equal(podTopologySpread.isSchedulableAfter(pod, { type: 'AssignedPodDelete', pod: podInfoOf(testPod('w', {}, { nodeName: 'a' }, { app: 'web' })) }, noNamespaceLabels), true);
  assert.equal(podTopologySpread.isSchedulableAfter(pod, { type: 'AssignedPodDelete', pod: podInfoOf(testPod('x', {}, { nodeName: 'a' }, { app: 'db' })) }, noNamespaceLabels), false);
});
