import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notReadyNoExecute, swapTaints, unreachableNoExecute, withNoScheduleTaints } from './taints.ts';
import type { Node } from '../../api/objects.ts';

function node(conditions: Record<string, string>, taints: object[] = [], unschedulable = false): Node {
  return {
    metadata: { name: 'n1' },
    spec: { taints, unschedulable },
    status: { conditions: Object.entries(conditions).map(([type, status]) => ({ type, status })) },
  } as Node;
}

test('NoSchedule taints mirror the conditions and unschedulable; other taints are kept', () => {
  const custom = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  const taints = withNoScheduleTaints(node({ Ready: 'Unknown', MemoryPressure: 'True', DiskPressure: 'False' }, [custom], true));
  assert.deepEqual(taints, [
    custom,
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
  ]);
  assert.equal(withNoScheduleTaints(node({ Ready: 'True' }, [custom])), undefined, 'nothing to change');
  const healed = withNoScheduleTaints(node({ Ready: 'True' }, [custom, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, unreachableNoExecute]));
  assert.deepEqual(healed, [custom, unreachableNoExecute], 'NoExecute taints are not this pass\'s business');
});

test('swapping NoExecute taints stamps the added one with its time', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  const swapped = swapTaints([{ ...notReadyNoExecute, timeAdded: '2024-12-31T00:00:00Z' }], [unreachableNoExecute], [notReadyNoExecute], now);
  assert.deepEqual(swapped, [{ ...unreachableNoExecute, timeAdded: '2025-01-01T00:00:00Z' }]);
  assert.equal(swapTaints(swapped, [unreachableNoExecute], [notReadyNoExecute], now + 5000), undefined, 'already so: no write');
  assert.equal(swapTaints(undefined, [], [unreachableNoExecute], now), undefined);
});
