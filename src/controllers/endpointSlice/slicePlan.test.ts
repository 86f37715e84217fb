import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { PodObject, ServiceObject } from '../endpoints/servicePods.ts';
import { planSlices, type EndpointSliceObject } from './slicePlan.ts';

function service(spec: ServiceObject['spec'] = {}): ServiceObject {
  return {
    metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: { team: 'a' } },
    spec: { selector: { app: 'web' }, clusterIP: '10.0.0.1', ipFamilies: ['IPv4'], ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], ...spec },
  };
}

function pod(i: number, { ready = true, deleting = false, port = 8080, node = 'node-1' } = {}): PodObject {
  return {
    metadata: { name: `p${i}`, namespace: 'ns', uid: `uid-${i}`, labels: { app: 'web' }, ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'i', ports: port ? [{ name: 'http', containerPort: port }] : [] }] },
    status: { phase: 'Running', podIP: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const nodes: Record<string, Node> = { 'node-1': { metadata: { name: 'node-1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } } };
const node = (name: string) => nodes[name];

/** Gives created slices names, as the server would. */
function named(slices: EndpointSliceObject[]): EndpointSliceObject[] {
  return slices.map((s, i) => ({ ...s, metadata: { ...s.metadata, name: s.metadata?.name ?? `web-${i}`, resourceVersion: '1' } }));
}

test('pods become endpoints of an IPv4 slice owned by and labelled for the service', () => {
  const plan = planSlices({ service: service(), pods: [pod(1), pod(2, { ready: false })], node, existing: [] });
  assert.equal(plan.create.length, 1);
  const slice = plan.create[0]!;
  assert.equal(slice.addressType, 'IPv4');
  assert.equal(slice.metadata?.generateName, 'web-');
  assert.deepEqual(slice.metadata?.labels, { team: 'a', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  assert.deepEqual(slice.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(slice.endpoints[0], {
    addresses: ['10.1.0.2'],
    conditions: { ready: true, serving: true, terminating: false },
    nodeName: 'node-1',
    zone: 'zone-a',
    targetRef: { kind: 'Pod', namespace: 'ns', name: 'p1', uid: 'uid-1' },
  });
  assert.deepEqual(slice.endpoints[1]!.conditions, { ready: false, serving: false, terminating: false });
});

test('a terminating pod stays as an endpoint: not ready, serving as its readiness says, terminating', () => {
  const plan = planSlices({ service: service(), pods: [pod(1, { deleting: true }), pod(2, { deleting: true, ready: false })], node, existing: [] });
  assert.deepEqual(plan.create[0]!.endpoints.map((e) => e.conditions), [
    { ready: false, serving: true, terminating: true },
    { ready: false, serving: false, terminating: true },
  ]);
  const publishing = planSlices({ service: service({ publishNotReadyAddresses: true }), pods: [pod(1, { deleting: true })], node, existing: [] });
  assert.equal(publishing.create[0]!.endpoints[0]!.conditions?.ready, true);
});

test('pods resolving a named port differently land in slices of their own port set; pods without it in a portless one', () => {
  const plan = planSlices({ service: service(), pods: [pod(1, { port: 8080 }), pod(2, { port: 9090 }), pod(3, { port: 0 })], node, existing: [] });
  const byPorts = Object.fromEntries(plan.create.map((s) => [JSON.stringify((s.ports ?? []).map((p) => p.port)), s.endpoints.map((e) => e.targetRef?.name)]));
  assert.deepEqual(byPorts, { '[8080]': ['p1'], '[9090]': ['p2'], '[]': ['p3'] });
});

test('at most 100 endpoints per slice', () => {
  const pods = Array.from({ length: 250 }, (_, i) => pod(i));
  const plan = planSlices({ service: service(), pods, node, existing: [] });
  assert.deepEqual(plan.create.map((s) => s.endpoints.length), [100, 100, 50]);
});

test('a service without endpoints keeps one empty placeholder slice', () => {
  const plan = planSlices({ service: service(), pods: [], node, existing: [] });
  assert.equal(plan.create.length, 1);
  assert.deepEqual([plan.create[0]!.endpoints, plan.create[0]!.ports], [[], []]);
  const again = planSlices({ service: service(), pods: [], node, existing: named(plan.create) });
  assert.deepEqual([again.create, again.update, again.delete], [[], [], []], 'the placeholder is kept as it is');
});

test('a settled service needs no writes; a changed endpoint is updated in place', () => {
  const first = planSlices({ service: service(), pods: [pod(1), pod(2)], node, existing: [] });
  const existing = named(first.create);
  const settled = planSlices({ service: service(), pods: [pod(1), pod(2)], node, existing });
  assert.deepEqual([settled.create, settled.update, settled.delete], [[], [], []]);
  const changed = planSlices({ service: service(), pods: [pod(1, { ready: false }), pod(2)], node, existing });
  assert.deepEqual([changed.create.length, changed.update.length, changed.delete.length], [0, 1, 0]);
  assert.equal(changed.update[0]!.metadata?.name, existing[0]!.metadata?.name);
  assert.equal(changed.update[0]!.endpoints.find((e) => e.targetRef?.name === 'p1')!.conditions?.ready, false);
});

test('new endpoints fill an existing slice; a slice left empty is replaced by reusing it', () => {
  const existing = named(planSlices({ service: service(), pods: [pod(1)], node, existing: [] }).create);
  const grown = planSlices({ service: service(), pods: [pod(1), pod(2)], node, existing });
  assert.deepEqual([grown.create.length, grown.update.length], [0, 1]);
  assert.equal(grown.update[0]!.endpoints.length, 2);
  // All pods now resolve the port differently: the old slice goes, its name is reused.
  const moved = planSlices({ service: service(), pods: [pod(1, { port: 9090 })], node, existing });
  assert.deepEqual([moved.create.length, moved.update.length, moved.delete.length], [0, 1, 0]);
  assert.equal(moved.update[0]!.metadata?.name, existing[0]!.metadata?.name);
  assert.deepEqual(moved.update[0]!.ports, [{ name: 'http', port: 9090, protocol: 'TCP' }]);
});

test('slices of an earlier service of the same name are deleted, not reused', () => {
  const old = named(planSlices({ service: { ...service(), metadata: { ...service().metadata, uid: 'old-uid' } }, pods: [pod(1)], node, existing: [] }).create);
  const plan = planSlices({ service: service(), pods: [pod(1)], node, existing: old });
  assert.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [1, 0, 1]);
});

test('a pod on an unknown node is left out, and reported so the service is retried', () => {
  const plan = planSlices({ service: service(), pods: [pod(1), pod(2, { node: 'ghost' })], node, existing: [] });
  assert.deepEqual(plan.create[0]!.endpoints.map((e) => e.targetRef?.name), ['p1']);
  assert.match(plan.errors[0]!, /Node ghost Not Found/);
});

test('headless services get the headless label; a service being deleted gets no new slices', () => {
  const headless = planSlices({ service: service({ clusterIP: 'None' }), pods: [pod(1)], node, existing: [] });
  assert.equal(headless.create[0]!.metadata?.labels?.['service.kubernetes.io/headless'], '');
  const deleting = service();
  deleting.metadata!.deletionTimestamp = '2024-01-01T00:00:00Z';
  assert.deepEqual(planSlices({ service: deleting, pods: [pod(1)], node, existing: [] }).create, []);
});
