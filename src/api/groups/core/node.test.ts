import { test } from 'node:test';
import assert from 'node:assert/strict';
import { node, nodeRoles } from './node.ts';

const cell = (name: string, obj: any) => node.columns!.find((c) => c.name === name)!.cell(obj);

test('STATUS: Ready, NotReady or Unknown, plus SchedulingDisabled when cordoned', () => {
  assert.equal(cell('Status', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }), 'Ready');
  assert.equal(cell('Status', { spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }), 'NotReady,SchedulingDisabled');
  assert.equal(cell('Status', {}), 'Unknown');
});

test('ROLES from node-role labels, sorted; <none> without', () => {
  assert.deepEqual(nodeRoles({ 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'edge' }), ['control-plane', 'edge', 'worker']);
  assert.equal(cell('Roles', { metadata: { labels: {} } }), '<none>');
});

test('VERSION and the wide columns', () => {
  const n = { status: { nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian' }, addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.0.0.2' }] } };
  assert.equal(cell('Version', n), 'v1.32.0');
  assert.equal(cell('Internal-IP', n), '10.0.0.2');
  assert.equal(cell('External-IP', n), '<none>');
  assert.equal(cell('OS-Image', n), 'Debian');
  assert.equal(cell('Kernel-Version', n), '<unknown>');
  assert.deepEqual(node.columns!.filter((c) => c.priority === 1).map((c) => c.name), ['Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']);
});

test('defaults: podCIDRs mirror podCIDR; allocatable defaults to capacity', () => {
  const n: any = { spec: { podCIDR: '10.244.1.0/24' }, status: { capacity: { cpu: '4', pods: '110' } } };
  node.defaults!(n);
  assert.deepEqual(n.spec.podCIDRs, ['10.244.1.0/24']);
  assert.deepEqual(n.status.allocatable, { cpu: '4', pods: '110' });
});

test('validation: taints, capacities, pod CIDRs set only once', () => {
  assert.deepEqual(node.validate!({ spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }), []);
  assert.deepEqual(node.validate!({ spec: { taints: [{ key: 'k', effect: 'Sometimes' }] } }).map((e) => e.field), ['metadata.taints[0].effect']);
  const old = { spec: { podCIDRs: ['10.244.1.0/24'] } };
  assert.deepEqual(node.validate!({ spec: { podCIDRs: ['10.244.2.0/24'] } }, old).map((e) => e.message), ['Forbidden: node updates may not change podCIDR except from "" to valid']);
  assert.equal(node.fieldSelectors!['spec.unschedulable']({ spec: {} }), 'false');
});
