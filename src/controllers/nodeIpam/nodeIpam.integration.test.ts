// The node IPAM controller against a real server: nodes without a podCIDR get the next free
// subnet of the cluster CIDR, subnets nodes already have are never handed out again, a full
// range is reported as upstream does, and a deleted node's subnet goes to a node waiting.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../../api/objects.ts';
import type { KubeObject } from '../../api/kind.ts';
import { types } from '../../client/resourceTypes.ts';
import type { Controller } from '../controller.ts';
import { startTestbed, waitFor, type Testbed } from '../garbageCollector/controllerTestbed.ts';
import { nodeIpamController } from './nodeIpamController.ts';

/** Four /24s. */
const clusterCIDR = '10.99.0.0/22';
const withClusterCIDR: Controller = {
  name: nodeIpamController.name,
  start: (ctx) => nodeIpamController.start({ ...ctx, options: { ...ctx.options, clusterCIDR, nodeCIDRMaskSize: 24 } }),
};

let bed: Testbed;
let stopController: () => void;
before(async () => {
  bed = await startTestbed();
});
after(() => bed?.stop());

const createNode = (name: string, podCIDR?: string) =>
  bed.client.create<Node>(types.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: podCIDR ? { podCIDR } : {} });

const podCIDROf = (name: string) => waitFor(async () => (await bed.client.get<Node>(types.nodes, undefined, name)).spec?.podCIDR, 10_000, `a podCIDR for ${name}`);

test('nodes get the free subnets of the cluster CIDR; a full range is an event; a deleted node frees its subnet', async () => {
  await createNode('own', '10.99.0.0/24'); // registered with a subnet of the range: marked used at start
  await createNode('elsewhere', '10.200.0.0/24'); // outside the range: left alone
  await createNode('first');
  stopController = await bed.run([withClusterCIDR]);

  assert.equal(await podCIDROf('first'), '10.99.1.0/24');
  const first = await bed.client.get<Node>(types.nodes, undefined, 'first');
  assert.deepEqual(first.spec?.podCIDRs, ['10.99.1.0/24']);
  await createNode('second');
  await createNode('third');
  assert.deepEqual([await podCIDROf('second'), await podCIDROf('third')].sort(), ['10.99.2.0/24', '10.99.3.0/24']);
  assert.equal((await bed.client.get<Node>(types.nodes, undefined, 'elsewhere')).spec?.podCIDR, '10.200.0.0/24');

  await createNode('fourth');
  const event = await waitFor(async () => {
    const events = await bed.client.list<KubeObject & { reason?: string; message?: string; involvedObject?: { kind?: string; name?: string } }>(types.events);
    return events.items.find((e) => e.reason === 'CIDRNotAvailable' && e.involvedObject?.name === 'fourth');
  }, 10_000, 'a CIDRNotAvailable event');
  assert.equal(event.involvedObject?.kind, 'Node');
  assert.equal(event.message, 'Node fourth status is now: CIDRNotAvailable');

  const second = (await bed.client.get<Node>(types.nodes, undefined, 'second')).spec!.podCIDR!;
  await bed.client.delete(types.nodes, undefined, 'second');
  assert.equal(await podCIDROf('fourth'), second);
});

test('a restarted controller finds the subnets in use on the nodes', async () => {
  stopController();
  const third = (await bed.client.get<Node>(types.nodes, undefined, 'third')).spec!.podCIDR!;
  await bed.client.delete(types.nodes, undefined, 'third');
  await createNode('fifth');
  await bed.run([withClusterCIDR]);
  assert.equal(await podCIDROf('fifth'), third);
});
