import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionsOutdated, defaultCapacity, leaseObject, microTime, nodeObject, nodeStatus, type SimulatedNode } from './nodeObject.ts';

const node: SimulatedNode = { name: 'sim-3', address: '127.5.0.4', capacity: defaultCapacity, labels: { zone: 'a' }, taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] };

test('a simulated node registers with the kubelet\'s labels, its own labels and taints', () => {
  const obj = nodeObject(node);
  assert.equal(obj.metadata!.labels!['kubernetes.io/hostname'], 'sim-3');
  assert.equal(obj.metadata!.labels!['kubernetes.io/os'], 'linux');
  assert.equal(obj.metadata!.labels!['node.kubernetes.io/instance-type'], 'simulated');
  assert.equal(obj.metadata!.labels!.zone, 'a');
  assert.deepEqual(obj.spec!.taints, node.taints);
});

test('its status is healthy; a condition keeps its transition time while unchanged', () => {
  const first = nodeStatus(node, undefined, new Date('2025-01-01T00:00:00Z'));
  assert.deepEqual(first.conditions!.map((c) => [c.type, c.status]), [['NetworkUnavailable', 'False'], ['MemoryPressure', 'False'], ['DiskPressure', 'False'], ['PIDPressure', 'False'], ['Ready', 'True']]);
  assert.deepEqual(first.addresses, [{ type: 'InternalIP', address: '127.5.0.4' }, { type: 'Hostname', address: 'sim-3' }]);
  assert.equal(first.nodeInfo!.kubeletVersion, 'v1.32.0-skiff');
  assert.deepEqual(first.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
  const later = nodeStatus(node, first, new Date('2025-01-01T00:05:00Z'));
  const ready = later.conditions!.find((c) => c.type === 'Ready')!;
  assert.deepEqual([ready.lastHeartbeatTime, ready.lastTransitionTime], ['2025-01-01T00:05:00Z', '2025-01-01T00:00:00Z']);
  assert.equal(nodeStatus(node, first, new Date()).nodeInfo!.machineID, first.nodeInfo!.machineID, 'the machine stays the same machine');
});

test('conditions someone else changed are outdated; heartbeat times alone are not', () => {
  const posted = nodeStatus(node, undefined, new Date('2025-01-01T00:00:00Z'));
  assert.equal(conditionsOutdated(posted), false);
  const unknown = { ...posted, conditions: posted.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c)) };
  assert.equal(conditionsOutdated(unknown), true);
  assert.equal(conditionsOutdated(undefined), true);
});

test('pressure is reported with the kubelet\'s reasons and messages, and changes in it make the conditions outdated', () => {
  const healthy = nodeStatus(node, undefined, new Date('2025-01-01T00:00:00Z'));
  const pressed = nodeStatus(node, healthy, new Date('2025-01-01T00:01:00Z'), { memory: true, disk: true, pid: true });
  const byType = Object.fromEntries(pressed.conditions!.map((c) => [c.type, [c.status, c.reason, c.message]]));
  assert.deepEqual(byType.MemoryPressure, ['True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available']);
  assert.deepEqual(byType.DiskPressure, ['True', 'KubeletHasDiskPressure', 'kubelet has disk pressure']);
  assert.deepEqual(byType.PIDPressure, ['True', 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available']);
  assert.deepEqual(byType.Ready, ['True', 'KubeletReady', 'kubelet is posting ready status']);
  assert.equal(pressed.conditions!.find((c) => c.type === 'MemoryPressure')!.lastTransitionTime, '2025-01-01T00:01:00Z');
  assert.equal(conditionsOutdated(healthy, { memory: true, disk: false, pid: false }), true);
  assert.equal(conditionsOutdated(pressed, { memory: true, disk: true, pid: true }), false);
});

test('the lease is owned by its node and renewed in microseconds', () => {
  const lease = leaseObject('sim-3', 'uid-3', 40, new Date('2025-01-01T00:00:00.123Z'));
  assert.equal(lease.metadata!.namespace, 'kube-node-lease');
  assert.deepEqual(lease.metadata!.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'sim-3', uid: 'uid-3' }]);
  assert.deepEqual(lease.spec, { holderIdentity: 'sim-3', leaseDurationSeconds: 40, renewTime: '2025-01-01T00:00:00.123000Z' });
  assert.equal(microTime(new Date('2025-01-01T00:00:00Z')), '2025-01-01T00:00:00.000000Z');
});
