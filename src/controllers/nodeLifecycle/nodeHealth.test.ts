import { test } from 'node:test';
import assert from 'node:assert/strict';
import { observeNodeHealth, type GracePeriods } from './nodeHealth.ts';
import type { Lease, Node } from '../../api/objects.ts';

const grace: GracePeriods = { monitorMs: 40_000, startupMs: 60_000 };
const t0 = Date.parse('2025-01-01T00:00:00Z');

function node(ready?: { status: string; heartbeat: string }): Node {
  const conditions = ready
    ? [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: ready.heartbeat, lastTransitionTime: '2025-01-01T00:00:00Z' },
        { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', lastHeartbeatTime: ready.heartbeat, lastTransitionTime: '2025-01-01T00:00:00Z' },
        { type: 'Ready', status: ready.status, reason: 'KubeletReady', lastHeartbeatTime: ready.heartbeat, lastTransitionTime: '2025-01-01T00:00:00Z' },
      ]
    : [];
  return { metadata: { name: 'n1', creationTimestamp: '2025-01-01T00:00:00Z' }, status: { conditions } } as Node;
}

const lease = (renewTime: string) => ({ spec: { renewTime } }) as Lease;

test('a node first seen gets the full grace period from now, whatever its timestamps say', () => {
  const observed = observeNodeHealth(node({ status: 'True', heartbeat: '2024-06-01T00:00:00Z' }), undefined, undefined, t0 + 3_600_000, grace);
  assert.equal(observed.health.probeMs, t0 + 3_600_000);
  assert.equal(observed.silentConditions, undefined);
});

test('silent past the grace period, Ready and the pressures become Unknown (the network condition is left)', () => {
  const first = observeNodeHealth(node({ status: 'True', heartbeat: '2025-01-01T00:00:00Z' }), undefined, undefined, t0, grace);
  assert.equal(observeNodeHealth(node({ status: 'True', heartbeat: '2025-01-01T00:00:00Z' }), undefined, first.health, t0 + 40_000, grace).silentConditions, undefined);
  const late = observeNodeHealth(node({ status: 'True', heartbeat: '2025-01-01T00:00:00Z' }), undefined, first.health, t0 + 40_001, grace);
  const byType = Object.fromEntries(late.silentConditions!.map((c) => [c.type, c]));
  assert.deepEqual([byType.Ready.status, byType.Ready.reason, byType.Ready.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
  assert.equal(byType.Ready.lastHeartbeatTime, '2025-01-01T00:00:00Z', 'the last heartbeat stays what it was');
  assert.equal(byType.Ready.lastTransitionTime, '2025-01-01T00:00:40Z');
  assert.equal(byType.MemoryPressure.status, 'Unknown');
  assert.equal(byType.NetworkUnavailable.status, 'False');
  assert.deepEqual([byType.DiskPressure.status, byType.DiskPressure.reason], ['Unknown', 'NodeStatusNeverUpdated'], 'a condition never posted is added');
  assert.equal(late.observedReady.status, 'True', 'what the node last said is reported separately');
});

test('a fresh Ready heartbeat or a renewed lease keeps the node alive', () => {
  const first = observeNodeHealth(node({ status: 'True', heartbeat: '2025-01-01T00:00:00Z' }), lease('2025-01-01T00:00:00.000000Z'), undefined, t0, grace);
  const renewed = observeNodeHealth(node({ status: 'True', heartbeat: '2025-01-01T00:00:00Z' }), lease('2025-01-01T00:00:30.500000Z'), first.health, t0 + 30_000, grace);
  assert.equal(renewed.health.probeMs, t0 + 30_000);
  assert.equal(observeNodeHealth(node({ status: 'True', heartbeat: '2025-01-01T00:00:00Z' }), lease('2025-01-01T00:00:30.500000Z'), renewed.health, t0 + 69_000, grace).silentConditions, undefined);
  const heartbeat = observeNodeHealth(node({ status: 'True', heartbeat: '2025-01-01T00:01:00Z' }), lease('2025-01-01T00:00:30.500000Z'), renewed.health, t0 + 69_000, grace);
  assert.equal(heartbeat.health.probeMs, t0 + 69_000);
});

test('a node that never posted status gets the startup grace period from its creation', () => {
  assert.equal(observeNodeHealth(node(), undefined, undefined, t0 + 59_000, grace).silentConditions, undefined);
  const late = observeNodeHealth(node(), undefined, undefined, t0 + 61_000, grace);
  const ready = late.silentConditions!.find((c) => c.type === 'Ready')!;
  assert.deepEqual([ready.status, ready.reason, ready.message], ['Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.']);
  assert.equal(late.observedReady.status, 'Unknown');
});

test('a node already Unknown is not written again', () => {
  const unknown = node({ status: 'True', heartbeat: '2025-01-01T00:00:00Z' });
  const first = observeNodeHealth(unknown, undefined, undefined, t0, grace);
  const silent = observeNodeHealth(unknown, undefined, first.health, t0 + 50_000, grace);
  const written = { ...unknown, status: { conditions: silent.silentConditions } } as Node;
  assert.equal(observeNodeHealth(written, undefined, silent.health, t0 + 55_000, grace).silentConditions, undefined);
});
