// The namespace controller against a real server, driven by real kubectl: deleting a
// namespace empties it (built-in and custom kinds), reports what holds it, then removes it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/kind.ts';
import { types } from '../../client/resourceTypes.ts';
import { startTestbed, waitFor, waitForGone, type Testbed } from '../garbageCollector/controllerTestbed.ts';
import { garbageCollectorController } from '../garbageCollector/garbageCollectorController.ts';
import { namespaceController } from './namespaceController.ts';

let bed: Testbed;
before(async () => {
  bed = await startTestbed();
  await bed.run([namespaceController, garbageCollectorController]);
});
after(() => bed?.stop());

const conditionsOf = async (name: string) => {
  const ns = await bed.client.get<KubeObject>(types.namespaces, undefined, name);
  return Object.fromEntries(((ns.status as any)?.conditions ?? []).map((c: any) => [c.type, c]));
};

test('kubectl delete namespace empties it, custom resources included, and returns once it is gone', async () => {
  await bed.server.ok(['create', 'namespace', 'doomed']);
  await bed.server.ok(['-n', 'doomed', 'create', 'configmap', 'cfg', '--from-literal=a=1']);
  await bed.server.ok(['-n', 'doomed', 'create', 'secret', 'generic', 's', '--from-literal=a=1']);
  await bed.server.ok(['-n', 'doomed', 'create', 'deployment', 'web', '--image=nginx']);
  await bed.client.create(types.customResourceDefinitions, {
    metadata: { name: 'gadgets.ns.example.com' },
    spec: {
      group: 'ns.example.com',
      scope: 'Namespaced',
      names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  });
  const gadgets = { group: 'ns.example.com', version: 'v1', plural: 'gadgets', kind: 'Gadget', namespaced: true };
  await waitFor(() => bed.client.create(gadgets, { apiVersion: 'ns.example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'doomed' } }).catch(() => undefined), 10_000, 'the CRD to serve');

  assert.match(await bed.server.ok(['delete', 'namespace', 'doomed', '--timeout=30s']), /namespace "doomed" deleted/);
  await waitForGone(() => bed.client.get(types.namespaces, undefined, 'doomed'), 'the namespace to be gone');
  for (const type of [types.configMaps, types.secrets, types.deployments, gadgets]) {
    assert.deepEqual((await bed.client.list(type, { namespace: 'doomed' })).items, [], `no ${type.plural} left`);
  }
});

test('a namespace held by an object with a finalizer says so, and goes once the finalizer does', async () => {
  await bed.client.create(types.namespaces, { metadata: { name: 'held' } });
  await bed.client.create(types.configMaps, { metadata: { name: 'keep', namespace: 'held', finalizers: ['example.com/hold'] } });
  await bed.client.delete(types.namespaces, undefined, 'held');
  await waitFor(async () => (await conditionsOf('held')).NamespaceFinalizersRemaining?.status === 'True', 10_000, 'the FinalizersRemaining condition');
  const conditions = await conditionsOf('held');
  assert.equal(conditions.NamespaceContentRemaining.message, 'Some resources are remaining: configmaps. has 1 resource instances');
  assert.equal(conditions.NamespaceFinalizersRemaining.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
  assert.equal(conditions.NamespaceDeletionDiscoveryFailure.status, 'False');
  const ns = await bed.client.get<KubeObject>(types.namespaces, undefined, 'held');
  assert.equal((ns.status as any).phase, 'Terminating');
  assert.deepEqual((ns.spec as any).finalizers, ['kubernetes']);

  await bed.client.patch(types.configMaps, 'held', 'keep', 'merge', { metadata: { finalizers: null } });
  await waitForGone(() => bed.client.get(types.namespaces, undefined, 'held'), 'the namespace to go once the finalizer is removed');
});
