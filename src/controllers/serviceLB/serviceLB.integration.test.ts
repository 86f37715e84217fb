// The ServiceLB controller against a real server: a LoadBalancer Service's status lists the
// Ready nodes' addresses and follows them; a Service of another load-balancer class is left alone.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Service } from '../../api/objects.ts';
import { types } from '../../client/resourceTypes.ts';
import { startTestbed, waitFor, type Testbed } from '../garbageCollector/controllerTestbed.ts';
import { serviceLBController } from './serviceLBController.ts';

let bed: Testbed;
before(async () => {
  bed = await startTestbed();
});
after(() => bed?.stop());

async function createNode(name: string, ip: string, ready: boolean): Promise<void> {
  await bed.client.create<Node>(types.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  await setReady(name, ip, ready);
}

async function setReady(name: string, ip: string, ready: boolean): Promise<void> {
  const status = { addresses: [{ type: 'InternalIP', address: ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: 'Test' }] };
  await bed.client.patch(types.nodes, undefined, name, 'merge', { status }, { subresource: 'status' });
}

const loadBalancer = (name: string, loadBalancerClass?: string): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80, protocol: 'TCP' }], ...(loadBalancerClass ? { loadBalancerClass } : {}) },
});

const ingressOf = async (name: string) => (await bed.client.get<Service>(types.services, 'default', name)).status?.loadBalancer?.ingress ?? [];

test('a LoadBalancer Service gets the Ready nodes\' InternalIPs and follows them', async () => {
  await createNode('one', '192.0.2.21', true);
  await createNode('two', '192.0.2.22', false);
  await bed.client.create(types.services, loadBalancer('web'));
  await bed.client.create(types.services, loadBalancer('other', 'example.com/lb'));
  await bed.run([serviceLBController]);

  await waitFor(async () => (await ingressOf('web')).length === 1, 10_000, 'the first ingress IP');
  assert.deepEqual(await ingressOf('web'), [{ ip: '192.0.2.21', ipMode: 'VIP' }]);
  await setReady('two', '192.0.2.22', true);
  await waitFor(async () => (await ingressOf('web')).length === 2, 10_000, 'the second node in the ingress');
  assert.deepEqual((await ingressOf('web')).map((i) => i.ip), ['192.0.2.21', '192.0.2.22']);
  await setReady('one', '192.0.2.21', false);
  await waitFor(async () => (await ingressOf('web')).length === 1, 10_000, 'a node gone from the ingress');
  assert.deepEqual((await ingressOf('web')).map((i) => i.ip), ['192.0.2.22']);
  assert.deepEqual(await ingressOf('other'), [], 'another class\'s Service is not ServiceLB\'s');
  assert.match(await bed.server.ok(['get', 'service', 'web']), /web\s+LoadBalancer\s+\S+\s+192\.0\.2\.22\s/);
});
