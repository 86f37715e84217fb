// The Endpoints and EndpointSlice controllers against a real server: ready and not-ready
// addresses, named ports resolved per pod, terminating pods, cleanup when the Service goes,
// and Services without a selector left alone.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/kind.ts';
import { types } from '../../client/resourceTypes.ts';
import { startTestbed, waitFor, waitForGone, type Testbed } from '../garbageCollector/controllerTestbed.ts';
import { garbageCollectorController } from '../garbageCollector/garbageCollectorController.ts';
import { endpointsController } from '../endpoints/endpointsController.ts';
import { endpointSliceController } from './endpointSliceController.ts';
import type { EndpointSliceObject } from './slicePlan.ts';

let bed: Testbed;
const ns = 'eps';

before(async () => {
  bed = await startTestbed();
  await bed.run([endpointsController, endpointSliceController, garbageCollectorController]);
  await bed.client.create(types.namespaces, { metadata: { name: ns } });
  await bed.client.create(types.nodes, { metadata: { name: 'node-1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } });
});
after(() => bed?.stop());

async function runningPod(name: string, ip: string, ready: boolean, portName = 'http'): Promise<void> {
  await bed.client.create(types.pods, {
    metadata: { name, namespace: ns, labels: { app: 'web' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx', ports: [{ name: portName, containerPort: 8080 }] }] },
  });
  const lastTransitionTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const status = { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime }] };
  await bed.client.patch(types.pods, ns, name, 'merge', { status }, { subresource: 'status' });
}

const endpointsOf = (name: string) => bed.client.get<Endpoints & KubeObject>(types.endpoints, ns, name).catch(() => undefined);
const slicesOf = async (service: string) =>
  (await bed.client.list<EndpointSliceObject>(types.endpointSlices, { namespace: ns, labelSelector: `kubernetes.io/service-name=${service}` })).items;
const endpointNames = (slices: EndpointSliceObject[]) => slices.flatMap((s) => s.endpoints.map((e) => e.targetRef?.name)).sort();

test('a selector service gets Endpoints and EndpointSlices of its pods, named ports resolved per pod', async () => {
  await bed.client.create(types.services, {
    metadata: { name: 'web', namespace: ns, labels: { tier: 'front' } },
    spec: { selector: { app: 'web' }, clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  });
  await runningPod('ready', '10.1.0.1', true);
  await runningPod('unready', '10.1.0.2', false);
  await runningPod('other-port', '10.1.0.3', true, 'admin');

  const endpoints = await waitFor(async () => {
    const ep = await endpointsOf('web');
    return ep?.subsets?.[0]?.notReadyAddresses?.length === 1 && ep;
  }, 10_000, 'the Endpoints of web');
  assert.ok(endpoints);
  assert.deepEqual(endpoints.metadata?.labels, { tier: 'front' });
  assert.deepEqual(endpoints.subsets, [
    {
      addresses: [{ ip: '10.1.0.1', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: ns, name: 'ready', uid: endpoints.subsets![0]!.addresses![0]!.targetRef!.uid } }],
      notReadyAddresses: [{ ip: '10.1.0.2', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: ns, name: 'unready', uid: endpoints.subsets![0]!.notReadyAddresses![0]!.targetRef!.uid } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
  ]);
  assert.ok(endpoints.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']);

  const slices = await waitFor(async () => {
    const found = await slicesOf('web');
    return endpointNames(found).length === 3 && found;
  }, 10_000, 'the EndpointSlices of web');
  assert.ok(slices);
  const named = slices.find((s) => s.ports?.length)!;
  assert.deepEqual(named.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(named.endpoints.map((e) => [e.targetRef?.name, e.conditions?.ready, e.zone]).sort(), [['ready', true, 'zone-a'], ['unready', false, 'zone-a']]);
  assert.equal(named.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  assert.equal(named.metadata?.ownerReferences?.[0]?.kind, 'Service');
  // The pod without an "http" port is an endpoint without ports, in a slice of its own.
  assert.deepEqual(slices.find((s) => !s.ports?.length)!.endpoints.map((e) => e.targetRef?.name), ['other-port']);
  assert.match(await bed.server.ok(['-n', ns, 'get', 'endpoints', 'web']), /10\.1\.0\.1:8080/);
});

test('a terminating pod leaves the Endpoints and stays in its slice as terminating', async () => {
  // On a node, deletion is graceful: with no kubelet here the pod stays terminating.
  await bed.client.delete(types.pods, ns, 'ready');
  await waitFor(async () => !(await endpointsOf('web'))?.subsets?.some((s) => s.addresses?.length), 10_000, 'the ready address to leave the Endpoints');
  const slices = await waitFor(async () => {
    const found = await slicesOf('web');
    return found.some((s) => s.endpoints.some((e) => e.conditions?.terminating)) && found;
  }, 10_000, 'the terminating endpoint');
  assert.ok(slices);
  const endpoint = slices.flatMap((s) => s.endpoints).find((e) => e.targetRef?.name === 'ready')!;
  assert.deepEqual(endpoint.conditions, { ready: false, serving: true, terminating: true });
});

test('deleting the service removes its Endpoints and (through the garbage collector) its slices', async () => {
  await bed.client.delete(types.services, ns, 'web');
  await waitForGone(() => bed.client.get(types.endpoints, ns, 'web'), 'the Endpoints to be deleted');
  await waitFor(async () => (await slicesOf('web')).length === 0, 10_000, 'the slices to be collected');
});

test('a service without a selector keeps the Endpoints made for it by hand', async () => {
  await bed.client.create(types.services, { metadata: { name: 'external', namespace: ns }, spec: { ports: [{ port: 5432 }] } });
  const manual = { metadata: { name: 'external', namespace: ns }, subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 5432 }] }] };
  await bed.client.create(types.endpoints, manual);
  // Another service's sync shows the controllers are running; the manual Endpoints are untouched.
  await bed.client.create(types.services, { metadata: { name: 'probe', namespace: ns }, spec: { selector: { app: 'none' }, ports: [{ port: 80 }] } });
  await waitFor(() => endpointsOf('probe'), 10_000, 'the Endpoints of probe');
  await waitFor(async () => (await slicesOf('probe')).length === 1, 10_000, 'the placeholder slice of probe');
  assert.deepEqual((await endpointsOf('external'))?.subsets, manual.subsets.map((s) => ({ ...s, ports: [{ port: 5432, protocol: 'TCP' }] })));
  assert.deepEqual(await slicesOf('external'), []);
});
